"""A fictional town for demos, tests and benchmarks: Millbrook, and as many more as asked.

Everything comes from a seeded random generator and fixed dates, so the same call always
builds the same place. No real people: names are invented, and stories, next steps and
limits are written by hand, each used once (dealt from pools, see :func:`_dealer`).
``scale`` multiplies the number of records, for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from hls_workbook.domain.model import PULSE_STATEMENTS, Part
from hls_workbook.store.workbook import Workbook

START = dt.date(2026, 1, 5)  # a Monday
WEEKS = 26
PERIODS = ("2026-Q1", "2026-Q2")

TOWNS = [
    "Millbrook", "Ashford Vale", "Kettering Cross", "Hollins Bay", "Redwater", "Stonebridge",
    "Elmstead", "Carrow Green", "Fenwick", "Lowmoor", "Brackenfield", "Oakham Rise", "Wyvern",
    "Saltmarsh", "Thornby", "Greywell", "Marlow End", "Pennyfold", "Harcourt", "Linden Hill",
    "Westerby", "Cobbleton", "Rushmere", "Ivybridge Lane", "Northolt Fields", "Hazelwick",
    "Dunmore", "Fairhaven", "Brookside", "Kingsmead",
]

FOCUSES = [
    "Nobody in our town should feel alone or stuck at home.",
    "Young people leaving care should have a safe home and someone on their side.",
    "People with long-term health conditions should get help before things reach a crisis.",
    "Families struggling with money should find help without telling their story ten times.",
]

PARTNERS = {
    Part.commissioner: ["Millbrook Borough Council", "Riverside Community Foundation",
                        "County Health Partnership"],
    Part.charity: ["Open Door Advice", "Millbrook Carers' Network", "Step Up Youth Trust",
                   "Home Ground Housing Support"],
    Part.community_group: ["Eastside Tenants' Association", "Friday Friends Lunch Club"],
    Part.public_service: ["Millbrook Library", "Northgate GP Practice", "Job Centre Millbrook"],
    Part.lived_experience: ["Experts by Experience Panel", "Young Voices Group"],
    Part.other: ["Millbrook Business Forum"],
}

FIRST = ["Aisha", "Ben", "Carla", "Dev", "Ellen", "Femi", "Grace", "Hamza", "Iris", "Jonah",
         "Kerry", "Leon", "Maya", "Niall", "Olu", "Priya", "Rosa", "Sam", "Tariq", "Una",
         "Vic", "Wen", "Yusuf", "Zoe"]
LAST = ["Ashby", "Bramley", "Castell", "Dorrance", "Ellery", "Fenner", "Gossard", "Harlow",
        "Ingram", "Jessop", "Kilby", "Lowther", "Marsh", "Nettle", "Orwin", "Pryce"]

DOMAINS = ["housing", "friendship", "money", "health", "work", "family", "confidence",
           "getting help"]
#: Stories as their tellers told them, each whole (never put together from parts), with why
#: it matters to them, by what they are about. Invented: no real person or place.
STORIES = {
    "housing": [
        ("The damp in our flat was making my little girl ill and the landlord never answered. "
         "Someone from the tenants' group came round with me and we wrote one letter together. "
         "The mould has gone and she has not had a chest infection since March.",
         "I stopped feeling like it was my fault."),
        ("I was sofa surfing for most of last year. The housing worker met me at the library "
         "because I didn't want to go to an office. I have had my own key for six weeks now.",
         "Having a door I can lock means I can think about other things."),
        ("When the rent went up I hid the letters in a drawer. A volunteer at the advice drop-in "
         "sat with me and opened them one by one. We made a plan and the arrears are nearly paid.",
         "Nobody shouted at me. That is why I went back."),
        ("We were moved three times in two years and the children kept changing school. This "
         "time the council and the charity talked to each other first. We are staying put.",
         "The kids have the same friends two terms running."),
    ],
    "friendship": [
        ("After my wife died the days were very long. My neighbour brought me to the Friday "
         "lunch club and now I set the tables. There are eleven of us who always sit together.",
         "Someone notices if I'm not there."),
        ("I moved here for work and didn't know a soul. The walking group goes out on Sunday "
         "mornings, rain or shine, and it is the best part of my week.",
         "I have people to say hello to in the shop."),
        ("I used to sit in the car outside the community centre and drive home again. One of "
         "the volunteers waved me in. I'm the one who waves people in now.",
         "I know how hard that first step is."),
    ],
    "money": [
        ("Last winter I was choosing between heating and eating. The adviser at the GP surgery "
         "found a grant I had never heard of and sorted my meter. I can keep the heating on.",
         "I am not frightened of the post any more."),
        ("My benefits stopped because of a form I never got. It took one phone call from the "
         "advice worker to put it right, after two months of me trying on my own.",
         "Someone with the right words made all the difference."),
        ("I was paying three debts at once and borrowing to pay them. We put it all on one "
         "sheet of paper at the market stall. There is one payment now, and I can afford it.",
         "For the first time in years I know where my money goes."),
    ],
    "health": [
        ("I kept going to A and E because I didn't know where else to go. The link worker "
         "helped me find a regular nurse at the practice. I haven't needed A and E since.",
         "I get seen by someone who knows me."),
        ("My diabetes was all over the place and I was too embarrassed to ask. The cooking "
         "sessions at the hall were fun, not a lecture. My numbers are the best they've been.",
         "I learned it with other people, not on my own."),
        ("Getting to the hospital meant two buses and a long walk. The volunteer drivers take "
         "me now and wait with me. I have not missed an appointment this year.",
         "I don't have to choose between my health and my pride."),
    ],
    "work": [
        ("I had been out of work for four years and my confidence was gone. The job club let me "
         "try a morning a week at the café first. I work three days there now.",
         "I am good at something and people can see it."),
        ("Every form asked me what my barriers were. The coach at the job centre asked what "
         "I was good at instead. We built my CV around that and I got two interviews.",
         "It was the first time anyone started with what I can do."),
        ("I care for my mum, so nine to five was never going to work. The charity found me an "
         "employer who lets me choose my hours. I started in April.",
         "I can earn and still be there for her."),
        ("I was made redundant at fifty-eight and thought that was it. The business forum "
         "put me in touch with a firm that wanted someone with my experience to train "
         "their apprentices.",
         "I still have something to pass on."),
    ],
    "family": [
        ("My son was out of school and I didn't know who to ask. The school, the youth worker "
         "and I met round one table. He goes in four days a week now, and he chose which four.",
         "We were finally on the same side."),
        ("When my daughter was born I felt very alone. The parents' group at the library made "
         "room for me and the baby. Two of the mums are now my closest friends.",
         "I was not the only one finding it hard."),
        ("My dad's memory is going and I was trying to do everything myself. The carers' "
         "network gave me an evening off each week and people who understand.",
         "I can be his son again, not only his carer."),
    ],
    "confidence": [
        ("I thought nobody would listen to someone like me. I joined the panel and they changed "
         "the leaflet because of what I said. I spoke at the council meeting in May.",
         "My experience counts for something."),
        ("I used to let other people talk for me at appointments. The advocate practised with "
         "me before and sat quietly at the back. Last time I went on my own.",
         "I found my own voice."),
        ("I left school without anything and always felt stupid. The reading group at the "
         "library goes at my pace. I read a whole book to my grandson last week.",
         "I am proud of myself, and he is proud of me."),
        ("After the accident I stopped going out in case people stared. The art group meets "
         "in the back room of the library and nobody asks questions. We had our own show "
         "in June and I stood next to my painting.",
         "I let people see me again."),
    ],
    "getting help": [
        ("I used to ring three different numbers and get passed around. This time one worker "
         "kept my case from start to finish, so I only told my story once.",
         "I was treated like a person, not a case number."),
        ("I didn't know the advice drop-in existed until I saw the stall at the market. I went "
         "the next Tuesday and they sorted in an hour what I had worried about for months.",
         "Help was where I already was."),
        ("Every service wanted a different form and I gave up twice. The shared form meant I "
         "filled in one and they passed it on, with my say-so.",
         "I didn't have to prove I was struggling over and over."),
    ],
}

EXPERIMENTS = [
    ("Tea and a chat at the library", "People who feel alone drop in and meet others.",
     "If the library hosts a weekly drop-in", "more people will come back a second time"),
    ("One worker, one story", "People tell their story once and keep one named worker.",
     "If one worker stays with a person from start to finish",
     "people will not need to repeat their story"),
    ("Shared monitoring form", "Charities fill in one form for all three funders.",
     "If funders accept one shared form", "charities will free up hours for frontline work"),
    ("Walk and talk", "Staff meet young people on a walk instead of in an office.",
     "If we meet young people where they feel at ease", "they will come to more sessions"),
    ("Money advice at the GP", "An adviser sits in the GP waiting room on Tuesdays.",
     "If advice is where people already are", "more people will get help before a crisis"),
    ("Lived experience on the panel", "People who use services help decide on grants.",
     "If people with lived experience sit on the grants panel",
     "grants will fit what people need"),
    ("Text reminders in plain words", "Reminders rewritten with the Young Voices Group.",
     "If reminders use words people chose", "fewer appointments will be missed"),
    ("Pop-up advice at the market", "A stall at the Saturday market with two advisers.",
     "If we go to the market", "we will meet people we never see"),
    ("Flexible grant reporting", "A funder swaps quarterly reports for a conversation.",
     "If reporting is a conversation", "learning will be shared sooner"),
]

LEARNING = {
    "breakthrough": [
        ("People come back when they are greeted by name",
         "Drop-in numbers doubled after volunteers started greeting people by name."),
        ("One named worker cuts repeat visits",
         "People with one named worker needed fewer appointments to sort their problem."),
        ("The shared form saved real time",
         "Two charities said the shared form saved them a day a quarter."),
    ],
    "disappointment": [
        ("Nobody came to the evening session",
         "We ran three evening sessions and nobody came. Buses stop at seven."),
        ("The app was not used",
         "We built a sign-up page but people preferred to ring or drop in."),
        ("Referrals dried up in the summer",
         "Referrals from the GP practice stopped when the link worker left."),
    ],
    "surprise": [
        ("Young people wanted to run it themselves",
         "The Young Voices Group asked to run the walk-and-talk sessions themselves."),
        ("The market stall reached older men",
         "Most people who stopped at the market stall were older men living alone."),
    ],
}

#: Safe-to-fail limits, as different teams would write them: each experiment gets its own.
SAFE_TO_FAIL = [
    "No more than £500 and eight weeks; stop at once if anyone feels unsafe.",
    "Two volunteers at most, for six weeks. If nobody comes by the third, we stop.",
    "Only people who say yes take part, and they can leave at any time without losing help.",
    "£300 from the small grants pot; no staff time taken from the advice line.",
    "We try it in one place for three months before asking anyone else.",
    "Nobody's benefits or housing depend on it. If it adds waiting time, we go back.",
    "Six weeks, then the panel decides whether to carry on.",
    "The old way stays in use alongside it, so nobody loses out.",
    "Anyone taking part can end it for themselves whenever they want to.",
    "Costs no more than the room hire we already pay. We stop if complaints go up.",
    "Ten conversations, then we look at what people told us before going further.",
    "We keep the usual reports going too, so nobody is out of pocket if it does not work.",
]
#: What the team will do about a piece of learning: its next step, one for each.
NEXT_STEPS = [
    "Talk it through at the Tuesday forum.",
    "Ask the Young Voices Group what they make of it.",
    "Move the session to a Saturday morning and see who comes.",
    "Write it up for the funders' newsletter.",
    "Put it first on the agenda at the next community conversation.",
    "Check with the bus company about the evening timetable.",
    "Try it for a month at the second library as well.",
    "Ask the GP practice who now does what the link worker did.",
    "Share the numbers with the council's grants team.",
    "Invite the volunteers to say what made the difference.",
    "Stop the sign-up page and put the phone number on every leaflet.",
    "Meet the other charities to see if it matches what they see.",
    "Ask the Experts by Experience Panel to help us redesign it.",
    "Keep a tally for six more weeks before deciding anything.",
    "Pair each new volunteer with someone who has done it before.",
    "Take it to the partnership board as a proposal.",
    "Run a short survey at the lunch club.",
    "Thank the people who came and ask them what to change.",
    "Find out whether the same thing happens in the next town.",
    "Add a question about it to the next check-in.",
    "Agree one named contact in each service.",
    "Look again in the autumn, when the evenings draw in.",
    "Tell the story at the open day, with the teller's agreement.",
    "Let the young people plan the next three sessions themselves.",
    "Ask the market organisers for a pitch nearer the bus stop.",
    "Keep doing it, and write down what it costs us in time.",
    "Ask partners whether it is worth a small experiment.",
    "Hold back until we hear from the people it affects.",
]
#: What happened, in a review's own words, by whether it went to plan.
HAPPENED = {
    "yes": ["More people came than we hoped.", "It worked, and people asked for more.",
            "Everyone we hoped to reach came at least once."],
    "partly": ["Some came back; others did not.", "Busy at first, then it tailed off.",
               "The older people came; the young ones did not.",
               "It helped the people who came, but word did not spread.",
               "The funders liked it; the charities found it slow."],
    "no": ["Hardly anyone came.", "We could not find the volunteers to run it.",
           "People did not trust it enough to try it."],
}
#: What a review kept and what it would change: its own pair each time.
KEEP = [
    "Greeting people by name.", "Having the same two faces every week.",
    "Tea and biscuits before any paperwork.", "Asking people what they wanted first.",
    "Meeting where people already are.", "A phone number that a person answers.",
    "Short, plain reminders.", "Letting people bring a friend.",
]
CHANGE = [
    "Start earlier in the day.", "Tell people sooner, and more than once.",
    "Find a room on the ground floor.", "Ask the panel before, not after.",
    "Fewer forms on the first visit.", "Put it on the bus route.",
    "Give volunteers a proper handover.", "Check in with people a week later.",
]

GLOSSARY = [
    ("Service user", "A person who uses a service. We say 'people who use services'.",
     ["service user", "client"]),
    ("Outcome", "The difference something makes to a person's life.", ["KPI"]),
    ("Commissioner", "The organisation that pays for a service, usually the council.", []),
    ("Experiment", "A small, safe try at something new, to learn from.", ["pilot"]),
    ("Safe to fail", "Small enough that if it goes wrong, nobody is harmed.", []),
    ("Lived experience", "Knowing something because it has happened to you.", []),
    ("Learning log", "Where we write down what we noticed, good or bad.", []),
    ("Amplify", "Do more of something that works and tell people about it.", ["scale up"]),
]

VALUES = [
    ("Be kind", "We ask how people are, and we wait for the answer."),
    ("Be honest", "We say when something is not working, without blame."),
    ("Trust first", "We start by trusting each other and the people we work with."),
    ("Listen to people who use services", "Nothing about us without us."),
]

BURDEN = [
    ("Quarterly monitoring return", 4, 6.0),
    ("Annual accounts summary", 1, 5.0),
    ("Case study write-up", 2, 4.0),
    ("Outcome star data upload", 12, 2.0),
    ("Risk register", 4, 3.0),
    ("Safeguarding policy check", 1, 2.0),
    ("Equalities monitoring spreadsheet", 4, 3.5),
    ("Budget variance report", 4, 4.0),
]

HARD_TOPICS = [
    "Whether funding cuts mean some groups will have to close.",
    "A complaint that people were passed between services.",
    "Why the panel's advice was not followed last time.",
    "How it feels when a grant is not renewed.",
]
FELT = [
    "Tense at first, then honest. People said what they really thought.",
    "Warm. Everyone had a say.",
    "Hard, but we stayed with it.",
    "A bit rushed. The same people spoke most.",
]
DECISIONS = [
    "Keep the library drop-in going until the end of the year.",
    "Ask the Experts by Experience Panel to review the new leaflet.",
    "Try one shared monitoring form with all three funders.",
    "Move the evening session to Saturday mornings.",
    "Share the walk-and-talk learning at the next partnership meeting.",
    "Ask the council to pay for bus passes for volunteers.",
]


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
            "value_shown": _pick(rng, [v for v, _ in VALUES]),
            "status": status, "start_on": start, "end_on": end,
            "evidence_level": rng.randrange(1, 4),
        })
        exp_rows.append((status, end))
    exp_ids = flush()
    for eid, (status, end) in zip(exp_ids, exp_rows, strict=True):
        if status in ("ended", "stopped") and rng.random() < 0.8:
            went = _pick(rng, ["yes", "partly", "no"])
            add("review", {
                "experiment": eid,
                "reviewed_on": end + dt.timedelta(days=rng.randrange(3, 30)),
                "intended": "To reach people who never come to us.",
                "actual": happened[went](),
                "went_to_plan": went,
                "why_difference": "The time of day mattered more than we thought.",
                "sustain": keep(), "improve": change(),
                "feelings": "Nervous at first, proud by the end.",
                "who_else_should_know": "The partnership forum",
                "signs_seen": {"yes": "amplify", "partly": "both", "no": "dampen"}[went],
                "decision": {"yes": "amplify", "partly": "adapt", "no": "stop"}[went],
            })
    flush()

    # Learning of every kind, shared with different parts of the system.
    kinds = list(LEARNING)
    for i in range(24 * scale):
        kind = kinds[i % 3] if i % 8 else "surprise"
        title, obs = LEARNING[kind][(i // 3) % len(LEARNING[kind])]
        event = START + dt.timedelta(days=rng.randrange(0, WEEKS * 7 - 20))
        add("learning", {
            "kind_of_learning": kind, "title": title, "observation": obs,
            "implication": "We should plan around the times people can actually come.",
            "context": f"Drop-ins in {town}, winter and spring.",
            "confidence": _pick(rng, ["low", "medium", "medium", "high"]),
            "response": next_steps(),
            "amplify": kind == "breakthrough" and i % 2 == 0,
            "event_on": event, "recorded_on": event + dt.timedelta(days=rng.randrange(0, 21)),
            "owner_role": _pick(rng, ["charity", "commissioner", "lived_experience"]),
            "experiment": _pick(rng, exp_ids) if rng.random() < 0.5 else None,
            "voices": rng.sample(voice_ids, k=2) if kind == "breakthrough" else [],
            "value_shown": _pick(rng, [v for v, _ in VALUES]) if rng.random() < 0.5 else None,
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
    for i, (value, looks) in enumerate(VALUES):
        add("value", {"value": value, "what_it_looks_like": looks,
                      "agreed_by": [p.value for p in list(Part)[: 3 + i % 3]],
                      "agreed_on": START + dt.timedelta(days=14 * i)})
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
    counts["place"] = 1
    counts["clearance"] = check_before_sharing(wb, place)
    return dict(sorted(counts.items()))


#: Who checks the demo's text before it is shared (a fictional coordinator).
CHECKER = "Kerry Ashby, coordinator"
#: Pieces the coordinator put in other words, by what they began with: the new wording.
REWORDED = {
    "Referrals from the GP practice stopped when the link worker left.":
        "Referrals from the GP practice stopped over the summer.",
    "We ran three evening sessions and nobody came.":
        "We ran three evening sessions and nobody came: the last buses leave early.",
}


def check_before_sharing(wb: Workbook, place: str) -> int:
    """Record the checks a coordinator made before sharing the demo's reports.

    For the public, then for partners: most pieces of text are cleared as written; a few
    are put in other words (one that named someone's job, a story told more briefly) and
    a few held back; the last five of each audience are left waiting, so the reports show
    that some text waits for a check. Deterministic: decisions follow the pieces' order.
    Returns how many checks were saved.
    """
    from hls_workbook.privacy.clearance import PENDING, pieces, status
    from hls_workbook.privacy.gate import read_tables

    end = START + dt.timedelta(weeks=WEEKS)
    checked_on = min(end + dt.timedelta(days=7), dt.date.today())
    saved = 0
    for audience, left in (("public", 5), ("partners", 3)):
        raw, _names = read_tables(wb, place, START, end)
        found = status(pieces(raw, audience), raw["clearance"], audience)
        todo = found[found["status"] == PENDING].to_dict("records")
        todo = todo[:max(0, len(todo) - left)]
        stories = held = 0
        items: list[tuple[str, dict[str, Any]]] = []
        for row in todo:
            decision, wording = "cleared", None
            text = str(row["text"])
            for start, new in REWORDED.items():
                if text.startswith(start):
                    decision, wording = "edited", new
            if row["kind"] == "voice" and row["field"] == "story" and stories < 2:
                stories += 1
                decision = "edited"
                wording = "Someone told us: " + text.rsplit(". ", 1)[-1].strip()
            elif row["kind"] == "voice" and row["field"] == "why_it_matters" and held < 2:
                held += 1
                decision = "held"
            items.append(("clearance", {
                "record_kind": row["kind"], "record_id": int(row["id"]),
                "field_name": row["field"], "text_sha256": row["fingerprint"],
                "audience": audience, "decision": decision, "shared_text": wording,
                "checked_by": CHECKER, "checked_on": checked_on,
            }))
        if items:
            saved += len(wb.add_many(items, place=place, by="charity"))
    return saved


def build_demo_places(wb: Workbook, count: int = 1, *, scale: int = 1) -> list[str]:
    """Build `count` demo places (millbrook first) and return their short names."""
    names = place_names(count)
    for name in names:
        build_demo(wb, name, scale=scale)
    return names
