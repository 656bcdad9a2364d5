"""The words of report sections: dates, days, hours, money and shares as a sentence says
them, comparisons with the period before, and the sentences about meetings' rhythm and
experiments that both the summary and the sections state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from hls_workbook import analysis as an
from hls_workbook.analysis import missing
from hls_workbook.domain.values import join_words
from hls_workbook.reporting import charts
from hls_workbook.reporting.charts.wording import short_date
from hls_workbook.reporting.sections.html import Para, blocks_html, sentence_case


def days_text(n: Any) -> str:
    """A number of days, or a dash when there is none."""
    return "–" if missing(n) else f"{int(n):,} days"


def kept_text(kept: int, expected: int, other_day: int) -> str:
    """'5 of 7', with how many of them were held on another day than agreed."""
    text = f"{kept:,} of {expected:,}"
    return text + (f" ({other_day:,} on another day)" if other_day else "")


def last_met(last: Any, since: Any, counted_to: Any) -> str:
    """When a series last met, and how many days before the day meetings are counted to
    (the period's end, or the day the report was made if earlier): '25 June 2026 (5 days
    before 30 Jun)'. Not "ago": a report is read long after the day it was made."""
    if missing(last):
        return "not in this period"
    if missing(since) or since <= 0:
        return day_text(last)
    return f"{day_text(last)} ({int(since):,} days before {short_date(counted_to, 'the end')})"


def rhythm_findings(summary: pd.DataFrame, titled: bool = False) -> str:
    """The rhythm in sentences, as HTML (:func:`rhythm_paras`)."""
    return blocks_html(rhythm_paras(summary, titled))


def rhythm_paras(summary: pd.DataFrame, titled: bool = False) -> list[Para]:
    """The rhythm in sentences: planned meetings held (up to the end of the period or today),
    those held on another day, and each series that has not met for over two of its gaps.
    ``titled``: a chart's title already says how many were held (only those on another day
    are said here)."""
    kept, expected = int(summary["kept"].sum()), int(summary["expected"].sum())
    upto = summary["counted_to"].max()
    out = []
    other = int(summary["kept_other_day"].sum())
    if titled and other:
        out.append(Para(f"{other:,} planned {'meeting was' if other == 1 else 'meetings were'} "
                        "held on another day than agreed."))
    elif expected and not titled:
        when = "" if missing(upto) else f" up to {day_text(upto)}"
        out.append(Para(f"We held {kept:,} of the {expected:,} regular meetings we planned"
                        f"{when}"
                        + (f", {other:,} of them on another day than agreed" if other else "")
                        + ".", "finding"))
    cadence = summary["cadence"].map(an.rhythm.CADENCE_DAYS).fillna(7.0)
    quiet = summary[summary["days_since_last"] > 2 * cadence]
    for r in quiet.head(charts.bins.TOP_N).to_dict("records"):
        name = sentence_case(str(r["name"]))
        out.append(Para(f"{name} has not met since {day_text(r['last_held_on'])} "
                        f"({int(r['days_since_last']):,} days). What got in the way?"))
    if len(quiet) > charts.bins.TOP_N:
        out.append(Para(f"{len(quiet) - charts.bins.TOP_N:,} other regular meetings have not "
                        "met for a while either."))
    return out


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (inclusive) when the period is whole months, else 0."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def rhythm_sentence(summary: pd.DataFrame) -> str:
    """Planned regular meetings held: the figures the meetings section states."""
    kept, expected = int(summary["kept"].sum()), int(summary["expected"].sum())
    upto = summary["counted_to"].max()
    when = "" if missing(upto) else f" up to {day_text(upto)}"
    return (f"We held {kept:,} of the {expected:,} regular meetings we planned{when} "
            f"({round(100 * kept / expected)}%).")


def experiments_sentence(p: Any) -> str:
    """Experiments, whose idea they were and how many try something new (the figures of
    the experiments section's chart; experiments are records, not people)."""
    parts = int((p.by_proposer["count"] > 0).sum())
    new = int(round(p.new_share * p.total))
    return (f"We tried or planned {p.total:,} {'experiment' if p.total == 1 else 'experiments'}"
            f", proposed by {parts} {'part' if parts == 1 else 'parts'} of the system; {new:,} "
            "try new people or settings.")


def compare(now: int, then: int, what: str) -> str:
    """'More meetings held: 14, up from 9.' (the direction first)."""
    before = "none" if then == 0 else f"{then:,}"
    if now == then:
        return f"As many {what}: {now:,}, the same as before."
    if now > then:
        return f"More {what}: {now:,}, up from {before}."
    return f"Fewer {what}: {now:,}, down from {before}."


def compare_share(now: float, then: float, what: str) -> str:
    a, b = round(100 * now), round(100 * then)
    if a == b:
        return f"We held {a}% {what}, the same as before."
    return f"We held {a}% {what}, {'up' if a > b else 'down'} from {b}%."


def day_text(d: Any) -> str:
    if missing(d):
        return ""
    d = pd.Timestamp(d)
    return f"{d.day} {d:%B %Y}"


def month_text(d: Any) -> str:
    return "" if missing(d) else f"{pd.Timestamp(d):%B %Y}"


def hours_text(h: Any) -> str:
    return "unknown" if missing(h) else f"{float(h):,.0f}"


def freed_text(action: Any, hours: Any) -> str:
    """The hours a year a strip-list proposal would free: simplifying frees some, how many
    depends on the simpler form (not "unknown", which the audit says of a requirement's
    own hours)."""
    if missing(hours) and action == "simplify":
        return "some: it depends on the simpler form"
    return hours_text(hours)


def money_text(v: Any) -> str:
    return "–" if missing(v) else f"£{float(v):,.0f}"


def pct_text(v: Any) -> str:
    return "–" if missing(v) else f"{100 * float(v):.1f}%"


def support_sentence(statuses: pd.Series, labels: dict[str, str]) -> str:
    """How many times the team asked for outside support, and where the asks stand, in
    the model's order of statuses: "We asked for outside support 5 times: 2 open, 1 in
    progress, 1 met and 1 declined." Requests are records, not people: counted as they
    are."""
    counts = statuses.value_counts()
    parts = [f"{int(counts[k]):,} {labels[k].lower()}" for k in labels if counts.get(k, 0)]
    n = len(statuses)
    if n == 1 and parts:
        said = f"We asked for outside support once; the request is {parts[0][2:]}."
    elif parts:
        said = f"We asked for outside support {n:,} times: {join_words(parts)}."
    else:
        said = f"We asked for outside support {'once' if n == 1 else f'{n:,} times'}."
    return f"{said} What we asked for is in the partners\u2019 report."
