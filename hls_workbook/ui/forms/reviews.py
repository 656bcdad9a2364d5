"""What a saved review changes elsewhere: its decision carried through to its experiment.

Kept apart from the form builder: the one place where saving one kind of record changes
another (stop ends the experiment, dampen pauses it), said in the save message.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import Record, model_for
from hls_workbook.ui.forms.live import tell_saved
from hls_workbook.ui.forms.values import plain_error

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Workbook


def follow_review(wb: Workbook, review: Record, *, by: str | None = None,
                  place: str | None = None) -> str:
    """Carry a new review's decision through to its experiment; say what changed.

    Stop ends the experiment (or stops it early) and dampen pauses it, as a new version of
    the experiment (see :meth:`hls_workbook.domain.model.Review.experiment_status`); amplify and
    adapt leave it. Returns a sentence to add to the save message (empty when nothing
    changed). The review is saved already: a problem here is said, never raised, and the
    experiment can still be changed by hand.
    """
    eid = int(getattr(review, "experiment", 0) or 0)
    try:
        row = wb.get("experiment", eid)
        end_on = row.get("end_on")
        if isinstance(end_on, dt.datetime):
            end_on = end_on.date()
        status = review.experiment_status(row.get("status"), end_on)  # type: ignore[attr-defined]
        if status is None:
            return ""
        version = wb.edit("experiment", eid, {"status": status}, by=by,
                          expected_version=row.get("version"))
    except WorkbookError as exc:
        return (f" Experiment #{eid} was not changed ({plain_error(exc)}): change where it is up "
                "to by hand.")
    if place is not None:
        tell_saved(wb, place, "experiment", [eid])
    label = model_for("experiment").field_meta("status").choices or {}
    return (f" Experiment #{eid} is now at “{label.get(status, status)}” "
            f"(version {version}).")
