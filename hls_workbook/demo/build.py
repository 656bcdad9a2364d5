"""The demo's generator: one fictional place's records, drawn from a seeded random
generator and the hand-written pools in ``town`` (dealt so that no text repeats), so the
same call always builds the same place; ``scale`` multiplies the records for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from hls_workbook.demo.checks import check_before_sharing
from hls_workbook.demo.notes import write_notes_back
from hls_workbook.demo.town import (
    BURDEN,
    CHANGE,
    DECISIONS,
    DOMAINS,
    EXPERIMENTS,
    FELT,
    FIRST,
    FOCUSES,
    GLOSSARY,
    HAPPENED,
    HARD_TOPICS,
    KEEP,
    LAST,
    LEARNING,
    NEXT_STEPS,
    PARTNERS,
    PERIODS,
    REVIEW_FEELINGS,
    SAFE_TO_FAIL,
    START,
    STORIES,
    TOWNS,
    VALUES,
    WEEKS,
    WHY_DIFFERENT,
)
from hls_workbook.domain.model import PULSE_STATEMENTS, Part
from hls_workbook.store.workbook import Workbook


def _pick(rng: random.Random, items: list[Any]) -> Any:
    return items[rng.randrange(len(items))]


def _dealer(rng: random.Random, pool: list[Any]) -> Callable[[], Any]:
    """Deals the pool's items in a shuffled order, none again until all have been dealt
    (then a new shuffle): a pool as large as the demo's records means no text repeats."""
    hand: list[Any] = []

    def deal() -> Any:
        if not hand:
            hand.extend(rng.sample(pool, k=len(pool)))
        return hand.pop()

    return deal


def slug(name: str) -> str:
    return "-".join(name.lower().replace("'", "").split())


def place_names(count: int) -> list[str]:
    """The short names of the first `count` demo places (millbrook first)."""
    out = [slug(t) for t in TOWNS[:count]]
    out += [f"town-{i}" for i in range(len(out) + 1, count + 1)]
    return out


def build_demo(wb: Workbook, place: str = "millbrook", *, scale: int = 1, seed: int = 7) -> dict:
    """Fill a workbook with one fictional place. Returns how many records of each kind."""
    rng = random.Random(f"{seed}-{place}-{scale}")
    # What people wrote is dealt from hand-written pools by a generator of its own, so the
    # figures (drawn by `rng`) do not move when a pool grows.
    words = random.Random(f"{seed}-{place}-{scale}-words")
    stories = {domain: _dealer(words, told) for domain, told in STORIES.items()}
    limits, next_steps = _dealer(words, SAFE_TO_FAIL), _dealer(words, NEXT_STEPS)
    keep, change = _dealer(words, KEEP), _dealer(words, CHANGE)
    happened = {went: _dealer(words, said) for went, said in HAPPENED.items()}
    town = next((t for t in TOWNS if slug(t) == place), place.replace("-", " ").title())
    wb.set_place(place, {
        "name": town,
        "shared_focus": _pick(rng, FOCUSES),
        "why_it_matters": f"{town} has a strong community spirit, but help is hard to find "
                          "and people are passed from one service to another.",
        "started_on": START - dt.timedelta(days=60),
    }, by="charity")
    items: list[tuple[str, dict[str, Any]]] = []
    counts: dict[str, int] = {}

    def add(kind: str, data: dict[str, Any]) -> None:
        items.append((kind, data))
        counts[kind] = counts.get(kind, 0) + 1

    def flush() -> list[int]:
        ids = wb.add_many(items, place=place, by="charity")
        items.clear()
        return ids

    # Partners: several of every kind.
    for _ in range(scale):
        for part, names in PARTNERS.items():
            for name in names:
                org = name.replace("Millbrook", town)
                add("partner", {
                    "organisation": org if scale == 1 else f"{org} {_ + 1}",
                    "part": part.value,
                    "contact_name": f"{_pick(rng, FIRST)} {_pick(rng, LAST)}",
                    "joined_on": START - dt.timedelta(days=rng.randrange(30, 400)),
                    "what_they_bring": f"Knows {_pick(rng, DOMAINS)} in {town} inside out.",
                })
    # Meeting rhythms.
    series_plan = [("Tuesday partnership forum", "partnership", "weekly", "tuesday", 1),
                   ("Community conversation", "community_conversation", "monthly", "thursday", 3)]
    for i in range(scale):
        for name, kind, cadence, weekday, _offset in series_plan:
            add("meeting_series", {
                "name": name if scale == 1 else f"{name} {i + 1}",
                "kind_of_meeting": kind, "cadence": cadence, "weekday": weekday,
                "started_on": START, "purpose": "An honest place for every partner to talk.",
            })
    series_ids = flush()[-len(series_plan) * scale:]

    # Voices, with mixed consent.
    voice_count = 14 * scale
    naming_cycle = ["none", "first_name", "pseudonym", "full", "none", "none", "first_name"]
    for i in range(voice_count):
        naming = naming_cycle[i % len(naming_cycle)]
        audiences = [["team"], ["team", "partners"], ["team", "partners", "public"],
                     ["team", "partners", "public"], []][i % 5]
        first, last = _pick(rng, FIRST), _pick(rng, LAST)
        for n in (6, 6, 6, 4):  # the draws that once made a story: the figures stay
            rng.randrange(n)
        domain = _pick(rng, DOMAINS)
        story, why = stories[domain]()
        add("voice", {
            "story": story,
            "why_it_matters": why,
            "domain_of_change": domain,
            "storyteller_role": _pick(rng, ["person_using_services"] * 4
                                      + ["carer_or_family", "community_member", "volunteer"]),
            "storyteller_name": f"{first} {last}" if naming in ("first_name", "full") else None,
            "pseudonym": f"{_pick(rng, FIRST)}" if naming == "pseudonym" else None,
            "collected_by": "Community worker",
            "collected_on": START + dt.timedelta(days=rng.randrange(0, WEEKS * 7)),
            "consent_audiences": audiences,
            "consent_naming": naming,
            "consent_reviewed": i % 3 != 0,
            # Most tellers who let anyone read their story want to hear what it changed.
            "consent_tell_back": bool(audiences) and i % 4 != 3,
            "in_confidence": i % 13 == 6,
            "safeguarding_concern": i % 11 == 9,
        })
    voice_ids = flush()

    # Meetings, on the agreed day, with a few missed weeks; who came and who spoke.
    meeting_ids: list[int] = []
    meeting_dates: list[dt.date] = []
    for s_index, sid in enumerate(series_ids):
        name, kind, cadence, weekday, offset = series_plan[s_index % len(series_plan)]
        step = 7 if cadence == "weekly" else 28
        day = START + dt.timedelta(days=offset)
        while day < START + dt.timedelta(weeks=WEEKS):
            if rng.random() > 0.1:  # about one in ten missed
                lived = rng.randrange(0, 4) if kind != "partnership" else rng.randrange(0, 2)
                hard = rng.random() < 0.35
                attendance = {
                    "commissioner": rng.randrange(1, 4),
                    "charity": rng.randrange(2, 6),
                    "community_group": rng.randrange(0, 3),
                    "public_service": rng.randrange(0, 3),
                    "lived_experience": lived,
                }
                add("meeting", {
                    "held_on": day, "kind_of_meeting": kind, "series": sid,
                    "attendance": attendance, "hard_topics_raised": hard,
                    "hard_topics": _pick(rng, HARD_TOPICS) if hard else None,
                    "how_it_felt": _pick(rng, FELT),
                    "decisions_summary": _pick(rng, DECISIONS) if rng.random() < 0.5 else None,
                })
                meeting_dates.append(day)
            day += dt.timedelta(days=step)
        meeting_ids += flush()

    # Early meetings are dominated by commissioners; the balance improves over time.
    for n, (mid, day) in enumerate(zip(meeting_ids, meeting_dates, strict=True)):
        progress = n / max(1, len(meeting_ids) - 1)
        speakers = [("commissioner", 2), ("charity", 3), ("lived_experience", 2),
                    ("public_service", 1)]
        letter = 0
        for role, how_many in speakers:
            for _ in range(how_many):
                letter += 1
                weight = {"commissioner": 3.0 - 1.8 * progress,
                          "lived_experience": 0.5 + 1.0 * progress}.get(role, 1.0)
                minutes = round(max(0.5, rng.gauss(6, 2) * weight), 1)
                add("contribution", {
                    "meeting": mid, "speaker": f"Speaker {chr(64 + letter)}", "role": role,
                    "turns": max(1, int(minutes / 1.5)), "minutes": minutes,
                    "longest_turn_minutes": round(min(minutes, rng.uniform(0.5, 4) * weight), 1),
                })
        if rng.random() < 0.45:
            shaped = sorted({_pick(rng, ["charity", "commissioner", "lived_experience",
                                         "community_group"]) for _ in range(2)})
            add("decision", {
                "text": _pick(rng, DECISIONS), "decided_on": day, "meeting": mid,
                "proposer_role": _pick(rng, ["commissioner"] * 2 + ["charity", "lived_experience"]),
                "shaped_by": shaped,
                "voices": rng.sample(voice_ids, k=min(2, len(voice_ids)))
                if "lived_experience" in shaped else [],
            })
    flush()

    # The values we agreed, first, so that experiments and learning can link the ones they
    # show. Which records link them is drawn by a generator of its own, so the figures
    # drawn by `rng` do not move.
    for i, (value, looks) in enumerate(VALUES):
        add("value", {"value": value, "what_it_looks_like": looks,
                      "agreed_by": [p.value for p in list(Part)[: 3 + i % 3]],
                      "agreed_on": START + dt.timedelta(days=14 * i)})
    value_ids = dict(zip([v for v, _ in VALUES], flush(), strict=True))
    linker = random.Random(f"{seed}-{place}-{scale}-values")

    def linked(shown: str | None, share: float) -> list[int]:
        """The agreed value a record shows, linked for some records (not all)."""
        return [value_ids[shown]] if shown in value_ids and linker.random() < share else []

    # Experiments in every status, and reviews of those that ended.
    statuses = ["idea", "approved", "running", "running", "paused", "ended", "ended", "ended",
                "stopped"]
    exp_rows = []
    for i in range(len(EXPERIMENTS) * scale):
        title, intended, hyp_if, hyp_then = EXPERIMENTS[i % len(EXPERIMENTS)]
        status = statuses[i % len(statuses)]
        start = START + dt.timedelta(days=7 * (i % 12)) if status != "idea" else None
        end = start + dt.timedelta(weeks=8) if start else None
        add("experiment", {
            "title": title if scale == 1 else f"{title} ({i + 1})",
            "intended_results": intended,
            "how_we_will_see": "We will count who comes and ask them how it was.",
            "expected_challenges": "Getting the word out; keeping volunteers.",
            "prior_learning": "A similar idea worked in a nearby town.",
            "biggest_difference": "Being there at the same time every week.",
            "hypothesis_if": hyp_if, "hypothesis_then": hyp_then,
            "safe_to_fail_bounds": limits(),
            "amplify_if": "Half of the people come back a second time.",
            "dampen_if": "Nobody comes for three weeks in a row.",
            "proposed_by": _pick(rng, ["charity", "charity", "lived_experience", "commissioner",
                                       "community_group", "public_service"]),
            "permission_given_by": _pick(rng, ["Service manager", "Grants panel",
                                               "Partnership forum"]),
            "risk": _pick(rng, ["low", "low", "medium", "high"]),
            "new_people": rng.random() < 0.5, "new_contexts": rng.random() < 0.4,
            "value_shown": (shown := _pick(rng, [v for v, _ in VALUES])),
            "values": linked(shown, 0.6),
            "status": status, "start_on": start, "end_on": end,
            "evidence_level": rng.randrange(1, 4),
        })
        exp_rows.append((status, end, intended))
    exp_ids = flush()
    for eid, (status, end, intended) in zip(exp_ids, exp_rows, strict=True):
        if status in ("ended", "stopped") and rng.random() < 0.8:
            went = _pick(rng, ["yes", "partly", "no"])
            add("review", {
                "experiment": eid,
                "reviewed_on": end + dt.timedelta(days=rng.randrange(3, 30)),
                "intended": intended,  # what the experiment set out to do
                "actual": happened[went](),
                "went_to_plan": went,
                "why_difference": WHY_DIFFERENT[went],
                "sustain": keep(), "improve": change(),
                "feelings": REVIEW_FEELINGS[went],
                "who_else_should_know": "The partnership forum",
                "signs_seen": {"yes": "amplify", "partly": "both", "no": "dampen"}[went],
                "decision": {"yes": "amplify", "partly": "adapt", "no": "stop"}[went],
            })
    flush()

    # Learning of every kind, shared with different parts of the system.
    kinds = list(LEARNING)
    for i in range(24 * scale):
        kind = kinds[i % 3] if i % 8 else "surprise"
        title, obs, implication = LEARNING[kind][(i // 3) % len(LEARNING[kind])]
        event = START + dt.timedelta(days=rng.randrange(0, WEEKS * 7 - 20))
        add("learning", {
            "kind_of_learning": kind, "title": title, "observation": obs,
            "implication": implication,
            "context": f"Drop-ins in {town}, winter and spring.",
            "confidence": _pick(rng, ["low", "medium", "medium", "high"]),
            "response": next_steps(),
            "amplify": kind == "breakthrough" and i % 2 == 0,
            "event_on": event, "recorded_on": event + dt.timedelta(days=rng.randrange(0, 21)),
            "owner_role": _pick(rng, ["charity", "commissioner", "lived_experience"]),
            "experiment": _pick(rng, exp_ids) if rng.random() < 0.5 else None,
            "voices": rng.sample(voice_ids, k=2) if kind == "breakthrough" else [],
            "value_shown": (shown := _pick(rng, [v for v, _ in VALUES])
                            if rng.random() < 0.5 else None),
            "values": linked(shown, 0.8),
        })
    learning_rows = list(items)
    learning_ids = flush()
    for lid, (_k, row) in zip(learning_ids, learning_rows, strict=True):
        for part in rng.sample([p.value for p in Part if p != Part.other], k=rng.randrange(0, 4)):
            add("share", {
                "learning": lid, "shared_with": part,
                "shared_on": min(row["recorded_on"] + dt.timedelta(days=rng.randrange(1, 30)),
                                 START + dt.timedelta(weeks=WEEKS)),
                "channel": _pick(rng, ["meeting", "email", "newsletter", "conversation"]),
            })
    for i in range(6 * scale):
        add("reflection", {
            "reflected_on": START + dt.timedelta(days=20 * i % (WEEKS * 7)),
            "role": _pick(rng, ["charity", "commissioner"]),
            "description": "A hard conversation about funding at the forum.",
            "feelings": "Anxious beforehand, relieved afterwards.",
            "evaluation": "Everyone spoke; we ran out of time.",
            "analysis": "We had not left enough time for the hard part.",
            "conclusion": "We could have put it first on the agenda.",
            "action_plan": "Put hard topics first next time.",
        })

    # The behaviour pulse: two rounds, anonymous, by part of the system.
    roles = ["commissioner"] * 3 + ["charity"] * 5 + ["lived_experience"] * 4 + \
        ["public_service"] * 2
    for r, period in enumerate(PERIODS):
        for _n in range(scale):
            for role in roles:
                for pid, (statement, _text) in PULSE_STATEMENTS.items():
                    base = {"commissioner": 7, "charity": 5, "lived_experience": 4}.get(role, 6)
                    if pid in ("LB2", "RC5"):
                        base -= 1
                    score = min(10, max(0, round(rng.gauss(base + r, 1.5))))
                    add("pulse", {
                        "statement": statement, "score": score, "role": role, "period": period,
                        "answered_on": START + dt.timedelta(weeks=10 + 13 * r),
                    })
    # Check-ins: anonymous emotional load.
    for i in range(60 * scale):
        add("checkin", {
            "emotional_load": min(10, max(0, round(rng.gauss(6 - (i % 60) / 30, 2)))),
            "role": _pick(rng, ["charity"] * 3 + ["commissioner", "lived_experience",
                                                  "public_service"]),
            "checked_in_on": START + dt.timedelta(days=3 * (i % 60)),
        })
    flush()

    # The bureaucracy audit: three funders asking overlapping things.
    funders = [n.replace("Millbrook", town) for n in PARTNERS[Part.commissioner]]
    charities = [n.replace("Millbrook", town) for n in PARTNERS[Part.charity]]
    for _ in range(scale):
        for i, (req, freq, hours) in enumerate(BURDEN):
            funder = funders[i % len(funders)]
            add("burden", {
                "requirement": req, "funder": funder, "organisation": charities[i % 4],
                "frequency_per_year": freq, "hours_each": hours if i != 6 else None,
                "staff_cost_per_hour": 22.5, "grant_value": [40_000, 25_000, 60_000][i % 3],
                "used_in_decisions": ["yes", "partly", "no", None][i % 4],
                "duplicate_of": f"{BURDEN[0][0]} ({funders[1]})" if i in (3, 6) else None,
                "ivar_commitment": ["dont_waste_time", "be_proportionate",
                                    "ask_relevant_questions"][i % 3],
                "proposed_action": ["keep", "simplify", "share", "stop"][i % 4],
            })
        add("burden", {
            "requirement": BURDEN[0][0], "funder": funders[1], "organisation": charities[0],
            "frequency_per_year": 4, "hours_each": 5.0, "staff_cost_per_hour": 22.5,
            "grant_value": 25_000, "used_in_decisions": "partly",
            "duplicate_of": f"{BURDEN[0][0]} ({funders[0]})", "proposed_action": "share",
        })
    for term, meaning, avoid in GLOSSARY:
        add("glossary_term", {"term": term, "plain_meaning": meaning, "words_to_avoid": avoid,
                              "agreed_by": ["charity", "lived_experience", "commissioner"]})
    for i, (kind, text, status) in enumerate([
        ("reflective_practice", "A facilitator for a monthly reflective practice session.", "met"),
        ("training", "Training for volunteers on listening well.", "in_progress"),
        ("partnership", "A link with the university to help us learn from our data.", "open"),
        ("supervision", "Supervision for frontline staff after hard cases.", "open"),
        ("training", "Plain-English writing for the council's grants team.", "declined"),
    ] * scale):
        asked = START + dt.timedelta(days=10 + 25 * (i % 5))
        add("support", {"support_kind": kind, "description": text,
                        "requested_by": _pick(rng, ["charity", "commissioner"]),
                        "requested_on": asked, "status": status,
                        "met_on": asked + dt.timedelta(days=30) if status == "met" else None})
    flush()

    # One voice withdrawn after it was collected: it must vanish from every report.
    wb.withdraw_consent(voice_ids[4], on=START + dt.timedelta(weeks=WEEKS - 2), by="charity")
    # You said, we did: notes back to the tellers who asked, some sent, some written.
    counts["feedback"] = write_notes_back(wb, place)
    counts["place"] = 1
    counts["clearance"] = check_before_sharing(wb, place)
    return dict(sorted(counts.items()))


def build_demo_places(wb: Workbook, count: int = 1, *, scale: int = 1) -> list[str]:
    """Build `count` demo places (millbrook first) and return their short names."""
    names = place_names(count)
    for name in names:
        build_demo(wb, name, scale=scale)
    return names
