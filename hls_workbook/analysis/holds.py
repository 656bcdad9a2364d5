"""What the data holds and the reports do not show yet (issue 18).

- :func:`learning_not_heard`: for each piece of learning, the parts of the system that
  have not heard it (no sharing record names them);
- :func:`decisions_without`: for each meeting where something was decided, the parts of
  the system that were not in the room;
- :func:`pulse_by_role`: the behaviour pulse by part of the system, round by round, with
  small groups folded together (or hidden) by the privacy rules;
- :func:`pulse_rounds`: the same as one row per statement and group, one column per
  round; :func:`pulse_round_cells` words its latest round (a row a statement, a column a
  group) as the reports and the stage notebook show it.

Pure functions over the frames the gate hands on. Every figure is a prompt for a
conversation about who is heard, never a score for a person or a part.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from hls_workbook import privacy
from hls_workbook.analysis._common import (
    ALL,
    ALL_LABEL,
    PART_LABELS,
    attendance_table,
    dates,
    empty,
    frame,
    ids,
    lists_by_row,
    num,
    part_plural,
    period_key,
    texts,
)
from hls_workbook.analysis.learning import learning_reach
from hls_workbook.domain.model import Statement
from hls_workbook.domain.values import join_words
from hls_workbook.privacy.policy import MIN_PUBLIC_THRESHOLD

#: The parts of the system a piece of learning or a meeting could leave out: the five
#: named ones ("other" is not one part, so nobody is missing from it).
NAMED_PARTS: tuple[str, ...] = tuple(p for p in PART_LABELS if p != "other")
#: The row that holds the small parts of the system folded together.
FOLDED = "folded"
FOLDED_LABEL = "Other parts together"

_NOT_HEARD = ["learning", "kind", "title", "recorded_on", "parts_heard", "parts_not_heard",
              "not_heard_by"]
_WITHOUT = ["meeting", "held_on", "decisions", "decision_ids", "attendance_given",
            "parts_present", "parts_missing", "missing"]
_PULSE = ["period", "statement", "label", "role", "role_label", "folded_parts", "responses",
          "mean", "suppressed", "previous_period", "change"]


def _phrase(parts: list[str]) -> str:
    """Parts as words for a sentence: 'charities and community groups'."""
    return join_words([part_plural(p) for p in parts])


def _phrase_counted(parts: list[tuple[str, str]]) -> str:
    """Parts with how many each gave: 'commissioners or funders (3) and charities (2)'."""
    return join_words([part_plural(p) + (f" ({n})" if n else "") for p, n in parts])


def learning_not_heard(learning: pd.DataFrame | None, shares: pd.DataFrame | None
                       ) -> pd.DataFrame:
    """For each piece of learning, which of the five named parts of the system have not
    heard it: no sharing record says it was shared with them.

    Columns: learning, kind, title, recorded_on, parts_heard and parts_not_heard (lists,
    in the model's order) and not_heard_by (the same in words: "commissioners or funders
    and charities"; "" when every part heard it). Newest first.
    """
    reach = learning_reach(learning, shares)
    if reach.empty:
        return empty(_NOT_HEARD).astype({"recorded_on": "datetime64[ns]"})
    ldf = frame(learning, "learning").drop_duplicates("id")
    recorded = dates(ldf["recorded_on"]).set_axis(ids(ldf["id"]).to_numpy())
    heard = [[p for p in NAMED_PARTS if p in set(r)] for r in reach["parts_reached"]]
    missing = [[p for p in NAMED_PARTS if p not in set(h)] for h in heard]
    out = pd.DataFrame({
        "learning": reach["learning"], "kind": reach["kind"], "title": reach["title"],
        "recorded_on": list(reach["learning"].map(recorded)),
        "parts_heard": heard, "parts_not_heard": missing,
        "not_heard_by": [_phrase(m) for m in missing],
    }, columns=_NOT_HEARD)
    out["recorded_on"] = out["recorded_on"].astype("datetime64[ns]")
    return out.sort_values(["recorded_on", "learning"], ascending=False,
                           kind="stable").reset_index(drop=True)


def decisions_without(decisions: pd.DataFrame | None, meetings: pd.DataFrame | None
                      ) -> pd.DataFrame:
    """For each meeting where something was decided, the named parts of the system that
    were not there (nobody of theirs in its attendance).

    A decision belongs to the meeting it links to; one with no link, to the one meeting
    held on the day it was decided (none when there were several, or none). A meeting
    whose attendance was not recorded says so (``attendance_given`` False) and lists no
    part as missing: we do not know.

    Columns: meeting, held_on, decisions (how many), decision_ids, attendance_given,
    parts_present, parts_missing (lists, in the model's order), missing (in words).
    """
    d = frame(decisions, "decision")
    m = frame(meetings, "meeting")
    if d.empty or m.empty:
        return empty(_WITHOUT).astype({"held_on": "datetime64[ns]"})
    m = m.assign(mid=ids(m["id"]), held_on=dates(m["held_on"]))
    d = d.assign(did=ids(d["id"]), meeting=ids(d["meeting"]), decided_on=dates(d["decided_on"]))
    one_a_day = m.groupby("held_on")["mid"].agg(["size", "first"])
    one_a_day = one_a_day[one_a_day["size"] == 1]["first"]
    by_day = d["decided_on"].map(one_a_day)
    linked = d["meeting"].where(d["meeting"].isin(m["mid"]))
    d["at"] = linked.fillna(by_day).astype("Int64")
    d = d.dropna(subset=["at"])
    if d.empty:
        return empty(_WITHOUT).astype({"held_on": "datetime64[ns]"})
    # Each meeting's decisions, smallest id first: sorted once, cut where the meeting changes.
    d = d.sort_values(["at", "did"], kind="stable")
    at = d["at"].to_numpy(dtype="int64")
    held, first = np.unique(at, return_index=True)
    decided = [chunk.tolist() for chunk in np.split(d["did"].to_numpy(dtype="int64"),
                                                    first[1:])]
    m = m[m["mid"].isin(held)].sort_values(["held_on", "mid"], kind="stable")
    table = attendance_table(m["attendance"])
    known = table.notna().any(axis=1).to_numpy()
    present = (table[list(NAMED_PARTS)].apply(num).to_numpy() > 0) & known[:, None]
    absent = ~present & known[:, None]
    parts_present = lists_by_row(pd.DataFrame(present, columns=NAMED_PARTS)).tolist()
    parts_missing = lists_by_row(pd.DataFrame(absent, columns=NAMED_PARTS)).tolist()
    said: dict[tuple[str, ...], str] = {}

    def say(missing: list[str]) -> str:  # at most 32 ways to be missing: each said once
        if tuple(missing) not in said:
            said[tuple(missing)] = _phrase(missing)
        return said[tuple(missing)]

    at_meeting = [decided[i] for i in np.searchsorted(held, m["mid"].to_numpy(dtype="int64"))]
    out = pd.DataFrame({
        "meeting": m["mid"].to_numpy(dtype="int64"), "held_on": m["held_on"].to_numpy(),
        "decisions": [len(ds) for ds in at_meeting], "decision_ids": at_meeting,
        "attendance_given": known.astype(bool), "parts_present": parts_present,
        "parts_missing": parts_missing,
        "missing": [say(miss) if k else "not recorded"
                    for k, miss in zip(known, parts_missing, strict=True)],
    }, columns=_WITHOUT)
    out["held_on"] = out["held_on"].astype("datetime64[ns]")
    return out.reset_index(drop=True)


def pulse_by_role(pulse: pd.DataFrame | None, *, audience: str = "public",
                  threshold: int = MIN_PUBLIC_THRESHOLD) -> pd.DataFrame:
    """The behaviour pulse by part of the system, round by round, with small groups folded.

    Per round and statement: everyone's mean, each part's mean, and the parts with too
    few answers to show (``privacy.Policy.may_show_aggregate``: fewer than the threshold,
    for the public) folded into one group, "Other parts together". When the folded group
    is itself too small and other parts are shown, the smallest shown part joins it (and
    the next, until it is large enough), so its mean cannot be worked out from everyone's.
    A group still too small (the whole round had too few answers) is hidden: mean NaN,
    ``suppressed`` True. For the team and partners nothing is folded (they may see small
    groups), as the gate decides.

    Columns: period, statement, label, role ("all", a part, or "folded"), role_label,
    folded_parts (the parts in the folded group), responses, mean, suppressed,
    previous_period and change (this mean minus the same part's in the round before;
    NaN for the folded group, whose parts may differ from round to round).
    """
    policy = privacy.Policy.of(audience, threshold)
    p = _answers(pulse)
    if p.empty:
        return empty(_PULSE).astype({"mean": "float64", "change": "float64"})
    labels = Statement.labels()
    rows = []
    for (period, statement), block in p.groupby(["period", "statement"], sort=False):
        by_role = block.groupby("role")["score"].agg(["size", "sum"])
        total = int(by_role["size"].sum())
        base = {"period": period, "statement": statement,
                "label": labels.get(statement, statement)}
        everyone_shown = policy.may_show_aggregate(total)
        rows.append({**base, "role": ALL, "role_label": ALL_LABEL, "folded_parts": [],
                     "responses": total,
                     "mean": float(block["score"].mean()) if everyone_shown else math.nan,
                     "suppressed": not everyone_shown})
        order = by_role.assign(_o=[_part_order(r) for r in by_role.index]).sort_values(
            ["size", "_o"])
        fold = [r for r in order.index if not policy.may_show_aggregate(int(order.at[r, "size"]))]
        rest = [r for r in order.index if r not in fold]
        while fold and rest and not policy.may_show_aggregate(
                int(order.loc[fold, "size"].sum())):
            fold.append(rest.pop(0))
        for role in sorted(rest, key=_part_order):
            n, s = int(by_role.at[role, "size"]), float(by_role.at[role, "sum"])
            rows.append({**base, "role": role, "role_label": PART_LABELS.get(role, role),
                         "folded_parts": [], "responses": n, "mean": s / n,
                         "suppressed": False})
        if fold:
            n = int(by_role.loc[fold, "size"].sum())
            shown = policy.may_show_aggregate(n)
            rows.append({**base, "role": FOLDED, "role_label": FOLDED_LABEL,
                         "folded_parts": sorted(fold, key=_part_order), "responses": n,
                         "mean": float(by_role.loc[fold, "sum"].sum()) / n if shown
                         else math.nan, "suppressed": not shown})
    out = pd.DataFrame(rows, columns=[c for c in _PULSE if c not in ("previous_period",
                                                                     "change")])
    out["mean"] = out["mean"].astype("float64")
    out = out.assign(_pk=out["period"].map(period_key),
                     _r=out["role"].map(lambda r: -1 if r == ALL else _part_order(r)))
    out = out.sort_values(["statement", "role", "_pk"], kind="stable")
    before = out.groupby(["statement", "role"], sort=False)[["period", "mean"]].shift(1)
    out["previous_period"] = before["period"].where(before["period"].notna(), None)
    out["change"] = (out["mean"] - before["mean"]).where(out["role"] != FOLDED)
    out["change"] = out["change"].astype("float64")
    order = {s: i for i, s in enumerate(labels)}
    out = out.assign(_s=out["statement"].map(lambda s: order.get(s, len(order))))
    out = out.sort_values(["_pk", "period", "_s", "_r"], kind="stable")
    return out[_PULSE].reset_index(drop=True)


def _answers(pulse: pd.DataFrame | None) -> pd.DataFrame:
    """The pulse answers that count: a score, a statement and a round (no part: "other")."""
    p = frame(pulse, "pulse")
    p = p.assign(score=num(p["score"]), statement=texts(p["statement"]),
                 role=texts(p["role"]).fillna("other"), period=texts(p["period"]))
    return p.dropna(subset=["score", "statement", "period"])


#: How many rounds a table of the pulse by part shows (the latest ones): beyond four the
#: table no longer fits a page, and the change that matters is the recent one.
ROUNDS_SHOWN = 4


def pulse_rounds(pulse: pd.DataFrame | None, *, threshold: int = MIN_PUBLIC_THRESHOLD,
                 last: int = ROUNDS_SHOWN) -> pd.DataFrame:
    """The pulse by part of the system, one row per statement and group, three columns
    per round (the ``last`` rounds): ``mean:<round>``, ``answers:<round>`` and
    ``folded:<round>``.

    Pulse answers are anonymous, so their averages follow the threshold for every reader,
    the team's own included (as the stage notebooks promise and the report's other pulse
    figures do): groups are folded and hidden as :func:`pulse_by_role` does for the
    public. What differs by audience is only whether the answer counts are shown, which
    is for the caller to decide.

    A group is a part of the system, or the parts folded together in a round, labelled
    with their names ("Other parts together: commissioners or funders and charities");
    a different set folded in another round is another row. A part folded alone (a round
    with too few answers in all) keeps its own row, hidden. ``mean`` is NaN when the
    group is hidden or gave no answer that round; ``answers`` is how many answers the
    group gave (0: none; a folded part's own, its group's in the group's row);
    ``folded`` is True in a part's row for a round where its answers are in a folded
    group. Rows in the model's order of statements, then of parts, folded groups last.
    ``attrs["rounds"]`` lists the rounds shown, oldest first; ``attrs["earlier"]`` how
    many earlier rounds are left out.
    """
    keep = max(int(last), 1)
    by_role = pulse_by_role(pulse, audience="public", threshold=threshold)
    by_role = by_role[by_role["role"] != ALL]
    rounds = sorted(dict.fromkeys(by_role["period"]), key=period_key)
    shown, earlier = rounds[-keep:], max(len(rounds) - keep, 0)
    by_role = by_role[by_role["period"].isin(shown)]
    columns = ["statement", "label", "group", "group_label"]
    columns += [f"{what}:{r}" for r in shown for what in ("mean", "answers", "folded")]
    sizes = _answers(pulse).groupby(["period", "statement", "role"]).size()
    rows: dict[tuple[str, str], dict] = {}
    statement_order = {s: i for i, s in enumerate(Statement.labels())}

    def row(statement: str, label: str, group: str, group_label: str) -> dict:
        return rows.setdefault((statement, group), {
            "statement": statement, "label": label, "group": group,
            "group_label": group_label})

    for r in by_role.to_dict("records"):
        parts = list(r["folded_parts"])
        if r["role"] == FOLDED and len(parts) > 1:
            target = row(r["statement"], r["label"], FOLDED + ":" + "+".join(parts),
                         f"{FOLDED_LABEL}: {_phrase(parts)}")
            for part in parts:
                alone = row(r["statement"], r["label"], part, PART_LABELS.get(part, part))
                alone[f"folded:{r['period']}"] = True
                alone[f"answers:{r['period']}"] = int(sizes.get(
                    (r["period"], r["statement"], part), 0))
        else:
            role = parts[0] if r["role"] == FOLDED else r["role"]
            target = row(r["statement"], r["label"], role, PART_LABELS.get(role, role))
        target[f"mean:{r['period']}"] = r["mean"]
        target[f"answers:{r['period']}"] = int(r["responses"])

    def order(key: tuple[str, str]) -> tuple[int, int, str]:
        statement, group = key
        folded = group.startswith(FOLDED + ":")
        return (statement_order.get(statement, len(statement_order)),
                _part_order(FOLDED if folded else group), group)

    out = pd.DataFrame([rows[k] for k in sorted(rows, key=order)], columns=columns)
    for r in shown:
        out[f"mean:{r}"] = out[f"mean:{r}"].astype("float64")
        out[f"answers:{r}"] = out[f"answers:{r}"].fillna(0).astype("int64")
        out[f"folded:{r}"] = out[f"folded:{r}"].eq(True)
    out.attrs["rounds"] = shown
    out.attrs["earlier"] = earlier
    return out


#: A part's cell for a round where its answers are in a folded group.
WITH_OTHERS = "with other parts"
#: A group's cell for a round where it gave no answer.
NO_ANSWERS = "–"


def pulse_round_cells(table: pd.DataFrame, *, answers: bool,
                      everyone: pd.DataFrame | None = None
                      ) -> tuple[list[str], list[list[str]]]:
    """:func:`pulse_rounds` as the headers and rows of one compact table in words, so the
    reports and the stage notebook say it the same way: one row per statement, one column
    per group that answered in the latest round, each cell the group's average in that
    round to one decimal with its change since the round before in brackets (when both
    are shown), or "hidden", "with other parts" or "–" (no answers). Earlier rounds show
    only as that change: a row per group and round made the table pages long in print.
    A part taken together with others on every statement has no column of its own: the
    together column's heading names it (with ``answers``, with how many it gave).

    ``everyone`` (:func:`~hls_workbook.analysis.latest_pulse` of the same round): its
    average (with its change, as each part's) and answers first. With ``answers`` (for
    readers who may see them: never the public), how many answered, in each group's
    heading (the fewest to the most, as a statement or two may be skipped) and in a column
    for everyone."""
    rounds: list[str] = table.attrs.get("rounds", [])
    if not rounds:
        return ["Statement"], []
    last = rounds[-1]
    before = rounds[-2] if len(rounds) > 1 else None
    latest = table[table[f"answers:{last}"] > 0]
    # A part taken together with others on every statement gets no column of its own: it
    # would say "with other parts" all the way down (and made the table too wide for a
    # page). The together column names it, with its own answers for readers who may see
    # counts.
    folded = latest.groupby("group")[f"folded:{last}"].all()
    groups = dict.fromkeys(sorted(
        ((g, label) for g, label in zip(latest["group"], latest["group_label"], strict=True)
         if not folded.get(g, False)),
        key=lambda g: (_part_order(FOLDED if g[0].startswith(FOLDED + ":") else g[0]), g[0])))
    headers = ["Statement"]
    statements = list(dict.fromkeys(table["statement"]))
    labels = dict(zip(table["statement"], table["label"], strict=True))
    overall: dict[str, list[str]] = {}
    if everyone is not None and len(everyone):
        headers.append("Everyone")
        if answers:
            headers.append("Answers")
        for r in everyone.to_dict("records"):
            hidden = bool(r["suppressed"]) or pd.isna(r["mean"])
            # As each part's cell: the average, then its change in brackets.
            cells = [privacy.HIDDEN_TEXT if hidden else f"{r['mean']:.1f}" + (
                "" if pd.isna(r["change"]) else f" ({r['change']:+.1f})")]
            if answers:
                cells.append(f"{int(r['responses']):,}")
            overall[r["statement"]] = cells
            labels.setdefault(r["statement"], r["label"])
            if r["statement"] not in statements:
                statements.append(r["statement"])
    def counted(group: str) -> tuple[str, int]:
        n = latest.loc[latest["group"] == group, f"answers:{last}"]
        few, many = int(n.min()), int(n.max())
        return (f"{few:,}" if few == many else f"{few:,} to {many:,}"), many

    for (group, label) in groups:
        if not answers:
            headers.append(label)
            continue
        total, many = counted(group)
        what = "answer" if many == 1 else "answers"
        if group.startswith(FOLDED + ":"):  # each part's own answers, in its words
            parts = group.split(":", 1)[1].split("+")
            label = f"{FOLDED_LABEL}: " + _phrase_counted(
                [(p, counted(p)[0]) for p in parts if p in set(latest["group"])] or
                [(p, "") for p in parts])
        headers.append(f"{label} ({total} {what})")
    cells_of = {(r["statement"], r["group"]): r for r in table.to_dict("records")}
    blank = [NO_ANSWERS] * (len(headers) - 1 - len(groups))
    rows = []
    for statement in statements:
        cells = [labels[statement], *overall.get(statement, blank)]
        for group, _label in groups:
            r = cells_of.get((statement, group))
            if r is None or not r[f"answers:{last}"]:
                cells.append(NO_ANSWERS)
                continue
            mean = r[f"mean:{last}"]
            if pd.isna(mean):
                cells.append(WITH_OTHERS if r[f"folded:{last}"] else privacy.HIDDEN_TEXT)
                continue
            earlier = r[f"mean:{before}"] if before else math.nan
            cells.append(f"{mean:.1f}" + ("" if pd.isna(earlier)
                                          else f" ({mean - earlier:+.1f})"))
        rows.append(cells)
    return headers, rows


def _part_order(role: str) -> int:
    order = [*PART_LABELS, FOLDED]
    return order.index(role) if role in order else len(order)
