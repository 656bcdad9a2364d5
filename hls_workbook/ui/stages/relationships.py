"""The summaries of stage 4, relationships and support: pure functions of the tables.

The behaviour pulse, how we meet, who speaks, decisions, the paperwork audit, values,
outside support, check-ins and wishes to talk. Averages of fewer than
:data:`~hls_workbook.ui.stages.markup.MIN_GROUP` people are never shown.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from hls_workbook.domain.model import (
    SupportKind,
    SupportStatus,
)
from hls_workbook.domain.values import join_words
from hls_workbook.ui.forms import ERROR_STYLE, ui_macro
from hls_workbook.ui.stages.markup import (
    MIN_GROUP,
    NAMED_PARTS,
    PART_LABELS,
    analysis_here,
    bullets,
    day_text,
    is_missing,
    labels_of,
    mean_text,
    note_html,
    para,
    plural,
    rhythm_so_far,
    shorten,
    table_html,
)

if TYPE_CHECKING:
    import pandas as pd

    from hls_workbook import analysis as an
    from hls_workbook import privacy

log = logging.getLogger(__name__)

#: pandas, the analysis and privacy: set by markup.load_analysis() before a summary runs.
analysis_here(globals())


def pulse_summary(t: Mapping[str, pd.DataFrame]) -> str:
    pulse = t["pulse"]
    if pulse.empty:
        return para("No pulse answers yet. Each person scores every statement from 0 to 10, "
                    "anonymously. Only averages of at least "
                    f"{MIN_GROUP} people are ever shown.")
    scores = an.pulse_scores(pulse, min_group=MIN_GROUP, by_role=True)
    if scores.empty:
        return para("No complete pulse answers yet.")
    everyone = an.latest_pulse(pulse, min_group=MIN_GROUP)
    latest = everyone["period"].iloc[0]
    answers = int(pulse["period"].eq(latest).sum())
    # Everyone and each part of the system, one row a statement: the rule and the words
    # of the reports (analysis.pulse_rounds), with the team's own answer counts.
    headers, cells = an.pulse_round_cells(an.pulse_rounds(pulse, threshold=MIN_GROUP, last=2),
                                          answers=True, everyone=everyone)
    out = [table_html(headers, cells, caption=f"Average scores (0-10), round {latest}, by "
                      "part of the system (in brackets, the change since the round before)")]
    out.append(note_html(
        f"{answers} answers in round {latest}. '{privacy.HIDDEN_TEXT}' means fewer than "
        f"{MIN_GROUP} people answered. A part with fewer than {MIN_GROUP} answers is taken "
        "together with other parts ('with other parts'), so that nobody's answers can be "
        "worked out. '–' means nobody from that part answered. These are for reflection, "
        "never for holding anyone to account."))
    return "".join(out)


def how_we_meet_summary(t: Mapping[str, pd.DataFrame]) -> str:
    m = t["meeting"]
    if m.empty:
        return para("No meetings recorded yet. Add them in the getting started notebook: who "
                    "came, and whether anything hard was talked about.")
    hard = an.hard_conversations(m)
    rows = [[r["month"], int(r["meetings"]), int(r["hard_topics_raised"])]
            for r in hard.to_dict("records")]
    out = [table_html(["Month", "Meetings", "Hard topics raised"], rows,
                      caption="Hard conversations, month by month")]
    wide = an.attendance_wide(m)
    if len(wide):
        out.append(para(f"On average {wide['parts_present'].mean():.1f} of the six parts of the "
                        "system were in the room."))
    rhythm = rhythm_so_far(t["meeting_series"], m)
    expected = int(rhythm.summary["expected"].sum()) if len(rhythm.summary) else 0
    if expected:
        kept = int(rhythm.summary["kept"].sum())
        out.append(para(f"We kept {kept} of the {expected} regular meetings we planned, up to "
                        "today."))
    out.append(note_html("Can everyone be honest in the room? A month with no hard topic may be "
                         "calm, or it may mean people do not feel safe to raise them."))
    return "".join(out)


def tally_summary(t: Mapping[str, pd.DataFrame]) -> str:
    c = t["contribution"]
    if c.empty:
        return para("No speaking time recorded yet. When a meeting starts, add the people "
                    "present below and tap each one as they start speaking.")
    held = dict(zip(t["meeting"]["id"], t["meeting"]["held_on"], strict=True))
    per = c.groupby("meeting")["speaker"].nunique()
    last = max(per.index, key=lambda m: (pd.Timestamp(held.get(m, pd.NaT)), m))
    when = day_text(held.get(last)) or f"meeting #{last}"
    return (para(f"Speaking is recorded for {plural(len(per), 'meeting')}; the last on {when}, "
                 f"with {plural(int(per[last]), 'speaker')}.")
            + note_html("The balance over the meetings is in 'Who spoke in our meetings', below."))


def contributions_summary(t: Mapping[str, pd.DataFrame]) -> str:
    c = t["contribution"]
    if c.empty:
        return para("No speaking time recorded yet. Someone can keep a tally in a meeting: a "
                    "made-up name or letter for each speaker, and roughly how long they spoke.")
    s = an.participation_summary(c, t["meeting"], t["decision"])
    rows = [[r["label"], "–" if is_missing(r["share"]) else f"{round(100 * r['share'])}%"]
            for r in s.shares.to_dict("records")]
    out = [para(s.sentence),
           table_html(["Part of the system", "Share of the speaking"], rows,
                      caption=f"Over the last {plural(s.meetings_counted, 'meeting')} "
                          "with speaking recorded")]
    not_heard = [p for p in s.parts_not_heard if p != "other"]
    if not_heard:
        out.append(para("Not heard at all: " + join_words(labels_of(not_heard, PART_LABELS)) + "."))
    if not is_missing(s.longest_turn_minutes):
        out.append(note_html(f"The longest time anyone spoke at once was "
                             f"{s.longest_turn_minutes:.0f} minutes."))
    out.append(note_html("A prompt for a conversation about who gets heard, never a score for a "
                         "person."))
    return "".join(out)


def decisions_summary(t: Mapping[str, pd.DataFrame]) -> str:
    d = t["decision"]
    if d.empty:
        return para("No decisions recorded yet. When we agree something, write it down with "
                    "whose idea it was and whose views shaped it.")
    bal = an.decision_balance(d)
    rows = [[r["label"], int(r["proposed"]), int(r["shaped"])] for r in bal.to_dict("records")]
    out = [table_html(["Part of the system", "Ideas that became decisions",
                   "Decisions their views shaped"], rows,
                  caption=plural(len(d), "decision"))]
    le = bal.loc[bal["part"] == "lived_experience", "shaped_share"]
    if len(le) and not is_missing(le.iloc[0]):
        out.append(para(f"People with lived experience shaped {round(100 * le.iloc[0])}% of "
                        "our decisions."))
    with_voices = d["voices"].map(lambda x: isinstance(x, list) and len(x) > 0)
    out.append(para(f"{int(with_voices.sum())} of {len(d)} decisions were informed by a story "
                    "from someone using services."))
    return "".join(out)


def burden_summary(t: Mapping[str, pd.DataFrame]) -> str:
    b = t["burden"]
    if b.empty:
        return para("No funding requirements audited yet. List every form, report and return "
                    "a funder asks for, and roughly how long it takes.")
    audit = an.burden_audit(b)
    out = [para(audit.sentence)]
    strip = audit.strip_list.head(5)
    if len(strip):
        rows = [[r["requirement"], r["funder"], r["action_label"], r["why"],
                 "unknown" if is_missing(r["hours_freed"]) else f"{r['hours_freed']:,.0f}"]
                for r in strip.to_dict("records")]
        out.append(table_html(["Requirement", "Funder", "What we propose", "Why",
                           "Hours a year it frees"],
                          rows, caption="Top of the strip list: talk these over with the "
                                        "funder"))
    return "".join(out)


def values_summary(t: Mapping[str, pd.DataFrame]) -> str:
    v = t["value"]
    if v.empty:
        return para("No shared values written down yet. What do we want people to see us doing, "
                    "every day, whichever organisation we work for?")
    rows = []
    signed: set[str] = set()
    for r in v.to_dict("records"):
        agreed = r.get("agreed_by") if isinstance(r.get("agreed_by"), list) else []
        signed.update(agreed)
        rows.append([r["value"], shorten(r["what_it_looks_like"]),
                     ", ".join(labels_of(agreed, PART_LABELS)) or "nobody yet"])
    out = [table_html(["Value", "What it looks like", "Signed up"], rows,
                      caption=plural(len(v), "shared value"))]
    missing = [PART_LABELS[p] for p in NAMED_PARTS if p not in signed]
    if missing:
        out.append(para(f"Not signed up to any value yet: {join_words(missing)}."))
    shown = (t["learning"]["value_shown"].map(lambda x: not is_missing(x)).sum()
             + t["experiment"]["value_shown"].map(lambda x: not is_missing(x)).sum())
    out.append(note_html(f"{int(shown)} experiments and pieces of learning say which value they "
                         "put into practice."))
    return "".join(out)


#: What the team reads when someone asked anonymously, in a check-in, for someone to talk to.
TALK_WISH_TEXT = "Someone would like someone to talk to: see who can offer time."


def _talk_wanted(t: Mapping[str, pd.DataFrame]) -> str:
    """The line for anonymous wishes to talk: kept today, or raised and still open."""
    s = t["support"]
    open_talk = s[(s["support_kind"] == "someone_to_talk_to") & (s["status"] == "open")
                  & s["requested_by"].map(is_missing)]
    waiting = getattr(t, "talk_wishes", lambda: 0)()
    if not len(open_talk) and not waiting:
        return ""
    return (ui_macro("said", TALK_WISH_TEXT, style=ERROR_STYLE)
            + note_html("Asked anonymously in a check-in: nobody knows who, and nobody should "
                        "guess. Say in the team who can offer time, so whoever asked can come "
                        "to them; mark the request met once someone has."))


def support_summary(t: Mapping[str, pd.DataFrame]) -> str:
    s = t["support"]
    talk = _talk_wanted(t)
    if s.empty:
        return talk + para("No requests for outside support yet. What would help: training, "
                           "someone to lead reflective practice, supervision, a partnership?")
    labels, kinds = SupportStatus.labels(), SupportKind.labels()
    counts = s["status"].map(str).value_counts()
    rows = [[labels[k], int(counts.get(k, 0))] for k in labels]
    out = [talk, table_html(["Where it is up to", "Requests"], rows,
                  caption=plural(len(s), "support request"))]
    waiting = s[s["status"].isin(["open", "in_progress"])].sort_values("requested_on")
    if len(waiting):
        out.append(para("Still waiting:"))
        out.append(bullets(f"{kinds.get(str(r['support_kind']), '')}: "
                           f"{shorten(r['description'], 100)} (asked on "
                           f"{day_text(r['requested_on'])})" for r in waiting.to_dict("records")))
    return "".join(out)


def checkins_summary(t: Mapping[str, pd.DataFrame]) -> str:
    c = t["checkin"]
    if c.empty:
        return para("No check-ins yet. They are anonymous, and only shown as averages of at "
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
    rows = [[r["month"], n, mean_text(alone[r["month"]]) if r["month"] in alone
             else privacy.HIDDEN_TEXT]
            for r, n in zip(trend.to_dict("records"), counts["responses"], strict=True)]
    latest = pooled.iloc[-1]
    out = [para(("Lately: " if latest["shown"] else "") + str(latest["sentence"]))]
    out.append(table_html(["Month", "Check-ins", "How heavy the work felt (0-10)"], rows,
                          caption="Anonymous check-ins, shown only as averages"))
    together = pooled[pooled["months"] > 1]
    if len(together):
        out.append(para("Months with too few check-ins, taken together:"))
        out.append(bullets(together["sentence"]))
    out.append(note_html(
        f"A month with fewer than {MIN_GROUP} check-ins is taken together with the months "
        f"before it (up to {an.pulse.POOL_MONTHS} months) until they hold {MIN_GROUP}; its "
        f"own average stays {privacy.HIDDEN_TEXT}, so that nobody can be recognised. If the "
        "work feels heavy, talk to someone you trust today."))
    return "".join(out)
