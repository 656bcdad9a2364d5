"""A funder conversation pack: one offline HTML page and a plain-text summary.

``hls-workbook funder-pack --place P --funder F`` reads the place's records through the
privacy gate for partners (it goes to a funder: detected personal details removed,
nothing but the requirement, the funder and the organisation of each piece of
paperwork), works the figures out with :mod:`hls_workbook.analysis.funder` and writes
one self-contained page: no script, nothing fetched when it is opened, every typed value
escaped. Re-run it each year: the records as they stood a year before the period's end
are read too, and the change is shown when there were any.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hls_workbook import privacy, templating
from hls_workbook.analysis import funder as fa
from hls_workbook.domain.errors import WorkbookError
from hls_workbook.reporting.sections.html import Table

AUDIENCE = "partners"

@dataclass(frozen=True, eq=False)
class FunderPack:
    """What the pack says: the place's name (as partners see it), the period and the view."""

    place: str
    place_name: str
    start: dt.date
    end: dt.date
    view: fa.FunderView
    had_previous: bool


def _day(value: Any, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise WorkbookError(f"{what}: '{value}' is not a date; write it as 2026-03-31.") from None


def period(start: Any = None, end: Any = None, today: dt.date | None = None
           ) -> tuple[dt.date, dt.date]:
    """The year the pack covers: ``end`` (default today) and ``start`` (default a year
    before it, the day after)."""
    e = _day(end, "--to") if end else (today or dt.date.today())
    s = _day(start, "--from") if start else _year_before(e) + dt.timedelta(days=1)
    if s > e:
        raise WorkbookError(f"--from: {s} is after --to {e}; the period must run forwards.")
    return s, e


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59))


def build(db: Any, place: str, funder: str, start: Any = None, end: Any = None,
          *, today: dt.date | None = None) -> FunderPack:
    """Read the place through the gate (partners) and work out the funder's pack.

    The records are read as they stood at the end of the period, and as they stood a year
    before that (for the change). An unknown place or funder is refused in one line that
    lists the choices.
    """
    s, e = period(start, end, today)
    head = privacy.header(db, place, AUDIENCE)
    if head is None:
        raise WorkbookError(f"--place: there is no place called '{place}' in this workbook.")
    now = privacy.open_tables(db, place, s, e, AUDIENCE, as_of=_end_of(e))["burden"]
    name = fa.find_funder(now, funder)
    if name is None:
        known = fa.funders(now)
        listed = "; ".join(known) if known else "none recorded yet"
        raise WorkbookError(f"--funder: no funder called '{funder}' in {place}'s paperwork. "
                            f"Funders: {listed}.")
    before = privacy.open_tables(db, place, _year_before(s), _year_before(e), AUDIENCE,
                                 as_of=_end_of(_year_before(e)))["burden"]
    had = bool(len(before)) and fa.find_funder(before, name) is not None
    view = fa.funder_view(now, name, before if had else None)
    return FunderPack(place=place, place_name=head["place_name"], start=s, end=e, view=view,
                      had_previous=had)


# ---------------------------------------------------------------------------
# Words and numbers
# ---------------------------------------------------------------------------


def _hours(h: Any) -> str:
    if h is None or (isinstance(h, float) and math.isnan(h)):
        return "not known"
    return f"{h:,.0f}" if h >= 10 or float(h).is_integer() else f"{h:,.1f}"


def _pct(share: Any) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "not known"
    return f"{share * 100:.1f}%"


def _money(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "not known"
    return f"£{v:,.0f}"


def _signed(v: float, fmt: Any) -> str:
    if isinstance(v, float) and math.isnan(v):
        return ""
    if v == 0:
        return "no change"
    return ("+" + fmt(v)) if v > 0 else ("−" + fmt(-v))


def summary_text(pack: FunderPack) -> str:
    """The pack in a few plain lines, for the terminal."""
    v = pack.view
    lines = [f"Funder conversation pack: {v.funder}, {pack.place_name} "
             f"({pack.start:%d %B %Y} to {pack.end:%d %B %Y})"]
    lines += [f"- {s}" for s in v.sentences]
    if not pack.had_previous:
        lines.append("- No records from a year before: re-run next year to see the change.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


#: The page's template (package data), rendered through the one Jinja environment.
TEMPLATE = "funder_pack/funder_pack.html.j2"


def render_html(pack: FunderPack) -> str:
    """The pack as one self-contained, accessible HTML page: its tables and sentences here,
    the page in its template (which escapes every value)."""
    v = pack.view
    duplicates = strip = change = None
    if not v.duplicates.empty:
        duplicates = Table.of(
            ["This funder asks", "Another funder", "Which asks", "Words in common", "Overlap"],
            [[r["requirement"], r["other_funder"], r["other_requirement"], r["shared_words"],
              f"{r['similarity'] * 100:.0f}%"] for r in v.duplicates.to_dict("records")],
            caption="Requirements that ask the team the same thing as another funder's",
            numeric=[4])
    if not v.strip_list.empty:
        strip = Table.of(
            ["Rank", "Requirement", "What we propose", "Why", "Hours freed a year"],
            [[r["rank"], r["requirement"], r["action_label"], r["why"],
              _hours(r["hours_freed"]) if r["action"] != "simplify" or not math.isnan(
                  r["hours_freed"]) else "some"] for r in v.strip_list.to_dict("records")],
            caption=f"The strip list: {_hours(v.hours_freed)} staff hours a year freed",
            numeric=[0, 4])
    if v.change is not None:
        rows = []
        for r in v.change.to_dict("records"):
            if r["measure"] == "Share of the grant":
                rows.append([r["measure"], _pct(r["a_year_ago"]), _pct(r["now"]),
                             _signed(r["change"] * 100, lambda x: f"{x:.1f} points")])
            elif isinstance(r["now"], str):
                rows.append([r["measure"], r["a_year_ago"], r["now"], ""])
            else:
                rows.append([r["measure"], _hours(r["a_year_ago"]), _hours(r["now"]),
                             _signed(r["change"], _hours)])
        change = Table.of(["Measure", "A year ago", "Now", "Change"], rows,
                          caption="A year ago and now", numeric=[1, 2, 3])
    return templating.render(
        TEMPLATE,
        title=f"Funding paperwork: {v.funder}, {pack.place_name}",
        period=f"{pack.start:%d %B %Y} to {pack.end:%d %B %Y}",
        sentences=list(v.sentences),
        sector=Table.of(
            ["Measure", v.funder, "Sector"], [
                ["Requirements", v.requirements, ""],
                ["Staff hours a year", _hours(v.hours_a_year)
                 + (" (at least)" if v.hours_unknown else ""), ""],
                ["Staff cost a year", _money(v.cost_a_year), ""],
                ["Grant value a year", _money(v.grant_value), ""],
                ["Share of the grant", _pct(v.share_of_grant),
                 f"{fa.SECTOR_SHARE * 100:.1f}% on average, up to "
                 f"{fa.SECTOR_SHARE_HIGH * 100:.0f}% (NPC)"],
                ["Hours a year per grant", _hours(v.hours_per_grant),
                 f"about {fa.SECTOR_HOURS_PER_GRANT:.0f} (Center for Effective "
                 "Philanthropy)"],
            ], caption="This funder's paperwork against the sector's published figures",
            numeric=[1]),
        items=Table.of(
            ["Requirement", "Times a year", "Hours a year", "Share of the grant",
             "IVAR commitment", "Why that commitment"],
            [[r["requirement"], f"{r['frequency_per_year']:g}"
              if not math.isnan(r["frequency_per_year"]) else "not known",
              _hours(r["hours_a_year"]), _pct(r["share_of_grant"]), r["commitment"],
              r["mapping_why"]] for r in v.items.to_dict("records")],
            caption="What this funder asks for, and which IVAR commitment it touches",
            numeric=[1, 2, 3]),
        duplicates=duplicates,
        commitments=Table.of(
            ["Commitment", "Requirements", "Hours a year", "Which"],
            [[r["commitment"], r["requirements"], _hours(r["hours_a_year"]), r["what"]]
             for r in v.commitments.to_dict("records")],
            caption="How many of this funder's requirements touch each commitment",
            numeric=[1, 2]),
        strip=strip, change=change,
        sector_source=fa.SECTOR_SOURCE, ivar_source=fa.IVAR_SOURCE,
        mapping_rule=" ".join(fa.MAPPING_RULE), similar_at=f"{fa.SIMILAR_AT * 100:.0f}",
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "funder"


def write(pack: FunderPack, out: Path | str) -> Path:
    """Write the page into the folder ``out``; return its path."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"funder-pack-{_slug(pack.place)}-{_slug(pack.view.funder)}-{pack.end}.html"
    path.write_text(render_html(pack), encoding="utf-8")
    return path
