"""The four stage notebooks, described in Python. scripts/build_notebooks.py writes them.

Each notebook is: a plain-language introduction, a parameters cell of literals only, one
cell that opens the workbook, then for every section a Markdown cell of guidance (the
questions a facilitator would ask) followed by one code cell, ``stage.section("key")``.
The sections, their titles and the practice ids they serve come from
:data:`hls_workbook.stages.SECTIONS`, so the cell metadata cannot drift from the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_notebooks import KERNEL, _cell  # noqa: E402

from hls_workbook.stages import STAGES, sections_for  # noqa: E402

#: Tags of every cell that shows a form: its output is a live widget in JupyterLab.
WIDGET_TAGS = ["nbval-ignore-output", "hls-widgets"]

HOW_TO = (
    "**How to use it.** In JupyterLab, run every cell first (*Run → Run All Cells*); in the "
    "app, the forms are ready as they are. Each section "
    "shows what is recorded so far, then a form. Only the questions marked *(required)* must "
    "be answered now; the rest can wait. Nothing is saved until you press **Submit**, and "
    "nothing you save is ever lost: a change keeps the earlier version too. You can come "
    "back and add more at any time."
)

PARAMETERS = '''
# Parameters: literals only, each with its type and what it means (papermill --help-notebook
# lists them). papermill replaces this cell's values.
db: str = ""  # database file or URL; empty means $HLS_WORKBOOK_DB, else data/workbook.db
place: str = "millbrook"  # the place's short name: lower-case letters, digits and hyphens
role: str = "charity"  # your part of the system, never your name
interactive: bool = True  # False shows the questions, not forms (for runs without a person)
create: bool = False  # True makes a new, empty workbook at db if there is none yet
'''

OPEN = '''
from hls_workbook import stages

stage = stages.open_stage(db, place, role, interactive=interactive, create=create)
stage
'''

INTRO = {
    "1_getting_started": """
# 1. Getting started

This notebook helps you set up the work in your place. Do it together: ideally with
people from every part of the local system in the room, including people who use services.

In this notebook you will:

- say what your place is, and which problem matters most here;
- list who is part of the work, and notice who is missing;
- hear stories from people who use services, and ask them who may read each one;
- agree a regular time to meet, and keep a short note of each meeting;
- agree the words you will use, so that everyone understands each other.
""",
    "2_experimentation": """
# 2. Trying things safely

Nobody knows in advance what will work for the people in your place. So we try small
things, watch what happens, and learn from it. It is fine when things do not go to plan:
that is how we find out.

In this notebook you will:

- plan an experiment before it starts, with limits that keep it safe;
- keep track of where each experiment is up to;
- look back when it ends: what happened, and what we do next;
- see all our experiments at a glance.
""",
    "3_learning": """
# 3. Learning together

Learning helps only if we write it down while it is fresh, share it with everyone who
could use it, and act on it.

In this notebook you will:

- write down what we learned: the good, the disappointing and the surprising;
- note who we shared it with;
- choose what to do more of and celebrate, with the stories that show it;
- reflect on one moment, including how it felt;
- check every piece of text before it is shared outside the team.
""",
    "4_relationships_and_support": """
# 4. Relationships and support

How we work together matters as much as what we do. This notebook helps us look at our
relationships honestly, without blame, and ask for the support we need.

In this notebook you will:

- answer a short, anonymous pulse about how we work together;
- look at how we meet, who speaks, and whose views shape our decisions;
- count what funding paperwork costs us;
- write down the values we share;
- ask for outside support;
- check in on how heavy the work feels.

Everything here is for reflection. None of it is a score for a person or a team.
""",
}

GUIDANCE = {
    "place": """
Every place is different. Start from what matters here, not from what a funder asks for.

Questions to talk about:

- What do the people who live here call this place?
- What is the one problem we most want to tackle together?
- What do local people say about it? What makes it different from elsewhere?
""",
    "partners": """
Good work in a place needs every part of the local system: those who fund, charities,
community groups, public services, and people with lived experience.

- Who is already part of this work? Which part of the system is each of them?
- Look at the summary: which parts are missing? Who could we invite, and who could
  introduce us?

A contact's name stays inside the team. It never appears in a public report.
""",
    "voices": """
Begin with the people who use services. They are the experts in their own lives. Write
their story in their own words, and ask about consent at the same time, not afterwards.

- What was life like before? What part did they play? What changed?
- Why does this change matter to them?
- Who are they happy to have read it: our team, our partners, anyone?
- How do they want to be named, if at all? Have they heard it read back?

If something was said in confidence, tick the box: it will never be used. If the story
raises a worry about someone's safety, tick that box and tell your safeguarding lead
today. If someone asks for their story back, tick *Consent withdrawn*: it leaves every
report.
""",
    "meeting_series": """
A regular, honest conversation keeps the work going. Meeting on the same day each time
makes it easier for everyone to come.

- What is this meeting for?
- How often will we meet, and on which day?
- When is the first one?
""",
    "meetings": """
After each meeting, note the date and how many people came from each part of the system.
Numbers only, no names.

- Who was in the room? Who was not, and why?
- Did anyone raise something hard or uncomfortable? Describe the issue, not the person.
- How did it feel? Could everyone be honest?
- What did we agree to do?
""",
    "glossary": """
Words can keep people out. Agree plain meanings together, so that everyone understands,
whatever their part in the system.

- Which word do people use that not everyone understands?
- How would you explain it to a neighbour?
- Which words put people off or confuse them?
""",
    "experiment": """
Plan before you start. Anyone can suggest an experiment: staff, volunteers, partners and
the people we support.

- What do we hope will happen, and how will we know?
- What might get in the way? What have we, or others, learned from trying something
  like this before?
- Finish the sentence: if we do this, then ...
- How far can it go wrong before we stop? Think of money, time and people's safety.
- What sign would tell us to do more? What sign would tell us to hold back? Decide now,
  not later.
- Who said yes to trying it?
- Does it involve new people, or a new setting? Which of our values does it show?
""",
    "experiment_status": """
When an experiment starts, pauses, ends or stops early, change it here. You do not fill
in a new form: you change the one you made.

1. At the bottom of the form, under **Change a record**, pick the experiment.
2. Press **Edit**. Its answers appear in the form.
3. Change **Where it is up to**, and anything else that has changed.
4. Press **Save changes**. The earlier version is kept, so we can always see what we
   believed, and when.

Press **Cancel edit** to leave it as it was.
""",
    "review": """
When an experiment ends, or stops early, meet and look back together. Talk about what
happened, not who did it. There is no blame here.

- What did we mean to happen? What actually happened?
- Why was there a difference?
- What worked, that we should keep? What would we do differently?
- How did it feel to be part of it?
- Who else should know?
- Shall we do more of it, change it and try again, or stop?

If it did not go to plan, say so. A "no" is learning too.
""",
    "portfolio": """
Look at all our experiments together. There is no right answer, but these questions help:

- Are ideas coming from every part of the system, or only from some?
- Are we brave enough? Is anything a real risk, kept safe by its limits?
- Are we reaching new people and new places?

This section has no form: it sums up what is recorded above. Press **Refresh** after
saving to see the latest.
""",
    "learning": """
Write it rough; you can tidy it later. A disappointment teaches as much as a
breakthrough, so write down both.

- What went better than we hoped? What let us down? What surprised us?
- What does it mean for our work? Where would it hold, and where not?
- How sure are we? What will we do now because of it?
- Did it come from one of our experiments? Which stories from people using services
  show it?
- Which of our shared values does it show?
""",
    "sharing": """
Learning that stays in one team's heads does not change anything. Each time you share a
piece of learning, note it here.

- Which part of the system heard about it?
- How did we share it, and how did they respond?
- Look at the summary: who has heard nothing from us yet?
""",
    "amplify": """
What worked, as the people using services see it? Those are the things to do more of,
and to celebrate.

To add something here, tick **Amplify and celebrate** on a piece of learning in the form
above, and tick the stories behind it. If it is already recorded, pick it under **Change
a record** and press **Edit**.

A story appears here only when the person who told it agreed that our team may read it.
""",
    "reflection": """
This work can be hard. Take ten minutes, on your own or in pairs, to think about one
moment.

- What happened?
- What were you thinking and feeling at the time?
- What went well, and what did not? Why do you think it went that way?
- What else could you have done? What will you do if it happens again?
""",
    "check": """
Everything the team writes stays with the team as it was written. Before a report goes to
partners or to the public, a person reads each piece of text it would carry and decides.
The workbook marks what looks like a personal detail (a name, a phone number, an address),
but it cannot find everything: you are the check, not the computer.

1. Choose who will read it (the public, or partners across the local system) and the
   period the report covers, and write who is checking: your name or your role.
2. For each piece, ask: could anyone be recognised from it? Would the person it is about
   be happy to see it shared? Is it kind and fair?
3. Then press **Clear it as written**, **Share it in other words** (change the words in
   the box, then press **Save this wording**), or **Hold it back**.

Each answer is saved at once, and the piece leaves the list. The original words stay for
the team. If someone edits a text later, it waits for a check again. A report for the
public carries only the text someone has checked.
""",
    "pulse": """
Each person answers on their own, anonymously. For each statement, ask: how true is this
for us right now? 0 means not at all; 10 means completely. Go with your first feeling.
There are 13 statements in one form: score the ones you want to answer, then press
**Submit** once.

Say which part of the system you are, never your name. Only averages of at least five
people are shown, so nobody's answer can be picked out.

- Where are we strongest? Where are we weakest?
- What has changed since the last round, and why?
""",
    "how_we_meet": """
An honest forum needs a steady rhythm, every part of the system in the room, and room for
hard conversations. Meetings are recorded in **1_getting_started**; this section sums
them up.

- Are we keeping to our rhythm? If not, what gets in the way?
- Who is usually missing?
- Can people raise hard or uncomfortable things? What would make it feel safer?
""",
    "tally": """
The loudest voice should not decide. Now and then, ask someone to keep a live tally
during a meeting, on a laptop, tablet or phone:

1. Choose the meeting, or add today's.
2. Add each person present: a made-up name or a letter (never a real name) and their part
   of the system.
3. Tap a person when they start speaking. Tapping someone else ends the turn under way;
   tap the person speaking again, or **Pause**, when nobody is speaking.
4. At the end, press **Submit**: how long each person spoke is saved in one go.

The balance by part of the system is shown as it goes. If you would rather not tally
live, note who spoke after the meeting in the next section.
""",
    "contributions": """
The loudest voice should not decide. Now and then, ask someone to keep a tally during a
meeting (live, in the section above): a made-up name or a letter for each speaker (never
a real name), their part of the system, and roughly how many times or minutes they spoke.

- Who did most of the talking? Who did we hardly hear?
- What could we change so that quieter voices are heard?

This is a prompt for a conversation, never a score for a person.
""",
    "decisions": """
When we decide something, note whose idea it was and whose views changed or shaped it.

- Are our decisions shaped by many views, or by the same few?
- Did people with lived experience shape it? Which stories informed it?
""",
    "burden": """
Funders' forms and reports take time away from people. List each thing a funder or
commissioner asks for, and roughly what it costs to provide.

- What is asked for, by whom, and how often?
- How many hours does it take each time? If you do not know, leave it empty: it is
  counted as unknown, not as nothing.
- Does anyone use the answers to make a decision? Ask the funder if unsure.
- Does another funder ask for the same thing?
- What should happen to it: keep it, make it simpler, share one answer with every
  funder, or stop asking for it?

Use the results to start a conversation with funders, not to blame anyone.
""",
    "values": """
Shared values help different organisations work towards the same goals. Write each value
in a few words, and what someone would see us doing if we live it.

- Which parts of the system have signed up to it?
- Where have we shown it in our everyday work? (Experiments and learning can say which
  value they show.)
""",
    "support": """
Nobody has to do this alone. Ask for help when you need it: training, someone to lead
reflective practice, supervision, or a partnership.

- What would help, and who would it help?
- Who is asking? Where is each request up to?
""",
    "checkins": """
This work carries an emotional load. Every couple of weeks, each person can check in,
anonymously: thinking about the last two weeks, how heavy has the work felt? Only monthly
averages of at least five check-ins are shown.

If the work feels heavy, talk to someone you trust, or ask for support above. Leaders:
make time in meetings to talk about it.
""",
}

GUIDANCE["next"] = """
This list is worked out from what is recorded for this place, as of today. It shows:

- experiments past their end date, or waiting for a look back;
- permission given, but nothing started;
- a decision to amplify, adapt or dampen, with nothing done since;
- learning we said we would act on, or that nobody else has heard yet;
- support we asked for long ago;
- a regular meeting that has missed its last two planned dates, or more.

Each line says what to do and where. Once it is done, it leaves the list.
"""

NEXT = {
    "1_getting_started": "When you are ready, open **2_experimentation** to plan something "
                         "to try.",
    "2_experimentation": "Next, **3_learning**: write down what we learned and who we "
                         "shared it with.",
    "3_learning": "Next, **4_relationships_and_support**: how we work together, and the "
                  "support we need.",
    "4_relationships_and_support": "To share what we did and learned, a coordinator can "
                                   "make a report: `hls-workbook report`.",
}


def stage_notebook(stage: str) -> nbformat.NotebookNode:
    """One stage notebook, built from its sections in :mod:`hls_workbook.stages`."""
    cells = [
        new_markdown_cell(INTRO[stage].strip() + "\n\n" + HOW_TO),
        _cell(PARAMETERS, tags=["parameters"]),
        _cell(OPEN, tags=["nbval-ignore-output"]),
    ]
    for spec in sections_for(stage):
        guidance = GUIDANCE[spec.key].strip()
        if spec.key == "next":  # the end of the notebook: where to go from here
            guidance += f"\n\n{NEXT[stage]}"
        cells.append(new_markdown_cell(f"## {spec.title}\n\n{guidance}"))
        cells.append(_cell(
            f'stage.section("{spec.key}")', tags=list(WIDGET_TAGS),
            practices=list(spec.practices), section={"id": spec.key, "title": spec.title},
        ))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["hls"] = {"stage": stage, "title": STAGES[stage]}
    return nb


def stage_notebooks() -> dict[str, nbformat.NotebookNode]:
    """Every stage notebook, by file name."""
    return {f"{stage}.ipynb": stage_notebook(stage) for stage in STAGES}
