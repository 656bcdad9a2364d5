"""The behaviour pulse by part of the system (issue 18, "Show what the data holds"): how
differently each part sees the way we work together, and how that moved since the round
before.

Kept apart from :mod:`.themes` so that each module stays small; the relationships
section shows :meth:`PulseParts.pulse_numbers` as the pulse chart's numbers, and
:meth:`PulseParts.pulse_parts_part` under it. Averages come from
:func:`hls_workbook.analysis.pulse_rounds`, which folds and hides small groups by the
report's threshold for every audience (pulse answers are anonymous); only the answer
counts depend on the audience: the public sees none (two statements' counts differ by
the few who skipped one).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from hls_workbook import analysis as an
from hls_workbook import privacy
from hls_workbook.domain.model import statement_short
from hls_workbook.reporting.sections.gated import GatedReport
from hls_workbook.reporting.sections.html import Para, Table


class PulseParts(GatedReport):
    """The report part that shows the pulse by part of the system."""

    def pulse_rounds(self) -> pd.DataFrame:
        # The latest round, and the one before for each group's change.
        return self.cached("pulse_rounds", lambda: an.pulse_rounds(
            self.tables["pulse"], threshold=self.threshold, last=2))

    def pulse_numbers(self, latest: pd.DataFrame) -> Table:
        """Every statement in one row: everyone's average (``latest``, as
        :func:`~hls_workbook.analysis.latest_pulse` gives it) and each part of the
        system's, with the change since the round before: the pulse chart's numbers."""
        table = self.pulse_rounds()
        headers, rows = an.pulse_round_cells(table, answers=not self.public, everyone=latest)
        if self.public:
            # The public reads the chart, not each statement to act on: its numbers say
            # each one as the chart does, in a few words, so they print beside the chart.
            keys = dict(zip(table["label"], table["statement"], strict=True))
            keys.update(zip(latest["label"], latest["statement"], strict=True))
            rows = [[statement_short(keys.get(r[0], ""), r[0]), *r[1:]] for r in rows]
        period = latest["period"].iloc[0]
        before = latest["previous_period"].dropna()
        change = (f" (in brackets, the change since {an.round_label(before.iloc[0])})"
                  if len(before) else "")
        # Every column after the statement is a figure; "Answers" (never the public's)
        # comes second, after everyone's average.
        return Table.of(headers, rows, numeric=list(range(1, len(headers))),
                        counts=[] if self.public else [2],
                        caption=f"Behaviour pulse, {an.round_label(period)}: everyone and "
                                f"each part of the system{change}")

    def pulse_parts_part(self) -> list[Any]:
        """Where parts of the system see things most differently in the latest round, and
        how small groups are folded, as view models."""
        table = self.pulse_rounds()
        if table.empty:
            return []
        out: list[Any] = []
        gap = _widest_gap(table, table.attrs["rounds"][-1])
        if gap:
            out.append(Para(gap, "finding"))
        out.append(Para(
            f"Where a part of the system gave fewer than {self.threshold:,} "
            "answers to a statement, it is taken together with other parts. "
            f"Where even together there are too few, the average is "
            f"\u2018{privacy.HIDDEN_TEXT}\u2019. This way nobody\u2019s answers can be "
            "recognised.", "note"))
        return out


def _widest_gap(table: pd.DataFrame, r: str) -> str:
    """The statement the groups shown in round ``r`` score most differently, in words;
    "" when fewer than two groups are shown or they agree. A prompt to talk, not a
    ranking: it names the groups, not who is right."""
    shown = table.dropna(subset=[f"mean:{r}"])
    best: tuple[float, str, Any, Any] | None = None
    for statement, block in shown.groupby("statement", sort=False):
        if len(block) < 2:
            continue
        low = block.loc[block[f"mean:{r}"].idxmin()]
        high = block.loc[block[f"mean:{r}"].idxmax()]
        spread = float(high[f"mean:{r}"] - low[f"mean:{r}"])
        if best is None or spread > best[0] + 1e-9:
            best = (spread, str(statement), low, high)
    if best is None or best[0] < 0.05:
        return ""
    _spread, _statement, low, high = best
    return (f"In {an.round_label(r)}, parts of the system saw \u201c{low['label']}\u201d most "
            f"differently: from {low[f'mean:{r}']:.1f} ({low['group_label']}) to "
            f"{high[f'mean:{r}']:.1f} ({high['group_label']}) out of 10. What do they "
            "see that the others do not?")
