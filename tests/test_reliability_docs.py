"""docs/reliability.md names real tests, and every reliability test is named there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"


def _defined_tests() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in (ROOT / "tests").glob("test_*.py"):
        names = set(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
        out[path.name] = names
    return out


def test_every_test_the_doc_names_exists():
    text = DOC.read_text(encoding="utf-8")
    defined = _defined_tests()
    everywhere = set().union(*defined.values())
    named = set(re.findall(r"\b(test_\w+)\b", text)) - {n[:-3] for n in defined}
    missing = sorted(n for n in named
                     if n not in everywhere and not n.startswith("test_reliability_"))
    assert missing == [], missing
    for file, test in re.findall(r"tests/(test_\w+\.py)::(test_\w+)", text):
        assert test in defined.get(file, set()), f"{file}::{test}"


def test_every_reliability_test_is_named_in_the_doc():
    text = DOC.read_text(encoding="utf-8")
    defined = _defined_tests()
    unnamed = sorted(
        f"{file}::{name}" for file, names in defined.items()
        if file.startswith("test_reliability_") and file != Path(__file__).name
        for name in names if name not in text
    )
    assert unnamed == [], unnamed
