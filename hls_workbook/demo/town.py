"""The demo town's fixed text and dates: its period, the towns' names, partners, people's
names, and everything people wrote (stories, experiments, learning, limits, next steps,
reviews' words, glossary, values, paperwork, hard topics, decisions), written by hand and
invented: no real person or place. ``build`` deals from these pools; changing a pool
changes the demo's words, never its figures.
"""

from __future__ import annotations

import datetime as dt

from hls_workbook.domain.model import Part

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

#: Learning of each kind: (title, what we saw, what it means for us), each its own.
LEARNING = {
    "breakthrough": [
        ("People come back when they are greeted by name",
         "Drop-in numbers doubled after volunteers started greeting people by name.",
         "Every volunteer learns the names of the regulars, and new ones are introduced."),
        ("One named worker cuts repeat visits",
         "People with one named worker needed fewer appointments to sort their problem.",
         "We should give people one person to ring, not a switchboard."),
        ("The shared form saved real time",
         "Two charities said the shared form saved them a day a quarter.",
         "Funders could accept one form from all of us; it is worth asking them."),
    ],
    "disappointment": [
        ("Nobody came to the evening session",
         "We ran three evening sessions and nobody came. Buses stop at seven.",
         "We should plan around the times people can actually come, and the buses."),
        ("The app was not used",
         "We built a sign-up page but people preferred to ring or drop in.",
         "Ask people how they want to reach us before we build anything."),
        ("Referrals dried up in the summer",
         "Referrals from the GP practice stopped when the link worker left.",
         "A link that rests on one person needs a second person who knows it."),
    ],
    "surprise": [
        ("Young people wanted to run it themselves",
         "The Young Voices Group asked to run the walk-and-talk sessions themselves.",
         "Hand more over: the people who use a session may run it better than we do."),
        ("The market stall reached older men",
         "Most people who stopped at the market stall were older men living alone.",
         "Go where people already are; older men rarely come to a drop-in."),
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
#: Why what happened differed from the plan, and how the team felt, by whether it went to
#: plan: a review's own words, not one sentence for every review.
WHY_DIFFERENT = {
    "yes": "Little did: we had asked people first, and they told their friends.",
    "partly": "The time of day mattered more than we thought.",
    "no": "We planned it around our week, not around the people we wanted to reach.",
}
REVIEW_FEELINGS = {
    "yes": "Nervous at first, proud by the end.",
    "partly": "Pleased with some of it, frustrated that the rest stalled.",
    "no": "Disappointed, and a little relieved to stop; we learned a lot.",
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


#: Who checks the demo's text before it is shared (a fictional coordinator).
CHECKER = "Kerry Ashby, coordinator"
#: Pieces the coordinator put in other words, by what they began with: the new wording.
REWORDED = {
    "Referrals from the GP practice stopped when the link worker left.":
        "Referrals from the GP practice stopped over the summer.",
    "We ran three evening sessions and nobody came.":
        "We ran three evening sessions and nobody came: the last buses leave early.",
}
