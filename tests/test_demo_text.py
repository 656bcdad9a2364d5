"""The demo reads like a real team's: no next step, limit or story said twice, and no
story put together from another's sentences; and the same seed still builds the same text."""

from __future__ import annotations

import re

from hls_workbook import open_workbook
from hls_workbook.demo import build_demo
from hls_workbook.domain.values import missing

PLACE = "millbrook"
TEXT = {"voice": ["story", "why_it_matters"], "learning": ["response"],
        "experiment": ["safe_to_fail_bounds"], "review": ["actual", "sustain", "improve"]}


def _texts(book) -> dict[str, list[list[str]]]:
    out = {}
    for kind, columns in TEXT.items():
        frame = book.table(kind, PLACE).sort_values("id")
        out[kind] = frame[columns].astype(str).values.tolist()
    return out


def test_every_next_step_limit_and_story_is_its_own(demo_wb):
    steps = demo_wb.table("learning", PLACE)["response"].tolist()
    limits = demo_wb.table("experiment", PLACE)["safe_to_fail_bounds"].tolist()
    voices = demo_wb.table("voice", PLACE)
    stories = [s for s, gone in zip(voices["story"], voices["consent_withdrawn"], strict=True)
               if not missing(s) and not gone]
    assert len(steps) == 24 and len(set(steps)) == 24
    assert len(limits) == 9 and len(set(limits)) == 9
    assert len(stories) >= 10 and len(set(stories)) == len(stories)
    sentences = [s for story in stories for s in re.split(r"(?<=[.!?])\s+", story)]
    assert len(set(sentences)) == len(sentences), "a sentence is in two stories"


def test_the_same_seed_builds_the_same_text(demo_wb, tmp_path):
    with open_workbook(tmp_path / "again.db", create=True) as again:
        build_demo(again)
        assert _texts(again) == _texts(demo_wb)
