"""What each report section shows, as HTML built in Python.

The report notebook calls ``Report.load(...)`` once and ``report.show(key)`` per section;
the benchmark's floor calls ``report.render_html()``. Privacy is applied once, in
``load``, before any section sees the data; every piece of text a person typed is escaped
here with :func:`esc` (the only way text reaches the HTML). In public reports every count
of people or answers below the threshold is shown as "hidden".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hls_workbook import analysis as an
from hls_workbook import privacy
from hls_workbook.analysis import missing
from hls_workbook.domain.model import (
    ExperimentStatus,
    LearningKind,
    NextStep,
    Part,
    Statement,
    StorytellerRole,
    SupportKind,
    SupportStatus,
    YesPartlyNo,
)
from hls_workbook.reporting import charts

PART_LABELS = Part.labels()

#: key -> (title, practice ids). The report notebook's cells follow this order.
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "glance": ("At a glance", ("LE3", "LB2")),
    "place": ("The place and its focus", ("GS3", "RC2")),
    "voices": ("What people told us", ("GS1", "GS4", "LE3")),
    "meetings": ("How we met and who was in the room",
                 ("GS2", "GS4", "RC2", "RC3", "RC4", "RC5")),
    "experiments": ("What we tried and what happened", ("EX1", "EX2", "EX3", "EX4", "BH3")),
    "learning": ("What we learned and who heard it", ("LE1", "LE2", "LE3", "EX2")),
    "relationships": ("Relationships and support",
                      ("RC1", "RC3", "LB2", "BH1", "BH2", "BH3", "ES1", "ES2", "ES3")),
    "glossary": ("Our shared language", ("LB1",)),
}


#: Every piece of typed text reaches the HTML through this (None and NaN become "").
esc = privacy.escape

#: A report lists at most this many records in one table (the most recent, or the first),
#: and says how many more there are: the page stays the same size however much a place
#: records. Totals, findings and charts still count every record.
LIST_LIMIT = 30
#: Reports for partners and the public list only this many of a log's records (the most
#: recent); the team's report lists up to LIST_LIMIT.
LOG_LIMIT = 5


class Section:
    """A block of report HTML that notebooks display as it is."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass
class Report:
    """Everything one report needs, loaded once, with the audience's privacy applied."""

    place: str
    start: dt.date
    end: dt.date
    audience: str
    threshold: int
    title: str
    place_row: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    #: The database read (for the previous period, through the same gate); None: no
    #: comparison (a report built by hand).
    db: Any = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls, *, db: str | None, place: str, start: str | dt.date, end: str | dt.date,
        audience: str = "team", title: str = "", threshold: int = 5,
    ) -> Report:
        """Read the place's records for the period through the privacy gate, once."""
        start_d = pd.Timestamp(start).date()
        end_d = pd.Timestamp(end).date()
        policy = privacy.Policy.of(audience, threshold)  # refuses a bad audience or threshold
        tables = privacy.open_tables(db, place, start_d, end_d, policy)
        place_rows = tables["place"]
        place_row = place_rows.iloc[0].to_dict() if len(place_rows) else {"name": place}
        if not policy.may_see_unredacted_text:
            title = privacy.redact(title)
        return cls(place, start_d, end_d, policy.audience, policy.threshold, title, place_row,
                   tables, db=db)

    # -- helpers ---------------------------------------------------------------------

    @property
    def public(self) -> bool:
        return self.audience == "public"

    def count(self, n: Any) -> str:
        """A count of people as text; in public reports, 1 to threshold-1 is "hidden"."""
        if n is None or (isinstance(n, float) and math.isnan(n)):
            return "–"
        n = int(n)
        if self.public and 0 < n < self.threshold:
            return privacy.HIDDEN_TEXT
        return f"{n:,}"

    def number_of(self, n: Any, noun: str) -> str:
        """"12 decisions", or in a public report "a hidden number of decisions" (1 to
        threshold-1): the one wording for a hidden number, inside a sentence."""
        text = self.count(n)
        if text == privacy.HIDDEN_TEXT:
            return f"a {privacy.HIDDEN_TEXT} number of {noun}"
        return f"{text} {noun}"

    @property
    def min_group(self) -> int:
        """The smallest group whose share or average a report may show (0: any)."""
        return self.threshold if self.public else 0

    def counts(self, frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        """``frame`` with its counts of people as text, decided once for the whole table.

        Public: small counts hidden, with secondary suppression so that no hidden count
        can be worked out from the others or a total (:func:`privacy.suppress_counts`).
        Other audiences: the counts, formatted. Build every sentence about these counts
        from what this returns, never from the numbers again.
        """
        if self.public:
            return privacy.suppress_counts(frame, list(columns), self.threshold).display
        out = frame.copy()
        for col in columns:
            out[col] = pd.Series([self.count(v) for v in frame[col]], index=frame.index,
                                 dtype=object)
        return out

    def more(self, shown: int, total: int, what: str, which: str = "the {n} most recent"
             ) -> str:
        """The note under a table that lists only some of the records."""
        if total <= shown:
            return ""
        rest = ""
        if self.audience != "team":
            # Said as a count of people would be (a log of stories is one): never small.
            others = self.count(total - shown)
            rest = (" The others are" if others == privacy.HIDDEN_TEXT else
                    " The other one is" if total - shown == 1 else f" The other {others} are"
                    ) + " in the team\u2019s own report."
        return (f'<p class="note">This shows {esc(which.format(n=shown))} of '
                f"{esc(self.number_of(total, what))}.{esc(rest)} The workbook keeps every "
                "one.</p>")

    @property
    def log_limit(self) -> int:
        """How many records of a log (reviews, learning, support asked for) a report lists:
        the team's up to LIST_LIMIT, the others' the LOG_LIMIT most recent."""
        return LIST_LIMIT if self.audience == "team" else min(LOG_LIMIT, LIST_LIMIT)

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def show(self, key: str) -> Section:
        """One section as HTML (what a report notebook cell displays)."""
        if key == "intro":
            return Section(self.intro())
        if key == "protection":
            return Section(self.protection())
        title, practices = SECTIONS[key]
        body = getattr(self, f"_{key}")()
        head = (
            # The practice ids are for tools (and the coverage checks), not for readers.
            f'<section class="report-section" id="{key}" aria-labelledby="{key}-h" '
            f'data-practices="{esc(" ".join(practices))}">'
            f'<h2 id="{key}-h">{esc(title)}</h2>'
        )
        return Section(head + body + "</section>")

    def render_html(self) -> str:
        """Every section, one after another (used by the benchmark's floor)."""
        first, *rest = SECTIONS  # at a glance, then how we protect people, then the rest
        return "\n".join([self.intro(), self.show(first).html, self.protection()]
                         + [self.show(k).html for k in rest])

    @property
    def waiting(self) -> int:
        """Pieces of typed text left out because nobody has checked them yet."""
        return privacy.waiting_for_check(self.tables)

    def intro(self) -> str:
        name = esc(self.place_row.get("name", self.place))
        period = f"{_day(self.start)} to {_day(self.end)}"
        text = {
            "team": "This report is for our team. It holds everything we may see ourselves.",
            "partners": "This report is for our partners across the local system.",
            "public": "This report is for anyone.",
        }[self.audience]
        return (
            f'<p class="lede">What we did, tried and learned in {name}, {esc(period)}.</p>'
            f'<p class="note">{esc(text)}</p>'
        )

    def protection(self) -> str:
        """"How we protect people": every rule this report followed, said once."""
        rules = ["Stories appear only for the readers their tellers agreed to. Stories that "
                 "were withdrawn, told in confidence or raised a safeguarding concern never "
                 "appear."]
        if self.audience == "team":
            rules.append("Names and other personal details are kept: do not forward it.")
        else:
            rules.append("Names, contact details, addresses, dates of birth and other "
                         "personal details found in the text are shown as "
                         f"'{privacy.REMOVED}'. Who spoke in meetings is shown by their part "
                         "of the system, never by name.")
        if self.audience == "partners":
            rules.append("Text that a person held back when checking it before sharing is "
                         "left out, and their wording for sharing is used where they gave "
                         "one.")
        if self.public:
            waiting = self.waiting
            pieces = "1 piece of text is" if waiting == 1 else f"{waiting:,} pieces of text are"
            rules.append("Only text that a person checked and cleared for the public is "
                         "shown." + (f" {pieces} waiting for that check, so "
                                     f"{'it is' if waiting == 1 else 'they are'} left out."
                                     if waiting else ""))
            hidden = privacy.HIDDEN_TEXT
            rules.append(f"A number shown as '{hidden}' is one of three things: a count of "
                         "people, or of what they said or gave, from 1 to "
                         f"{self.threshold - 1}; a count that would let such a count be "
                         "worked out from a total; or "
                         f"an average or share of fewer than {self.threshold} people or "
                         "answers. All three read the same, so the word gives nothing away. "
                         "Totals that include a hidden count say 'at least'. Other numbers "
                         "(meetings, experiments, hours, money, days) are not about people "
                         "and are shown as they are.")
        items = "".join(f"<li>{esc(r)}</li>" for r in rules)
        return ('<section class="protection" id="how-we-protect-people" '
                'aria-labelledby="how-we-protect-people-h">'
                '<h2 id="how-we-protect-people-h">How we protect people</h2>'
                f"<ul>{items}</ul></section>")

    # -- analyses shared by the summary and the sections (worked out once) -------------

    def rhythm(self) -> Any:
        t = self.tables
        return self.cached("rhythm", lambda: an.meeting_rhythm(
            t["meeting_series"], t["meeting"], start=self.start, end=self.end))

    def participation(self) -> Any:
        t = self.tables
        return self.cached("participation", lambda: an.participation_summary(
            t["contribution"], t["meeting"], t["decision"], min_group=self.min_group))

    def audit(self) -> Any:
        return self.cached("audit", lambda: an.burden_audit(self.tables["burden"]))

    # -- at a glance ------------------------------------------------------------------

    def previous(self) -> tuple[dt.date, dt.date, dict[str, pd.DataFrame] | None]:
        """The period of the same length just before this one, read through the same gate
        for the same audience (tables None: nothing to read it from)."""
        end = self.start - dt.timedelta(days=1)
        months = _months(self.start, self.end)
        start = ((pd.Timestamp(self.start) - pd.DateOffset(months=months)).date() if months
                 else end - (self.end - self.start))

        def read() -> dict[str, pd.DataFrame] | None:
            if self.db is None:
                return None
            policy = privacy.Policy.of(self.audience, self.threshold)
            return privacy.open_tables(self.db, self.place, start, end, policy)

        return start, end, self.cached("previous", read)

    def findings(self) -> list[tuple[str, str]]:
        """The findings that matter most, as (sentence, section key), from what the sections
        show: each sentence is built from the same gated, suppressed figures as its
        section, so the summary never states a number the body hides."""
        t = self.tables
        out: list[tuple[str, str]] = []
        summary = self.rhythm().summary
        if len(summary) and int(summary["expected"].sum()):
            out.append((_rhythm_sentence(summary), "meetings"))
        if len(t["meeting"]) and self.participation().dominant_part is not None:
            out.append((self.participation().sentence, "meetings"))
        if len(t["experiment"]):
            out.append((_experiments_sentence(an.experiment_portfolio(t["experiment"])),
                        "experiments"))
        if len(t["learning"]):
            out.append((self.health().sentence, "learning"))
        if len(t["burden"]):
            out.append((self.audit().sentence, "relationships"))
        return [(sentence_case(text), key) for text, key in out[:5]]

    def changes(self) -> list[tuple[str, str]]:
        """What changed since the previous period of the same length, in words with the
        direction, as (sentence, section key). Only the team's own records (meetings,
        experiments, reviews, learning, sharing) are compared: they are not counts of
        people, so no audience has any of them hidden."""
        start, end, before = self.previous()
        if before is None:
            return []
        now, then = self.tables, before
        if not any(len(then[k]) for k in ("meeting", "experiment", "review", "learning",
                                         "share")):
            return [("Nothing was recorded for that period, so there is nothing to compare "
                     "with yet.", "meetings")]
        out = []
        for kind, what, key in (
            ("meeting", "meetings held", "meetings"),
            ("experiment", "experiments under way", "experiments"),
            ("review", "experiments looked back on", "experiments"),
            ("learning", "pieces of learning written down", "learning"),
            ("share", "times learning was shared", "learning"),
        ):
            if len(now[kind]) or len(then[kind]):
                out.append((_compare(len(now[kind]), len(then[kind]), what), key))
        r_now = self.rhythm().summary
        r_then = an.meeting_rhythm(then["meeting_series"], then["meeting"], start=start,
                                   end=end).summary
        if len(r_now) and len(r_then) and int(r_now["expected"].sum()) and int(
                r_then["expected"].sum()):
            a = r_now["kept"].sum() / r_now["expected"].sum()
            b = r_then["kept"].sum() / r_then["expected"].sum()
            out.insert(0, (_compare_share(a, b, "of our planned regular meetings"),
                           "meetings"))
        return out

    def plans(self) -> list[tuple[str, str]]:
        """What the team will do next, as (sentence, section key). The team's own report
        lists what needs doing now (:func:`analysis.next_steps`); others read the decisions
        of the latest reviews and what the latest learning says the team will do."""
        t = self.tables
        if self.audience == "team":
            on = min(self.end, dt.date.today())
            steps = an.next_steps(t["experiment"], t["review"], t["learning"], t["share"],
                                  t["support"], t["meeting_series"], t["meeting"], on=on)
            where = {"past_end": "experiments", "waiting_for_review": "experiments",
                     "permission_waiting": "experiments", "support_open": "relationships",
                     "rhythm_slipping": "meetings"}
            return [(r["sentence"], where.get(r["kind"], "learning"))
                    for r in steps.head(3).to_dict("records")]
        out = []
        titles = dict(zip(t["experiment"]["id"], t["experiment"]["title"], strict=False))
        steps = NextStep.labels()
        reviews = t["review"].sort_values("reviewed_on", ascending=False)
        for r in reviews.to_dict("records"):
            title = titles.get(r["experiment"])
            if missing(title) or missing(r.get("decision")):
                continue  # its title waits for a check before it may be shared
            label = steps.get(r["decision"], "")
            out.append((f"{label.split(':')[0]}: {title}.", "experiments"))
            if len(out) == 2:
                break
        learning = t["learning"]
        responses = learning.dropna(subset=["response"]).sort_values("event_on",
                                                                     ascending=False)
        seen: set[str] = set()
        for text in responses["response"]:
            if len(out) == 4 or str(text) in seen:
                continue
            seen.add(str(text))
            out.append((str(text), "learning"))
        return out

    def asks(self) -> list[tuple[str, str]]:
        """What the team asks of funders and partners, as (sentence, section key): the
        strip list's first three, and the support still asked for."""
        out = []
        audit = self.audit()
        for r in audit.strip_list.head(3).to_dict("records"):
            if r.get("action") == "keep":
                continue
            hours = ("" if missing(r.get("hours_freed"))
                     else f": it would free {float(r['hours_freed']):,.0f} hours a year")
            out.append((f"{r['funder']}, on {r['requirement']}: "
                        f"{str(r['action_label']).lower()}{hours}.", "relationships"))
        support = self.tables["support"]
        if len(support):
            still = support[support["status"].isin(["open", "in_progress"])]
            for text in still.sort_values("requested_on")["description"].head(2):
                if not missing(text):
                    out.append((f"Support: {text}", "relationships"))
        return out

    def _glance(self) -> str:
        """One screen: the findings that matter most, what changed since the period before,
        what we will do next and what we ask of funders and partners; each point links to
        the section that says more."""
        titles = {k: title for k, (title, _p) in SECTIONS.items()}

        def items(points: list[tuple[str, str]]) -> str:
            return "<ul>" + "".join(
                f'<li>{esc(text)} <a class="more" href="#{key}">See: {esc(titles[key])}'
                "</a></li>" for text, key in points) + "</ul>"

        blocks = [("What we found", self.findings(),
                   "Nothing is recorded for this period yet.")]
        start, end, _ = self.previous()
        blocks.append((f"What changed since the period before ({_day(start)} to "
                       f"{_day(end)})", self.changes(),
                       "There is no earlier period to compare with."))
        blocks.append(("What we will do next", self.plans(),
                       "Nothing is planned in the records yet."))
        ask = "What we will ask of funders and partners" if self.audience == "team" else (
            "What we ask of funders and partners")
        blocks.append((ask, self.asks(), "Nothing to ask for now."))
        out = []
        for n, (heading, points, none) in enumerate(blocks):
            out.append(f'<h3 id="glance-{n}">{esc(heading)}</h3>')
            out.append(items(points) if points else _empty(none))
        return '<div class="glance">' + "".join(out) + "</div>"

    # -- sections ---------------------------------------------------------------------

    def _place(self) -> str:
        row = self.place_row
        parts = [f'<p class="lede finding">{esc(row.get("shared_focus", ""))}</p>']
        if row.get("why_it_matters"):
            parts.append(f"<p>{esc(row['why_it_matters'])}</p>")
        partners = self.tables["partner"]
        if partners.empty:
            parts.append(_empty("No partners are recorded yet. Add them in the getting "
                                "started notebook."))
            return "".join(parts)
        by_part = partners.groupby("part")["organisation"].apply(list).to_dict()
        missing = [PART_LABELS[p.value] for p in Part
                   if p.value not in by_part and p != Part.other]
        rows = [
            [PART_LABELS[p.value], _names(by_part.get(p.value, [])) or "nobody yet"]
            for p in Part if p.value in by_part or p != Part.other
        ]
        parts.append("<h3>Who is part of this work</h3>")
        parts.append(table_html(["Part of the system", "Organisations and groups"], rows,
                                caption="Partners by part of the system"))
        if missing:
            parts.append(f'<p class="note">Nobody yet from: {esc(", ".join(missing))}. '
                         "Who could we invite?</p>")
        return "".join(parts)

    def _voices(self) -> str:
        voices = self.tables["voice"]
        if voices.empty:
            return _empty("No stories to show for this period and audience. Stories appear "
                          "here only when the people who told them agreed.")
        out = ["<p>In their own words. Each story appears only for the readers its teller "
               "agreed to.</p>"]
        shown = voices.sort_values("collected_on", ascending=False).head(LIST_LIMIT)
        roles = StorytellerRole.labels()
        for row in shown.to_dict("records"):
            role = roles.get(row.get("storyteller_role"), "")
            who = row.get("shown_name") or role or "Anonymous"
            if who == role:
                role = ""
            when = _month(row.get("collected_on"))
            why = (f"<p><strong>Why it matters to them:</strong> {esc(row['why_it_matters'])}"
                   "</p>") if row.get("why_it_matters") else ""
            out.append(
                '<blockquote class="story">'
                f"<p>{esc(row['story'])}</p>{why}"
                f"<footer>{esc(who)}{', ' + esc(role.lower()) if role else ''} · "
                f"{esc(row.get('domain_of_change'))}"
                f" · {esc(when)}</footer></blockquote>"
            )
        out.append(self.more(len(shown), len(voices), "stories"))
        if self.public:  # each story above names what it is about: no counts of people
            return "".join(out)
        themes = voices["domain_of_change"].str.lower().value_counts()
        if len(themes) > LIST_LIMIT:
            rest = themes.iloc[LIST_LIMIT:]
            themes = pd.concat([themes.head(LIST_LIMIT),
                                pd.Series({f"{len(rest):,} other things": int(rest.sum())})])
        shown = self.counts(themes.rename("n").rename_axis("theme").reset_index(), ["n"])
        rows = [[r["theme"], r["n"]] for r in shown.to_dict("records")]
        out.append("<h3>What the stories are about</h3>")
        out.append(table_html(["What it is about", "Stories"], rows, counts=[1],
                              caption="Stories by what they are about"))
        return "".join(out)

    def _meetings(self) -> str:
        t = self.tables
        meetings = t["meeting"]
        if meetings.empty:
            return _empty("No meetings are recorded for this period yet.")
        out = []
        rhythm = self.rhythm()
        out.append("<h3>Keeping a steady rhythm</h3>")
        summary = rhythm.summary
        if len(summary):
            listed, rest = summary, summary.iloc[:0]
            caption = "Our regular meetings"
            if len(summary) > charts.TOP_N:  # the ones that missed most, then the rest
                ranked = summary.sort_values(["missed", "name"], ascending=[False, True],
                                             kind="stable")
                listed, rest = ranked.iloc[:charts.TOP_N], ranked.iloc[charts.TOP_N:]
                caption = (f"Our regular meetings: the {charts.TOP_N} that missed most, "
                           f"then the other {len(rest):,}")
            upto = summary["counted_to"].max()
            if not missing(upto):
                caption += f", planned meetings counted up to {_day(upto)}"
            rows = []
            for r in listed.to_dict("records"):
                rows.append([
                    r["name"], f"{r['cadence']}, {str(r['weekday']).title()}",
                    _kept_text(int(r["kept"]), int(r["expected"]), int(r["kept_other_day"])),
                    f"{int(r['longest_streak'])} in a row",
                    _days(r["longest_gap_days"]),
                    _last_met(r["last_held_on"], r["days_since_last"]),
                ])
            if len(rest):
                gap = rest["longest_gap_days"].max()
                last = rest["last_held_on"].max()
                rows.append([
                    charts.others_label(len(rest), "regular meetings"), "",
                    _kept_text(int(rest["kept"].sum()), int(rest["expected"].sum()),
                               int(rest["kept_other_day"].sum())),
                    f"{int(rest['longest_streak'].max())} in a row",
                    _days(gap),
                    _last_met(last, rest["days_since_last"].min()),
                ])
            listing = table_html(
                ["Meeting", "Agreed rhythm", "Planned meetings held", "Longest run",
                 "Longest gap", "Last met"], rows, caption=caption)
            chart = charts.rhythm_chart(rhythm)  # computed once, above
            out.append(_rhythm_findings(summary, titled=chart.figure is not None))
            out.append(self.figure(chart, listing))
        else:
            out.append(_empty("No regular meeting rhythm is set up yet."))
        out.append("<h3>Who was in the room</h3>")
        att = an.attendance_summary(meetings)
        rows = [[r["label"], r["meetings_present"], r["people"]] for r in
                self.counts(att, ["meetings_present", "people"]).to_dict("records")]
        attendance = table_html(["Part of the system", "Meetings they came to",
                                 "Attendances in all"], rows, counts=[1, 2],
                                caption=f"Attendance over {len(meetings):,} meetings")
        if self.public:  # no chart of small groups of people: the table, in the open
            out.append(attendance)
        # Parts nobody came from (as analysis.parts_never_present), from the table above.
        never = [p for p, n in zip(att["part"], att["meetings_present"], strict=True)
                 if n == 0 and p != Part.other.value]
        if never:
            out.append(f'<p class="note">Nobody came from: '
                       f"{esc(', '.join(PART_LABELS[p] for p in never))}.</p>")
        if not self.public:
            out.append(self.figure(charts.attendance_chart(meetings), attendance))
        hard = meetings["hard_topics_raised"].fillna(False).astype(bool)
        # Meetings are not people: this count is shown as it is, in every audience.
        out.append(f"<p>Hard or uncomfortable topics were raised in {int(hard.sum()):,} "
                   f"of {len(meetings):,} meetings.</p>")
        out.append("<h3>Whose voices were heard</h3>")
        summary_p = self.participation()
        if summary_p.meetings_recorded == 0:
            out.append(_empty("Nobody has recorded who spoke in these meetings yet."))
        else:
            chart = charts.participation_chart(
                t["contribution"], meetings, summary=summary_p, min_group=self.min_group)
            drawn = chart is not None and chart.figure is not None
            if not drawn or summary_p.dominant_part is None:  # else the title says it
                out.append(f'<p class="finding">{esc(sentence_case(summary_p.sentence))}</p>')
            out.append("<p>These figures are a prompt for a conversation about how we work "
                       "together, never a score for a person.</p>")
            if drawn:  # nothing drawn: the sentence above already says why, once
                out.append(self.figure(chart))
        if len(t["decision"]):
            # One suppression for the table and the chart's numbers: the same cells hidden.
            decisions = an.decision_balance(t["decision"])
            cells = self.counts(decisions, ["proposed", "shaped"])
            some = (decisions["proposed"] > 0) | (decisions["shaped"] > 0)
            rows = [[r["label"], r["proposed"], r["shaped"]]
                    for r in cells[some].to_dict("records")]
            out.append(self.figure(charts.decisions_chart(t["decision"]), table_html(
                ["Part of the system", "Decisions they proposed",
                 "Decisions their views shaped"], rows, counts=[1, 2],
                caption=sentence_case(self.number_of(len(t["decision"]), "decisions")))))
        return "".join(out)

    def _experiments(self) -> str:
        t = self.tables
        experiments = t["experiment"]
        if experiments.empty:
            return _empty("No experiments were running in this period. What could we try?")
        out = []
        statuses = ExperimentStatus.labels()
        by_status = experiments["status"].value_counts()
        # Experiments are not people: their counts are shown as they are (see privacy).
        out.append(cards([(f"{int(by_status.get(s, 0)):,}", statuses[s])
                          for s in statuses if by_status.get(s, 0)], count=False))
        out.append(self.figure(charts.portfolio_chart(experiments)))
        new_people = int(experiments["new_people"].fillna(False).astype(bool).sum())
        new_ctx = int(experiments["new_contexts"].fillna(False).astype(bool).sum())
        out.append(f"<p>{new_people:,} involved new people and {new_ctx:,}"
                   " tried a new setting.</p>")
        rows = []
        status_labels = ExperimentStatus.labels()
        listed = experiments
        limit = self.log_limit
        if len(experiments) > limit:  # the newest (ideas not started yet first)
            listed = experiments.sort_values(["start_on", "id"], ascending=False,
                                             na_position="first").head(limit)
        for r in listed.sort_values("title").to_dict("records"):
            rows.append([r["title"], status_labels.get(r["status"], r["status"]),
                         PART_LABELS.get(r["proposed_by"], ""), str(r["risk"]).title(),
                         r.get("safe_to_fail_bounds") or ""])
        out.append("<h3>Our experiments</h3>")
        out.append(table_html(["Experiment", "Where it is up to", "Whose idea", "Risk",
                               "Safe-to-fail limits"], rows,
                              caption="Every experiment" if len(listed) == len(experiments)
                              else f"The {limit} most recent experiments"))
        out.append(self.more(len(listed), len(experiments), "experiments"))
        reviews = t["review"]
        out.append("<h3>Looking back: what happened</h3>")
        if reviews.empty:
            out.append(_empty("No experiment has been reviewed in this period yet."))
        else:
            titles = dict(zip(experiments["id"], experiments["title"], strict=False))
            plan = YesPartlyNo.labels()
            steps = NextStep.labels()
            latest = reviews.sort_values("reviewed_on").tail(self.log_limit)
            rows = [[titles.get(r["experiment"], f"Experiment #{r['experiment']}"),
                     plan.get(r["went_to_plan"], ""), r.get("actual") or "",
                     r.get("sustain") or "", r.get("improve") or "",
                     steps.get(r["decision"], "")]
                    for r in latest.to_dict("records")]
            out.append(table_html(["Experiment", "Went to plan?", "What happened",
                                   "What to keep", "What to change", "What we do next"],
                                  rows, caption="After-action reviews"))
            out.append(self.more(len(latest), len(reviews), "reviews"))
            chart = charts.reviews_chart(experiments, reviews)
            drawn = chart.figure is not None
            out.append(self.figure(chart))
            if not drawn:  # else the chart's title says it
                not_plan = int((reviews["went_to_plan"] != "yes").sum())
                out.append(f'<p class="finding">{not_plan:,} of {len(reviews):,}'
                           " did not go fully to plan. That is learning, not failure: each "
                           "one told us something we did not know.</p>")
        waiting = self.health().needs_review
        if waiting:
            what = "experiment" if waiting == 1 else "experiments"
            out.append(f'<p class="note">{waiting:,} {what} ended without a '
                       "review yet. Looking back is how we learn.</p>")
        return "".join(out)

    def health(self) -> Any:
        t = self.tables
        return self.cached("health", lambda: an.learning_health(
            t["learning"], t["share"], t["experiment"], t["review"], t["voice"]))

    def _learning(self) -> str:
        t = self.tables
        learning = t["learning"]
        if learning.empty:
            return _empty("No learning is recorded for this period yet. Breakthroughs and "
                          "disappointments are both welcome.")
        health = self.health()
        # Pieces of learning are the team's records, not people: shown as they are (the
        # timeline lists every one), in every audience's report.
        out = [f'<p class="finding">{esc(sentence_case(health.sentence))}</p>']
        kinds = LearningKind.labels()
        # The sentence above counts each kind; the chart draws them, and who heard it.
        out.append(self.figure(charts.learning_chart(health)))  # worked out once, above
        if not missing(health.median_delay_days):
            out.append(f"<p>We wrote things down a median of {health.median_delay_days:.0f} "
                       "days after they happened.</p>")
        if health.shared_with_nobody:
            n = health.shared_with_nobody
            what = "piece of learning has" if n == 1 else "pieces of learning have"
            out.append(f'<p class="note">{n:,} {what} not been shared with anyone yet.</p>')
        out.append("<h3>What we will amplify and celebrate</h3>")
        amp = learning[learning["amplify"].fillna(False).astype(bool)]
        if amp.empty:
            out.append(_empty("Nothing is marked to amplify yet."))
        else:
            visible = self.tables["voice"]
            shown = dict(zip(visible["id"], visible.get("shown_name", visible["id"]),
                             strict=False)) if len(visible) else {}
            items = []
            latest = amp.sort_values("event_on").tail(self.log_limit)
            for r in latest.to_dict("records"):
                if missing(r.get("title")) and missing(r.get("observation")):
                    continue  # its words wait for a check before they may be shared
                backers = [shown[v] or "Anonymous" for v in (r.get("voices") or [])
                           if v in shown]
                voice_note = (f" <em>Voices behind it: {esc(', '.join(map(str, backers)))}."
                              "</em>") if backers else ""
                items.append(f"<li><strong>{esc(r['title'])}</strong>: "
                             f"{esc(r['observation'])}{voice_note}</li>")
            if items:
                out.append("<ul>" + "".join(items) + "</ul>")
            out.append(self.more(len(latest), len(amp), "things to amplify"))
        timeline = learning.sort_values("event_on").tail(self.log_limit)
        rows = [[_day(r["event_on"]), kinds.get(r["kind_of_learning"], ""), r["title"],
                 r.get("response") or ""]
                for r in timeline.to_dict("records")]
        out.append("<h3>Learning timeline</h3>")
        out.append(table_html(["When", "Kind", "What", "What we will do"], rows,
                              caption="Everything we learned, in order"
                              if len(timeline) == len(learning)
                              else f"The {len(timeline)} most recent things we learned, in "
                              "order"))
        out.append(self.more(len(timeline), len(learning), "pieces of learning"))
        return "".join(out)

    def _relationships(self) -> str:
        t = self.tables
        out = ["<h3>How we work together</h3>"]
        pulse = t["pulse"]
        if pulse.empty:
            out.append(_empty("No behaviour pulse answers for this period yet."))
        else:
            latest = an.latest_pulse(pulse, min_group=self.threshold)
            labels = Statement.labels()
            rows = []
            for r in latest.to_dict("records"):
                mean = privacy.HIDDEN_TEXT if r.get("suppressed") or missing(
                    r.get("mean")) else f"{r['mean']:.1f}"
                change = r.get("change")
                change_text = "–" if missing(change) or r.get("suppressed") else f"{change:+.1f}"
                rows.append([labels.get(r["statement"], r["statement"]), mean, change_text,
                             self.count(r.get("responses"))])
            period = latest["period"].iloc[0] if len(latest) else ""
            headers = ["Statement", "Average (0-10)", "Change since last round", "Answers"]
            if self.public:
                # Two statements' answer counts differ by the few who skipped one: in
                # public no count per statement, only averages of enough answers.
                headers, rows = headers[:3], [r[:3] for r in rows]
            out.append("<p>Scores are how true people felt each statement was. They are for "
                       "reflection, never for holding anyone to account.</p>")
            # The table is the chart's numbers: in its fold, said once.
            out.append(self.figure(charts.pulse_chart(pulse, min_group=self.threshold,
                                                      latest=latest),
                                   table_html(headers, rows, numeric=[1, 2],
                                              counts=[] if self.public else [3],
                                              caption=f"Behaviour pulse, round {period}")))
        out.append("<h3>Paperwork we could strip away</h3>")
        burden = t["burden"]
        if burden.empty:
            out.append(_empty("No funding requirements have been audited yet."))
        else:
            audit = self.audit()
            out.append(f'<p class="finding">{esc(sentence_case(audit.sentence))}</p>')
            rows = [[r["funder"], f"{int(r['requirements']):,}", _hours(r["hours_a_year"]),
                     _money(r["cost_a_year"]), _pct(r["share_of_grant"])]
                    for r in charts.top_funders(audit).to_dict("records")]
            by_funder = table_html(["Funder", "Requirements", "Hours a year", "Cost a year",
                                    "Share of grant"], rows, numeric=[1, 2, 3, 4],
                                   caption="What reporting costs, by funder (NPC method)")
            strip = ""
            if len(audit.strip_list):
                rows = [[r["requirement"], r["funder"], r["action_label"], r["why"],
                         _hours(r["hours_freed"])]
                        for r in charts.top_strip(audit).to_dict("records")]
                rest = len(audit.strip_list) - charts.TOP_N
                strip = table_html(["Requirement", "Funder", "What we propose", "Why",
                                    "Hours a year it would free"], rows, numeric=[4],
                                   caption="The strip list" if rest <= 0 else
                                   f"The strip list: the {charts.TOP_N} that would free "
                                   f"most hours, then the other {rest:,}")
            # Each table is its chart's numbers: in the chart's fold, said once.
            out.append(self.figure(charts.burden_chart(audit), by_funder))  # not redone
            out.append(self.figure(charts.strip_chart(audit), strip))
        out.append("<h3>Values we share</h3>")
        values = t["value"]
        if values.empty:
            out.append(_empty("No shared values are written down yet."))
        else:
            rows = [[r["value"], r["what_it_looks_like"],
                     ", ".join(PART_LABELS.get(p, p) for p in (r.get("agreed_by") or []))]
                    for r in values.head(LIST_LIMIT).to_dict("records")]
            out.append(table_html(["Value", "What it looks like", "Signed up"], rows,
                                  caption="Our shared values"))
            out.append(self.more(len(rows), len(values), "values", "the first {n}"))
        out.append("<h3>Support we asked for</h3>")
        support = t["support"]
        if support.empty:
            out.append(_empty("No requests for outside support in this period."))
        else:
            kinds = SupportKind.labels()
            statuses = SupportStatus.labels()
            latest = support.sort_values("requested_on").tail(self.log_limit)
            rows = [[kinds.get(r["support_kind"], ""), r["description"],
                     statuses.get(r["status"], "")]
                    for r in latest.to_dict("records")]
            out.append(table_html(["Kind", "What we need", "Status"], rows,
                                  caption="Support requests"))
            out.append(self.more(len(latest), len(support), "requests"))
        out.append("<h3>Looking after each other</h3>")
        checkins = t["checkin"]
        trend = an.checkin_trend(checkins, min_group=self.threshold)
        if checkins.empty or trend.empty:
            out.append(_empty("No check-ins for this period."))
        else:
            rows = []
            shown = self.counts(trend.assign(responses=trend["responses"].fillna(0)),
                                ["responses"])
            for r, n in zip(trend.to_dict("records"), shown["responses"], strict=True):
                mean = privacy.HIDDEN_TEXT if r.get("suppressed") or missing(
                    r.get("mean")) else f"{r['mean']:.1f}"
                rows.append([str(r.get("month", "")), mean, n])
            out.append(self.figure(
                charts.checkin_chart(checkins, min_group=self.threshold),
                table_html(["Month", "How heavy the work felt (0-10)", "Check-ins"],
                           rows, numeric=[1], counts=[2],
                           caption="Anonymous check-ins, shown only as averages")))
        return "".join(out)

    def _glossary(self) -> str:
        terms = self.tables["glossary_term"]
        if terms.empty:
            return _empty("No shared words are agreed yet.")
        rows = [[r["term"], r["plain_meaning"], ", ".join(r.get("words_to_avoid") or [])]
                for r in terms.sort_values("term").head(LIST_LIMIT).to_dict("records")]
        return table_html(["Word", "What it means to us", "Words we avoid"], rows,
                          caption="The words we agreed, and what they mean") + self.more(
            len(rows), len(terms), "words", "the first {n}")

    # -- charts ------------------------------------------------------------------------

    def figure(self, chart: Any, numbers: str = "") -> str:
        """A chart as an inline SVG with its alt text, and its numbers as a table.

        In a public report the chart's people columns (``chart.people``) pass through
        :func:`privacy.suppress_counts`; when any of their cells is hidden the image and
        its alt text (which draw and state those counts) are left out, and the numbers
        table is shown with the small counts "hidden". Other columns are shown
        as they are: see "Which numbers are counts of people" in :mod:`privacy`.

        ``numbers``: the section's own table of what the chart draws (built from the same
        gated, suppressed figures), said once: in the chart's numbers fold when the chart
        is drawn, in the open when it is not.
        """
        if chart is None or getattr(chart, "figure", None) is None:
            alt = getattr(chart, "alt_text", "") if chart is not None else ""
            return (f'<p class="empty">{esc(alt)}</p>' if alt else "") + numbers
        table = getattr(chart, "table", None)
        people = [c for c in getattr(chart, "people", ()) if table is not None and c in table]
        hidden = False
        if self.public and people and len(table):
            result = privacy.suppress_counts(table, people, self.threshold)
            hidden = result.any_suppressed
            table = result.display
        fold, numbers = numbers, ""
        if fold and not hidden:
            numbers = f"<details><summary>The numbers in this chart</summary>{fold}</details>"
        elif table is not None and len(table):
            # A hidden chart's title is left out with it: it states the counts it draws.
            caption = ("The numbers behind this chart, with small counts hidden" if hidden
                       else chart.title)
            numbers = ("<details><summary>The numbers in this chart</summary>"
                       + frame_html(table, caption=caption, counts=people) + "</details>")
        if hidden:
            charts.release(chart)
            return ('<div class="chart"><p class="empty">This chart is not shown in the public '
                    "report: it would show counts of people too small to share safely. Its "
                    f"numbers are below, with those counts hidden.</p>{numbers}</div>")
        # Inline SVG: its text stays text, readable on a phone and sharp in print; the alt
        # text is its <title> (escaped there).
        n = self._cache["charts"] = self._cache.get("charts", 0) + 1
        svg = charts.to_svg(chart, prefix=f"chart-{n}")
        charts.release(chart)  # memory back before the next chart (big places)
        # The title states the finding, once, above the chart; the numbers follow the
        # figure (HTML allows a figcaption only first or last).
        return (f'<div class="chart"><figure><figcaption>{esc(chart.title)}</figcaption>'
                f"{svg}</figure>{numbers}</div>")


# ---------------------------------------------------------------------------
# Reading the place's records
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Small HTML builders: every cell goes through esc()
# ---------------------------------------------------------------------------


def table_html(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str = "",
               numeric: Sequence[int] = (), counts: Sequence[int] = ()) -> str:
    """An accessible table; `counts` marks columns of counts (checked for small numbers)."""
    classes = {i: ' class="num"' for i in numeric}
    classes.update({i: ' class="num count"' for i in counts})
    head = "".join(f'<th scope="col"{classes.get(i, "")}>{esc(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(f'<td{classes.get(i, "")}>{esc(v)}</td>' for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    # A wide table scrolls sideways on a phone or at 200% zoom: the scrolling box takes the
    # keyboard focus (tabindex) and is named after the table, so it can be scrolled by keys.
    name = esc(caption or "Table")
    return (f'<div class="table-wrap" role="region" tabindex="0" aria-label="{name}">'
            f"<table>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def frame_html(df: pd.DataFrame, *, caption: str = "", counts: Sequence[str] = ()) -> str:
    """A DataFrame as a table; the columns named in `counts` (counts of people) are marked
    as counts, as :func:`table_html` marks them."""
    numeric = [i for i, c in enumerate(df.columns) if pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c])]
    count_idx = [i for i, c in enumerate(df.columns) if c in set(counts)]
    rows = [[_fmt(v) for v in r] for r in df.itertuples(index=False)]
    return table_html([str(c).replace("_", " ") for c in df.columns], rows, caption=caption,
                      numeric=numeric, counts=count_idx)


def cards(items: Iterable[tuple[str, str]], *, count: bool = True) -> str:
    """Big numbers with labels; `count` marks them as counts of people (checked in tests)."""
    cls = "number count" if count else "number"
    inner = "".join(f'<div class="card"><span class="{cls}">{esc(n)}</span>'
                    f'<span class="label">{esc(label)}</span></div>' for n, label in items)
    return f'<div class="cards">{inner}</div>'


def sentence_case(text: str) -> str:
    """Every sentence starts with a capital letter, whatever number or word was put at its
    start ("a hidden number of reviews ..." becomes "A hidden number of reviews ...")."""
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def _names(names: Sequence[Any]) -> str:
    """Names in order, the first LIST_LIMIT of them, then how many more."""
    limit = LIST_LIMIT
    names = sorted(str(n) for n in names if not missing(n))
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _empty(text: str) -> str:
    return f'<p class="empty">{esc(text)}</p>'


def _fmt(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float):
        return "–" if math.isnan(v) else (f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}")
    return "" if v is None else str(v)


def _days(n: Any) -> str:
    """A number of days, or a dash when there is none."""
    return "–" if missing(n) else f"{int(n):,} days"


def _kept_text(kept: int, expected: int, other_day: int) -> str:
    """'5 of 7', with how many of them were held on another day than agreed."""
    text = f"{kept:,} of {expected:,}"
    return text + (f" ({other_day:,} on another day)" if other_day else "")


def _last_met(last: Any, since: Any) -> str:
    """When a series last met, and how many days ago (by the day meetings are counted to)."""
    if missing(last):
        return "not in this period"
    return _day(last) + ("" if missing(since) or since <= 0 else f" ({int(since):,} days ago)")


def _rhythm_findings(summary: pd.DataFrame, titled: bool = False) -> str:
    """The rhythm in sentences: planned meetings held (up to the end of the period or today),
    those held on another day, and each series that has not met for over two of its gaps.
    ``titled``: a chart's title already says how many were held (only those on another day
    are said here)."""
    kept, expected = int(summary["kept"].sum()), int(summary["expected"].sum())
    upto = summary["counted_to"].max()
    out = []
    other = int(summary["kept_other_day"].sum())
    if titled and other:
        out.append(f"<p>{other:,} planned {'meeting was' if other == 1 else 'meetings were'} "
                   "held on another day than agreed.</p>")
    elif expected and not titled:
        when = "" if missing(upto) else f" up to {_day(upto)}"
        out.append(f'<p class="finding">We held {kept:,} of the {expected:,} regular '
                   f"meetings we planned{when}"
                   + (f", {other:,} of them on another day than agreed" if other else "")
                   + ".</p>")
    cadence = summary["cadence"].map(an.rhythm.CADENCE_DAYS).fillna(7.0)
    quiet = summary[summary["days_since_last"] > 2 * cadence]
    for r in quiet.head(charts.TOP_N).to_dict("records"):
        name = esc(sentence_case(str(r["name"])))
        out.append(f"<p>{name} has not met since {_day(r['last_held_on'])} "
                   f"({int(r['days_since_last']):,} days). What got in the way?</p>")
    if len(quiet) > charts.TOP_N:
        out.append(f"<p>{len(quiet) - charts.TOP_N:,} other regular meetings have not met "
                   "for a while either.</p>")
    return "".join(out)


def _months(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (inclusive) when the period is whole months, else 0."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _rhythm_sentence(summary: pd.DataFrame) -> str:
    """Planned regular meetings held: the figures the meetings section states."""
    kept, expected = int(summary["kept"].sum()), int(summary["expected"].sum())
    upto = summary["counted_to"].max()
    when = "" if missing(upto) else f" up to {_day(upto)}"
    return (f"We held {kept:,} of the {expected:,} regular meetings we planned{when} "
            f"({round(100 * kept / expected)}%).")


def _experiments_sentence(p: Any) -> str:
    """Experiments, whose idea they were and how many try something new (the figures of
    the experiments section's chart; experiments are records, not people)."""
    parts = int((p.by_proposer["count"] > 0).sum())
    new = int(round(p.new_share * p.total))
    return (f"We tried or planned {p.total:,} {'experiment' if p.total == 1 else 'experiments'}"
            f", proposed by {parts} {'part' if parts == 1 else 'parts'} of the system; {new:,} "
            "try new people or settings.")


def _compare(now: int, then: int, what: str) -> str:
    """'More meetings held: 14, up from 9.' (the direction first)."""
    before = "none" if then == 0 else f"{then:,}"
    if now == then:
        return f"As many {what}: {now:,}, the same as before."
    if now > then:
        return f"More {what}: {now:,}, up from {before}."
    return f"Fewer {what}: {now:,}, down from {before}."


def _compare_share(now: float, then: float, what: str) -> str:
    a, b = round(100 * now), round(100 * then)
    if a == b:
        return f"We held {a}% {what}, the same as before."
    return f"We held {a}% {what}, {'up' if a > b else 'down'} from {b}%."


def _day(d: Any) -> str:
    if missing(d):
        return ""
    d = pd.Timestamp(d)
    return f"{d.day} {d:%B %Y}"


def _month(d: Any) -> str:
    return "" if missing(d) else f"{pd.Timestamp(d):%B %Y}"


def _hours(h: Any) -> str:
    return "unknown" if missing(h) else f"{float(h):,.0f}"


def _money(v: Any) -> str:
    return "–" if missing(v) else f"£{float(v):,.0f}"


def _pct(v: Any) -> str:
    return "–" if missing(v) else f"{100 * float(v):.1f}%"
