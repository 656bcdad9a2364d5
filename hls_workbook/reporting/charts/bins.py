"""Grouping dated items into bars of equal time, and how many bars or rows a chart shows.

A big place's chart stays as readable, and as small, as a small place's: meetings or dates
are grouped by week, month, quarter or year (:func:`time_bins`) so that there are never
more than :data:`MAX_BARS` bars, and lists show the largest :data:`TOP_N` one by one.
The charts (and the report's sections) read them as ``bins.MAX_BARS``, ``bins.MAX_ROWS``
and ``bins.TOP_N`` when they draw, so a test can lower them here, in one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

#: bar per week (or month, quarter or year: the shortest that keeps within it), so that a
#: big place's chart stays as readable, and as small, as a small place's.
MAX_BARS = 40
#: A chart whose numbers table has a row a bar (who spoke, meeting by meeting) has at most
#: this many: more meetings are grouped by week, month... as above. Its table stays a few
#: lines long (a row for each of 29 meetings took half a printed page).
MAX_ROWS = 12
#: Charts of series, funders or requirements show the largest this many one by one, and
#: the rest together in one row.
TOP_N = 15

_UNITS = (("week", "W-MON", "Week starting"), ("month", "MS", "Month"),
          ("quarter", "QS", "Quarter"), ("year", "YS", "Year"))


def _bin_start(when: pd.Series, unit: str) -> pd.Series:
    if unit == "week":
        return (when - pd.to_timedelta(when.dt.day_of_week, unit="D")).dt.normalize()
    code = {"month": "M", "quarter": "Q", "year": "Y"}[unit]
    return when.dt.to_period(code).dt.start_time.astype("datetime64[ns]")


def _bin_label(start: pd.Timestamp, unit: str) -> str:
    if unit == "week":
        return f"{start.day} {start:%b %Y}"
    if unit == "month":
        return f"{start:%b %Y}"
    if unit == "quarter":
        end = start + pd.DateOffset(months=2)
        return f"{start:%b}-{end:%b %Y}"
    return f"{start:%Y}"


@dataclass(frozen=True, eq=False)
class Bins:
    """Items grouped into at most MAX_BARS bars: by week, month, quarter or year when every
    item has a date (empty periods keep their place, as gaps), else consecutive groups."""

    #: Each item's bar (0 for the first bar).
    position: pd.Series
    #: Each bar's label (for the axis and the table).
    labels: list[str]
    #: "week", "month", "quarter", "year" or "meetings".
    unit: str
    #: The table's column heading for the bars.
    header: str

    @property
    def by(self) -> str:
        """'week by week', 'month by month', ... for a sentence."""
        return f"{self.unit} by {self.unit}" if self.unit != "meetings" else (
            "in groups of meetings")

    @property
    def one(self) -> str:
        """What one bar covers, for a sentence: 'week', 'month', ... or 'group'."""
        return self.unit if self.unit != "meetings" else "group"


def time_bins(when: pd.Series, limit: int | None = None) -> Bins:
    """Group dated items (meetings, planned dates) into at most `limit` (MAX_BARS) bars of
    equal time."""
    limit = MAX_BARS if limit is None else limit
    when = pd.to_datetime(when).astype("datetime64[ns]").reset_index(drop=True)
    if len(when) and when.notna().all():
        for unit, freq, header in _UNITS:
            start = _bin_start(when, unit)
            every = pd.date_range(start.min(), start.max(), freq=freq)
            if len(every) <= limit or unit == "year":
                position = pd.Series(every.get_indexer(start), index=when.index)
                return Bins(position, [_bin_label(d, unit) for d in every], unit, header)
    size = max(1, math.ceil(len(when) / limit))
    position = pd.Series(range(len(when)), index=when.index) // size
    labels = [f"{1 + i * size}-{min(len(when), (i + 1) * size)}"
              for i in range(int(position.max()) + 1 if len(when) else 0)]
    return Bins(position, labels, "meetings", "Meetings")
