"""The checks a fictional coordinator made before the demo's reports were shared: most
text cleared, a few pieces reworded or held back, and some left waiting, so the reports
show every state a check can be in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hls_workbook.demo.town import CHECKER, REWORDED, START, WEEKS
from hls_workbook.store.workbook import Workbook


def check_before_sharing(wb: Workbook, place: str) -> int:
    """Record the checks a coordinator made before sharing the demo's reports.

    For the public, then for partners: most pieces of text are cleared as written; a few
    are put in other words (one that named someone's job, a story told more briefly) and
    a few held back; the last five of each audience are left waiting, so the reports show
    that some text waits for a check. Deterministic: decisions follow the pieces' order.
    Returns how many checks were saved.
    """
    from hls_workbook.privacy.clearance import PENDING, pieces, status
    from hls_workbook.privacy.gate import read_tables

    end = START + dt.timedelta(weeks=WEEKS)
    checked_on = min(end + dt.timedelta(days=7), dt.date.today())
    saved = 0
    for audience, left in (("public", 5), ("partners", 3)):
        raw, _names = read_tables(wb, place, START, end)
        found = status(pieces(raw, audience), raw["clearance"], audience)
        todo = found[found["status"] == PENDING].to_dict("records")
        todo = todo[:max(0, len(todo) - left)]
        stories = held = 0
        items: list[tuple[str, dict[str, Any]]] = []
        for row in todo:
            decision, wording = "cleared", None
            text = str(row["text"])
            for start, new in REWORDED.items():
                if text.startswith(start):
                    decision, wording = "edited", new
            if row["kind"] == "voice" and row["field"] == "story" and stories < 2:
                stories += 1
                decision = "edited"
                # Shortened to the words the teller is happy to see shared, still in
                # their own voice (it is signed with their name where they agreed).
                wording = text.rsplit(". ", 1)[-1].strip()
            elif row["kind"] == "voice" and row["field"] == "why_it_matters" and held < 2:
                held += 1
                decision = "held"
            items.append(("clearance", {
                "record_kind": row["kind"], "record_id": int(row["id"]),
                "field_name": row["field"], "text_sha256": row["fingerprint"],
                "audience": audience, "decision": decision, "shared_text": wording,
                "checked_by": CHECKER, "checked_on": checked_on,
            }))
        if items:
            saved += len(wb.add_many(items, place=place, by="charity"))
    return saved
