"""What the four stage notebooks show: one line per cell, the logic here.

A stage notebook opens the workbook once and then shows one section per cell::

    from hls_workbook.ui import stages

    stage = stages.open_stage(db, place, role, interactive=interactive)
    stage                       # says which place, and what to do first if it is new
    stage.section("partners")   # the form and a short summary of what is recorded

In a live notebook (``interactive=True``) a section is one widget: a summary of what is
recorded so far, computed with :mod:`hls_workbook.analysis`, above the form for its record
kind (built by :func:`hls_workbook.ui.forms.show`). The summary is worked out again after
every save. Run headless (``interactive=False``, or the environment variable
``HLS_WORKBOOK_HEADLESS=1``, as papermill and reports do) a section is plain HTML: the same
summary and the questions of the form, and no widget at all.

One section is not a form: "Check before sharing" (:class:`CheckView`) lists the typed
text waiting for a person's check before a report carries it outside the team, with
suspected personal details marked, and saves each decision as it is made (see
:mod:`hls_workbook.privacy.review`).

Every piece of text a person typed is escaped with :func:`html.escape` before it reaches
the HTML. Stories appear only when their teller agreed (see
:func:`hls_workbook.privacy.visible_voices`); a withdrawn story, one told in confidence or
one that raised a safeguarding concern is only ever counted. Pulse answers and check-ins
are shown only as averages of at least :data:`MIN_GROUP` people. Problems are shown as
plain sentences, never as tracebacks.

:data:`SECTIONS` lists every section with its notebook, title, record kind and the
practice ids (PRACTICES.md) it serves. The stage notebooks are edited by hand; a test
(tests/test_practices.py) checks that their section cells follow this list.
"""

from __future__ import annotations

import contextlib
import html
import logging
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import (
    Audience,
    Cadence,
    ExperimentStatus,
    LearningKind,
    NextStep,
    Part,
    StorytellerRole,
    SupportKind,
    SupportStatus,
    Weekday,
    YesPartlyNo,
    model_for,
)
from hls_workbook.store.workbook import Workbook, check_place, open_workbook, shown_location
from hls_workbook.ui import chooser, forms

if TYPE_CHECKING:
    import pandas as pd

    from hls_workbook import analysis as an
    from hls_workbook import privacy

__all__ = [
    "EVERY_STAGE",
    "MIN_GROUP",
    "SECTIONS",
    "STAGES",
    "Block",
    "CheckView",
    "SectionSlot",
    "SectionSpec",
    "SectionView",
    "Stage",
    "next_steps",
    "open_stage",
    "section",
    "sections_for",
    "summary_html",
    "where_to",
]

log = logging.getLogger(__name__)

#: Averages of fewer people than this are never shown (pulse answers, check-ins).
MIN_GROUP = 5

#: The four stage notebooks, by file stem, with their titles.
STAGES: dict[str, str] = {
    "1_getting_started": "Getting started",
    "2_experimentation": "Trying things safely",
    "3_learning": "Learning together",
    "4_relationships_and_support": "Relationships and support",
}

#: The stage of a section shown at the end of every stage notebook ("What needs doing now").
EVERY_STAGE = "*"

PART_LABELS = Part.labels()
#: The audiences text is checked for before sharing, and how they are named.
CHECK_AUDIENCES = ("public", "partners")
AUDIENCE_LABELS = Audience.labels()
#: Parts of the system a team would want in the room ("other" is not missed when absent).
NAMED_PARTS = tuple(p.value for p in Part if p != Part.other)

_STYLE = "max-width:52em;line-height:1.4"
_NOTE = "color:#555;font-size:0.9em"
_ERROR = "color:#a30000"
_EXCERPT = 160


# ---------------------------------------------------------------------------
# pandas and the analysis, imported when the first summary is worked out
# ---------------------------------------------------------------------------


def _load_analysis() -> None:
    """Import pandas, the analysis and privacy for the summaries (once).

    A live stage notebook shows its forms without them: importing pandas alone takes
    about a quarter of a second, and a summary is drawn after the notebook's cells have
    run (see :class:`SectionView`).
    """
    global pd, an, privacy, _missing
    import pandas as pd

    from hls_workbook import analysis as an
    from hls_workbook import privacy
    from hls_workbook.analysis import missing as _missing


def esc(value: Any) -> str:
    """Escape text for HTML: :func:`hls_workbook.privacy.escape` (which a summary's values
    go through), without importing pandas for plain text such as the stage's own lines."""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    from hls_workbook.privacy import escape

    return escape(value)


# ---------------------------------------------------------------------------
# Small HTML builders: every value goes through esc()
# ---------------------------------------------------------------------------


def _p(text: str, style: str = "") -> str:
    attr = f' style="{style}"' if style else ""
    return f"<p{attr}>{esc(text)}</p>"


def _note(text: str) -> str:
    return _p(text, _NOTE)


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = "") -> str:
    cell = "padding:2px 10px 2px 0;text-align:left;vertical-align:top"
    head = "".join(f'<th style="{cell}">{esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{cell}">{esc(v)}</td>' for v in row) + "</tr>"
        for row in rows
    )
    cap = (f'<caption style="text-align:left;font-weight:bold">{esc(caption)}</caption>'
           if caption else "")
    return (f'<table style="border-collapse:collapse;font-size:0.92em;margin:0.3em 0">{cap}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _list(items: Iterable[str]) -> str:
    """A bulleted list of plain texts (escaped here)."""
    inner = "".join(f"<li>{esc(i)}</li>" for i in items)
    return f'<ul style="margin:0.2em 0">{inner}</ul>' if inner else ""


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _labels(values: Iterable[Any], labels: Mapping[str, str]) -> list[str]:
    return [labels.get(str(v), str(v).replace("_", " ")) for v in values]


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _shorten(text: Any, limit: int = 120) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _day(value: Any) -> str:
    if _missing(value):
        return ""
    d = pd.Timestamp(value)
    return f"{d.day} {d:%B %Y}"


def _flags(series: pd.Series) -> pd.Series:
    return series.astype(object).map(lambda v: False if _missing(v) else bool(v)).astype(bool)


def _mean(value: Any, absent: str = "–") -> str:
    """An average to one decimal; ``absent`` when there is none (in a group that answered,
    "hidden": the one wording for a hidden number, as in the reports)."""
    return absent if _missing(value) else f"{float(value):.1f}"


class Block:
    """A piece of HTML that a notebook cell displays as it is (no widget)."""

    def __init__(self, html_text: str, label: str = "") -> None:
        self.html = html_text
        self.label = label

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        # The plain-text form never holds typed text: only the section's own title.
        return f"<{self.label or 'HLS Workbook'}: open this notebook in JupyterLab to see it>"

    def __str__(self) -> str:
        return self.html


def _wrap(body: str) -> str:
    return f'<div class="hls-stage" style="{_STYLE}">{body}</div>'


def _error_html(text: str) -> str:
    return _wrap(f'<p class="hls-error" style="{_ERROR}"><b>{esc(text)}</b></p>')


# ---------------------------------------------------------------------------
# The records a summary reads, loaded when first asked for
# ---------------------------------------------------------------------------


class Tables(Mapping[str, Any]):
    """The current records of a place, by kind, as the team may see them: each read once
    when asked, through the privacy gate (:func:`hls_workbook.privacy.apply` for the team:
    no withdrawn, confidential or safeguarding story, links to them dropped)."""

    def __init__(self, wb: Workbook, place: str) -> None:
        self.wb = wb
        self.place = place
        self._raw: dict[str, pd.DataFrame] = {}
        self._cache: dict[str, pd.DataFrame] = {}

    def _read(self, key: str) -> pd.DataFrame:
        if key not in self._raw:
            if key == "support":  # wishes to talk kept on an earlier day become requests
                with contextlib.suppress(WorkbookError):
                    self.wb.raise_talk_wishes(self.place)
            self._raw[key] = self.wb.table(key, self.place)
        return self._raw[key]

    def talk_wishes(self) -> int:
        """Anonymous wishes to talk kept today, not yet raised as support requests."""
        try:
            return self.wb.talk_wishes(self.place)
        except WorkbookError:
            return 0

    def __getitem__(self, kind: str) -> pd.DataFrame:
        key = model_for(kind).kind
        if key not in self._cache:
            frames = {key: self._read(key)}
            if key in ("learning", "decision", "feedback"):  # their stories: through consent
                frames["voice"] = self._read("voice")
            self._cache[key] = privacy.apply(frames, "team")[key]
        return self._cache[key]

    def consent(self) -> dict[str, int]:
        """The team's consent bookkeeping (:func:`hls_workbook.privacy.consent_ledger`)."""
        return privacy.consent_ledger(self._read("voice"))

    @property
    def read(self) -> frozenset[str]:
        """The kinds read so far."""
        return frozenset(self._raw)

    def __iter__(self):  # pragma: no cover - Mapping protocol
        return iter(self._cache)

    def __len__(self) -> int:  # pragma: no cover - Mapping protocol
        return len(self._cache)


def _place_row(t: Mapping[str, pd.DataFrame]) -> dict[str, Any] | None:
    rows = t["place"]
    return rows.iloc[0].to_dict() if len(rows) else None


# ---------------------------------------------------------------------------
# Summaries, one per section: pure functions of the place's tables, returning HTML
# ---------------------------------------------------------------------------


def _place(t: Tables) -> str:
    row = _place_row(t)
    if row is None:
        return _p("Tell us about your place first: what people call it, and the problem that "
                  "matters most here. Everything else in the workbook hangs from this.")
    out = [f"<p><b>{esc(row.get('name'))}</b>: {esc(row.get('shared_focus'))}</p>"]
    if not _missing(row.get("why_it_matters")):
        out.append(_p(str(row["why_it_matters"])))
    if not _missing(row.get("started_on")):
        out.append(_note(f"We first came together on {_day(row['started_on'])}."))
    counts = [
        _plural(len(t["partner"]), "partner"),
        _plural(t.consent()["total"], "story", "stories"),
        _plural(len(t["meeting"]), "meeting"),
    ]
    out.append(_note(f"Recorded so far: {_join(counts)}."))
    return "".join(out)


def _partners(t: Mapping[str, pd.DataFrame]) -> str:
    df = t["partner"]
    if df.empty:
        return _p("No partners yet. Who is already part of this work? Start with the people "
                  "in the room, then think about who is not.")
    by_part: dict[str, list[str]] = {}
    for part, org in zip(df["part"], df["organisation"], strict=True):
        by_part.setdefault(str(part), []).append(str(org))
    rows = []
    for p in Part:
        names = sorted(by_part.get(p.value, []), key=str.casefold)
        if names or p != Part.other:
            rows.append([PART_LABELS[p.value], len(names), ", ".join(names) or "nobody yet"])
    out = [_table(["Part of the system", "Partners", "Who"], rows,
                  caption=f"{_plural(len(df), 'partner')}, by part of the system")]
    missing = [PART_LABELS[p] for p in NAMED_PARTS if p not in by_part]
    if missing:
        out.append(_p(f"Nobody yet from: {_join(missing)}. Who could we invite?"))
    else:
        out.append(_p("Every part of the system is here. Does each of them feel part of it?"))
    return "".join(out)


def _voices(t: Tables) -> str:
    ledger = t.consent()
    if not ledger["total"]:
        return _p("No stories yet. Whose experience of services have we not heard? Ask them "
                  "who may read their story at the same time as you hear it.")
    usable = t["voice"]  # the stories the team may use: consented, not withdrawn or blocked
    consent_rows = [
        ["Anyone (the public)", ledger["public"]],
        ["Partners and our team", ledger["partners"]],
        ["Our team only", ledger["team"]],
        ["Nobody yet: ask them", ledger["nobody"]],
        ["Withdrawn: never used", ledger["withdrawn"]],
        ["Said in confidence: never used", ledger["in_confidence"]],
        ["Safeguarding concern: never used", ledger["safeguarding"]],
    ]
    out = [_p(f"{_plural(ledger['total'], 'story', 'stories')} recorded. Who may read them:"),
           _table(["Who may read it", "Stories"], consent_rows)]
    if len(usable):
        roles = usable["storyteller_role"].map(str).value_counts()
        role_labels = StorytellerRole.labels()
        role_text = [f"{role_labels.get(r, r)}: {n}" for r, n in roles.items()]
        out.append(_p("Who told the stories we may use: " + "; ".join(role_text) + "."))
        direct = int(usable["storyteller_role"].isin(
            ["person_using_services", "carer_or_family"]).sum())
        out.append(_p(f"{direct} of {len(usable)} came from people who use services or their "
                      "carers. They are the experts in what works for them."))
        themes = usable["domain_of_change"].map(lambda s: str(s).strip().lower())
        top = themes.value_counts().head(8)
        out.append(_p("What the stories are about: "
                      + "; ".join(f"{k} ({n})" for k, n in top.items()) + "."))
    if ledger["not_read_back"]:
        out.append(_note(f"{_plural(ledger['not_read_back'], 'story has', 'stories have')} "
                         "not been read back to the person who told it yet."))
    if ledger["safeguarding"]:
        out.append(_note("A story raised a safeguarding concern: make sure your safeguarding "
                         "lead knows."))
    return "".join(out)


def _meeting_series(t: Mapping[str, pd.DataFrame]) -> str:
    s = t["meeting_series"]
    if s.empty:
        return _p("No regular meeting yet. Pick a rhythm and a day, and keep to it: the same "
                  "day every time helps people come.")
    rhythm = _rhythm(s, t["meeting"])
    cadences, days = Cadence.labels(), Weekday.labels()
    rows = []
    for r in rhythm.summary.to_dict("records"):
        expected = int(r["expected"])
        other = int(r["kept_other_day"])
        held = f"{int(r['kept'])} of {expected}" + (f" ({other} on another day)" if other else "")
        since = r["days_since_last"]
        last = _day(r["last_held_on"])
        rows.append([
            r["name"],
            f"{cadences.get(str(r['cadence']), r['cadence'])}, {days.get(str(r['weekday']), '')}",
            held if expected else "none planned yet",
            int(r["missed"]),
            f"{int(r['longest_streak'])} in a row",
            "–" if _missing(r["longest_gap_days"]) else f"{int(r['longest_gap_days'])} days",
            (last + ("" if _missing(since) or since <= 0 else f" ({int(since)} days ago)"))
            if last else "not yet",
        ])
    out = [_table(["Meeting", "Rhythm", "Planned meetings held", "Missed", "Longest run",
                   "Longest gap", "Last held"], rows, caption="Our regular meetings")]
    missed = int(rhythm.summary["missed"].sum())
    if missed:
        out.append(_p(f"{_plural(missed, 'planned meeting')} did not happen. What got in the "
                      "way? A missed meeting is a question, not a failure."))
    other = int(rhythm.summary["kept_other_day"].sum())
    if other:
        out.append(_p(f"{_plural(other, 'planned meeting')} took place on another day than "
                      "agreed. Does the agreed day still suit everyone?"))
    out.append(_note("Planned meetings are counted up to today, as in the team report: a "
                     "meeting still to come is never counted as missed."))
    return "".join(out)


def _today() -> Any:
    """Today's date, up to which the stage summaries count planned meetings."""
    import datetime as dt

    return dt.date.today()


def _rhythm(series: pd.DataFrame, meetings: pd.DataFrame) -> Any:
    """The meeting rhythm as the team report counts it: planned meetings due up to today."""
    today = _today()
    return an.meeting_rhythm(series, meetings, end=today, today=today)


def _meetings(t: Mapping[str, pd.DataFrame]) -> str:
    m = t["meeting"]
    if m.empty:
        return _p("No meetings recorded yet. After each meeting, note who came from each part "
                  "of the system: numbers only, no names.")
    att = an.attendance_summary(m)
    rows = [[r["label"], int(r["meetings_present"]), int(r["people"])]
            for r in att.to_dict("records")]
    out = [_p(f"{_plural(len(m), 'meeting')} recorded; the latest on "
              f"{_day(m['held_on'].max())}."),
           _table(["Part of the system", "Meetings they came to", "People in all"], rows,
                  caption="Who came")]
    never = an.parts_never_present(m)
    never = [p for p in never if p != "other"]
    if never:
        out.append(_p("Nobody has come yet from: " + _join(_labels(never, PART_LABELS))
                      + ". What would make it easier for them?"))
    total = int(att["people"].sum())
    lived = int(att.loc[att["part"] == "lived_experience", "people"].sum())
    if total:
        out.append(_p(f"People with lived experience made up {round(100 * lived / total)}% "
                      "of everyone who came."))
    hard = int(_flags(m["hard_topics_raised"]).sum())
    out.append(_p(f"Someone raised a hard or uncomfortable topic in {hard} of {len(m)} "
                  "meetings."))
    return "".join(out)


def _glossary(t: Mapping[str, pd.DataFrame]) -> str:
    g = t["glossary_term"]
    if g.empty:
        return _p("No shared words yet. Which words do we use that not everyone understands? "
                  "Start with the one that caused the most confusion last time.")
    rows = []
    for r in g.sort_values("term", key=lambda s: s.str.casefold()).to_dict("records"):
        avoid = r.get("words_to_avoid")
        agreed = r.get("agreed_by")
        rows.append([
            r["term"], _shorten(r["plain_meaning"]),
            ", ".join(avoid) if isinstance(avoid, list) else "",
            ", ".join(_labels(agreed, PART_LABELS)) if isinstance(agreed, list) else "",
        ])
    return _table(["Word", "What it means, plainly", "Words to avoid", "Agreed by"], rows,
                  caption=_plural(len(g), "word") + " in our shared language")


def _experiment(t: Mapping[str, pd.DataFrame]) -> str:
    e = t["experiment"]
    if e.empty:
        return _p("No experiments yet. What small, safe thing could we try next month? Whose "
                  "idea is it, and who can say yes?")
    p = an.experiment_portfolio(e)
    rows = [[r["label"], int(r["count"])] for r in p.by_proposer.to_dict("records")
            if r["count"]]
    out = [_p(p.sentence), _table(["Whose idea", "Experiments"], rows)]
    quiet = [r["label"] for r in p.by_proposer.to_dict("records")
             if not r["count"] and r["part"] in NAMED_PARTS]
    if quiet:
        out.append(_p(f"No ideas yet from: {_join(quiet)}. Have they been asked?"))
    permission = e["permission_given_by"].map(lambda v: not _missing(v) and bool(str(v).strip()))
    out.append(_p(f"{int(permission.sum())} of {len(e)} say who gave permission to try."))
    bounds = e["safe_to_fail_bounds"].map(lambda v: not _missing(v))
    rules = (e["amplify_if"].map(lambda v: not _missing(v))
             & e["dampen_if"].map(lambda v: not _missing(v)))
    out.append(_note(f"{int(bounds.sum())} have safe-to-fail limits; {int(rules.sum())} "
                     "decided in advance when to do more and when to hold back."))
    return "".join(out)


def _experiment_status(t: Mapping[str, pd.DataFrame]) -> str:
    e = t["experiment"]
    if e.empty:
        return _p("No experiments to update yet: propose one above first.")
    labels = ExperimentStatus.labels()
    counts = e["status"].map(str).value_counts()
    rows = [[labels[s], int(counts.get(s, 0))] for s in labels]
    out = [_table(["Where it is up to", "Experiments"], rows)]
    reviews = an.experiment_reviews(e, t["review"])
    waiting = reviews[reviews["needs_review"]]
    if len(waiting):
        out.append(_p("Finished and waiting for a look back: "
                      + "; ".join(str(x) for x in waiting["title"]) + "."))
    return "".join(out)


def _review(t: Mapping[str, pd.DataFrame]) -> str:
    r = t["review"]
    reviews = an.experiment_reviews(t["experiment"], r)
    waiting = reviews[reviews["needs_review"]]
    if r.empty:
        out = [_p("No reviews yet. When an experiment ends, or stops early, meet and look "
                  "back: what did we mean to happen, and what happened?")]
    else:
        outcomes = an.review_outcomes(r)
        went = outcomes[outcomes["question"] == "went_to_plan"]
        dec = outcomes[outcomes["question"] == "decision"]
        yes_labels, next_labels = YesPartlyNo.labels(), NextStep.labels()
        rows = [[yes_labels.get(a, a), int(n)] for a, n in zip(went["answer"], went["count"],
                                                                 strict=True)]
        out = [_table(["Did it go to plan?", "Reviews"], rows,
                      caption=_plural(len(r), "review"))]
        not_to_plan = int(went.loc[went["answer"].isin(["partly", "no"]), "count"].sum())
        if not_to_plan:
            out.append(_p(f"{not_to_plan} did not fully go to plan. That is learning, not "
                          "failure: what did we find out that we did not know?"))
        rows = [[next_labels.get(a, a), int(n)] for a, n in zip(dec["answer"], dec["count"],
                                                                  strict=True)]
        out.append(_table(["What we decided next", "Reviews"], rows))
        days = reviews["days_to_review"].dropna()
        if len(days):
            out.append(_note(f"Half of the reviews happened within {int(days.median())} days "
                             "of the experiment ending."))
    if len(waiting):
        out.append(_p("Waiting for a review: "
                      + "; ".join(str(x) for x in waiting["title"]) + "."))
    return "".join(out)


def _portfolio(t: Mapping[str, pd.DataFrame]) -> str:
    e = t["experiment"]
    p = an.experiment_portfolio(e)
    if p.total == 0:
        return _p("No experiments yet, so there is no portfolio to look at. A good mix has "
                  "ideas from every part of the system, and some that reach new people.")

    def pairs(df: pd.DataFrame) -> str:
        return "; ".join(f"{r['label']}: {int(r['count'])}" for r in df.to_dict("records")
                         if r["count"])

    rows = [
        ["Where they are up to", pairs(p.by_status)],
        ["How risky", pairs(p.by_risk)],
        ["What is new", pairs(p.by_novelty)],
        ["Whose idea", pairs(p.by_proposer)],
    ]
    out = [_p(p.sentence), _table(["", "Experiments"], rows, caption="Our portfolio at a glance")]
    high = int(p.by_risk.loc[p.by_risk["risk"] == "high", "count"].sum())
    if high == 0:
        out.append(_p("None of them is high risk. Is there a bolder idea we could try safely?"))
    if not math.isnan(p.new_share) and p.new_share < 0.25:
        out.append(_p("Few of them reach new people or new places. Who have we not tried "
                      "working with?"))
    return "".join(out)


def _learning(t: Mapping[str, pd.DataFrame]) -> str:
    ldf = t["learning"]
    if ldf.empty:
        return _p("No learning yet. What surprised us this week? What went better than we "
                  "hoped, and what let us down? Write it rough: it can be tidied later.")
    balance = an.learning_balance(ldf)
    counts = dict(zip(balance["kind"], balance["count"], strict=True))
    labels = LearningKind.labels()
    rows = [[labels[k], int(counts.get(k, 0))] for k in labels]
    out = [_table(["Kind of learning", "Entries"], rows,
                  caption=_plural(len(ldf), "piece of learning", "pieces of learning"))]
    if not counts.get("disappointment"):
        out.append(_p("No disappointments yet. Were there really none, or are they not being "
                      "written down? They teach us as much as breakthroughs."))
    if not counts.get("breakthrough"):
        out.append(_p("No breakthroughs yet. What went well, however small?"))
    delays = an.reflection_delay(ldf)["delay_days"].dropna()
    if len(delays):
        out.append(_note(f"Half of them were written down within {int(delays.median())} days "
                         "of happening. Sooner is easier to remember."))
    recent = ldf.sort_values(["event_on", "id"], ascending=False).head(3)
    out.append(_p("Most recent: " + "; ".join(str(x) for x in recent["title"]) + "."))
    return "".join(out)


def _sharing(t: Mapping[str, pd.DataFrame]) -> str:
    ldf, sdf = t["learning"], t["share"]
    if ldf.empty:
        return _p("Nothing to share yet: record some learning first.")
    reach = an.reach_by_part(ldf, sdf)
    rows = [[r["label"], int(r["learning_reached"])] for r in reach.to_dict("records")]
    out = [_table(["Part of the system", "Pieces of learning they heard about"], rows,
                  caption=f"Who heard about our {_plural(len(ldf), 'piece', 'pieces')} "
                          "of learning")]
    nobody = int(an.learning_reach(ldf, sdf)["shared_with_nobody"].astype(bool).sum())
    if nobody:
        out.append(_p(f"{_plural(nobody, 'piece has', 'pieces have')} not been shared with "
                      "anyone yet. Who would want to know?"))
    unreached = [r["label"] for r in reach.to_dict("records")
                 if not r["learning_reached"] and r["part"] in NAMED_PARTS]
    if unreached:
        out.append(_p(f"Nothing shared yet with: {_join(unreached)}."))
    return "".join(out)


def _amplify(t: Mapping[str, pd.DataFrame]) -> str:
    ldf, v = t["learning"], t["voice"]
    a = an.amplified(ldf, v)
    if a.empty:
        return _p("Nothing marked to amplify yet. What worked, as the people using services "
                  "see it? Tick 'Amplify and celebrate' on that piece of learning.")
    shown = {int(r["id"]): r for r in v.to_dict("records")}  # the gate's: the team may use
    roles = StorytellerRole.labels()
    out = [_p(f"{_plural(len(a), 'thing')} to amplify and celebrate, with the stories "
              "behind them:")]
    items = []
    for r in a.to_dict("records"):
        voices_html = []
        for vid in r["voices"]:  # links to stories the team may not use are already gone
            row = shown.get(int(vid))
            if row is None:
                continue
            who = roles.get(str(row.get("storyteller_role")), "Someone")
            voices_html.append(
                f"<li>{esc(row.get('shown_name') or who)}, about "
                f"{esc(row.get('domain_of_change'))}: "
                f"<q>{esc(_shorten(row.get('story'), _EXCERPT))}</q></li>"
            )
        if not voices_html:
            voices_html.append("<li>No story linked yet: whose experience shows this?</li>")
        items.append(f"<li><b>{esc(r['title'])}</b>"
                     f'<ul style="margin:0.1em 0">{"".join(voices_html)}</ul></li>')
    out.append(f'<ul style="margin:0.2em 0">{"".join(items)}</ul>')
    out.append(_note("Only stories the team may use are shown: never one that was withdrawn, "
                     "told in confidence, raised a safeguarding concern, or whose teller has "
                     "not yet said who may read it."))
    return "".join(out)


def _feedback(t: Mapping[str, pd.DataFrame]) -> str:
    told = an.told_back(t["voice"], t["decision"], t["learning"], t["feedback"])
    waiting = an.waiting_to_tell(told)
    out = []
    if told.empty:
        out.append(_p("No story has shaped a decision, or learning we amplify, where its "
                      "teller agreed to be told what happened. When one does, it waits here "
                      "for a note back."))
    elif waiting.empty:
        out.append(_p(f"Every teller who agreed to hear back has been told: "
                      f"{_plural(len(told), 'note')} sent or closed."))
    else:
        kinds = {"decision": "decision", "learning": "learning"}
        items = []
        for r in waiting.to_dict("records"):
            about = f" (about {esc(r['about'])})" if r["about"] else ""
            state = (f"Note #{r['note']} is written, not sent yet." if r["note_status"]
                     else "No note yet.")
            when = f", on {_day(r['shaped_on'])}" if not _missing(r["shaped_on"]) else ""
            items.append(
                f"<li>Story #{r['voice']}{about} shaped {kinds[r['shaped_kind']]} "
                f"#{r['shaped_id']}: <q>{esc(_shorten(r['shaped_title'], 100))}</q>{when}. "
                f"{esc(state)}</li>")
        out.append(_p(f"{_plural(len(waiting), 'teller is', 'tellers are')} waiting to "
                      "hear what their story changed:"))
        out.append(f'<ul style="margin:0.2em 0">{"".join(items)}</ul>')
        out.append(_p("Write each a note in the form below: choose the story and what it "
                      "shaped. Once they have heard, change it to 'Sent'."))
    out.append(_note("Only stories whose teller said we may tell them what happened are "
                     "listed; never a withdrawn one. Notes stay with the team: no report or "
                     "export for partners or the public carries them. Keep their address "
                     "or number where the team keeps contact details, not in the note."))
    return "".join(out)


def _reflection(t: Mapping[str, pd.DataFrame]) -> str:
    r = t["reflection"]
    if r.empty:
        return _p("No reflections yet. Think of one moment from the last fortnight: what "
                  "happened, and how did it feel?")
    feelings = r["feelings"].map(lambda x: not _missing(x) and bool(str(x).strip()))
    plan = r["action_plan"].map(lambda x: not _missing(x) and bool(str(x).strip()))
    return "".join([
        _p(f"{_plural(len(r), 'reflection')} recorded, the latest on "
           f"{_day(r['reflected_on'].max())}."),
        _p(f"{int(feelings.sum())} say how it felt, and {int(plan.sum())} say what we would "
           "do next time."),
        _note("Feelings are part of the work. The question about them is there on purpose."),
    ])


def _pulse(t: Mapping[str, pd.DataFrame]) -> str:
    pulse = t["pulse"]
    if pulse.empty:
        return _p("No pulse answers yet. Each person scores every statement from 0 to 10, "
                  "anonymously. Only averages of at least "
                  f"{MIN_GROUP} people are ever shown.")
    scores = an.pulse_scores(pulse, min_group=MIN_GROUP, by_role=True)
    if scores.empty:
        return _p("No complete pulse answers yet.")
    latest = an.latest_pulse(pulse, min_group=MIN_GROUP)["period"].iloc[0]
    now = scores[scores["period"] == latest]
    roles = [r for r in dict.fromkeys(now["role"]) if r != "all"]
    headers = ["Statement", "Everyone", "Change"] + [PART_LABELS.get(r, r) for r in roles]
    rows = []
    for statement in dict.fromkeys(now["statement"]):
        block = now[now["statement"] == statement].set_index("role")
        every = block.loc["all"] if "all" in block.index else None
        change = "" if every is None or _missing(every["change"]) else f"{every['change']:+.1f}"
        row = [block["label"].iloc[0],
               _mean(every["mean"], privacy.HIDDEN_TEXT) if every is not None else "–", change]
        row += [_mean(block.loc[r, "mean"], privacy.HIDDEN_TEXT) if r in block.index else "–"
                for r in roles]
        rows.append(row)
    answers = int(pulse["period"].eq(latest).sum())
    out = [_table(headers, rows, caption=f"Average scores (0-10), round {latest}"),
           _note(f"{answers} answers in this round. '{privacy.HIDDEN_TEXT}' means fewer than "
                 f"{MIN_GROUP} people answered, or showing it would let someone work out a "
                 "small group's answers; '–' means nobody from that part answered. These "
                 "are for reflection, never for holding anyone to account.")]
    return "".join(out)


def _how_we_meet(t: Mapping[str, pd.DataFrame]) -> str:
    m = t["meeting"]
    if m.empty:
        return _p("No meetings recorded yet. Add them in the getting started notebook: who "
                  "came, and whether anything hard was talked about.")
    hard = an.hard_conversations(m)
    rows = [[r["month"], int(r["meetings"]), int(r["hard_topics_raised"])]
            for r in hard.to_dict("records")]
    out = [_table(["Month", "Meetings", "Hard topics raised"], rows,
                  caption="Hard conversations, month by month")]
    wide = an.attendance_wide(m)
    if len(wide):
        out.append(_p(f"On average {wide['parts_present'].mean():.1f} of the six parts of the "
                      "system were in the room."))
    rhythm = _rhythm(t["meeting_series"], m)
    expected = int(rhythm.summary["expected"].sum()) if len(rhythm.summary) else 0
    if expected:
        kept = int(rhythm.summary["kept"].sum())
        out.append(_p(f"We kept {kept} of the {expected} regular meetings we planned, up to "
                      "today."))
    out.append(_note("Can everyone be honest in the room? A month with no hard topic may be "
                     "calm, or it may mean people do not feel safe to raise them."))
    return "".join(out)


def _tally(t: Mapping[str, pd.DataFrame]) -> str:
    c = t["contribution"]
    if c.empty:
        return _p("No speaking time recorded yet. When a meeting starts, add the people "
                  "present below and tap each one as they start speaking.")
    held = dict(zip(t["meeting"]["id"], t["meeting"]["held_on"], strict=True))
    per = c.groupby("meeting")["speaker"].nunique()
    last = max(per.index, key=lambda m: (pd.Timestamp(held.get(m, pd.NaT)), m))
    when = _day(held.get(last)) or f"meeting #{last}"
    return (_p(f"Speaking is recorded for {_plural(len(per), 'meeting')}; the last on {when}, "
               f"with {_plural(int(per[last]), 'speaker')}.")
            + _note("The balance over the meetings is in 'Who spoke in our meetings', below."))


def _contributions(t: Mapping[str, pd.DataFrame]) -> str:
    c = t["contribution"]
    if c.empty:
        return _p("No speaking time recorded yet. Someone can keep a tally in a meeting: a "
                  "made-up name or letter for each speaker, and roughly how long they spoke.")
    s = an.participation_summary(c, t["meeting"], t["decision"])
    rows = [[r["label"], "–" if _missing(r["share"]) else f"{round(100 * r['share'])}%"]
            for r in s.shares.to_dict("records")]
    out = [_p(s.sentence),
           _table(["Part of the system", "Share of the speaking"], rows,
                  caption=f"Over the last {_plural(s.meetings_counted, 'meeting')} "
                          "with speaking recorded")]
    not_heard = [p for p in s.parts_not_heard if p != "other"]
    if not_heard:
        out.append(_p("Not heard at all: " + _join(_labels(not_heard, PART_LABELS)) + "."))
    if not _missing(s.longest_turn_minutes):
        out.append(_note(f"The longest time anyone spoke at once was "
                         f"{s.longest_turn_minutes:.0f} minutes."))
    out.append(_note("A prompt for a conversation about who gets heard, never a score for a "
                     "person."))
    return "".join(out)


def _decisions(t: Mapping[str, pd.DataFrame]) -> str:
    d = t["decision"]
    if d.empty:
        return _p("No decisions recorded yet. When we agree something, write it down with "
                  "whose idea it was and whose views shaped it.")
    bal = an.decision_balance(d)
    rows = [[r["label"], int(r["proposed"]), int(r["shaped"])] for r in bal.to_dict("records")]
    out = [_table(["Part of the system", "Ideas that became decisions",
                   "Decisions their views shaped"], rows,
                  caption=_plural(len(d), "decision"))]
    le = bal.loc[bal["part"] == "lived_experience", "shaped_share"]
    if len(le) and not _missing(le.iloc[0]):
        out.append(_p(f"People with lived experience shaped {round(100 * le.iloc[0])}% of "
                      "our decisions."))
    with_voices = d["voices"].map(lambda x: isinstance(x, list) and len(x) > 0)
    out.append(_p(f"{int(with_voices.sum())} of {len(d)} decisions were informed by a story "
                  "from someone using services."))
    return "".join(out)


def _burden(t: Mapping[str, pd.DataFrame]) -> str:
    b = t["burden"]
    if b.empty:
        return _p("No funding requirements audited yet. List every form, report and return "
                  "a funder asks for, and roughly how long it takes.")
    audit = an.burden_audit(b)
    out = [_p(audit.sentence)]
    strip = audit.strip_list.head(5)
    if len(strip):
        rows = [[r["requirement"], r["funder"], r["action_label"], r["why"],
                 "unknown" if _missing(r["hours_freed"]) else f"{r['hours_freed']:,.0f}"]
                for r in strip.to_dict("records")]
        out.append(_table(["Requirement", "Funder", "What we propose", "Why",
                           "Hours a year it frees"],
                          rows, caption="Top of the strip list: talk these over with the "
                                        "funder"))
    return "".join(out)


def _values(t: Mapping[str, pd.DataFrame]) -> str:
    v = t["value"]
    if v.empty:
        return _p("No shared values written down yet. What do we want people to see us doing, "
                  "every day, whichever organisation we work for?")
    rows = []
    signed: set[str] = set()
    for r in v.to_dict("records"):
        agreed = r.get("agreed_by") if isinstance(r.get("agreed_by"), list) else []
        signed.update(agreed)
        rows.append([r["value"], _shorten(r["what_it_looks_like"]),
                     ", ".join(_labels(agreed, PART_LABELS)) or "nobody yet"])
    out = [_table(["Value", "What it looks like", "Signed up"], rows,
                  caption=_plural(len(v), "shared value"))]
    missing = [PART_LABELS[p] for p in NAMED_PARTS if p not in signed]
    if missing:
        out.append(_p(f"Not signed up to any value yet: {_join(missing)}."))
    shown = (t["learning"]["value_shown"].map(lambda x: not _missing(x)).sum()
             + t["experiment"]["value_shown"].map(lambda x: not _missing(x)).sum())
    out.append(_note(f"{int(shown)} experiments and pieces of learning say which value they "
                     "put into practice."))
    return "".join(out)


#: What the team reads when someone asked anonymously, in a check-in, for someone to talk to.
TALK_WISH_TEXT = "Someone would like someone to talk to: see who can offer time."


def _talk_wanted(t: Mapping[str, pd.DataFrame]) -> str:
    """The line for anonymous wishes to talk: kept today, or raised and still open."""
    s = t["support"]
    open_talk = s[(s["support_kind"] == "someone_to_talk_to") & (s["status"] == "open")
                  & s["requested_by"].map(_missing)]
    waiting = getattr(t, "talk_wishes", lambda: 0)()
    if not len(open_talk) and not waiting:
        return ""
    return (f'<p style="{_ERROR}"><b>{esc(TALK_WISH_TEXT)}</b></p>'
            + _note("Asked anonymously in a check-in: nobody knows who, and nobody should "
                    "guess. Say in the team who can offer time, so whoever asked can come "
                    "to them; mark the request met once someone has."))


def _support(t: Mapping[str, pd.DataFrame]) -> str:
    s = t["support"]
    talk = _talk_wanted(t)
    if s.empty:
        return talk + _p("No requests for outside support yet. What would help: training, "
                         "someone to lead reflective practice, supervision, a partnership?")
    labels, kinds = SupportStatus.labels(), SupportKind.labels()
    counts = s["status"].map(str).value_counts()
    rows = [[labels[k], int(counts.get(k, 0))] for k in labels]
    out = [talk, _table(["Where it is up to", "Requests"], rows,
                  caption=_plural(len(s), "support request"))]
    waiting = s[s["status"].isin(["open", "in_progress"])].sort_values("requested_on")
    if len(waiting):
        out.append(_p("Still waiting:"))
        out.append(_list(f"{kinds.get(str(r['support_kind']), '')}: "
                         f"{_shorten(r['description'], 100)} (asked on "
                         f"{_day(r['requested_on'])})" for r in waiting.to_dict("records")))
    return "".join(out)


def _checkins(t: Mapping[str, pd.DataFrame]) -> str:
    c = t["checkin"]
    if c.empty:
        return _p("No check-ins yet. They are anonymous, and only shown as averages of at "
                  f"least {MIN_GROUP} people.")
    # Months pooled into windows of at least MIN_GROUP check-ins, going back from the latest
    # month (analysis.pooled_checkins): a small team sees something, and the headline's
    # window holds the latest month, so no hidden month contradicts it. The windows never
    # overlap, and a month's own average is shown only when it is a window of its own, so
    # no month's average can be worked out from what is shown.
    pooled = an.pooled_checkins(c, min_group=MIN_GROUP)
    trend = an.checkin_trend(c, min_group=MIN_GROUP)
    # The team's own rule, as in the team report (privacy.Policy): counts as they are.
    counts = privacy.Policy.of("team", MIN_GROUP).suppress(
        trend.assign(responses=trend["responses"].fillna(0)), ["responses"]).display
    alone = {r["start"]: r["mean"] for r in pooled.to_dict("records")
             if r["shown"] and r["months"] == 1}
    rows = [[r["month"], n, _mean(alone[r["month"]]) if r["month"] in alone
             else privacy.HIDDEN_TEXT]
            for r, n in zip(trend.to_dict("records"), counts["responses"], strict=True)]
    latest = pooled.iloc[-1]
    out = [_p(("Lately: " if latest["shown"] else "") + str(latest["sentence"]))]
    out.append(_table(["Month", "Check-ins", "How heavy the work felt (0-10)"], rows,
                      caption="Anonymous check-ins, shown only as averages"))
    together = pooled[pooled["months"] > 1]
    if len(together):
        out.append(_p("Months with too few check-ins, taken together:"))
        out.append(_list(together["sentence"]))
    out.append(_note(
        f"A month with fewer than {MIN_GROUP} check-ins is taken together with the months "
        f"before it (up to {an.pulse.POOL_MONTHS} months) until they hold {MIN_GROUP}; its "
        f"own average stays {privacy.HIDDEN_TEXT}, so that nobody can be recognised. If the "
        "work feels heavy, talk to someone you trust today."))
    return "".join(out)


def _checks(t: Mapping[str, pd.DataFrame]) -> str:
    from hls_workbook.privacy.clearance import (
        CLEARED,
        EDITED,
        HELD,
        PENDING,
        SHARED_TEXT,
        pieces,
        status,
    )

    tables = {kind: t[kind] for kind in SHARED_TEXT}
    rows, total, waiting = [], 0, {}
    for audience in CHECK_AUDIENCES:
        found = status(pieces(tables, audience), t["clearance"], audience)
        counts = found["status"].value_counts()
        total = max(total, len(found))
        waiting[audience] = int(counts.get(PENDING, 0))
        rows.append([AUDIENCE_LABELS[audience], waiting[audience], int(counts.get(CLEARED, 0)),
                     int(counts.get(EDITED, 0)), int(counts.get(HELD, 0))])
    if not total:
        return _p("Nothing typed yet that a report would share outside the team. Once there "
                  "is, each piece of text waits here for a person to check it.")
    out = [_table(["Who will read it", "Waiting for a check", "Cleared as written",
                   "In other words", "Held back"], rows,
                  caption="Every piece of typed text a report could carry, whenever it was "
                          "written")]
    if waiting["public"]:
        n = waiting["public"]
        it = "it" if n == 1 else "them"
        out.append(_p(f"{_plural(n, 'piece waits', 'pieces wait')} for a check: a report "
                      f"for the public leaves {it} out until someone checks {it}."))
    else:
        out.append(_p("Every piece of text has been checked for the public."))
    out.append(_note("Partners read text that waits for a check with suspected personal "
                     "details taken out; text held back is left out for them too. A check "
                     "for the public covers partners. Edit a text and it waits for a check "
                     "again."))
    return "".join(out)


#: How many things to do a stage notebook lists (the rest are counted; the command
#: ``hls-workbook next`` lists them all).
NEXT_LIMIT = 10


def next_steps(wb: Workbook, place: str, on: Any = None) -> pd.DataFrame:
    """What needs doing now for a place, as the team may see it, most urgent first
    (:func:`hls_workbook.analysis.next_steps`, as of ``on``, default today)."""
    _load_analysis()
    return _next_frame(Tables(wb, check_place(place)), on)


def _next_frame(t: Mapping[str, pd.DataFrame], on: Any = None) -> pd.DataFrame:
    return an.next_steps(t["experiment"], t["review"], t["learning"], t["share"],
                         t["support"], t["meeting_series"], t["meeting"],
                         voices=t["voice"], decisions=t["decision"], feedback=t["feedback"],
                         on=_today() if on is None else on)


def where_to(stage: str, key: str) -> str:
    """Where an item of the list is done, in words: the section's title and its notebook."""
    spec = SECTIONS.get(key)
    title = spec.title if spec is not None else key
    return f"{title}, in {stage}"


def _overdue(days: int) -> str:
    return "due today" if days <= 0 else f"{_plural(int(days), 'day')} overdue"


def _next(t: Mapping[str, pd.DataFrame]) -> str:
    todo = _next_frame(t)
    if todo.empty:
        return _p("Nothing needs doing now: no experiment is past its end date or waiting "
                  "for a look back, every decision has been followed up, and all our "
                  "learning has been shared. Every storyteller who asked has heard what "
                  "their story changed.")
    shown = todo.head(NEXT_LIMIT)
    items = "".join(
        f"<li>{esc(r['sentence'])}"
        + _note(f"{_overdue(r['overdue_days'])}. Where: {where_to(r['stage'], r['section'])}.")
        + "</li>"
        for r in shown.to_dict("records")
    )
    out = [_p(f"{_plural(len(todo), 'thing needs', 'things need')} doing now, the most "
              "overdue first."), f'<ol style="margin:0.2em 0">{items}</ol>']
    if len(todo) > len(shown):
        place = getattr(t, "place", "") or "..."
        out.append(_note(f"And {len(todo) - len(shown)} more: a coordinator can list them "
                         f"all with: hls-workbook next --place {place}"))
    return "".join(out)


# ---------------------------------------------------------------------------
# The sections of the four notebooks
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    """One section of a stage notebook: its form (if any), its summary, its practices."""

    key: str
    stage: str
    title: str
    kind: str | None
    practices: tuple[str, ...]
    summarise: Callable[[Mapping[str, pd.DataFrame]], str]
    #: Show the form's questions when run headless (off where they were shown already).
    questions: bool = True
    #: A plain sentence shown above the form, e.g. how to edit a record.
    how: str = ""
    #: Live, a view of its own instead of the summary and a form: called like SectionView.
    view: Callable[..., Any] | None = None
    #: The heading above the summary.
    heading: str = "So far"


_EDIT_HOW = ("To change an experiment, go to 'Change a record' at the bottom of this form, "
             "pick it from the list and press Edit. Change 'Where it is up to' (and anything "
             "else), then press 'Save changes'. The earlier version is kept.")

_CHECK_HOW = ("Before a report is shared outside the team, a person reads every piece of "
              "typed text it would carry and decides: share it as written, share it in "
              "other words, or hold it back. Suspected personal details are marked, but the "
              "workbook cannot find them all: read each piece yourself. In a live notebook "
              "or the app the pieces are listed here; a coordinator can also run "
              "'hls-workbook review'.")

_TALK_HOW = ("Would you like someone to talk to? Tick 'I would like someone to talk to' "
             "with your check-in, or press 'Ask without a check-in'. The team sees only that "
             "someone asked: not who, not your part of the system, not your check-in.")

_SPECS = [
    # 1 Getting started
    SectionSpec("place", "1_getting_started", "The place and its shared focus", "place",
                ("GS3",), _place),
    SectionSpec("partners", "1_getting_started", "Partners: who is here and who is missing",
                "partner", ("GS3", "RC2"), _partners),
    SectionSpec("voices", "1_getting_started", "Stories, with consent", "voice",
                ("GS1", "GS4"), _voices),
    SectionSpec("meeting_series", "1_getting_started", "Our meeting rhythm", "meeting_series",
                ("GS2", "RC4"), _meeting_series),
    SectionSpec("meetings", "1_getting_started", "Meeting log: who came", "meeting",
                ("GS2", "GS4", "RC2", "RC3", "RC4"), _meetings),
    SectionSpec("glossary", "1_getting_started", "Our shared language", "glossary_term",
                ("LB1",), _glossary),
    # 2 Experimentation
    SectionSpec("experiment", "2_experimentation", "Propose an experiment", "experiment",
                ("EX1", "EX3", "BH3"), _experiment),
    SectionSpec("experiment_status", "2_experimentation", "Update where an experiment is up to",
                "experiment", ("EX1", "EX4"), _experiment_status, questions=False,
                how=_EDIT_HOW),
    SectionSpec("review", "2_experimentation", "Look back: after-action review", "review",
                ("EX2", "EX4", "BH1"), _review),
    SectionSpec("portfolio", "2_experimentation", "Our portfolio at a glance", None,
                ("EX1", "EX3"), _portfolio),
    # 3 Learning
    SectionSpec("learning", "3_learning", "What we learned: breakthroughs and disappointments",
                "learning", ("LE1", "LE2", "BH3"), _learning),
    SectionSpec("sharing", "3_learning", "Who we shared it with", "share", ("LE1",), _sharing),
    SectionSpec("amplify", "3_learning", "What we will amplify and celebrate", None, ("LE3",),
                _amplify),
    SectionSpec("feedback", "3_learning", "You said, we did: telling storytellers what "
                "happened", "feedback", ("GS4", "LE1"), _feedback),
    SectionSpec("reflection", "3_learning", "A short reflection, feelings included",
                "reflection", ("BH1", "ES3", "LE2"), _reflection),
    SectionSpec("check", "3_learning", "Check before sharing", "clearance", ("LE1",), _checks,
                questions=False, how=_CHECK_HOW,
                view=lambda *args, **kwargs: CheckView(*args, **kwargs)),
    # 4 Relationships and support
    SectionSpec("pulse", "4_relationships_and_support", "Behaviour pulse", "pulse_round",
                ("RC1", "RC2", "RC3", "RC4", "RC5", "LB1", "LB2", "BH1", "BH2", "BH3", "ES1",
                 "ES2", "ES3"), _pulse),
    SectionSpec("how_we_meet", "4_relationships_and_support",
                "How we meet: rhythm, the room and hard conversations", None,
                ("RC2", "RC3", "RC4"), _how_we_meet),
    SectionSpec("tally", "4_relationships_and_support", "Who is speaking now", None, ("RC5",),
                _tally, view=lambda *args, **kwargs: _tally_view(*args, **kwargs)),
    SectionSpec("contributions", "4_relationships_and_support", "Who spoke in our meetings",
                "contribution", ("RC5",), _contributions),
    SectionSpec("decisions", "4_relationships_and_support", "Decisions and whose views shaped them",
                "decision", ("RC5",), _decisions),
    SectionSpec("burden", "4_relationships_and_support", "Paperwork: the bureaucracy audit",
                "burden", ("LB2",), _burden),
    SectionSpec("values", "4_relationships_and_support", "Values we share", "value",
                ("BH2", "BH3"), _values),
    SectionSpec("support", "4_relationships_and_support", "Asking for outside support",
                "support", ("ES2",), _support),
    SectionSpec("checkins", "4_relationships_and_support", "Check-ins: how heavy the work feels",
                "checkin", ("ES3", "BH1"), _checkins, how=_TALK_HOW,
                view=lambda *args, **kwargs: _checkin_view(*args, **kwargs)),
    # The end of every stage notebook
    SectionSpec("next", EVERY_STAGE, "What needs doing now", None, ("EX4", "LE1", "LE2"),
                _next, heading="What needs doing now"),
]

#: Every section, by key, in notebook order.
SECTIONS: dict[str, SectionSpec] = {s.key: s for s in _SPECS}


def sections_for(stage: str) -> list[SectionSpec]:
    """The sections of one stage notebook ('1_getting_started', ...), in order (those of
    :data:`EVERY_STAGE` last)."""
    if stage not in STAGES:
        raise KeyError(f"'{stage}' is not a stage; use one of: {', '.join(STAGES)}")
    return [s for s in _SPECS if s.stage in (stage, EVERY_STAGE)]


def _spec(key_or_kind: str) -> SectionSpec:
    key = str(key_or_kind).strip()
    if key in SECTIONS:
        return SECTIONS[key]
    try:
        kind = model_for(key).kind
    except WorkbookError:
        kind = None
    for spec in _SPECS:
        if kind is not None and spec.kind == kind:
            return spec
    raise WorkbookError(
        f"'{key_or_kind}' is not a section of the stage notebooks; use one of: "
        + ", ".join(SECTIONS)
    )


# ---------------------------------------------------------------------------
# Showing a section
# ---------------------------------------------------------------------------


def _headless(interactive: bool | None) -> bool:
    """Headless when asked, or when $HLS_WORKBOOK_HEADLESS says so (it always wins)."""
    env = os.environ.get(forms.HEADLESS_ENV, "").strip().lower() in ("1", "true", "yes", "on")
    return env or interactive is False


def summary_html(key: str, wb: Workbook, *, place: str) -> str:
    """A section's summary of what is recorded for the place, as HTML (errors as sentences)."""
    return _summarise(_spec(key), wb, place)[0]


def _summarise(spec: SectionSpec, wb: Workbook, place: str) -> tuple[str, frozenset[str]]:
    """The summary's HTML, and the record kinds it read (to know when to redraw it)."""
    tables = Tables(wb, place)
    try:
        _load_analysis()
        body = spec.summarise(tables)
    except WorkbookError as exc:
        return _error_html(_plain(exc)), tables.read
    except Exception as exc:  # a summary must never show a traceback to a team member
        log.exception("the summary of %s failed", spec.key)
        return _error_html(
            f"Something went wrong while summing up {spec.title.lower()} "
            f"({type(exc).__name__}). What is recorded is safe; tell whoever looks after the "
            "workbook."
        ), tables.read
    return _wrap(f'<h4 style="margin:0.4em 0">{esc(spec.heading)}</h4>{body}'), tables.read


def _plain(exc: BaseException) -> str:
    text = exc.message() if hasattr(exc, "message") else str(exc)
    return str(text).strip() or type(exc).__name__


#: How long the kernel must have been idle (no cell running) before summaries are drawn.
IDLE_SECONDS = 0.15
_PLACEHOLDER = _wrap('<h4 style="margin:0.4em 0">So far</h4>'
                     + _note("Working out what is recorded so far…"))


class _WhenIdle:
    """Summaries to draw once the notebook's cells have run, one at a time.

    In a kernel, a live section shows its form at once and its summary a moment later:
    the summaries (pandas and the analysis) wait until no cell has run for
    :data:`IDLE_SECONDS`, so a notebook run from top to bottom has every form ready
    first. A cell that starts meanwhile goes first; a click on a form is handled between
    two summaries. Outside a kernel (tests, scripts) a summary is drawn straight away.
    """

    def __init__(self) -> None:
        self.waiting: dict[int, SectionView] = {}
        self.timer: Any = None
        self.hooked = False

    def add(self, view: SectionView) -> None:
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: not in a kernel
            view.refresh()
            return
        self.waiting[id(view)] = view
        self._hook()
        self._arm(loop, IDLE_SECONDS)

    def discard(self, view: SectionView) -> None:
        self.waiting.pop(id(view), None)

    def _hook(self) -> None:
        if self.hooked:
            return
        self.hooked = True
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            shell = None
        if shell is not None:
            shell.events.register("pre_run_cell", self._cell_starts)
            shell.events.register("post_run_cell", self._cell_ended)

    def _arm(self, loop: Any, delay: float) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = loop.call_later(delay, self._draw_one) if self.waiting else None

    def _cell_starts(self, *_args: Any) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _cell_ended(self, *_args: Any) -> None:
        import asyncio

        if self.waiting:
            with contextlib.suppress(RuntimeError):
                self._arm(asyncio.get_running_loop(), IDLE_SECONDS)

    def _draw_one(self) -> None:
        import asyncio

        self.timer = None
        if not self.waiting:
            return
        view = self.waiting.pop(next(iter(self.waiting)))
        try:
            view.refresh()
        finally:
            if self.waiting:
                self._arm(asyncio.get_running_loop(), 0)

    def flush(self) -> None:
        """Draw every waiting summary now."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        while self.waiting:
            self.waiting.pop(next(iter(self.waiting))).refresh()


_WHEN_IDLE = _WhenIdle()


def draw_summaries() -> None:
    """Draw now every live section's summary still waiting for the kernel to be idle."""
    _WHEN_IDLE.flush()


class SectionView:
    """A live section: the summary above the form.

    In a kernel the form is shown at once and the summary once the notebook's cells have
    run (see :class:`_WhenIdle`); outside one, both straight away. The summary is worked
    out again whenever a form in this notebook saves a record of a kind it reads (the
    forms tell every live view on the same workbook and place), and when Refresh is
    pressed in a section without a form.
    """

    def __init__(self, spec: SectionSpec, wb: Workbook, *, place: str,
                 role: str | None) -> None:
        import ipywidgets as W

        self.spec = spec
        self.wb = wb
        self.place = place
        self._reads: frozenset[str] = frozenset()
        self.summary = forms.styled(W.HTML, value=_PLACEHOLDER)
        _WHEN_IDLE.add(self)
        parts: list[Any] = [self.summary]
        self.form: forms.RecordForm | None = None
        self.refresh_button: W.Button | None = None
        if spec.how:
            parts.append(forms.styled(W.HTML, value=_wrap(_note(spec.how))))
        if spec.kind is not None:  # one box: the summary above the form
            self.form = forms.show(spec.kind, wb, place=place, role=role, interactive=True,
                                   above=parts)
            self.widget = self.form.widget
        else:
            if spec.view is None:  # a view of its own (the tally) says when it saved
                self.refresh_button = forms.styled(
                    W.Button, description="Refresh", icon="refresh",
                    tooltip="Work this out again from what is recorded now",
                )
                self.refresh_button.on_click(lambda _b: self.refresh())
                parts.append(self.refresh_button)
            self.widget = forms.styled(W.VBox, children=parts)
        forms.add_live(self)  # forms call store_changed(kind) after every save

    def refresh(self) -> None:
        """Work the summary out again from the database."""
        _WHEN_IDLE.discard(self)
        self.summary.value, self._reads = _summarise(self.spec, self.wb, self.place)

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Called by the forms after a save of `kind` on the same workbook and place: the
        summary is worked out again (in a kernel, just after the save has been confirmed)."""
        if not self._reads or kind in self._reads:
            _WHEN_IDLE.add(self)

    def close(self) -> None:
        _WHEN_IDLE.discard(self)
        forms.discard_live(self)
        if self.form is not None:
            self.form.close()
        for widget in (self.summary, self.refresh_button, *self.widget.children, self.widget):
            if widget is not None:
                widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return forms.mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<SectionView {self.spec.key} for {self.place}>"


TALK_LABEL = "I would like someone to talk to"
_TALK_SENT = (" Your wish to talk is passed on without your name, your part of the system "
              "or your check-in: the team will see that someone would like someone to talk "
              "to, and who can offer time.")


def _checkin_view(spec: SectionSpec, wb: Workbook, *, place: str,
                  role: str | None) -> SectionView:
    """The check-ins section, with "I would like someone to talk to" in its form.

    The wish is not part of the check-in (the check-in saved is the same with or without
    it): it is kept apart, with its day only (:meth:`Workbook.wish_to_talk`), and becomes
    an open support request with no role on a later day, when the team next looks
    (:meth:`Workbook.raise_talk_wishes`). "Ask without a check-in" keeps a wish alone.
    """
    import ipywidgets as W

    view = SectionView(spec, wb, place=place, role=role)
    form = view.form
    assert form is not None
    view.talk = forms.styled(W.Checkbox, value=False, description=f"<b>{esc(TALK_LABEL)}</b>",
                             description_allow_html=True, indent=False)
    view.talk_only = forms.styled(W.Button, description="Ask without a check-in",
                                  layout=_wide(),
                                  tooltip="Pass on a wish to talk, without saving a check-in")
    view.talk_message = forms.styled(W.HTML, layout=forms.shown_layout(False))
    box = forms.styled(W.VBox, children=[
        view.talk,
        forms.styled(W.HTML, value=f'<div style="{forms.HELP_STYLE}">Nobody will know it was '
                               "you: the team sees only that someone asked.</div>"),
        view.talk_only, view.talk_message,
    ], layout=forms.shared_layout(margin="0.9em 0 0 0"))
    children = list(form.widget.children)
    buttons = next(i for i, w in enumerate(children)
                   if isinstance(w, W.HBox) and form.submit_button in w.children)
    form.widget.children = (*children[:buttons], box, *children[buttons:])

    def wish() -> str:
        try:
            wb.wish_to_talk(place)
        except WorkbookError as exc:
            return f" Your wish to talk was not passed on ({_plain(exc)}): please try again."
        forms.tell_saved(wb, place, "support", [])
        return _TALK_SENT

    def saved(_rid: int) -> None:
        if view.talk.value:
            view.talk.value = False
            form._set_status(form.status_text + wish(), ok=True)

    def ask_only(_button: Any = None) -> None:
        text = wish().strip()
        view.talk_message.value = f'<div style="{_OK}"><b>{esc(text)}</b></div>'
        forms.show_if(view.talk_message, True)

    form.on_saved(saved)
    view.talk_only.on_click(ask_only)
    view.ask_to_talk = ask_only
    return view


def _tally_view(spec: SectionSpec, wb: Workbook, *, place: str, role: str | None) -> Any:
    """The live speaking tally (:class:`hls_workbook.ui.tally_view.TallyView`) under the
    section's summary."""
    from hls_workbook.ui.tally_view import TallyView

    return TallyView(wb, place=place, role=role,
                     summary=SectionView(spec, wb, place=place, role=role))


# ---------------------------------------------------------------------------
# Check before sharing: the live list of text waiting for a person's check
# ---------------------------------------------------------------------------

_OK = "color:#1b6e20"
_QUOTE = ("margin:0.3em 0;padding:0.4em 0.7em;border-left:4px solid #888;background:#f6f6f6;"
          "white-space:pre-wrap")
_MARK_CSS = ("<style>.hls-check mark.hls-detail{background:#ffe066;color:#000;"
             "outline:1px solid #8a6d00;padding:0 1px}</style>")


def _wide() -> Any:
    """A button as wide as its words (ipywidgets' own width cuts long words off)."""
    return forms.shared_layout(width="auto", min_width="9em", margin="2px 6px 2px 0")


def _label_html(question: str, help_text: str = "") -> str:
    """A question shown above its input (the input is named by it for screen readers)."""
    help_html = (f'<div style="{forms.HELP_STYLE}">{esc(help_text)}</div>' if help_text
                 else "")
    return f"<b>{esc(question)}</b>{help_html}"


class _CheckItem:
    """A place on the page for one piece of text waiting for a check: what it is, the text
    with suspected details marked, the three decisions, the box for other words, and its
    own message.

    The places are made with the section and filled from page to page, never made or
    closed later: in the app, a widget made after the page has loaded could be missed by
    the browser, which would then show none of them.
    """

    def __init__(self, view: CheckView) -> None:
        import ipywidgets as W

        self.view = view
        self.row: dict[str, Any] | None = None
        self.text = forms.styled(W.HTML)
        # No icons: a button is named by its words alone, for screen readers.
        self.clear_button = forms.styled(W.Button, description="Clear it as written",
                                         layout=_wide(),
                                         tooltip="Share this text exactly as it is written")
        self.edit_button = forms.styled(W.Button, description="Share it in other words",
                                        layout=_wide(), tooltip="Write the words to share instead")
        self.hold_button = forms.styled(W.Button, description="Hold it back", layout=_wide(),
                                        tooltip="Do not share this text outside the team")
        self.wording = forms.styled(
            W.Textarea, rows=4, layout=forms.shared_layout(height="6.5em", width="100%",
                                                           max_width="46em"),
            **forms.named_for("Wording for sharing"))
        self.save_button = forms.styled(W.Button, description="Save this wording",
                                        button_style="primary", layout=_wide(),
                                        tooltip="Share these words instead of the original")
        self.cancel_button = forms.styled(W.Button, description="Cancel",
                                          tooltip="Close the box; nothing is saved")
        self.editor = forms.styled(W.VBox, children=[
            forms.styled(W.HTML, value=_label_html(
                "Wording for sharing", "How should it read outside the team? The original "
                "stays for the team. Take out anything that could identify someone.")),
            self.wording,
            forms.styled(W.HBox, children=[self.save_button, self.cancel_button]),
        ], layout=forms.shown_layout(False))
        self.message = forms.styled(W.HTML, layout=forms.shown_layout(False))
        self.buttons = forms.styled(W.HBox, children=[self.clear_button, self.edit_button,
                                                  self.hold_button],
                                layout=forms.shared_layout(flex_flow="row wrap"))
        self.widget = forms.styled(W.VBox, children=[self.text, self.buttons, self.editor,
                                                 self.message],
                               _dom_classes=("hls-check-item",), layout=forms.shown_layout(False))
        self.clear_button.on_click(lambda _b: self._decide("cleared"))
        self.hold_button.on_click(lambda _b: self._decide("held"))
        self.edit_button.on_click(lambda _b: self.open_editor(True))
        self.cancel_button.on_click(lambda _b: self.open_editor(False))
        self.save_button.on_click(lambda _b: self._decide("edited", self.wording.value))

    def show(self, row: dict[str, Any] | None, draft: str | None = None) -> None:
        """Show ``row`` here (None: show nothing); ``draft``: words being typed for it."""
        from hls_workbook.privacy import review

        same = row is not None and row is self.row
        self.row = row
        forms.show_if(self.widget, row is not None)
        if row is None:
            self.open_editor(False, quiet=True)
            return
        if same and draft is None:
            return
        found = review.details_sentence(row["details"])
        note = (f'<p style="margin:0.2em 0"><b>Suspected personal details:</b> {esc(found)}</p>'
                if found else _note("The workbook found no personal details in it: read it "
                                    "all the same."))
        self.text.value = (
            f'<h5 style="margin:0.6em 0 0.1em 0;font-size:1em">{esc(row["record"])}</h5>'
            f'<div style="{forms.HELP_STYLE}">Question: {esc(row["label"])}</div>'
            f'<div style="{_QUOTE}">{row["highlighted"]}</div>{note}')
        self.wording.description = f"Wording for sharing: {row['record']}, {row['label']}"
        self.show_message("")
        if draft is None:
            self.open_editor(False, quiet=True)
        else:
            self.wording.value = draft
            forms.show_if(self.editor, True)

    def _decide(self, decision: str, wording: str | None = None) -> None:
        if self.row is not None:
            self.view.decide(self, decision, wording)

    @property
    def editing(self) -> bool:
        return self.row is not None and self.editor.layout.display != "none"

    def open_editor(self, shown: bool, *, quiet: bool = False) -> None:
        forms.show_if(self.editor, shown)
        if not quiet:
            self.show_message("")
        if not shown:
            self.wording.value = "" if self.row is None else str(self.row["text"])
            if not quiet:
                self.view.editor_closed()

    def show_message(self, text: str) -> None:
        text = text.strip()
        if text and not text.endswith((".", "!", "?")):
            text += "."
        self.message.value = (f'<div style="{forms.ERROR_STYLE}" role="alert">&#9888; '
                              f"{esc(text)} Nothing was saved for this piece.</div>"
                              if text else "")
        forms.show_if(self.message, bool(text))

    def close(self) -> None:
        forms.close_tree(self.widget)


class _SummaryOnly:
    """What the idle queue redraws after a check is saved: the summary, not the list."""

    def __init__(self, view: CheckView) -> None:
        self.view = view

    def refresh(self) -> None:
        self.view.refresh_summary()


class CheckView:
    """The live "Check before sharing" section: a person checks each piece of typed text
    before a report carries it outside the team.

    Above, the summary (how many pieces wait, for each audience). Then who will read it
    (public or partners), the period the report covers, and who is checking; then the
    pieces waiting for a check, :data:`PAGE` at a time, each with its record and
    question, its text with suspected personal details marked, and three buttons: clear it
    as written, share it in other words (a box opens with the text to reword), hold it
    back. Each decision is saved at once (:func:`hls_workbook.privacy.review.record_check`)
    and the piece leaves the list with a short confirmation; a problem is shown beside
    the piece, in words, and nothing typed is lost.

    Like a :class:`SectionView`, its summary and list are worked out once the notebook's
    cells have run, and again when another form saves text the list depends on.
    """

    PAGE = 5

    def __init__(self, spec: SectionSpec, wb: Workbook, *, place: str,
                 role: str | None) -> None:
        import datetime as dt

        import ipywidgets as W

        self.spec = spec
        self.wb = wb
        self.place = place
        self.role = _role(role)[0]
        self._reads: frozenset[str] = frozenset()
        self.rows: list[dict[str, Any]] = []  # the pieces waiting, as listed
        self.listed = 0  # every piece of text for the audience and period
        self.page = 0
        self.problem = ""
        self._stale = False
        self._summary_only = _SummaryOnly(self)
        today = dt.date.today()
        self.summary = forms.styled(W.HTML, value=_PLACEHOLDER)
        self.audience = forms.styled(
            W.Dropdown, options=[(AUDIENCE_LABELS[a], a) for a in CHECK_AUDIENCES],
            value=CHECK_AUDIENCES[0], layout=forms.shared_layout(width="auto"),
            **forms.named_for("Who will read it"))
        # The last twelve months, to begin with: the period of most reports.
        self.start = forms.styled(W.DatePicker, value=today - dt.timedelta(days=365),
                                  **forms.named_for("First day of the period"))
        self.end = forms.styled(W.DatePicker, value=today,
                                **forms.named_for("Last day of the period"))
        self.checker = forms.styled(W.Text, placeholder="a name or a role",
                                    layout=forms.shared_layout(width="100%", max_width="30em"),
                                    **forms.named_for("Who is checking"))
        self.show_button = forms.styled(W.Button, description="Show what waits",
                                        layout=_wide(),
                                        tooltip="List the pieces waiting for a check again")
        self.status = forms.styled(W.HTML)
        self.list_box = forms.styled(W.VBox)
        self.prev_button = forms.styled(W.Button, description="Previous",
                                        layout=forms.shown_layout(False))
        self.next_button = forms.styled(W.Button, description="Next",
                                        layout=forms.shown_layout(False))
        self.page_note = forms.styled(W.HTML)
        self.items = [_CheckItem(self) for _ in range(self.PAGE)]
        self.list_box.children = tuple(item.widget for item in self.items)
        controls = [
            forms.styled(W.HTML, value=f"{forms.NAMED_CSS}{_MARK_CSS}"
                         "<h4 style='margin:0.6em 0 0.2em 0'>"
                         "Check the text waiting to be shared</h4>"),
            forms.styled(W.HTML, value=_label_html(
                "Who will read it", "A check for the public covers partners too.")),
            self.audience,
            forms.styled(W.HTML, value=_label_html(
                "The period the report covers", "Text about this period, and about the "
                "place as a whole."), layout=forms.shared_layout(margin="0.9em 2px 2px 2px")),
            forms.styled(W.HBox, children=[self.start, forms.styled(W.HTML, value="to"), self.end],
                         layout=forms.shared_layout(flex_flow="row wrap", align_items="center")),
            forms.styled(W.HTML, value=_label_html(
                "Who is checking", "Your name or your role: it is kept with each check."),
                layout=forms.shared_layout(margin="0.9em 2px 2px 2px")),
            self.checker,
            forms.styled(W.HBox, children=[self.show_button],
                         layout=forms.shared_layout(margin="0.9em 0 0 0")),
        ]
        self.widget = forms.styled(W.VBox, children=[
            self.summary, *controls, self.status, self.list_box,
            forms.styled(W.HBox, children=[self.prev_button, self.next_button, self.page_note],
                         layout=forms.shared_layout(align_items="center")),
        ], _dom_classes=("hls-check",), layout=forms.shared_layout(max_width="52em"))
        self.show_button.on_click(lambda _b: self.load())
        self.prev_button.on_click(lambda _b: self.turn(-1))
        self.next_button.on_click(lambda _b: self.turn(1))
        for widget in (self.audience, self.start, self.end):
            widget.observe(lambda _c: self.load(), names="value")
        _WHEN_IDLE.add(self)
        forms.add_live(self)  # forms call store_changed(kind) after every save

    # -- reading ------------------------------------------------------------------

    def refresh(self) -> None:
        """Work out the summary and the list again from the database."""
        self.refresh_summary()
        self.load()

    def refresh_summary(self) -> None:
        _WHEN_IDLE.discard(self._summary_only)
        self.summary.value, self._reads = _summarise(self.spec, self.wb, self.place)

    def load(self) -> None:
        """List the pieces waiting for a check, for the audience and period chosen."""
        _WHEN_IDLE.discard(self)
        self._stale = False
        self.problem = ""
        try:
            _load_analysis()
            from hls_workbook.privacy import review

            listed = review.check_list(self.wb, self.place, self.start.value, self.end.value,
                                       self.audience.value)
            self.rows = review.waiting(listed).to_dict("records")
            self.listed = len(listed)
        except WorkbookError as exc:
            self.rows, self.listed, self.problem = [], 0, _plain(exc)
        except Exception as exc:  # never a traceback for a team member
            log.exception("listing the text waiting for a check failed")
            self.rows, self.listed = [], 0
            self.problem = (f"Something went wrong while listing the text to check "
                            f"({type(exc).__name__}). What is recorded is safe; tell whoever "
                            "looks after the workbook.")
        self.page = 0
        self.render()

    def _count_text(self) -> str:
        who = AUDIENCE_LABELS[self.audience.value].lower()
        n = len(self.rows)
        if not self.listed:
            return f"No typed text for this period that a report for {who} would carry."
        if not n:
            return (f"Nothing waits for a check: all {self.listed} pieces of text for {who} "
                    "have been checked.")
        return (f"{_plural(n, 'piece of text waits', 'pieces of text wait')} for a check "
                f"before {who} may read {'it' if n == 1 else 'them'} "
                f"({self.listed} in all for this period).")

    # -- drawing ------------------------------------------------------------------

    def render(self, confirmation: str = "") -> None:
        """Draw the count, the confirmation (if any) and the page of pieces."""
        pages = max(1, math.ceil(len(self.rows) / self.PAGE))
        self.page = min(self.page, pages - 1)
        shown = self.rows[self.page * self.PAGE:(self.page + 1) * self.PAGE]
        # Words being typed for a piece still on the page go with it to its new place.
        drafts = {id(item.row): item.wording.value for item in self.items if item.editing}
        for n, item in enumerate(self.items):
            row = shown[n] if n < len(shown) else None
            moved = row is not None and row is not item.row
            item.show(row, drafts.get(id(row)) if moved or row is None else None)
        parts = []
        if confirmation:
            parts.append(f'<p style="{_OK}"><b>{esc(confirmation)}</b></p>')
        if self.problem:
            parts.append(f'<p class="hls-check-problem" style="{_ERROR}"><b>'
                         f"{esc(self.problem)}</b></p>")
        else:
            parts.append(f'<p class="hls-check-count"><b>{esc(self._count_text())}</b></p>')
        self.status.value = f'<div role="status">{"".join(parts)}</div>'
        many = len(self.rows) > self.PAGE
        forms.show_if(self.prev_button, many)
        forms.show_if(self.next_button, many)
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= pages - 1
        if many:
            first = self.page * self.PAGE + 1
            self.page_note.value = (f'<span style="{forms.HELP_STYLE}">Showing {first} to '
                                    f"{first + len(shown) - 1} of {len(self.rows)} (page "
                                    f"{self.page + 1} of {pages})</span>")
        else:
            self.page_note.value = ""

    def turn(self, step: int) -> None:
        """Show the next (1) or the previous (-1) page of pieces."""
        self.page = max(0, self.page + step)
        self.render()

    # -- deciding -----------------------------------------------------------------

    def decide(self, item: _CheckItem, decision: str, wording: str | None = None) -> int | None:
        """Save one decision on one piece; return the check's record id (None: not saved,
        and the problem is shown beside the piece)."""
        from hls_workbook.privacy import review

        item.show_message("")
        try:
            cid = review.record_check(self.wb, self.place, item.row, decision=decision,
                                      audience=self.audience.value, by=self.checker.value,
                                      shared_text=wording, role=self.role)
        except WorkbookError as exc:
            item.show_message(_plain(exc))
            return None
        except Exception as exc:  # never lose the piece to an unexpected error
            log.exception("saving a check failed")
            item.show_message(f"Something went wrong ({type(exc).__name__}). Press the button "
                              "again; if it happens again, tell whoever looks after the "
                              "workbook.")
            return None
        who = AUDIENCE_LABELS[self.audience.value].lower()
        where = f"{item.row['record']}, ‘{item.row['label']}’"
        said = {
            "cleared": f"Saved: cleared for {who}, as written ({where}).",
            "edited": f"Saved: {who} will read your wording instead ({where}).",
            "held": f"Saved: held back from {who} ({where}).",
        }[decision]
        self.rows = [r for r in self.rows if r is not item.row]
        self.render(confirmation=said)
        forms.tell_saved(self.wb, self.place, "clearance", [cid])
        return cid

    def editor_closed(self) -> None:
        if self._stale and not any(i.editing for i in self.items):
            self.load()

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Called by the forms after a save on the same workbook and place: the summary is
        worked out again, and the list too when the text it holds may have changed (not
        while someone is rewording a piece: then when they are done)."""
        from hls_workbook.privacy.clearance import SHARED_TEXT

        _WHEN_IDLE.add(self._summary_only)
        if kind not in SHARED_TEXT:  # a check, or a kind whose text is never shared
            return
        if any(i.editing for i in self.items):
            self._stale = True
        else:
            _WHEN_IDLE.add(self)

    def close(self) -> None:
        _WHEN_IDLE.discard(self)
        _WHEN_IDLE.discard(self._summary_only)
        forms.discard_live(self)
        for item in self.items:
            item.close()
        forms.close_tree(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return forms.mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<CheckView {self.spec.key} for {self.place}>"


def section(
    key_or_kind: str,
    wb: Workbook,
    *,
    place: str,
    role: str | None = None,
    interactive: bool | None = None,
) -> SectionView | Block:
    """One section of a stage notebook, ready to display as the last line of a cell.

    ``key_or_kind`` is a key of :data:`SECTIONS` (``"partners"``) or a record kind
    (``"partner"``: its first section). Live, it is a :class:`SectionView` (summary and
    form). Headless (``interactive=False`` or ``HLS_WORKBOOK_HEADLESS=1``) it is a
    :class:`Block` of HTML: the summary and the form's questions, no widget.
    A problem comes back as a plain sentence, never a traceback.
    """
    try:
        spec = _spec(key_or_kind)
        place = check_place(place)
        if not _headless(interactive):
            if spec.view is not None:
                return spec.view(spec, wb, place=place, role=role)
            return SectionView(spec, wb, place=place, role=role)
        parts = [summary_html(spec.key, wb, place=place)]
        if spec.how:
            parts.append(_wrap(_note(spec.how)))
        if spec.kind is not None and spec.questions:
            parts.append(_wrap(forms.describe(spec.kind, as_html=True)))
        return Block("".join(parts), label=spec.title)
    except WorkbookError as exc:
        return Block(_error_html(_plain(exc)), label="A problem")


def _saves_kind(spec: SectionSpec) -> str | None:
    """The record kind a section's saves are announced as (None: it saves nothing)."""
    if spec.key == "check":
        return "clearance"
    if spec.key == "tally":
        return "contribution"
    if spec.kind is None:
        return None
    return model_for(spec.kind).stored_as or spec.kind


class SectionSlot:
    """A live section of a stage with a chooser: it follows the place and the part of the
    system chosen, without running a cell again.

    Its ``widget`` is a box around the section (a :class:`SectionView`, a
    :class:`CheckView` or the tally): a new place builds the section afresh inside the
    box; a new part of the system is handed to the section's form, so the next save is
    credited to it. A section where something was saved in this session is marked
    ``hls-done`` (the app's progress counts them); one that can save is ``hls-task``.
    """

    def __init__(self, stage: Stage, key_or_kind: str) -> None:
        import ipywidgets as W

        self.stage = stage
        self.key = str(key_or_kind)
        self.wb = stage.wb
        self.place = stage.place
        try:
            self.saves: str | None = _saves_kind(_spec(self.key))
        except WorkbookError:
            self.saves = None
        self.view: Any = None
        classes = ("hls-section", "hls-task") if self.saves else ("hls-section",)
        self.widget = forms.styled(W.VBox, _dom_classes=classes)
        self._build()
        forms.add_live(self)

    @property
    def form(self) -> forms.RecordForm | None:
        return getattr(self.view, "form", None)

    @property
    def done(self) -> bool:
        return "hls-done" in self.widget._dom_classes

    def _build(self) -> None:
        import ipywidgets as W

        self.view = section(self.key, self.wb, place=self.place, role=self.stage.role,
                            interactive=True)
        inner = getattr(self.view, "widget", None)
        if inner is None:  # a problem, in words
            inner = forms.styled(W.HTML, value=getattr(self.view, "html", ""))
        self.widget.children = [inner]

    def set_role(self, role: str | None) -> None:
        for holder in (self.view, self.form, getattr(self.view, "summary", None)):
            if holder is None:
                continue
            if hasattr(holder, "set_role"):
                holder.set_role(role)
            elif hasattr(holder, "role"):
                holder.role = role

    def set_place(self, place: str) -> None:
        if place == self.place:
            return
        old = self.view
        self.place = place
        self.widget.remove_class("hls-done")
        self._build()
        if hasattr(old, "close"):
            old.close()

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Called by the forms after every save on this workbook and place."""
        if self.saves is not None and kind == self.saves and ids != []:
            self.widget.add_class("hls-done")

    def close(self) -> None:
        forms.discard_live(self)
        if hasattr(self.view, "close"):
            self.view.close()
        self.widget.close()

    def __getattr__(self, name: str) -> Any:  # the section's own parts: .summary, ...
        if name in ("view", "stage"):
            raise AttributeError(name)
        return getattr(self.view, name)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return forms.mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<SectionSlot {self.key} for {self.place}>"


# ---------------------------------------------------------------------------
# Opening a stage
# ---------------------------------------------------------------------------


def _role(role: str | None) -> tuple[str | None, str | None]:
    if role in (None, ""):
        return None, None
    text = str(role).strip().lower()
    for value, label in PART_LABELS.items():
        if text in (value, label.lower(), value.replace("_", " ")):
            return value, None
    known = "; ".join(f"{value} ({label})" for value, label in PART_LABELS.items())
    return None, (f"'{role}' is not a part of the system, so saves will not say which part "
                  f"they came from. Set role to one of: {known}.")


def _where(wb: Workbook) -> str:
    """Where the workbook is, without any password a database URL may hold."""
    if wb.path is not None:
        return str(wb.path)
    return shown_location(wb.url)


@dataclass
class Stage:
    """An open workbook and place for one stage notebook. Display it to see where we are."""

    place: str
    role: str | None
    interactive: bool
    wb: Workbook | None = None
    error: str | None = None
    role_warning: str | None = None
    place_name: str | None = None

    @property
    def is_new(self) -> bool:
        """True when the place has not been described yet (no name or shared focus)."""
        return self.error is None and self.place_name is None

    chooser: Any = None
    slots: list[SectionSlot] = field(default_factory=list)
    _head: Any = None

    def section(self, key_or_kind: str) -> SectionSlot | SectionView | Block:
        """One section of the notebook (see :func:`section`). Live, with a chooser, it is
        a :class:`SectionSlot`: it follows the place and part of the system chosen."""
        if self.error is not None or self.wb is None:
            return Block(_error_html(self.error or "The workbook is not open."),
                         label="A problem")
        if self.chooser is not None:
            slot = SectionSlot(self, key_or_kind)
            self.slots.append(slot)
            return slot
        return section(key_or_kind, self.wb, place=self.place, role=self.role,
                       interactive=self.interactive)

    def choose(self, place: str, role: str | None) -> None:
        """Follow the chooser: a new part of the system credits every later save to it; a
        new place redraws every section for that place."""
        self.role, self.role_warning = role, None
        if place != self.place and self.wb is not None:
            self.place = place
            try:
                info = self.wb.place_info(place)
            except WorkbookError as exc:
                info, self.role_warning = None, _plain(exc)
            self.place_name = None if info is None else str(info.get("name") or place)
            for slot in self.slots:
                slot.set_place(place)
        for slot in self.slots:
            slot.set_role(role)
        if self._head is not None:
            self._head.value = self.html()

    def close(self) -> None:
        for slot in self.slots:
            slot.close()
        self.slots.clear()
        if self.chooser is not None:
            self.chooser.close()
        if self.wb is not None:
            self.wb.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if self.chooser is None:
            return {"text/html": self.html(), "text/plain": repr(self)}
        if self._head is None:
            import ipywidgets as W

            self._head = forms.styled(W.HTML, value=self.html())
            self._box = forms.styled(W.VBox, children=[self.chooser.widget, self._head],
                                     _dom_classes=("hls-start",))
        return forms.mime_bundle(self._box, repr(self))

    def html(self) -> str:
        if self.error is not None:
            return _error_html(self.error)
        where = esc(_where(self.wb)) if self.wb is not None else ""
        if self.place_name is None:
            head = (f"<p><b>{esc(self.place)}</b> is new here. Tell us about your place "
                    "first, in <i>The place and its shared focus</i> (the first section of "
                    f"<i>{STAGES['1_getting_started']}</i>). The rest can follow in any "
                    "order.</p>")
        else:
            head = f"<p>Working on <b>{esc(self.place_name)}</b> ({esc(self.place)}).</p>"
        mode = ("Fill in a form and press Submit: nothing is saved until you do."
                if self.interactive else
                "This copy was run without forms: it shows the questions and what is recorded.")
        if self.chooser is not None:  # the chooser says who saves come from; no paths
            parts = [head, _note(mode)]
        else:
            who = (f"Saves will say they came from: {esc(PART_LABELS[self.role])}. Never a "
                   "name." if self.role else
                   "Saves will not say which part of the system they came from.")
            parts = [head, _note(who), _note(mode), _note(f"Workbook: {where}")]
        if self.role_warning:
            parts.append(f'<p style="{_ERROR}">{esc(self.role_warning)}</p>')
        return _wrap("".join(parts))

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return f"<Stage {self.place}>"


def open_stage(
    db: str | None = None,
    place: str = "",
    role: str | None = None,
    *,
    interactive: bool | None = True,
    create: bool = False,
) -> Stage:
    """Open the workbook and get the place ready for a stage notebook.

    ``db`` empty means ``$HLS_WORKBOOK_DB``, else ``data/workbook.db``. A database that
    does not exist is refused, in one sentence, unless ``create`` is True: a mistyped path
    must not start a new, empty workbook (and its -wal and -shm files). A place that has
    not been described yet is not a failure: the stage says to tell us about it first.
    Any problem (a bad place name, a database that cannot be opened) is kept as a plain
    sentence, shown by the stage and by every section, never raised.
    """
    headless = _headless(interactive)
    if not headless:  # what was chosen earlier in this session wins over the parameters
        chosen = chooser.remembered()
        place = chosen.get("place") or place
        role = chosen.get("role", role)
    role_value, warning = _role(role)
    stage = Stage(place=str(place), role=role_value, interactive=not headless,
                  role_warning=warning)
    try:
        stage.place = check_place(place)
        stage.wb = open_workbook(db or None, create=create)
        info = stage.wb.place_info(stage.place)
    except WorkbookError as exc:
        stage.error = _plain(exc)
        if not create and stage.wb is None and "hls-workbook init" in stage.error:
            stage.error += " (or, in the notebook, set create = True in its first cell)."
        return stage
    if info is not None:
        stage.place_name = str(info.get("name") or stage.place)
    if not headless:
        try:
            stage.chooser = chooser.Chooser(_place_options(stage.wb), stage.place,
                                            stage.role)
        except WorkbookError as exc:  # no list of places: the notebook's own place only
            log.warning("no list of places: %s", exc)
            stage.chooser = chooser.Chooser([], stage.place, stage.role)
        stage.chooser.observe(stage.choose)
    return stage


def participant_arrived() -> None:
    """In the app: wait until a participant opens the page this kernel was warmed for
    (Voilà's preheated kernels run the notebook before anyone asks for it), then offer
    back any draft kept in the meantime. Without preheating, it returns at once."""
    try:
        from voila.utils import wait_for_request
    except ImportError:  # not in the app
        return
    wait_for_request()
    forms.look_for_drafts_again()


def _place_options(wb: Workbook) -> list[tuple[str, str]]:
    """The workbook's places as (what people call it, short name) pairs."""
    named = []
    for short in wb.places():
        info = wb.place_info(short) or {}
        named.append((str(info.get("name") or "").strip() or short, short))
    twice = {name for name, _short in named if [n for n, _s in named].count(name) > 1}
    return [(f"{name} ({short})" if name in twice else name, short) for name, short in named]

