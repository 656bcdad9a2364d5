"""Parts of the theme sections that show what the data holds (issue 18, "Close the
learning loop"): learning not yet heard by a part of the system, the parts missing when
decisions were taken, values in practice, pooled check-ins and words to avoid.

Kept apart from :mod:`.themes` so that each module stays small. :class:`HoldsParts` reads
only the gated tables of :class:`~.gated.GatedReport`; the theme sections call its
methods where each part belongs.
"""

from __future__ import annotations

import pandas as pd

from hls_workbook import analysis as an
from hls_workbook import privacy
from hls_workbook.analysis import missing
from hls_workbook.analysis.holds import decisions_without, learning_not_heard
from hls_workbook.reporting.sections import html as markup
from hls_workbook.reporting.sections.gated import GatedReport
from hls_workbook.reporting.sections.html import esc, names_text, sentence_case, table_html
from hls_workbook.reporting.sections.wording import day_text


class HoldsParts(GatedReport):
    """Report parts built from the analyses of :mod:`hls_workbook.analysis.holds` and
    its neighbours, one method per part."""

    def not_heard_part(self) -> str:
        """Each piece of learning and the parts of the system it has not reached. Pieces
        of learning are records, not people: shown in every report."""
        out = learning_not_heard(self.tables["learning"], self.tables["share"])
        if out.empty:
            return ""
        gaps = out[(out["not_heard_by"] != "") & out["title"].map(lambda t: not missing(t))]
        if gaps.empty:
            return ('<h3>Who has not heard it yet</h3><p class="finding">Every part of the '
                    "system has heard all we learned.</p>")
        listed = gaps.head(self.log_limit)  # newest first
        rows = [[day_text(r["recorded_on"]), r["title"], sentence_case(r["not_heard_by"])]
                for r in listed.to_dict("records")]
        n = len(gaps)
        what = "piece of learning has" if n == 1 else "pieces of learning have"
        caption = ("What we learned and who has not heard it" if len(listed) == n
                   else f"The {len(listed)} most recent things we learned and who has not "
                   "heard them")
        return ("<h3>Who has not heard it yet</h3>"
                f'<p class="finding">{n:,} {what} not reached every part of the system. '
                "Who could we tell?</p>"
                + table_html(["Recorded", "What we learned", "Not heard by"], rows,
                             caption=caption)
                + self.more(len(listed), n, "pieces of learning"))

    def missing_at_decisions_part(self) -> str:
        """Each meeting where something was decided and the parts not in the room. Team
        and partners only."""
        if self.public:
            return ""
        out = decisions_without(self.tables["decision"], self.tables["meeting"])
        if out.empty:
            return ""
        gaps = out[out["parts_missing"].map(len) > 0]
        head = "<h3>Who was missing when we decided</h3>"
        if gaps.empty:
            return head + ('<p class="finding">Every part of the system we know of was in '
                           "the room when we decided things.</p>")
        listed = gaps.iloc[::-1].head(self.log_limit)  # newest first
        rows = [[day_text(r["held_on"]), f"{int(r['decisions']):,}",
                 sentence_case(r["missing"])] for r in listed.to_dict("records")]
        known = int(out["attendance_given"].sum())
        caption = ("Meetings where we decided things without every part" if len(listed)
                   == len(gaps) else f"The {len(listed)} most recent meetings where we "
                   "decided things without every part")
        # Meetings and decisions are not people: their counts are shown as they are.
        return (head + f'<p class="finding">At {len(gaps):,} of {known:,} meetings where '
                "we decided things, some parts of the system were not in the room.</p>"
                + table_html(["Meeting", "Decisions", "Not in the room"], rows,
                             numeric=[1], caption=caption)
                + self.more(len(listed), len(gaps), "meetings"))

    def values_in_practice(self) -> pd.DataFrame:
        t = self.tables
        return an.values_in_practice(t["value"], t["experiment"], t["learning"])

    @staticmethod
    def value_links(practice: pd.DataFrame, value: object) -> list[str]:
        """How many experiments and pieces of learning link one value, as text."""
        if value not in practice.index:
            return ["0", "0"]
        row = practice.loc[value]
        return [f"{int(row['experiments']):,}", f"{int(row['learning']):,}"]

    @staticmethod
    def values_not_seen(practice: pd.DataFrame) -> str:
        """The sentence naming the values agreed but not yet seen in what we do."""
        if practice.empty:
            return ""
        unseen = practice.loc[~practice["in_practice"], "name"]
        if unseen.empty:
            return ('<p class="finding">Every value we agreed shows in an experiment or a '
                    "piece of learning.</p>")
        return ('<p class="finding">Agreed, but not yet seen in any experiment or learning: '
                f"{esc(names_text(list(unseen)))}. How could we live "
                f"{'it' if len(unseen) == 1 else 'them'}?</p>")

    def pooled_part(self, checkins: pd.DataFrame, trend: pd.DataFrame) -> str:
        """When some months had too few check-ins to show, their averages pooled over
        windows of months, each of at least the threshold. The public sees only windows
        shown, without their counts (a count beside the months' could give a small one
        away)."""
        if trend.empty or not trend["suppressed"].fillna(False).astype(bool).any():
            return ""
        pooled = an.pooled_checkins(checkins, min_group=self.threshold)
        if self.public:
            pooled = pooled[pooled["shown"]]
        if pooled.empty:
            return ""
        rows = []
        for r in pooled.to_dict("records"):
            mean = f"{r['mean']:.1f}" if r["shown"] else privacy.HIDDEN_TEXT
            rows.append([r["label"], mean] if self.public
                        else [r["label"], mean, self.count(r["responses"])])
        headers = ["Months together", "How heavy the work felt (0-10)", "Check-ins"]
        out = ["<p>Some months had too few check-ins to show on their own. Here they are "
               "taken together.</p>"]
        latest = pooled.iloc[-1]
        if latest["shown"]:  # the latest window holds the latest months: nothing hidden after
            out.append(f'<p class="finding">Most lately, in {esc(latest["label"])}, the work '
                       f"felt {latest['mean']:.1f} out of 10 heavy.</p>")
        out.append(table_html(headers[:2] if self.public else headers, rows, numeric=[1],
                              counts=[] if self.public else [2],
                              caption="Check-ins taken together over months"))
        return "".join(out)

    def avoided_part(self) -> str:
        """Where our own text uses a word we agreed to avoid, with the agreed word beside
        it. The team's report only: it quotes the team's own writing back to it."""
        if self.audience != "team":
            return ""
        found = an.avoided_words(self.tables)
        head = "<h3>Words we said we would avoid</h3>"
        if found.empty:
            return head + ('<p class="finding">Our own writing uses none of the words we '
                           "agreed to avoid.</p>")
        listed = found.head(markup.LIST_LIMIT)
        rows = [[f"{r['kind_label']}: {r['record']}", r["found"], r["term"]]
                for r in listed.to_dict("records")]
        times = "once" if len(found) == 1 else f"{len(found):,} times"
        return (head + f'<p class="finding">Our own writing uses words we agreed to avoid '
                f"{times}. Could we use our own words instead?</p>"
                + table_html(["Where", "Word used", "Our word"], rows,
                             caption="Words to avoid in our own writing")
                + self.more(len(listed), len(found), "uses", "the first {n}"))
