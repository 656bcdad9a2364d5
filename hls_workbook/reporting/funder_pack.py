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

from hls_workbook import privacy
from hls_workbook.analysis import funder as fa
from hls_workbook.domain.errors import WorkbookError

AUDIENCE = "partners"

_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a}table{border-collapse:collapse;width:100%;margin:1rem 0}
caption{text-align:left;font-weight:600;padding:.25rem 0}th,td{border:1px solid #888;
padding:.3rem .5rem;text-align:left;vertical-align:top}td.n{text-align:right}
.note{color:#444;font-size:.95rem}"""


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


def _table(caption: str, head: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()
           ) -> str:
    """A table with a caption and column headers; every cell escaped."""
    e = privacy.escape
    out = [f"<table><caption>{e(caption)}</caption><thead><tr>"]
    out += [f'<th scope="col">{e(h)}</th>' for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(
            f'<td class="n">{e(c)}</td>' if i in numeric else f"<td>{e(c)}</td>"
            for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_html(pack: FunderPack) -> str:
    """The pack as one self-contained, accessible HTML page."""
    e, v = privacy.escape, pack.view
    title = f"Funding paperwork: {v.funder}, {pack.place_name}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{e(title)}</h1>",
        f"<p>For the year {pack.start:%d %B %Y} to {pack.end:%d %B %Y}. A starting point for "
        "a conversation about proportion, not a verdict on anyone who asks or answers. "
        "Hours are the team's estimates.</p>",
        "<h2>What the paperwork costs</h2>",
        "".join(f"<p>{e(s)}</p>" for s in v.sentences),
        _table("This funder's paperwork against the sector's published figures",
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
               ], numeric={1}),
        "<h2>Each requirement</h2>",
        _table("What this funder asks for, and which IVAR commitment it touches",
               ["Requirement", "Times a year", "Hours a year", "Share of the grant",
                "IVAR commitment", "Why that commitment"],
               [[r["requirement"], f"{r['frequency_per_year']:g}"
                 if not math.isnan(r["frequency_per_year"]) else "not known",
                 _hours(r["hours_a_year"]), _pct(r["share_of_grant"]), r["commitment"],
                 r["mapping_why"]] for r in v.items.to_dict("records")],
               numeric={1, 2, 3}),
        "<h2>Questions other funders ask too</h2>",
    ]
    if v.duplicates.empty:
        parts.append("<p>None of this funder's questions is asked by another funder in our "
                     "records.</p>")
    else:
        parts.append(_table(
            "Requirements that ask the team the same thing as another funder's",
            ["This funder asks", "Another funder", "Which asks", "Words in common",
             "Overlap"],
            [[r["requirement"], r["other_funder"], r["other_requirement"], r["shared_words"],
              f"{r['similarity'] * 100:.0f}%"] for r in v.duplicates.to_dict("records")],
            numeric={4}))
    parts.append("<h2>IVAR's commitments</h2>")
    parts.append(_table(
        "How many of this funder's requirements touch each commitment",
        ["Commitment", "Requirements", "Hours a year", "Which"],
        [[r["commitment"], r["requirements"], _hours(r["hours_a_year"]), r["what"]]
         for r in v.commitments.to_dict("records")], numeric={1, 2}))
    parts.append("<h2>What we could strip away</h2>")
    if v.strip_list.empty:
        parts.append("<p>Nothing of this funder's is on the strip list.</p>")
    else:
        parts.append(_table(
            f"The strip list: {_hours(v.hours_freed)} staff hours a year freed",
            ["Rank", "Requirement", "What we propose", "Why", "Hours freed a year"],
            [[r["rank"], r["requirement"], r["action_label"], r["why"],
              _hours(r["hours_freed"]) if r["action"] != "simplify" or not math.isnan(
                  r["hours_freed"]) else "some"] for r in v.strip_list.to_dict("records")],
            numeric={0, 4}))
    parts.append("<h2>Change since a year ago</h2>")
    if v.change is None:
        parts.append("<p>No records of this funder's paperwork from a year before. Run the "
                     "pack again next year to see what changed.</p>")
    else:
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
        parts.append(_table("A year ago and now", ["Measure", "A year ago", "Now", "Change"],
                            rows, numeric={1, 2, 3}))
    parts += [
        "<h2>Where the figures come from</h2>",
        f"<p>{e(fa.SECTOR_SOURCE)} Method: staff hours a year × staff cost an hour ÷ grant "
        "value.</p>",
        f"<p>{e(fa.IVAR_SOURCE)} Each requirement is mapped to one: "
        + e(" ".join(fa.MAPPING_RULE)) + "</p>",
        f"<p>Two requirements ask the same thing when at least "
        f"{fa.SIMILAR_AT * 100:.0f}% of their words are shared (small words like 'the' and "
        "'of' aside, plurals as singulars).</p>",
        '<p class="note">Made by the HLS Workbook for partners: personal details are '
        "removed from every requirement's text.</p>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "funder"


def write(pack: FunderPack, out: Path | str) -> Path:
    """Write the page into the folder ``out``; return its path."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"funder-pack-{_slug(pack.place)}-{_slug(pack.view.funder)}-{pack.end}.html"
    path.write_text(render_html(pack), encoding="utf-8")
    return path
