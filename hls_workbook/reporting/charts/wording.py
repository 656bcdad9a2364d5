"""The words of charts: dates, counts, months and periods as a title or an axis says them.

Titles, alt text and numbers tables are written with these, so that every chart says a
date, a count or a period the same way.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def long_date(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "an unknown date"
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b %Y}"


def count_of(n: int, word: str, plural: str | None = None) -> str:
    """'1 meeting', '3 meetings', '2,977 meetings' (or the plural given)."""
    return f"{n} {word}" if n == 1 else f"{n:,} {plural or word + 's'}"


def reviews_finding(not_to_plan: int, reviews: int) -> str:
    """The reviews' finding, one wording for the chart's title and for the sentence said
    instead of the chart: '3 of 4 reviews found things did not fully go to plan: all of
    it is learning'."""
    return (f"{not_to_plan:,} of {count_of(reviews, 'review')} found things did not fully "
            "go to plan: all of it is learning")


def month_label(month: str) -> str:
    """'2026-03' as 'Mar 2026'."""
    try:
        return f"{pd.Timestamp(month + '-01'):%b %Y}"
    except ValueError:
        return str(month)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def date_span(first: Any, last: Any) -> str:
    """' from 5 Jan 2026 to 30 Jun 2026', or nothing when the dates are not known."""
    if pd.isna(first) or pd.isna(last):
        return ""
    return f" from {long_date(first)} to {long_date(last)}"


def short_date(value: Any, fallback: str) -> str:
    """A date as '6 Jan' for an axis (the platform-neutral way), else the fallback."""
    if value is None or pd.isna(value):
        return fallback
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b}"


def others_label(n: int, what: str) -> str:
    """'The other 12 requirements' (a row standing for the rest, never read as a total)."""
    return f"The other {n:,} {what}" if n != 1 else f"One other {what.rstrip('s')}"
