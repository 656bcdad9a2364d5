"""Test helpers for the privacy gate: a person clearing every piece of text at once."""

from __future__ import annotations

from hls_workbook import privacy
from hls_workbook.privacy import clearance


def clear_all(wb, place: str, audience: str = "public", *, start: str = "2000-01-01",
              end: str = "2100-12-31", decision: str = "cleared") -> int:
    """Record a check of every piece of text a report for ``audience`` would carry, as
    a coordinator working through "Check before sharing" would; returns how many."""
    raw, _names = privacy.read_tables(wb, place, start, end)
    pieces = clearance.pieces(raw, audience)
    for p in pieces.to_dict("records"):
        wb.add("clearance", {"record_kind": p["kind"], "record_id": p["id"],
                             "field_name": p["field"], "text_sha256": p["fingerprint"],
                             "audience": audience, "decision": decision,
                             "checked_by": "Sam", "checked_on": "2026-11-01"},
               place=place)
    return len(pieces)


def cleared_tables(wb, place: str, audience: str = "public") -> dict:
    """Every table of ``place`` (clearances included) after clearing all its text."""
    clear_all(wb, place, audience)
    return wb.tables(place)


def file_text(path) -> str:
    """Every value in an exported file, as text (an .xlsx read cell by cell)."""
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        return " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                        for c in row if c is not None)
    return path.read_text(encoding="utf-8")
