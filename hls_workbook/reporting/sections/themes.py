"""The report's sections by theme: the place and its partners, people's stories, meetings
and who was in the room, experiments, learning, relationships and support, and the
glossary. Each reads only the gated tables of :class:`~.gated.GatedReport`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from hls_workbook import analysis as an
from hls_workbook import privacy
from hls_workbook.analysis import missing
from hls_workbook.domain.model import (
    ExperimentStatus,
    LearningKind,
    NextStep,
    Part,
    StorytellerRole,
    SupportKind,
    SupportStatus,
    YesPartlyNo,
)
from hls_workbook.reporting import charts
from hls_workbook.reporting.charts.wording import count_of, reviews_finding
from hls_workbook.reporting.sections import html as markup
from hls_workbook.reporting.sections.holds import HoldsParts
from hls_workbook.reporting.sections.html import (
    Cards,
    Group,
    Heading,
    Para,
    Point,
    Points,
    Story,
    Table,
    names_text,
    sentence_case,
)
from hls_workbook.reporting.sections.pulse import PulseParts
from hls_workbook.reporting.sections.wording import (
    day_text,
    days_text,
    freed_text,
    hours_text,
    kept_text,
    last_met,
    money_text,
    month_text,
    pct_text,
    rhythm_paras,
    support_sentence,
)

PART_LABELS = Part.labels()


def empty_para(text: str) -> Para:
    return Para(text, "empty")


class ThemeSections(HoldsParts, PulseParts):
    """The sections after the summary, one method per key of SECTIONS, each giving the
    section's blocks (view models of :mod:`.html`)."""

    def place_section(self) -> list[Any]:
        row = self.place_row
        parts: list[Any] = [Para(row.get("shared_focus", ""), "lede finding")]
        if row.get("why_it_matters"):
            parts.append(Para(row["why_it_matters"]))
        partners = self.tables["partner"]
        if partners.empty:
            parts.append(empty_para("No partners are recorded yet. Add them in the getting "
                                "started notebook."))
            return parts
        by_part = partners.groupby("part")["organisation"].apply(list).to_dict()
        missing = [PART_LABELS[p.value] for p in Part
                   if p.value not in by_part and p != Part.other]
        rows = [
            [PART_LABELS[p.value], names_text(by_part.get(p.value, [])) or "nobody yet"]
            for p in Part if p.value in by_part or p != Part.other
        ]
        parts.append(Heading("Who is part of this work"))
        parts.append(Table.of(["Part of the system", "Organisations and groups"], rows,
                              caption="Partners by part of the system"))
        if missing:
            parts.append(Para(f"Nobody yet from: {', '.join(missing)}. Who could we invite?",
                              "note"))
        return parts

    def voices_section(self) -> list[Any]:
        voices = self.tables["voice"]
        if voices.empty:
            return [empty_para("No stories to show for this period and audience. Stories "
                               "appear here only when the people who told them agreed.")]
        out: list[Any] = [Para("In their own words. Each story appears only for the readers "
                               "its teller agreed to.")]
        # Stories are a log: partners and the public read the most recent few.
        shown = voices.sort_values("collected_on", ascending=False).head(self.log_limit)
        roles = StorytellerRole.labels()
        stories = Group("story-grid", [])
        out.append(stories)
        for row in shown.to_dict("records"):
            role = roles.get(row.get("storyteller_role"), "")
            who = row.get("shown_name") or role or "Anonymous"
            if who == role:
                role = ""
            stories.blocks.append(Story(row["story"],
                why=row["why_it_matters"] if row.get("why_it_matters") else "",
                who=who, role=role, about=row.get("domain_of_change"),
                when=month_text(row.get("collected_on"))))
        out += self.more(len(shown), len(voices), "stories")
        if self.public:  # each story above names what it is about: no counts of people
            return out
        themes = voices["domain_of_change"].str.lower().value_counts()
        if len(themes) > markup.LIST_LIMIT:
            rest = themes.iloc[markup.LIST_LIMIT:]
            themes = pd.concat([themes.head(markup.LIST_LIMIT),
                                pd.Series({f"{len(rest):,} other things": int(rest.sum())})])
        shown = self.counts(themes.rename("n").rename_axis("theme").reset_index(), ["n"])
        rows = [[r["theme"], r["n"]] for r in shown.to_dict("records")]
        out.append(Heading("What the stories are about"))
        out.append(Table.of(["What it is about", "Stories"], rows, counts=[1],
                            caption="Stories by what they are about"))
        return out

    def meetings_section(self) -> list[Any]:
        t = self.tables
        meetings = t["meeting"]
        if meetings.empty:
            return [empty_para("No meetings are recorded for this period yet.")]
        out: list[Any] = []
        rhythm = self.rhythm()
        out.append(Heading("Keeping a steady rhythm"))
        summary = rhythm.summary
        if len(summary):
            listed, rest = summary, summary.iloc[:0]
            caption = "Our regular meetings"
            if len(summary) > charts.bins.TOP_N:  # the ones that missed most, then the rest
                ranked = summary.sort_values(["missed", "name"], ascending=[False, True],
                                             kind="stable")
                listed, rest = ranked.iloc[:charts.bins.TOP_N], ranked.iloc[charts.bins.TOP_N:]
                caption = (f"Our regular meetings: the {charts.bins.TOP_N} that missed most, "
                           f"then the other {len(rest):,}")
            upto = summary["counted_to"].max()
            if not missing(upto):
                caption += f", planned meetings counted up to {day_text(upto)}"
            rows = []
            for r in listed.to_dict("records"):
                rows.append([
                    r["name"], f"{r['cadence']}, {str(r['weekday']).title()}",
                    kept_text(int(r["kept"]), int(r["expected"]), int(r["kept_other_day"])),
                    f"{int(r['longest_streak'])} in a row",
                    days_text(r["longest_gap_days"]),
                    last_met(r["last_held_on"], r["days_since_last"], r["counted_to"]),
                ])
            if len(rest):
                gap = rest["longest_gap_days"].max()
                last = rest["last_held_on"].max()
                rows.append([
                    charts.others_label(len(rest), "regular meetings"), "",
                    kept_text(int(rest["kept"].sum()), int(rest["expected"].sum()),
                               int(rest["kept_other_day"].sum())),
                    f"{int(rest['longest_streak'].max())} in a row",
                    days_text(gap),
                    last_met(last, rest["days_since_last"].min(), upto),
                ])
            listing = Table.of(
                ["Meeting", "Agreed rhythm", "Planned meetings held", "Longest run",
                 "Longest gap", "Last met"], rows, caption=caption)
            chart = charts.rhythm_chart(rhythm)  # computed once, above
            out += rhythm_paras(summary, titled=chart.figure is not None)
            out.append(self.figure_block(chart, listing))
        else:
            out.append(empty_para("No regular meeting rhythm is set up yet."))
        out.append(Heading("Who was in the room"))
        att = an.attendance_summary(meetings)
        rows = [[r["label"], r["meetings_present"], r["people"]] for r in
                self.counts(att, ["meetings_present", "people"]).to_dict("records")]
        attendance = Table.of(["Part of the system", "Meetings they came to",
                                 "Attendances in all"], rows, counts=[1, 2],
                                caption=f"Attendance over {len(meetings):,} meetings")
        if self.public:  # no chart of small groups of people: the table, in the open
            out.append(attendance)
        # Parts nobody came from (as analysis.parts_never_present), from the table above.
        never = [p for p, n in zip(att["part"], att["meetings_present"], strict=True)
                 if n == 0 and p != Part.other.value]
        if never:
            out.append(Para(f"Nobody came from: {', '.join(PART_LABELS[p] for p in never)}.",
                            "note"))
        if not self.public:
            out.append(self.figure_block(charts.attendance_chart(meetings), attendance))
        hard = meetings["hard_topics_raised"].fillna(False).astype(bool)
        # Meetings are not people: this count is shown as it is, in every audience.
        out.append(Para(f"Hard or uncomfortable topics were raised in {int(hard.sum()):,} "
                        f"of {len(meetings):,} meetings."))
        out.append(Heading("Whose voices were heard"))
        summary_p = self.participation()
        if summary_p.meetings_recorded == 0:
            out.append(empty_para("Nobody has recorded who spoke in these meetings yet."))
        else:
            chart = charts.participation_chart(
                t["contribution"], meetings, summary=summary_p, min_group=self.min_group)
            drawn = chart is not None and chart.figure is not None
            if not drawn or summary_p.dominant_part is None:  # else the title says it
                out.append(Para(sentence_case(summary_p.sentence), "finding"))
            out.append(Para("These figures are a prompt for a conversation about how we work "
                            "together, never a score for a person."))
            if drawn:  # nothing drawn: the sentence above already says why, once
                out.append(self.figure_block(chart))
        if len(t["decision"]):
            out.append(Heading("Who proposed and shaped decisions"))
            # One suppression for the table and the chart's numbers: the same cells hidden.
            decisions = an.decision_balance(t["decision"])
            cells = self.counts(decisions, ["proposed", "shaped"])
            some = (decisions["proposed"] > 0) | (decisions["shaped"] > 0)
            rows = [[r["label"], r["proposed"], r["shaped"]]
                    for r in cells[some].to_dict("records")]
            out.append(self.figure_block(charts.decisions_chart(t["decision"]), Table.of(
                ["Part of the system", "Decisions they proposed",
                 "Decisions their views shaped"], rows, counts=[1, 2],
                caption=sentence_case(self.number_of(len(t["decision"]), "decisions")))))
        out += self.missing_at_decisions_part()
        return out

    def experiments_section(self) -> list[Any]:
        t = self.tables
        experiments = t["experiment"]
        if experiments.empty:
            return [empty_para("No experiments were running in this period. What could we "
                               "try?")]
        out: list[Any] = []
        statuses = ExperimentStatus.labels()
        by_status = experiments["status"].value_counts()
        # Experiments are not people: their counts are shown as they are (see privacy).
        out.append(Cards([(f"{int(by_status.get(s, 0)):,}", statuses[s])
                          for s in statuses if by_status.get(s, 0)], count=False))
        out.append(self.figure_block(charts.portfolio_chart(experiments)))
        new_people = int(experiments["new_people"].fillna(False).astype(bool).sum())
        new_ctx = int(experiments["new_contexts"].fillna(False).astype(bool).sum())
        out.append(Para(f"{new_people:,} involved new people and {new_ctx:,} tried a new "
                        "setting."))
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
        out.append(Heading("Our experiments"))
        out.append(Table.of(["Experiment", "Where it is up to", "Whose idea", "Risk",
                               "Safe-to-fail limits"], rows,
                              caption="Every experiment" if len(listed) == len(experiments)
                              else f"The {limit} most recent experiments"))
        out += self.more(len(listed), len(experiments), "experiments")
        reviews = t["review"]
        out.append(Heading("Looking back: what happened"))
        if reviews.empty:
            out.append(empty_para("No experiment has been reviewed in this period yet."))
        else:
            titles = dict(zip(experiments["id"], experiments["title"], strict=False))
            plan = YesPartlyNo.labels()
            steps = NextStep.labels()
            latest = reviews.sort_values("reviewed_on").tail(self.log_limit)
            # Drawn only when the table leaves reviews out: a chart of the reviews by
            # decision repeats a table that lists every one (say it once), so then its
            # finding is said in words, before the table.
            chart = (charts.reviews_chart(experiments, reviews)
                     if len(latest) < len(reviews) else None)
            if chart is None or chart.figure is None:  # else the chart's title says it
                not_plan = int(reviews["went_to_plan"].isin(["partly", "no"]).sum())
                out.append(Para(reviews_finding(not_plan, len(reviews)) + ".", "finding"))
            rows = [[titles.get(r["experiment"], f"Experiment #{r['experiment']}"),
                     plan.get(r["went_to_plan"], ""), r.get("actual") or "",
                     r.get("sustain") or "", r.get("improve") or "",
                     steps.get(r["decision"], "")]
                    for r in latest.to_dict("records")]
            out.append(Table.of(["Experiment", "Went to plan?", "What happened",
                                   "What to keep", "What to change", "What we do next"],
                                  rows, caption="After-action reviews"))
            out += self.more(len(latest), len(reviews), "reviews")
            if chart is not None and chart.figure is not None:
                out.append(self.figure_block(chart))
        waiting = self.health().needs_review
        if waiting:
            what = "experiment" if waiting == 1 else "experiments"
            out.append(Para(f"{waiting:,} {what} ended without a review yet. Looking back is "
                            "how we learn.", "note"))
        return out

    def learning_section(self) -> list[Any]:
        t = self.tables
        learning = t["learning"]
        if learning.empty:
            return [empty_para("No learning is recorded for this period yet. Breakthroughs "
                               "and disappointments are both welcome.")]
        health = self.health()
        # Pieces of learning are the team's records, not people: shown as they are (the
        # timeline lists every one), in every audience's report.
        out: list[Any] = [Para(sentence_case(health.sentence), "finding")]
        kinds = LearningKind.labels()
        # The sentence above counts each kind; the chart draws them, and who heard it.
        out.append(self.figure_block(charts.learning_chart(health)))  # worked out once, above
        if not missing(health.median_delay_days):
            out.append(Para(f"We wrote things down a median of "
                            f"{health.median_delay_days:.0f} days after they happened."))
        if health.shared_with_nobody:
            n = health.shared_with_nobody
            what = "piece of learning has" if n == 1 else "pieces of learning have"
            out.append(Para(f"{n:,} {what} not been shared with anyone yet.", "note"))
        out.append(Heading("What we will amplify and celebrate"))
        amp = learning[learning["amplify"].fillna(False).astype(bool)]
        if amp.empty:
            out.append(empty_para("Nothing is marked to amplify yet."))
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
                voice_note = (f"Voices behind it: {', '.join(map(str, backers))}."
                              if backers else "")
                items.append(Point(r["observation"], title=r["title"], aside=voice_note))
            if items:
                out.append(Points(items))
            out += self.more(len(latest), len(amp), "things to amplify")
        timeline = learning.sort_values("event_on").tail(self.log_limit)
        finding, not_heard = self.not_heard()
        rows = [[day_text(r["event_on"]), kinds.get(r["kind_of_learning"], ""), r["title"],
                 r.get("response") or "", not_heard.get(r["id"], "")]
                for r in timeline.to_dict("records")]
        out.append(Heading("Learning timeline, and who has not heard it yet"))
        out += finding
        out.append(Table.of(["When", "Kind", "What", "What we will do", "Not heard by"], rows,
                            caption="Everything we learned, in order, and who has not heard "
                            "it" if len(timeline) == len(learning)
                            else f"The {len(timeline)} most recent things we learned, in "
                            "order, and who has not heard them"))
        out += self.more(len(timeline), len(learning), "pieces of learning")
        return out

    def relationships_section(self) -> list[Any]:
        t = self.tables
        out: list[Any] = [Heading("How we work together")]
        pulse = t["pulse"]
        if pulse.empty:
            out.append(empty_para("No behaviour pulse answers for this period yet."))
        else:
            latest = an.latest_pulse(pulse, min_group=self.threshold)
            out.append(Para("Scores are how true people felt each statement was. They are for "
                            "reflection, never for holding anyone to account."))
            # One table of every statement, everyone's and each part's: the chart's
            # numbers, in its fold, said once.
            out.append(self.figure_block(charts.pulse_chart(pulse, min_group=self.threshold,
                                                            latest=latest),
                                         self.pulse_numbers(latest)))
            out.extend(self.pulse_parts_part())
        out.append(Heading("Paperwork we could strip away"))
        burden = t["burden"]
        if burden.empty:
            out.append(empty_para("No funding requirements have been audited yet."))
        else:
            audit = self.audit()
            out.append(Para(sentence_case(audit.sentence), "finding"))
            rows = [[r["funder"], f"{int(r['requirements']):,}", hours_text(r["hours_a_year"]),
                     money_text(r["cost_a_year"]), pct_text(r["share_of_grant"])]
                    for r in charts.top_funders(audit).to_dict("records")]
            by_funder = Table.of(["Funder", "Requirements", "Hours a year", "Cost a year",
                                    "Share of grant"], rows, numeric=[1, 2, 3, 4],
                                   caption="What reporting costs, by funder (New Philanthropy "
                                           "Capital's method)")
            strip = None
            if len(audit.strip_list):
                rows = [[r["requirement"], r["funder"], r["action_label"], r["why"],
                         freed_text(r["action"], r["hours_freed"])]
                        for r in charts.top_strip(audit).to_dict("records")]
                rest = len(audit.strip_list) - charts.bins.TOP_N
                strip = Table.of(["Requirement", "Funder", "What we propose", "Why",
                                    "Hours a year it would free"], rows, numeric=[4],
                                   caption="The strip list" if rest <= 0 else
                                   f"The strip list: the {charts.bins.TOP_N} that would free "
                                   f"most hours, then the other {rest:,}")
            # The table is its chart's numbers: in the chart's fold, said once.
            out.append(self.figure_block(charts.burden_chart(audit), by_funder))  # not redone
            if strip is not None and self.public:
                # What the team asks of its funders, requirement by requirement, is for
                # the funders to act on: the public reads its total above; the partners'
                # report has it whole (and its At a glance the largest asks).
                out.append(Para(f"The strip list has "
                                f"{count_of(len(audit.strip_list), 'proposal')}. Each, with "
                                "its reason, is in the partners\u2019 report.", "note"))
            elif strip is not None:
                # A list of proposals, each with its reason: a table says it whole, where
                # a chart of the same hours cut each requirement's name short.
                out.append(strip)
        out.append(Heading("Values we share"))
        values = t["value"]
        if values.empty:
            out.append(empty_para("No shared values are written down yet."))
        else:
            practice = self.values_in_practice().set_index("value")
            rows = [[r["value"], r["what_it_looks_like"],
                     ", ".join(PART_LABELS.get(p, p) for p in (r.get("agreed_by") or [])),
                     *self.value_links(practice, r["id"])]
                    for r in values.head(markup.LIST_LIMIT).to_dict("records")]
            # Experiments and learning are records, not people: counted as they are.
            out.append(Table.of(["Value", "What it looks like", "Signed up", "Experiments",
                                   "Learning"], rows, numeric=[3, 4],
                                  caption="Our shared values, and what shows them"))
            out += self.more(len(rows), len(values), "values", "the first {n}")
            out += self.values_not_seen(practice)
        out.append(Heading("Support we asked for"))
        support = t["support"]
        if support.empty:
            out.append(empty_para("No requests for outside support in this period."))
        else:
            kinds = SupportKind.labels()
            statuses = SupportStatus.labels()
            if self.public:
                # Asks of partners, for partners to answer: the public reads how many
                # there were and where they stand, in a sentence.
                out.append(Para(support_sentence(support["status"], statuses), "finding"))
            else:
                latest = support.sort_values("requested_on").tail(self.log_limit)
                rows = [[kinds.get(r["support_kind"], ""), r["description"],
                         statuses.get(r["status"], "")]
                        for r in latest.to_dict("records")]
                out.append(Table.of(["Kind", "What we need", "Status"], rows,
                                    caption="Support requests"))
                out += self.more(len(latest), len(support), "requests")
        out.append(Heading("Looking after each other"))
        checkins = t["checkin"]
        trend = an.checkin_trend(checkins, min_group=self.threshold)
        if checkins.empty or trend.empty:
            out.append(empty_para("No check-ins for this period."))
        else:
            rows = []
            shown = self.counts(trend.assign(responses=trend["responses"].fillna(0)),
                                ["responses"])
            for r, n in zip(trend.to_dict("records"), shown["responses"], strict=True):
                mean = privacy.HIDDEN_TEXT if r.get("suppressed") or missing(
                    r.get("mean")) else f"{r['mean']:.1f}"
                rows.append([str(r.get("month", "")), mean, n])
            out.append(self.figure_block(
                charts.checkin_chart(checkins, min_group=self.threshold),
                Table.of(["Month", "How heavy the work felt (0-10)", "Check-ins"],
                           rows, numeric=[1], counts=[2],
                           caption="Anonymous check-ins, shown only as averages")))
            out += self.pooled_part(checkins, trend)
        return out

    def glossary_section(self) -> list[Any]:
        terms = self.tables["glossary_term"]
        if terms.empty:
            return [empty_para("No shared words are agreed yet.")]
        rows = [[r["term"], r["plain_meaning"], ", ".join(r.get("words_to_avoid") or [])]
                for r in terms.sort_values("term").head(markup.LIST_LIMIT).to_dict("records")]
        return [Table.of(["Word", "What it means to us", "Words we avoid"], rows,
                         caption="The words we agreed, and what they mean"),
                *self.more(len(rows), len(terms), "words", "the first {n}"),
                *self.avoided_part()]
