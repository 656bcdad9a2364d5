"""Parts of the theme sections that show what the data holds (issue 18, "Close the
learning loop"): learning not yet heard by a part of the system (a column of the learning
timeline), the parts missing when
decisions were taken, values in practice, pooled check-ins and words to avoid.

Kept apart from :mod:`.themes` so that each module stays small. :class:`HoldsParts` reads
only the gated tables of :class:`~.gated.GatedReport`; the theme sections call its
methods where each part belongs.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from hls_workbook import analysis as an
from hls_workbook import privacy
from hls_workbook.analysis import missing
from hls_workbook.analysis.holds import NAMED_PARTS, decisions_without, learning_not_heard
from hls_workbook.reporting.sections import html as markup
from hls_workbook.reporting.sections.gated import GatedReport
from hls_workbook.reporting.sections.html import Heading, Para, Table, names_text, sentence_case
from hls_workbook.reporting.sections.wording import day_text


class HoldsParts(GatedReport):
    """Report parts built from the analyses of :mod:`hls_workbook.analysis.holds` and
    its neighbours, one method per part."""

    def not_heard(self) -> tuple[list[Any], dict[Any, str]]:
        """Who has not heard what we learned: a finding on how many pieces of learning
        have not reached every part of the system, and for each piece (by id) the parts
        it has not reached, in words, for the learning timeline's last column (one table,
        not a second list of the same recent learning). Pieces of learning are records,
        not people: shown in every report."""
        out = learning_not_heard(self.tables["learning"], self.tables["share"])
        if out.empty:
            return [], {}
        gaps = out[(out["not_heard_by"] != "") & out["title"].map(lambda t: not missing(t))]
        if gaps.empty:
            return [Para("Every part of the system has heard all we learned.", "finding")], {}
        n = len(gaps)
        what = "piece of learning has" if n == 1 else "pieces of learning have"
        finding = Para(f"{n:,} {what} not reached every part of the system. Who could we "
                       "tell?", "finding")
        # A piece nobody has heard yet says so in three words, not a list of every part.
        words = [("Every part of the system" if len(parts) == len(NAMED_PARTS)
                  else sentence_case(said))
                 for parts, said in zip(gaps["parts_not_heard"], gaps["not_heard_by"],
                                        strict=True)]
        return [finding], dict(zip(gaps["learning"], words, strict=True))

    def missing_at_decisions_part(self) -> list[Any]:
        """Each meeting where something was decided and the parts not in the room. Team
        and partners only."""
        if self.public:
            return []
        out = decisions_without(self.tables["decision"], self.tables["meeting"])
        if out.empty:
            return []
        gaps = out[out["parts_missing"].map(len) > 0]
        head = Heading("Who was missing when we decided")
        if gaps.empty:
            return [head, Para("Every part of the system we know of was in the room when we "
                               "decided things.", "finding")]
        listed = gaps.iloc[::-1].head(self.log_limit)  # newest first
        rows = [[day_text(r["held_on"]), f"{int(r['decisions']):,}",
                 sentence_case(r["missing"])] for r in listed.to_dict("records")]
        known = int(out["attendance_given"].sum())
        caption = ("Meetings where we decided things without every part" if len(listed)
                   == len(gaps) else f"The {len(listed)} most recent meetings where we "
                   "decided things without every part")
        # Meetings and decisions are not people: their counts are shown as they are.
        return [head,
                Para(f"At {len(gaps):,} of {known:,} meetings where we decided things, some "
                     "parts of the system were not in the room.", "finding"),
                Table.of(["Meeting", "Decisions", "Not in the room"], rows, numeric=[1],
                         caption=caption),
                *self.more(len(listed), len(gaps), "meetings")]

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
    def values_not_seen(practice: pd.DataFrame) -> list[Para]:
        """The sentence naming the values agreed but not yet seen in what we do."""
        if practice.empty:
            return []
        unseen = practice.loc[~practice["in_practice"], "name"]
        if unseen.empty:
            return [Para("Every value we agreed shows in an experiment or a piece of "
                         "learning.", "finding")]
        return [Para("Agreed, but not yet seen in any experiment or learning: "
                     f"{names_text(list(unseen))}. How could we live "
                     f"{'it' if len(unseen) == 1 else 'them'}?", "finding")]

    def pooled_part(self, checkins: pd.DataFrame, trend: pd.DataFrame) -> list[Any]:
        """When some months had too few check-ins to show, their averages pooled over
        windows of months, each of at least the threshold. The public sees only windows
        shown, without their counts (a count beside the months' could give a small one
        away)."""
        if trend.empty or not trend["suppressed"].fillna(False).astype(bool).any():
            return []
        pooled = an.pooled_checkins(checkins, min_group=self.threshold)
        if self.public:
            pooled = pooled[pooled["shown"]]
        if pooled.empty or not (pooled["months"] > 1).any():
            # No window takes months together (a short last month, say, alone and hidden):
            # the table would only repeat the months above under a heading that says it
            # takes them together.
            return []
        rows = []
        for r in pooled.to_dict("records"):
            mean = f"{r['mean']:.1f}" if r["shown"] else privacy.HIDDEN_TEXT
            rows.append([r["label"], mean] if self.public
                        else [r["label"], mean, self.count(r["responses"])])
        headers = ["Months together", "How heavy the work felt (0-10)", "Check-ins"]
        out: list[Any] = [Para("Some months had too few check-ins to show on their own. "
                               "Here they are taken together.")]
        latest = pooled.iloc[-1]
        if latest["shown"]:  # the latest window holds the latest months: nothing hidden after
            out.append(Para(f"Most lately, in {latest['label']}, the work felt "
                            f"{latest['mean']:.1f} out of 10 heavy.", "finding"))
        out.append(Table.of(headers[:2] if self.public else headers, rows, numeric=[1],
                            counts=[] if self.public else [2],
                            caption="Check-ins taken together over months"))
        return out

    def avoided_part(self) -> list[Any]:
        """Where our own text uses a word we agreed to avoid, with the agreed word beside
        it. The team's report only: it quotes the team's own writing back to it."""
        if self.audience != "team":
            return []
        found = an.avoided_words(self.tables)
        head = Heading("Words we said we would avoid")
        if found.empty:
            return [head, Para("Our own writing uses none of the words we agreed to avoid.",
                               "finding")]
        listed = found.head(markup.LIST_LIMIT)
        rows = [[f"{r['kind_label']}: {r['record']}", r["found"], r["term"]]
                for r in listed.to_dict("records")]
        times = "once" if len(found) == 1 else f"{len(found):,} times"
        return [head,
                Para(f"Our own writing uses words we agreed to avoid {times}. Could we use "
                     "our own words instead?", "finding"),
                Table.of(["Where", "Word used", "Our word"], rows,
                         caption="Words to avoid in our own writing"),
                *self.more(len(listed), len(found), "uses", "the first {n}")]
