"""The summaries of the first three stages: pure functions of a place's tables, as HTML.

The place, partners, stories, meetings, the shared language, experiments and their
reviews, the portfolio, learning, sharing, what to amplify, feedback to storytellers,
reflections, and the text waiting for a check before sharing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from hls_workbook.domain.model import (
    Cadence,
    ExperimentStatus,
    LearningKind,
    NextStep,
    Part,
    StorytellerRole,
    Weekday,
    YesPartlyNo,
)
from hls_workbook.domain.values import join_words
from hls_workbook.templating import text
from hls_workbook.ui.forms import ui_macro
from hls_workbook.ui.stages.markup import (
    AUDIENCE_LABELS,
    CHECK_AUDIENCES,
    EXCERPT_CHARS,
    NAMED_PARTS,
    PART_LABELS,
    Tables,
    analysis_here,
    day_text,
    flags,
    is_missing,
    labels_of,
    note_html,
    para,
    place_row,
    plural,
    rhythm_so_far,
    shorten,
    table_html,
)

if TYPE_CHECKING:
    import pandas as pd

    from hls_workbook import analysis as an

log = logging.getLogger(__name__)

#: pandas, the analysis and privacy: set by markup.load_analysis() before a summary runs.
analysis_here(globals())


def place_summary(t: Tables) -> str:
    row = place_row(t)
    if row is None:
        return para("Tell us about your place first: what people call it, and the problem that "
                    "matters most here. Everything else in the workbook hangs from this.")
    out = [ui_macro("lead", row.get("name"), row.get("shared_focus"))]
    if not is_missing(row.get("why_it_matters")):
        out.append(para(str(row["why_it_matters"])))
    if not is_missing(row.get("started_on")):
        out.append(note_html(f"We first came together on {day_text(row['started_on'])}."))
    counts = [
        plural(len(t["partner"]), "partner"),
        plural(t.consent()["total"], "story", "stories"),
        plural(len(t["meeting"]), "meeting"),
    ]
    out.append(note_html(f"Recorded so far: {join_words(counts)}."))
    return "".join(out)


def partners_summary(t: Mapping[str, pd.DataFrame]) -> str:
    df = t["partner"]
    if df.empty:
        return para("No partners yet. Who is already part of this work? Start with the people "
                    "in the room, then think about who is not.")
    by_part: dict[str, list[str]] = {}
    for part, org in zip(df["part"], df["organisation"], strict=True):
        by_part.setdefault(str(part), []).append(str(org))
    rows = []
    for p in Part:
        names = sorted(by_part.get(p.value, []), key=str.casefold)
        if names or p != Part.other:
            rows.append([PART_LABELS[p.value], len(names), ", ".join(names) or "nobody yet"])
    out = [table_html(["Part of the system", "Partners", "Who"], rows,
                      caption=f"{plural(len(df), 'partner')}, by part of the system")]
    missing = [PART_LABELS[p] for p in NAMED_PARTS if p not in by_part]
    if missing:
        out.append(para(f"Nobody yet from: {join_words(missing)}. Who could we invite?"))
    else:
        out.append(para("Every part of the system is here. Does each of them feel part of it?"))
    return "".join(out)


def voices_summary(t: Tables) -> str:
    ledger = t.consent()
    if not ledger["total"]:
        return para("No stories yet. Whose experience of services have we not heard? Ask them "
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
    out = [para(f"{plural(ledger['total'], 'story', 'stories')} recorded. Who may read them:"),
           table_html(["Who may read it", "Stories"], consent_rows)]
    if len(usable):
        roles = usable["storyteller_role"].map(str).value_counts()
        role_labels = StorytellerRole.labels()
        role_text = [f"{role_labels.get(r, r)}: {n}" for r, n in roles.items()]
        out.append(para("Who told the stories we may use: " + "; ".join(role_text) + "."))
        direct = int(usable["storyteller_role"].isin(
            ["person_using_services", "carer_or_family"]).sum())
        out.append(para(f"{direct} of {len(usable)} came from people who use services or their "
                        "carers. They are the experts in what works for them."))
        themes = usable["domain_of_change"].map(lambda s: str(s).strip().lower())
        top = themes.value_counts().head(8)
        out.append(para("What the stories are about: "
                        + "; ".join(f"{k} ({n})" for k, n in top.items()) + "."))
    if ledger["not_read_back"]:
        out.append(note_html(f"{plural(ledger['not_read_back'], 'story has', 'stories have')} "
                             "not been read back to the person who told it yet."))
    if ledger["safeguarding"]:
        out.append(note_html("A story raised a safeguarding concern: make sure your safeguarding "
                             "lead knows."))
    return "".join(out)


def meeting_series_summary(t: Mapping[str, pd.DataFrame]) -> str:
    s = t["meeting_series"]
    if s.empty:
        return para("No regular meeting yet. Pick a rhythm and a day, and keep to it: the same "
                    "day every time helps people come.")
    rhythm = rhythm_so_far(s, t["meeting"])
    cadences, days = Cadence.labels(), Weekday.labels()
    rows = []
    for r in rhythm.summary.to_dict("records"):
        expected = int(r["expected"])
        other = int(r["kept_other_day"])
        held = f"{int(r['kept'])} of {expected}" + (f" ({other} on another day)" if other else "")
        since = r["days_since_last"]
        last = day_text(r["last_held_on"])
        rows.append([
            r["name"],
            f"{cadences.get(str(r['cadence']), r['cadence'])}, {days.get(str(r['weekday']), '')}",
            held if expected else "none planned yet",
            int(r["missed"]),
            f"{int(r['longest_streak'])} in a row",
            "–" if is_missing(r["longest_gap_days"]) else f"{int(r['longest_gap_days'])} days",
            (last + ("" if is_missing(since) or since <= 0 else f" ({int(since)} days ago)"))
            if last else "not yet",
        ])
    out = [table_html(["Meeting", "Rhythm", "Planned meetings held", "Missed", "Longest run",
                   "Longest gap", "Last held"], rows, caption="Our regular meetings")]
    missed = int(rhythm.summary["missed"].sum())
    if missed:
        out.append(para(f"{plural(missed, 'planned meeting')} did not happen. What got in the "
                        "way? A missed meeting is a question, not a failure."))
    other = int(rhythm.summary["kept_other_day"].sum())
    if other:
        out.append(para(f"{plural(other, 'planned meeting')} took place on another day than "
                        "agreed. Does the agreed day still suit everyone?"))
    out.append(note_html("Planned meetings are counted up to today, as in the team report: a "
                         "meeting still to come is never counted as missed."))
    return "".join(out)


def meetings_summary(t: Mapping[str, pd.DataFrame]) -> str:
    m = t["meeting"]
    if m.empty:
        return para("No meetings recorded yet. After each meeting, note who came from each part "
                    "of the system: numbers only, no names.")
    att = an.attendance_summary(m)
    rows = [[r["label"], int(r["meetings_present"]), int(r["people"])]
            for r in att.to_dict("records")]
    out = [para(f"{plural(len(m), 'meeting')} recorded; the latest on "
                f"{day_text(m['held_on'].max())}."),
           table_html(["Part of the system", "Meetings they came to", "People in all"], rows,
                      caption="Who came")]
    never = an.parts_never_present(m)
    never = [p for p in never if p != "other"]
    if never:
        out.append(para("Nobody has come yet from: " + join_words(labels_of(never, PART_LABELS))
                        + ". What would make it easier for them?"))
    total = int(att["people"].sum())
    lived = int(att.loc[att["part"] == "lived_experience", "people"].sum())
    if total:
        out.append(para(f"People with lived experience made up {round(100 * lived / total)}% "
                        "of everyone who came."))
    hard = int(flags(m["hard_topics_raised"]).sum())
    out.append(para(f"Someone raised a hard or uncomfortable topic in {hard} of {len(m)} "
                    "meetings."))
    return "".join(out)


def glossary_summary(t: Mapping[str, pd.DataFrame]) -> str:
    g = t["glossary_term"]
    if g.empty:
        return para("No shared words yet. Which words do we use that not everyone understands? "
                    "Start with the one that caused the most confusion last time.")
    rows = []
    for r in g.sort_values("term", key=lambda s: s.str.casefold()).to_dict("records"):
        avoid = r.get("words_to_avoid")
        agreed = r.get("agreed_by")
        rows.append([
            r["term"], shorten(r["plain_meaning"]),
            ", ".join(avoid) if isinstance(avoid, list) else "",
            ", ".join(labels_of(agreed, PART_LABELS)) if isinstance(agreed, list) else "",
        ])
    return table_html(["Word", "What it means, plainly", "Words to avoid", "Agreed by"], rows,
                      caption=plural(len(g), "word") + " in our shared language")


def experiment_summary(t: Mapping[str, pd.DataFrame]) -> str:
    e = t["experiment"]
    if e.empty:
        return para("No experiments yet. What small, safe thing could we try next month? Whose "
                    "idea is it, and who can say yes?")
    p = an.experiment_portfolio(e)
    rows = [[r["label"], int(r["count"])] for r in p.by_proposer.to_dict("records")
            if r["count"]]
    out = [para(p.sentence), table_html(["Whose idea", "Experiments"], rows)]
    quiet = [r["label"] for r in p.by_proposer.to_dict("records")
             if not r["count"] and r["part"] in NAMED_PARTS]
    if quiet:
        out.append(para(f"No ideas yet from: {join_words(quiet)}. Have they been asked?"))
    permission = e["permission_given_by"].map(lambda v: not is_missing(v) and bool(str(v).strip()))
    out.append(para(f"{int(permission.sum())} of {len(e)} say who gave permission to try."))
    bounds = e["safe_to_fail_bounds"].map(lambda v: not is_missing(v))
    rules = (e["amplify_if"].map(lambda v: not is_missing(v))
             & e["dampen_if"].map(lambda v: not is_missing(v)))
    out.append(note_html(f"{int(bounds.sum())} have safe-to-fail limits; {int(rules.sum())} "
                         "decided in advance when to do more and when to hold back."))
    return "".join(out)


def experiment_status_summary(t: Mapping[str, pd.DataFrame]) -> str:
    e = t["experiment"]
    if e.empty:
        return para("No experiments to update yet: propose one above first.")
    labels = ExperimentStatus.labels()
    counts = e["status"].map(str).value_counts()
    rows = [[labels[s], int(counts.get(s, 0))] for s in labels]
    out = [table_html(["Where it is up to", "Experiments"], rows)]
    reviews = an.experiment_reviews(e, t["review"])
    waiting = reviews[reviews["needs_review"]]
    if len(waiting):
        out.append(para("Finished and waiting for a look back: "
                        + "; ".join(str(x) for x in waiting["title"]) + "."))
    return "".join(out)


def review_summary(t: Mapping[str, pd.DataFrame]) -> str:
    r = t["review"]
    reviews = an.experiment_reviews(t["experiment"], r)
    waiting = reviews[reviews["needs_review"]]
    if r.empty:
        out = [para("No reviews yet. When an experiment ends, or stops early, meet and look "
                    "back: what did we mean to happen, and what happened?")]
    else:
        outcomes = an.review_outcomes(r)
        went = outcomes[outcomes["question"] == "went_to_plan"]
        dec = outcomes[outcomes["question"] == "decision"]
        yes_labels, next_labels = YesPartlyNo.labels(), NextStep.labels()
        rows = [[yes_labels.get(a, a), int(n)] for a, n in zip(went["answer"], went["count"],
                                                                 strict=True)]
        out = [table_html(["Did it go to plan?", "Reviews"], rows,
                          caption=plural(len(r), "review"))]
        not_to_plan = int(went.loc[went["answer"].isin(["partly", "no"]), "count"].sum())
        if not_to_plan:
            out.append(para(f"{not_to_plan} did not fully go to plan. That is learning, not "
                            "failure: what did we find out that we did not know?"))
        rows = [[next_labels.get(a, a), int(n)] for a, n in zip(dec["answer"], dec["count"],
                                                                  strict=True)]
        out.append(table_html(["What we decided next", "Reviews"], rows))
        days = reviews["days_to_review"].dropna()
        if len(days):
            out.append(note_html(f"Half of the reviews happened within {int(days.median())} days "
                                 "of the experiment ending."))
    if len(waiting):
        out.append(para("Waiting for a review: "
                        + "; ".join(str(x) for x in waiting["title"]) + "."))
    return "".join(out)


def portfolio_summary(t: Mapping[str, pd.DataFrame]) -> str:
    e = t["experiment"]
    p = an.experiment_portfolio(e)
    if p.total == 0:
        return para("No experiments yet, so there is no portfolio to look at. A good mix has "
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
    out = [para(p.sentence),
           table_html(["", "Experiments"], rows, caption="Our portfolio at a glance")]
    high = int(p.by_risk.loc[p.by_risk["risk"] == "high", "count"].sum())
    if high == 0:
        out.append(para("None of them is high risk. Is there a bolder idea we could try safely?"))
    if not math.isnan(p.new_share) and p.new_share < 0.25:
        out.append(para("Few of them reach new people or new places. Who have we not tried "
                        "working with?"))
    return "".join(out)


def learning_summary(t: Mapping[str, pd.DataFrame]) -> str:
    ldf = t["learning"]
    if ldf.empty:
        return para("No learning yet. What surprised us this week? What went better than we "
                    "hoped, and what let us down? Write it rough: it can be tidied later.")
    balance = an.learning_balance(ldf)
    counts = dict(zip(balance["kind"], balance["count"], strict=True))
    labels = LearningKind.labels()
    rows = [[labels[k], int(counts.get(k, 0))] for k in labels]
    out = [table_html(["Kind of learning", "Entries"], rows,
                      caption=plural(len(ldf), "piece of learning", "pieces of learning"))]
    if not counts.get("disappointment"):
        out.append(para("No disappointments yet. Were there really none, or are they not being "
                        "written down? They teach us as much as breakthroughs."))
    if not counts.get("breakthrough"):
        out.append(para("No breakthroughs yet. What went well, however small?"))
    delays = an.reflection_delay(ldf)["delay_days"].dropna()
    if len(delays):
        out.append(note_html(f"Half of them were written down within {int(delays.median())} days "
                             "of happening. Sooner is easier to remember."))
    recent = ldf.sort_values(["event_on", "id"], ascending=False).head(3)
    out.append(para("Most recent: " + "; ".join(str(x) for x in recent["title"]) + "."))
    return "".join(out)


def sharing_summary(t: Mapping[str, pd.DataFrame]) -> str:
    ldf, sdf = t["learning"], t["share"]
    if ldf.empty:
        return para("Nothing to share yet: record some learning first.")
    reach = an.reach_by_part(ldf, sdf)
    rows = [[r["label"], int(r["learning_reached"])] for r in reach.to_dict("records")]
    out = [table_html(["Part of the system", "Pieces of learning they heard about"], rows,
                      caption=f"Who heard about our {plural(len(ldf), 'piece', 'pieces')} "
                          "of learning")]
    nobody = int(an.learning_reach(ldf, sdf)["shared_with_nobody"].astype(bool).sum())
    if nobody:
        out.append(para(f"{plural(nobody, 'piece has', 'pieces have')} not been shared with "
                        "anyone yet. Who would want to know?"))
    unreached = [r["label"] for r in reach.to_dict("records")
                 if not r["learning_reached"] and r["part"] in NAMED_PARTS]
    if unreached:
        out.append(para(f"Nothing shared yet with: {join_words(unreached)}."))
    return "".join(out)


def amplify_summary(t: Mapping[str, pd.DataFrame]) -> str:
    ldf, v = t["learning"], t["voice"]
    a = an.amplified(ldf, v)
    if a.empty:
        return para("Nothing marked to amplify yet. What worked, as the people using services "
                    "see it? Tick 'Amplify and celebrate' on that piece of learning.")
    shown = {int(r["id"]): r for r in v.to_dict("records")}  # the gate's: the team may use
    roles = StorytellerRole.labels()
    out = [para(f"{plural(len(a), 'thing')} to amplify and celebrate, with the stories "
                "behind them:")]
    items = []
    for r in a.to_dict("records"):
        voices = []  # (who, about what: the words quoted)
        for vid in r["voices"]:  # links to stories the team may not use are already gone
            row = shown.get(int(vid))
            if row is None:
                continue
            who = text(row.get("shown_name")) or roles.get(str(row.get("storyteller_role")),
                                                            "Someone")
            voices.append((f"{who}, about {text(row.get('domain_of_change'))}: ",
                           shorten(row.get("story"), EXCERPT_CHARS)))
        if not voices:
            voices.append(("No story linked yet: whose experience shows this?",))
        items.append((r["title"], voices))
    out.append(ui_macro("amplified", items))
    out.append(note_html("Only stories the team may use are shown: never one that was withdrawn, "
                         "told in confidence, raised a safeguarding concern, or whose teller has "
                         "not yet said who may read it."))
    return "".join(out)


def feedback_summary(t: Mapping[str, pd.DataFrame]) -> str:
    told = an.told_back(t["voice"], t["decision"], t["learning"], t["feedback"])
    waiting = an.waiting_to_tell(told)
    out = []
    if told.empty:
        out.append(para("No story has shaped a decision, or learning we amplify, where its "
                        "teller agreed to be told what happened. When one does, it waits here "
                        "for a note back."))
    elif waiting.empty:
        out.append(para(f"Every teller who agreed to hear back has been told: "
                        f"{plural(len(told), 'note')} sent or closed."))
    else:
        kinds = {"decision": "decision", "learning": "learning"}
        items = []  # (the story and what it shaped: its title quoted, when, the note)
        for r in waiting.to_dict("records"):
            about = f" (about {text(r['about'])})" if text(r["about"]) else ""
            state = (f"Note #{r['note']} is written, not sent yet." if r["note_status"]
                     else "No note yet.")
            when = f", on {day_text(r['shaped_on'])}" if not is_missing(r["shaped_on"]) else ""
            items.append((f"Story #{r['voice']}{about} shaped {kinds[r['shaped_kind']]} "
                          f"#{r['shaped_id']}: ", shorten(r["shaped_title"], 100),
                          f"{when}. {state}"))
        out.append(para(f"{plural(len(waiting), 'teller is', 'tellers are')} waiting to "
                        "hear what their story changed:"))
        out.append(ui_macro("quotes", items))
        out.append(para("Write each a note in the form below: choose the story and what it "
                        "shaped. Once they have heard, change it to 'Sent'."))
    out.append(note_html("Only stories whose teller said we may tell them what happened are "
                         "listed; never a withdrawn one. Notes stay with the team: no report or "
                         "export for partners or the public carries them. Keep their address "
                         "or number where the team keeps contact details, not in the note."))
    return "".join(out)


def reflection_summary(t: Mapping[str, pd.DataFrame]) -> str:
    r = t["reflection"]
    if r.empty:
        return para("No reflections yet. Think of one moment from the last fortnight: what "
                    "happened, and how did it feel?")
    feelings = r["feelings"].map(lambda x: not is_missing(x) and bool(str(x).strip()))
    plan = r["action_plan"].map(lambda x: not is_missing(x) and bool(str(x).strip()))
    return "".join([
        para(f"{plural(len(r), 'reflection')} recorded, the latest on "
             f"{day_text(r['reflected_on'].max())}."),
        para(f"{int(feelings.sum())} say how it felt, and {int(plan.sum())} say what we would "
             "do next time."),
        note_html("Feelings are part of the work. The question about them is there on purpose."),
    ])


def checks_summary(t: Mapping[str, pd.DataFrame]) -> str:
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
        return para("Nothing typed yet that a report would share outside the team. Once there "
                    "is, each piece of text waits here for a person to check it.")
    out = [table_html(["Who will read it", "Waiting for a check", "Cleared as written",
                   "In other words", "Held back"], rows,
                  caption="Every piece of typed text a report could carry, whenever it was "
                          "written")]
    if waiting["public"]:
        n = waiting["public"]
        it = "it" if n == 1 else "them"
        out.append(para(f"{plural(n, 'piece waits', 'pieces wait')} for a check: a report "
                        f"for the public leaves {it} out until someone checks {it}."))
    else:
        out.append(para("Every piece of text has been checked for the public."))
    out.append(note_html("Partners read text that waits for a check with suspected personal "
                         "details taken out; text held back is left out for them too. A check "
                         "for the public covers partners. Edit a text and it waits for a check "
                         "again."))
    return "".join(out)
