"""A place-by-place overview: one page comparing places side by side for a period.

For a commissioner with several places (``hls-workbook overview``). Each place is read
through the privacy gate for the audience, exactly as its own report reads it, and four
things are set side by side: the rhythm of meeting kept, the learning recorded and who it
reached, the paperwork burden, and the latest behaviour pulse (an average of fewer than
the threshold's answers is hidden, as in a report). The places are listed by name, never
ranked: the figures start conversations between places, they do not score them.

The page is a Jinja template (``templates/overview/overview.html.j2``) with autoescaping,
filled from :class:`PlaceFigures`: what a person typed (a place's name) is escaped there.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hls_workbook import analysis as an
from hls_workbook import privacy, templating
from hls_workbook.domain.model import Audience, Part
from hls_workbook.privacy.policy import MIN_PUBLIC_THRESHOLD
from hls_workbook.reporting.reports import PRIVACY_NOTES, ReportError, nice_date, read_period
from hls_workbook.store.workbook import open_workbook

TEMPLATE = "overview/overview.html.j2"


@dataclass(frozen=True)
class PlaceFigures:
    """One place's row of the overview, as the audience may see it."""

    place: str
    name: str
    planned: int
    kept: int
    last_met: dt.date | None
    learning: int
    learning_shared: int
    parts_reached: tuple[str, ...]
    requirements: int
    hours_a_year: float
    share_of_grant: float
    pulse_round: str
    pulse_mean: float

    @property
    def kept_text(self) -> str:
        if not self.planned:
            return "no regular meeting planned"
        return f"{self.kept} of {self.planned} ({round(100 * self.kept / self.planned)}%)"

    @property
    def last_met_text(self) -> str:
        return f"last met {nice_date(self.last_met)}" if self.last_met else ""

    @property
    def learning_text(self) -> str:
        if not self.learning:
            return "none recorded"
        return f"{self.learning_shared} of {self.learning} shared with other parts"

    @property
    def burden_text(self) -> str:
        if not self.requirements:
            return "none listed"
        hours = f"{self.hours_a_year:,.0f} hours a year"
        if math.isnan(self.share_of_grant):
            return hours
        return f"{hours}, {100 * self.share_of_grant:.1f}% of grants"

    @property
    def pulse_text(self) -> str:
        if not self.pulse_round:
            return "no answers yet"
        if math.isnan(self.pulse_mean):
            return f"{privacy.HIDDEN_TEXT} ({an.round_label(self.pulse_round)})"
        return f"{self.pulse_mean:.1f} out of 10 ({an.round_label(self.pulse_round)})"


def place_figures(db: Any, place: str, start: dt.date, end: dt.date,
                  policy: privacy.Policy) -> PlaceFigures:
    """One place's figures, read through the gate for ``policy``'s audience."""
    t = privacy.open_tables(db, place, start, end, policy)
    name = str(t["place"].iloc[0]["name"]) if len(t["place"]) else place
    rhythm = an.meeting_rhythm(t["meeting_series"], t["meeting"], start=start, end=end)
    summary = rhythm.summary
    last = summary["last_held_on"].dropna()
    reach = an.learning_reach(t["learning"], t["share"])
    labels = Part.labels()
    reached = {p for parts in reach["parts_reached"] for p in parts}
    burden = an.burden_audit(t["burden"])
    pulse = an.latest_pulse(t["pulse"], min_group=policy.threshold)
    shown = pulse.loc[~pulse["suppressed"].astype(bool), "mean"] if len(pulse) else pulse
    return PlaceFigures(
        place=place, name=name,
        planned=int(summary["expected"].sum()), kept=int(summary["kept"].sum()),
        last_met=last.max().date() if len(last) else None,
        learning=len(reach), learning_shared=int((~reach["shared_with_nobody"]).sum()),
        parts_reached=tuple(labels[p] for p in labels if p in reached),
        requirements=burden.requirements, hours_a_year=burden.hours_a_year,
        share_of_grant=burden.share_of_grant,
        pulse_round=str(pulse["period"].iloc[0]) if len(pulse) else "",
        pulse_mean=float(shown.mean()) if len(shown) else math.nan,
    )


def overview(db: Any, start: dt.date | str, end: dt.date | str,
             audience: str | privacy.Policy = "team", *, places: list[str] | None = None,
             threshold: int | str = MIN_PUBLIC_THRESHOLD) -> list[PlaceFigures]:
    """Every place's figures (or those named), by name: a comparison, not a ranking."""
    start_d, end_d = read_period(start, end)
    policy = privacy.Policy.of(audience, threshold)  # refuses a bad audience or threshold
    with open_workbook(db or None) as wb:
        known = wb.places()
    chosen = places or known
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise ReportError(f"There is no place called '{unknown[0]}'. Places: "
                          f"{', '.join(known) or 'none yet'}.")
    rows = [place_figures(db, p, start_d, end_d, policy) for p in chosen]
    return sorted(rows, key=lambda r: r.name.casefold())


def render(rows: list[PlaceFigures], start: dt.date, end: dt.date,
           policy: privacy.Policy) -> str:
    """The overview page: one self-contained HTML file, nothing fetched when opened."""
    return templating.render(
        TEMPLATE,
        rows=rows, period=f"{nice_date(start)} to {nice_date(end)}",
        audience_label=Audience(policy.audience).label, made_on=nice_date(dt.date.today()),
        privacy_note=PRIVACY_NOTES[policy.audience].format(threshold=policy.threshold),
        hidden=privacy.HIDDEN_TEXT, threshold=policy.threshold,
    )


def make_overview(db: Any, start: dt.date | str, end: dt.date | str, audience: str = "team",
                  *, places: list[str] | None = None,
                  threshold: int | str = MIN_PUBLIC_THRESHOLD,
                  out: str | Path = "reports") -> Path:
    """Write ``overview_<start>_<end>_<audience>.html`` into ``out``; return its path."""
    start_d, end_d = read_period(start, end)
    policy = privacy.Policy.of(audience, threshold)  # refuses a bad audience or threshold
    rows = overview(db, start_d, end_d, policy, places=places)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"overview_{start_d}_{end_d}_{policy.audience}.html"
    path.write_text(render(rows, start_d, end_d, policy), encoding="utf-8")
    return path
