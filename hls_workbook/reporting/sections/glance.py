"""The summary "At a glance": the findings that matter most, what changed since the period
before, what the team will do next and (not for the public) what it asks of funders and
partners, each built from the same gated, suppressed figures as the section it links to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from hls_workbook import analysis as an
from hls_workbook import privacy
from hls_workbook.analysis import missing
from hls_workbook.domain.model import NextStep
from hls_workbook.reporting.sections.gated import SECTIONS, GatedReport
from hls_workbook.reporting.sections.html import (
    Group,
    Heading,
    Para,
    Point,
    Points,
    sentence_case,
)
from hls_workbook.reporting.sections.wording import (
    compare,
    compare_share,
    day_text,
    experiments_sentence,
    rhythm_sentence,
    whole_months,
)

#: What "What changed since the period before" compares: the team's own records, not
#: counts of people (kind -> what is counted, the section it links to). The period before
#: is read for these and the meeting series (the rhythm of meetings), no more.
COMPARED = {"meeting": ("meetings held", "meetings"),
            "experiment": ("experiments tried", "experiments"),
            "review": ("experiments looked back on", "experiments"),
            "learning": ("pieces of learning written down", "learning"),
            "share": ("times learning was shared", "learning")}


#: What a review's decision means for its experiment, as a plan in words (the probe cycle:
#: amplify, adapt, dampen, stop); not the bare label ("Adapt: Flexible grant reporting.").
_DECIDED = {NextStep.amplify.value: "Do more of \u2018{title}\u2019.",
            NextStep.adapt.value: "Change \u2018{title}\u2019 and try it again.",
            NextStep.dampen.value: "Hold \u2018{title}\u2019 back for now.",
            NextStep.stop.value: "Stop \u2018{title}\u2019: it taught us what we needed."}


def _compared(kind: str, df: pd.DataFrame) -> int:
    """How many of a kind a period holds, for "What changed": experiments tried in it (a
    start date), not ideas without dates, which are listed in every period and so would
    make any period before look busy."""
    if kind == "experiment" and "start_on" in df:
        return int(df["start_on"].notna().sum())
    return len(df)


class AtAGlance(GatedReport):
    """The summary at the top of a report (its section key is "glance")."""

    def previous(self) -> tuple[dt.date, dt.date, dict[str, pd.DataFrame] | None]:
        """The period of the same length just before this one, read through the same gate
        for the same audience (tables None: nothing to read it from): only the kinds it
        is compared by (:data:`COMPARED`), judged as among all."""
        end = self.start - dt.timedelta(days=1)
        months = whole_months(self.start, self.end)
        start = ((pd.Timestamp(self.start) - pd.DateOffset(months=months)).date() if months
                 else end - (self.end - self.start))

        def read() -> dict[str, pd.DataFrame] | None:
            if self.db is None:
                return None
            policy = privacy.Policy.of(self.audience, self.threshold)
            return privacy.open_tables(self.db, self.place, start, end, policy,
                                       kinds=[*COMPARED, "meeting_series"])

        return start, end, self.cached("previous", read)

    def findings(self) -> list[tuple[str, str]]:
        """The findings that matter most, as (sentence, section key), from what the sections
        show: each sentence is built from the same gated, suppressed figures as its
        section, so the summary never states a number the body hides."""
        t = self.tables
        out: list[tuple[str, str]] = []
        summary = self.rhythm().summary
        if len(summary) and int(summary["expected"].sum()):
            out.append((rhythm_sentence(summary), "meetings"))
        if len(t["meeting"]) and self.participation().dominant_part is not None:
            out.append((self.participation().sentence, "meetings"))
        if len(t["experiment"]):
            out.append((experiments_sentence(an.experiment_portfolio(t["experiment"])),
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
        now = {k: _compared(k, self.tables[k]) for k in COMPARED}
        then = {k: _compared(k, before[k]) for k in COMPARED}
        if not any(then.values()):
            return [("Nothing was recorded for that period, so there is nothing to compare "
                     "with yet.", "meetings")]
        out = []
        for kind, (what, key) in COMPARED.items():
            if now[kind] or then[kind]:
                out.append((compare(now[kind], then[kind], what), key))
        r_now = self.rhythm().summary
        r_then = an.meeting_rhythm(before["meeting_series"], before["meeting"], start=start,
                                   end=end).summary
        if len(r_now) and len(r_then) and int(r_now["expected"].sum()) and int(
                r_then["expected"].sum()):
            a = r_now["kept"].sum() / r_now["expected"].sum()
            b = r_then["kept"].sum() / r_then["expected"].sum()
            out.insert(0, (compare_share(a, b, "of our planned regular meetings"),
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
        reviews = t["review"].sort_values("reviewed_on", ascending=False)
        for r in reviews.to_dict("records"):
            title = titles.get(r["experiment"])
            if missing(title) or missing(r.get("decision")):
                continue  # its title waits for a check before it may be shared
            said = _DECIDED.get(str(r["decision"]))
            if said is None:
                continue
            out.append((said.format(title=title), "experiments"))
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
                     else f", which would free {float(r['hours_freed']):,.0f} hours a year")
            out.append((f"{r['funder']}, on {r['requirement']}: "
                        f"{str(r['action_label']).lower()}{hours}.", "relationships"))
        support = self.tables["support"]
        if len(support):
            still = support[support["status"].isin(["open", "in_progress"])]
            for text in still.sort_values("requested_on")["description"].head(2):
                if not missing(text):
                    out.append((f"Support: {text}", "relationships"))
        return out

    def glance_section(self) -> list[Any]:
        """One screen: the findings that matter most, what changed since the period before,
        what we will do next and what we ask of funders and partners; each point links to
        the section that says more."""
        titles = {k: title for k, (title, _p) in SECTIONS.items()}
        blocks = [("What we found", self.findings(),
                   "Nothing is recorded for this period yet.")]
        start, end, _ = self.previous()
        blocks.append((f"What changed since the period before ({day_text(start)} to "
                       f"{day_text(end)})", self.changes(),
                       "There is no earlier period to compare with."))
        blocks.append(("What we will do next", self.plans(),
                       "Nothing is planned in the records yet."))
        # The asks are for funders and partners (the "for funders"): the public
        # report sums them up in its own section and points to the partners' report.
        if self.audience != "public":
            ask = ("What we will ask of funders and partners" if self.audience == "team"
                   else "What we ask of funders and partners")
            blocks.append((ask, self.asks(), "Nothing to ask for now."))
        out: list[Any] = []
        for n, (heading, points, none) in enumerate(blocks):
            out.append(Heading(heading, id=f"glance-{n}"))
            out.append(Points([Point(text, link=key, link_text=f"See: {titles[key]}")
                               for text, key in points]) if points else Para(none, "empty"))
        return [Group("glance", out)]
