"""The behaviour pulse by part of the system, round by round (issue 18, "Show what the
data holds"): how differently each part sees the way we work together, and how that
moves from round to round.

Kept apart from :mod:`.themes` so that each module stays small; the relationships
section calls :meth:`PulseParts.pulse_parts_part` under its pulse table. Averages come
from :func:`hls_workbook.analysis.pulse_rounds`, which folds and hides small groups by
the report's threshold for every audience (pulse answers are anonymous); only the
answer counts depend on the audience: the public sees none, as for the pulse table
above (two statements' counts differ by the few who skipped one).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from hls_workbook import analysis as an
from hls_workbook import privacy
from hls_workbook.reporting.sections.gated import GatedReport
from hls_workbook.reporting.sections.html import Heading, Para, RawHtml, table_html


class PulseParts(GatedReport):
    """The report part that shows the pulse by part of the system and round."""

    def pulse_rounds(self) -> pd.DataFrame:
        return self.cached("pulse_rounds", lambda: an.pulse_rounds(
            self.tables["pulse"], threshold=self.threshold))

    def pulse_parts_part(self) -> list[Any]:
        """A finding (where parts of the system see things most differently in the latest
        round) and the table of every statement by group and round, as view models."""
        table = self.pulse_rounds()
        if table.empty:
            return []
        rounds: list[str] = table.attrs["rounds"]
        # The public sees no answer counts (as for the pulse table above).
        headers, rows = an.pulse_round_cells(table, answers=not self.public)
        numeric = [i for i, h in enumerate(headers) if h.startswith("Average")]
        counts = [i for i, h in enumerate(headers) if h.startswith("Answers")]
        out: list[Any] = [Heading("How each part of the system sees it, round by round")]
        gap = _widest_gap(table, rounds[-1])
        if gap:
            out.append(Para(gap, "finding"))
        out.append(Para(
            f"Where a part of the system gave fewer than {self.threshold:,} "
            "answers to a statement in a round, it is taken together with other parts. "
            f"Where even together there are too few, the average is "
            f"\u2018{privacy.HIDDEN_TEXT}\u2019. This way nobody\u2019s answers can be "
            "recognised. These scores are for reflection, never for holding anyone to "
            "account.", "note"))
        caption = (f"The pulse by part of the system, round {rounds[0]}" if len(rounds) == 1
                   else f"The pulse by part of the system, rounds {rounds[0]} to "
                   f"{rounds[-1]}")
        out.append(RawHtml("<details><summary>Every statement, by part of the system and "
                           "round</summary>" + table_html(headers, rows, caption=caption,
                                                          numeric=numeric, counts=counts,
                                                          grouped=True)
                           + "</details>"))
        earlier = int(table.attrs.get("earlier", 0))
        if earlier:
            which = "round is" if earlier == 1 else "rounds are"
            out.append(Para(f"This shows the latest {len(rounds)} rounds; {earlier:,} earlier "
                            f"{which} in the workbook.", "note"))
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
    return (f"In round {r}, parts of the system saw \u201c{low['label']}\u201d most "
            f"differently: from {low[f'mean:{r}']:.1f} ({low['group_label']}) to "
            f"{high[f'mean:{r}']:.1f} ({high['group_label']}) out of 10. What do they "
            "see that the others do not?")
