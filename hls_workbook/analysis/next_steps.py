"""What needs doing now (EX4, LE1, LE2): the learning loop, from the records, as a to-do list.

A team proposes an experiment, gets permission, runs it, looks back on it, decides what
next, writes down what it learned and shares it. :func:`next_steps` lists every place
where that loop has stalled for a place, as of a given day, most overdue first:

- an experiment still proposed, running or paused after its end date;
- an experiment at "Permission given" after its start date (or, with no start date,
  unchanged for :data:`PERMISSION_DAYS` days);
- an experiment that ended or stopped with no review yet ("waiting for a look back");
- a review that decided to amplify, adapt or dampen, with nothing recorded since: no
  learning written down from the experiment on or after the review, and (for amplify and
  adapt) no new version of the experiment saved after the review;
- a learning entry whose "what we will do" has not been followed up: the entry was never
  changed on a later day than it was written down (edit it to say what was done);
- learning not yet shared with any part of the system other than the one that owns it;
- a support request still open or in progress :data:`SUPPORT_DAYS` days after it was asked;
- a regular meeting whose last :data:`MISSED_MEETINGS` (or more) planned meetings were all
  missed, counted as :func:`~hls_workbook.analysis.meeting_rhythm` counts them;
- a story that shaped a decision, or learning we amplify, whose teller agreed to be told
  what happened and has no note sent (nor marked "cannot be sent") :data:`TELL_DAYS` days
  later (:func:`~hls_workbook.analysis.told_back`).

Decisions (the Decision records of a meeting) are not listed: nothing in the records
links a decision to what was done about it, so the workbook cannot tell whether one was
acted on.

This is for the team: the sentences quote the titles the team typed. Pass the frames
the team may see (a stage notebook's tables, or :func:`hls_workbook.privacy.apply` for
"team"); nothing here is meant for partners or the public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from hls_workbook.analysis._common import as_timestamp, dates, frame, ids, num, part_plural, texts
from hls_workbook.analysis.rhythm import meeting_rhythm
from hls_workbook.analysis.told_back import told_back, waiting_to_tell
from hls_workbook.domain.model import ExperimentStatus, SupportKind, SupportStatus

#: At "Permission given" with no start date: listed once unchanged for this many days.
PERMISSION_DAYS = 28
#: A review's amplify, adapt or dampen: listed when nothing follows within this many days.
FOLLOW_UP_DAYS = 28
#: A learning entry's "what we will do": listed when not followed up within this many days.
RESPONSE_DAYS = 28
#: Learning not shared beyond the part that owns it: listed after this many days.
SHARE_DAYS = 14
#: A support request still open or in progress: listed after this many days.
SUPPORT_DAYS = 28
#: A story that shaped something, its teller not yet told what happened: listed after
#: this many days from the decision (or the learning written down).
TELL_DAYS = 14

#: A regular meeting is slipping once this many planned meetings in a row were missed.
MISSED_MEETINGS = 2

#: Each kind of item: where to do it (stage notebook, section key). The list is sorted by
#: :data:`URGENCY` first, then by days overdue, then in this order.
WHERE: dict[str, tuple[str, str]] = {
    "past_end": ("2_experimentation", "experiment_status"),
    "waiting_for_review": ("2_experimentation", "review"),
    "permission_waiting": ("2_experimentation", "experiment_status"),
    "decision_not_followed": ("3_learning", "learning"),
    "response_not_followed": ("3_learning", "learning"),
    "not_shared": ("3_learning", "sharing"),
    "support_open": ("4_relationships_and_support", "support"),
    "rhythm_slipping": ("1_getting_started", "meetings"),
    "tell_them": ("3_learning", "feedback"),
}
#: 0 first: what is happening in the world (experiments, decisions, support asked for,
#: meetings);
#: then 1: writing learning up and passing it on (to storytellers too).
URGENCY: dict[str, int] = {
    kind: 1 if kind in ("response_not_followed", "not_shared", "tell_them") else 0
    for kind in WHERE}
#: An adapted experiment is followed up by saving its changed version.
ADAPT_WHERE = ("2_experimentation", "experiment_status")

COLUMNS = ["kind", "sentence", "record_kind", "record_id", "due_on", "overdue_days", "stage",
           "section"]

_NOT_OVER = ("idea", "approved", "running", "paused")
_FINISHED = ("ended", "stopped")
_STATUS = ExperimentStatus.labels()
_VERB = {"amplify": "amplify", "adapt": "adapt", "dampen": "dampen"}
_WHAT_NEXT = {
    "amplify": "Write down what we learned, and who else should hear it.",
    "adapt": "Record the changed experiment: edit it and save the new version.",
    "dampen": "Write down what we learned, and what we are holding back.",
}


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _quote(value: object, limit: int = 80) -> str:
    """Typed text in curly quotes, on one line, shortened, without a closing full stop."""
    words = " ".join(str(value or "").split()).rstrip(".")
    if len(words) > limit:
        words = words[: limit - 1].rstrip() + "…"
    return f"“{words}”"


def _dates(series: pd.Series) -> list[dt.date | None]:
    return [None if pd.isna(d) else d.date() for d in dates(series)]


def _saved_days(series: pd.Series) -> list[dt.date | None]:
    """The day each current version was saved (``recorded_at``), None when unknown."""
    when = pd.to_datetime(series, errors="coerce", utc=True)
    return [None if pd.isna(d) else d.date() for d in when]


def _saved_at(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce", utc=True)


def _item(kind: str, sentence: str, record_kind: str, record_id: int, due: dt.date,
          on: dt.date, where: tuple[str, str] | None = None) -> dict:
    stage, section = where or WHERE[kind]
    return {"kind": kind, "sentence": sentence, "record_kind": record_kind,
            "record_id": int(record_id), "due_on": due, "overdue_days": max(0, (on - due).days),
            "stage": stage, "section": section}


def _experiment_items(e: pd.DataFrame, r: pd.DataFrame, on: dt.date) -> Iterable[dict]:
    reviewed = set(ids(r["experiment"]).dropna().astype("int64"))
    rows = zip(e["id"].astype("int64"), texts(e["title"]), texts(e["status"]),
               _dates(e["start_on"]), _dates(e["end_on"]), _saved_days(e["recorded_at"]),
               strict=True)
    for eid, title, status, start, end, saved, in rows:
        name = f"{_quote(title)} (experiment #{eid})"
        label = _STATUS.get(status or "", status or "no status")
        if status == "approved" and end is not None and end < on:
            since = start if start is not None and start < end else end
            yield _item("permission_waiting", f"{name} had permission to run until "
                        f"{_day(end)} and is still at “{label}”. Did it happen? Change where "
                        "it is up to, then look back on it.", "experiment", eid, since, on)
        elif status in _NOT_OVER and end is not None and end < on:
            yield _item("past_end", f"{name} was due to end on {_day(end)} and is still at "
                        f"“{label}”. Has it ended? Change where it is up to, then look back "
                        "on it.", "experiment", eid, end, on)
        elif status == "approved" and start is not None and start < on:
            yield _item("permission_waiting", f"{name} had permission to start on "
                        f"{_day(start)} and is still at “{label}”. Has it started? Change "
                        "where it is up to.", "experiment", eid, start, on)
        elif status == "approved" and start is None and saved is not None:
            due = saved + dt.timedelta(days=PERMISSION_DAYS)
            if due <= on:
                yield _item("permission_waiting", f"{name} has been at “{label}” since "
                            f"{_day(saved)}, with no start date. Has it started, or should it "
                            "wait? Change where it is up to.", "experiment", eid, due, on)
        if status in _FINISHED and eid not in reviewed:
            due = end if end is not None and end <= on else (saved or on)
            how = "stopped early" if status == "stopped" else "ended"
            when = f" on {_day(end)}" if end is not None and end <= on else ""
            yield _item("waiting_for_review", f"{name} {how}{when} and is waiting for a look "
                        "back. Meet and hold an after-action review: what did we mean to "
                        "happen, and what happened?", "experiment", eid, min(due, on), on)


def _decision_items(e: pd.DataFrame, r: pd.DataFrame, learning: pd.DataFrame,
                    on: dt.date) -> Iterable[dict]:
    r = r.assign(experiment=ids(r["experiment"]), reviewed_on=dates(r["reviewed_on"]),
                 decision=texts(r["decision"]), saved=_saved_at(r["recorded_at"]))
    r = r[r["experiment"].notna() & r["reviewed_on"].notna()]
    latest = r.sort_values(["reviewed_on", "id"], kind="stable").groupby("experiment").tail(1)
    latest = latest[latest["decision"].isin(list(_VERB))]
    if latest.empty:
        return
    titles = dict(zip(e["id"].astype("int64"), texts(e["title"]), strict=True))
    changed = dict(zip(e["id"].astype("int64"), _saved_at(e["recorded_at"]), strict=True))
    lrn = pd.DataFrame({"experiment": ids(learning["experiment"]),
                        "recorded_on": dates(learning["recorded_on"])}).dropna()
    # Learning recorded on or after the review follows it up: the latest per experiment
    # says so at once (a big place has many decisions and much learning).
    last_learned = {int(k): v for k, v in
                    lrn.groupby("experiment")["recorded_on"].max().items()}
    for row in latest.to_dict("records"):
        eid, reviewed = int(row["experiment"]), row["reviewed_on"]
        due = reviewed.date() + dt.timedelta(days=FOLLOW_UP_DAYS)
        if due > on:
            continue
        learned = eid in last_learned and last_learned[eid] >= reviewed
        after = changed.get(eid)
        new_version = (row["decision"] != "dampen" and after is not None
                       and not pd.isna(after) and not pd.isna(row["saved"])
                       and after > row["saved"])
        if learned or new_version:
            continue
        decision = row["decision"]
        sentence = (f"On {_day(reviewed.date())} we decided to {_VERB[decision]} "
                    f"{_quote(titles.get(eid, f'experiment #{eid}'))} (review #{row['id']}), "
                    f"and nothing has been recorded since. {_WHAT_NEXT[decision]}")
        yield _item("decision_not_followed", sentence, "review", int(row["id"]), due, on,
                    ADAPT_WHERE if decision == "adapt" else None)


def _learning_items(learning: pd.DataFrame, shares: pd.DataFrame,
                    on: dt.date) -> Iterable[dict]:
    s = pd.DataFrame({"learning": ids(shares["learning"]), "part": texts(shares["shared_with"])})
    s = s[s["learning"].notna() & s["part"].notna()]
    reached: dict[int, set[str]] = {}
    for lid, part in zip(s["learning"].astype("int64"), s["part"], strict=True):
        reached.setdefault(int(lid), set()).add(str(part))
    rows = zip(learning["id"].astype("int64"), texts(learning["title"]),
               texts(learning["response"]), _dates(learning["recorded_on"]),
               texts(learning["owner_role"]), num(learning["version"]),
               _saved_days(learning["recorded_at"]), strict=True)
    for lid, title, response, written, owner, version, saved in rows:
        if written is None:
            continue
        name = f"Learning {_quote(title)} (#{lid})"
        due = written + dt.timedelta(days=RESPONSE_DAYS)
        followed = version > 1 and saved is not None and saved > written
        if response and not followed and due <= on:
            yield _item("response_not_followed", f"{name} said what we will do: "
                        f"{_quote(response)}. Has it happened? Once it has, edit the entry to "
                        "say what we did.", "learning", lid, due, on)
        others = reached.get(int(lid), set()) - {owner}
        due = written + dt.timedelta(days=SHARE_DAYS)
        if not others and due <= on:
            beyond = f" beyond {part_plural(owner)}" if owner else ""
            yield _item("not_shared", f"{name}, written down on {_day(written)}, has not been "
                        f"shared with any other part of the system{beyond} yet. Who else "
                        "should hear it? Note it here once it is shared.", "learning", lid,
                        due, on)


def _support_items(support: pd.DataFrame, on: dt.date) -> Iterable[dict]:
    kinds, statuses = SupportKind.labels(), SupportStatus.labels()
    rows = zip(support["id"].astype("int64"), texts(support["support_kind"]),
               texts(support["status"]), _dates(support["requested_on"]), strict=True)
    for sid, kind, status, asked in rows:
        if status not in ("open", "in_progress") or asked is None:
            continue
        if kind == "someone_to_talk_to" and status == "open":  # an anonymous wish to talk
            yield _item("support_open", f"Someone would like someone to talk to (support "
                        f"#{sid}, asked anonymously in a check-in): see who can offer time, "
                        "and say so in the team.", "support", sid, asked, on)
            continue
        due = asked + dt.timedelta(days=SUPPORT_DAYS)
        if due <= on:
            what = kinds.get(kind or "", "support").lower()
            yield _item("support_open", f"The request for {what} (support #{sid}), asked for "
                        f"on {_day(asked)}, is still “{statuses.get(status, status)}”. Chase "
                        "it up, or change where it is up to.", "support", sid, due, on)


def _rhythm_items(series: pd.DataFrame, meetings: pd.DataFrame,
                  on: dt.date) -> Iterable[dict]:
    if series.empty:
        return
    rhythm = meeting_rhythm(series, meetings, end=on, today=on)
    latest = dict(zip(rhythm.summary["series"], dates(rhythm.summary["last_held_on"]),
                      strict=True))
    planned = rhythm.expected.sort_values("expected_on", kind="stable")
    planned = planned[dates(planned["expected_on"]) < pd.Timestamp(on)]  # today's may come
    for sid, rows in planned.groupby("series"):
        kept = rows["kept"].astype(bool).to_numpy()
        run = len(kept) - (int(kept.nonzero()[0].max()) + 1 if kept.any() else 0)
        if run < MISSED_MEETINGS:
            continue
        missed = dates(rows["expected_on"]).iloc[len(kept) - run:]
        due = missed.iloc[MISSED_MEETINGS - 1].date()
        held = latest.get(sid)
        last = (f"the last one was on {_day(held.date())}" if held is not None
                and not pd.isna(held) else "none has been recorded yet")
        yield _item("rhythm_slipping", f"{_quote(rows['name'].iloc[0])} has missed its last "
                    f"{run} planned meetings ({last}). Record the meetings that were held, "
                    "or agree a rhythm that suits everyone.", "meeting_series", int(sid),
                    due, on)


def _tell_items(voices: pd.DataFrame, decisions: pd.DataFrame, learning: pd.DataFrame,
                feedback: pd.DataFrame, on: dt.date) -> Iterable[dict]:
    waiting = waiting_to_tell(told_back(voices, decisions, learning, feedback))
    for row in waiting.to_dict("records"):
        if pd.isna(row["shaped_on"]):
            continue
        shaped = row["shaped_on"].date()
        due = shaped + dt.timedelta(days=TELL_DAYS)
        if due > on:
            continue
        about = f" (about {_quote(row['about'], 40)})" if row["about"] else ""
        what = f"{row['shaped_kind']} #{row['shaped_id']} {_quote(row['shaped_title'])}"
        days = (on - shaped).days
        drafted = ("A note is written: send it, then mark it sent." if row["note_status"]
                   else "Write them a note in plain words, and mark it sent once they have "
                   "heard.")
        yield _item("tell_them", f"Story #{row['voice']}{about} shaped {what} {days} days "
                    f"ago: tell them what happened. {drafted}", "voice", int(row["voice"]),
                    due, on)


def next_steps(
    experiments: pd.DataFrame | None = None,
    reviews: pd.DataFrame | None = None,
    learning: pd.DataFrame | None = None,
    shares: pd.DataFrame | None = None,
    support: pd.DataFrame | None = None,
    series: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
    voices: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    feedback: pd.DataFrame | None = None,
    *,
    on: dt.date | str | None = None,
) -> pd.DataFrame:
    """What needs doing now for a place, as of ``on`` (default: today), most urgent first.

    Takes the current records of one place (experiments, reviews, learning, shares,
    support requests, meeting series and meetings, stories, decisions and notes back to
    storytellers), as ``Workbook.table`` (or a stage notebook's tables) gives them; a kind
    left out is taken as having no records. One row per thing to do: kind (a key of
    :data:`WHERE`), sentence (what to do, in plain words), record_kind and record_id (the
    record it is about), due_on (the day it fell due),
    overdue_days (days since then, 0 when due today), stage and section (the stage
    notebook and the key of its section where it is done). Most urgent first: what is
    happening in the world (experiments, review decisions, support) before writing
    learning up and passing it on (:data:`URGENCY`); then the most overdue first.
    """
    day = as_timestamp(on)
    today = day.date() if day is not None else dt.date.today()
    e, r = frame(experiments, "experiment"), frame(reviews, "review")
    lrn, s = frame(learning, "learning"), frame(shares, "share")
    sup = frame(support, "support")
    items = [
        *_experiment_items(e, r, today),
        *_decision_items(e, r, lrn, today),
        *_learning_items(lrn, s, today),
        *_support_items(sup, today),
        *_rhythm_items(frame(series, "meeting_series"), frame(meetings, "meeting"), today),
        *_tell_items(frame(voices, "voice"), frame(decisions, "decision"), lrn,
                     frame(feedback, "feedback"), today),
    ]
    out = pd.DataFrame(items, columns=COLUMNS)
    if out.empty:
        return out.astype({"record_id": "int64", "overdue_days": "int64"})
    order = {k: i for i, k in enumerate(WHERE)}
    out = out.assign(_urgency=out["kind"].map(URGENCY), _order=out["kind"].map(order))
    out = out.sort_values(
        ["_urgency", "overdue_days", "_order", "record_kind", "record_id"],
        ascending=[True, False, True, True, True], kind="stable",
    ).drop(columns=["_urgency", "_order"]).reset_index(drop=True)
    return out.astype({"record_id": "int64", "overdue_days": "int64"})
