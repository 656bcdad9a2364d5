"""The privacy gate, whole: what leaves the team is checked, cleared and cleaned once.

Reports are rendered in-process (``Report.load(...).render_html()``, the code the report
notebook runs) and the header through ``reports._report_metadata``, so these tests see
every sentence, table, caption and alt text a reader would.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from hls_workbook import privacy
from hls_workbook.domain.errors import RecordError
from hls_workbook.privacy import clearance
from hls_workbook.reporting.reports import ReportError, ReportRequest, _report_metadata
from hls_workbook.reporting.sections import Report

from .privacy_helpers import clear_all
from .samples import GOOD

ROOT = Path(__file__).resolve().parents[1]
PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}

#: Personal details as teams really type them: varied case and spacing.
PLANTED = [
    "jane.doe@example.org",
    "kwame dot mensah at gmail dot com",
    "07700 900123",
    "+44 20 7946 0958",
    "M1 1AE",
    "sw1a1aa",
    "qq 12 34 56 c",
    "QQ123456C",
    "born 3 March 1961",
    "12 Acacia Avenue",
    "flat 3, 41 Mill Lane",
    "Siobhan Murphy",
    "Mrs Okonkwo",
]
#: The words of each planted detail that must never be published.
MUST_GO = ["jane.doe", "mensah", "900123", "7946", "M1 1AE", "sw1a1aa", "qq 12 34 56 c",
           "QQ123456C", "1961", "Acacia", "Mill Lane", "Siobhan", "Murphy", "Okonkwo"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _render(db, audience: str, title: str = "") -> str:
    report = Report.load(db=str(db), place="testville", audience=audience, title=title,
                         **PERIOD)
    req = ReportRequest.make("testville", PERIOD["start"], PERIOD["end"], audience, db=db,
                             title=title)
    header = _report_metadata(req)
    return " ".join([header["title"], header["place_name"], report.render_html()])


def _plant_everywhere(wb) -> None:
    """One record of every kind, every shared text field carrying every planted detail."""
    blob = "Notes: " + "; ".join(PLANTED) + "."
    turn = iter(range(10_000))

    def short() -> str:  # a short field holds two details, in turn
        i = next(turn)
        return f"{PLANTED[i % len(PLANTED)]} and {PLANTED[(i + 1) % len(PLANTED)]}"

    ids = {}
    for kind in ("partner", "meeting_series", "glossary_term", "experiment", "learning",
                 "burden", "value", "support", "voice", "meeting", "decision", "share",
                 "reflection", "contribution"):
        data = dict(GOOD[kind])
        if kind == "voice":
            data.update(consent_audiences=["public"], consent_naming="pseudonym",
                        pseudonym="Call 07700 900123", collected_on="2026-02-01")
        if kind == "share":
            data["learning"] = ids["learning"]
        if kind == "contribution":
            data["meeting"] = ids["meeting"]
        model = wb_model(kind)
        for field in {*clearance.SHARED_TEXT.get(kind, ()), *model.free_text}:
            widget = model.field_meta(field).widget
            data[field] = ([short()] if widget == "tags" else
                           blob if widget == "long_text" else short())
        ids[kind] = wb.add(kind, data, place="testville")
    review = dict(GOOD["review"], experiment=ids["experiment"])
    for field in clearance.SHARED_TEXT["review"]:
        review[field] = blob
    wb.add("review", review, place="testville")
    wb.set_place("testville", {"name": "Testville", "shared_focus": blob,
                               "why_it_matters": blob})


def wb_model(kind):
    from hls_workbook.domain.model import model_for

    return model_for(kind)


def _clear_everything(wb, audience: str = "public") -> int:
    return clear_all(wb, "testville", audience, **PERIOD)


def test_planted_details_never_reach_a_public_or_partners_report(wb, db_path):
    _plant_everywhere(wb)
    assert _clear_everything(wb) > 15  # a person cleared it all: detection is the net
    title = "Report for Siobhan Murphy, 07700 900123"
    for audience in ("public", "partners"):
        text = _render(db_path, audience, title=title)
        left = [w for w in MUST_GO if w.casefold() in text.casefold()]
        assert not left, f"{audience} report still shows {left}"
        assert privacy.REMOVED in text
    team = _render(db_path, "team", title=title)
    assert "Siobhan Murphy" in team  # the team sees what it typed


def test_text_nobody_cleared_never_reaches_the_public(wb, db_path):
    marker = "Zanzibarwords"
    for kind in ("learning", "experiment", "value", "support", "glossary_term"):
        data = dict(GOOD[kind])
        for field in clearance.SHARED_TEXT[kind]:
            meta = wb_model(kind).field_meta(field)
            data[field] = [marker] if meta.widget == "tags" else f"{marker} {field}"
        wb.add(kind, data, place="testville")
    wb.add("voice", dict(GOOD["voice"], story=f"{marker} story",
                         consent_audiences=["public"]), place="testville")
    public = _render(db_path, "public")
    assert marker not in public
    report = Report.load(db=str(db_path), place="testville", audience="public", **PERIOD)
    assert report.waiting == 3 + 2 + 2 + 1 + 3 + 2 + 1  # fields above, the story, the focus
    # "How we protect people" says so (shown after the summary at the top of the report).
    assert f"{report.waiting:,} pieces of text are waiting for that check" in _text(
        report.protection())
    assert marker in _render(db_path, "partners")  # partners: detection, not a check
    assert marker in _render(db_path, "team")


def test_held_back_and_reworded_text(wb, db_path):
    lid = wb.add("learning", dict(GOOD["learning"], amplify=True,
                                  observation="Buses stop at seven on Mill Road"),
                 place="testville")
    raw, _ = privacy.read_tables(wb, "testville", PERIOD["start"], PERIOD["end"])
    pieces = clearance.pieces(raw, "public").set_index(["kind", "id", "field"])
    obs = pieces.loc[("learning", lid, "observation")]
    title = pieces.loc[("learning", lid, "title")]
    wb.add("clearance", {"record_kind": "learning", "record_id": lid,
                         "field_name": "observation", "text_sha256": obs["fingerprint"],
                         "audience": "public", "decision": "edited",
                         "shared_text": "The last bus leaves early", "checked_by": "Sam"},
           place="testville")
    wb.add("clearance", {"record_kind": "learning", "record_id": lid, "field_name": "title",
                         "text_sha256": title["fingerprint"], "audience": "partners",
                         "decision": "held", "checked_by": "Sam"}, place="testville")
    public, partners = _render(db_path, "public"), _render(db_path, "partners")
    assert "The last bus leaves early" in public and "Mill Road" not in public
    assert "The last bus leaves early" in partners  # a public check covers partners
    assert GOOD["learning"]["title"] not in partners  # held back from partners
    assert "Buses stop at seven" in _render(db_path, "team")  # the original stays
    # Editing the text again makes the check stale: it waits for a new one.
    wb.edit("learning", lid, {"observation": "Buses stop at six now"})
    assert "The last bus leaves early" not in _render(db_path, "public")


def test_a_made_up_name_with_a_phone_number_is_shown_by_role(wb, db_path):
    vid = wb.add("voice", dict(GOOD["voice"], consent_audiences=["public"],
                               consent_naming="pseudonym", pseudonym="ring 07700 900123"),
                 place="testville")
    _clear_everything(wb)
    text = _render(db_path, "public")
    assert "900123" not in text and "Someone who uses services" in text, vid


@pytest.mark.parametrize("threshold", [1, 4, "3"])
def test_public_threshold_cannot_go_below_five(threshold):
    with pytest.raises(RecordError) as err:
        privacy.Policy("public", threshold)
    assert "5 or more" in str(err.value)
    with pytest.raises(ReportError) as err2:
        ReportRequest.make("testville", "2026-01-01", "2026-03-31", "public",
                           threshold=threshold)
    assert str(err2.value).startswith("--threshold:")
    assert privacy.Policy("public", 10).threshold == 10  # a team may raise it
    request = ReportRequest.make("testville", "2026-01-01", "2026-03-31", " PUBLIC ",
                                 threshold="7")  # as typed on a command line
    assert (request.audience, request.threshold) == ("public", 7)
    assert privacy.Policy("team", 1).threshold == 1


REPORT_SIDE = [str(p.relative_to(ROOT)) for folder in ("reporting/sections", "reporting/charts",
                                                        "analysis")
               for p in sorted((ROOT / "hls_workbook" / folder).glob("*.py"))]


@pytest.mark.parametrize("path", REPORT_SIDE)
def test_report_side_code_reads_the_store_only_through_the_gate(path):
    """Sections, charts and analyses get only what the gate hands them."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):  # constants (META_COLUMNS) are fine
            doors = {"open_workbook", "workbook", "Workbook", "TABLES", "store"}
            assert not {a.name for a in node.names} & doors, f"{path} opens the store"
            assert not (node.module or "").startswith("sqlalchemy"), path
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[-1] in ("store", "sqlalchemy", "sqlite3")
                           for a in node.names), path
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in ("table", "tables", "listing", "history"), (
                f"{path} line {node.lineno}: reads records itself ({node.func.attr})")


def test_privacy_package_names_load_on_first_use():
    import hls_workbook.privacy as p

    assert set(p.__all__) == set(p._MODULE_OF)
    for name in p.__all__:
        assert getattr(p, name) is not None


def test_demo_public_report_sentences_start_with_a_capital(demo_pages):
    text = _text(demo_pages["public"])
    lower = re.findall(r"(?:^|[.!?] )((?:fewer|hidden|a hidden|at least)\b[^.]{0,40})", text)
    assert not lower, lower
    assert "How we protect people" in text


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_some_kinds_read_through_the_gate_as_among_all(demo_db, audience):
    """The period before a report (At a glance) reads only what it compares: each of
    those kinds comes out of the gate as it does when every kind is read."""
    period = ("millbrook", "2026-04-01", "2026-06-30", audience)
    whole = privacy.open_tables(str(demo_db), *period)
    kinds = ["meeting_series", "meeting", "experiment", "review", "learning", "share"]
    some = privacy.open_tables(str(demo_db), *period, kinds=kinds)
    assert set(kinds) <= set(some) <= set(whole)
    for kind in kinds:
        assert len(whole[kind]), kind  # the demo has some of each in the period
        pd.testing.assert_frame_equal(some[kind], whole[kind])
        for key in ("audience", "threshold", "aggregate_only"):
            assert some[kind].attrs["privacy"][key] == whole[kind].attrs["privacy"][key]


def test_the_gates_tag_is_shared_not_copied_and_cannot_change(demo_db):
    import copy
    import json

    tables = privacy.open_tables(str(demo_db), "millbrook", "2026-01-01", "2026-06-30",
                                 "public")
    pulse = tables["pulse"]
    tag = pulse.attrs["privacy"]
    assert tag["aggregate_only"] and tag["audience"] == "public" and tag["threshold"] == 5
    # Every frame made from a gated frame carries the same tag, not a copy of it.
    assert pulse.head(3).attrs["privacy"] is tag
    assert pulse.copy(deep=True).attrs["privacy"] is tag
    assert copy.deepcopy(tag) is tag
    with pytest.raises(TypeError):
        tag["aggregate_only"] = False
    with pytest.raises(TypeError):
        tag.update(aggregate_only=False)
    assert json.loads(json.dumps(dict(pulse.attrs)))["privacy"] == dict(tag)
