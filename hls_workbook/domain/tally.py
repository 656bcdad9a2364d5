"""A live speaking tally: who is speaking now, timed turn by turn, with no widget in sight.

A facilitator taps a person's button when they start speaking; tapping someone else ends
the current turn and starts theirs; tapping the person speaking, or pausing, ends it.
:class:`SpeakingTally` keeps that timing with a clock it is given (``time.monotonic`` in a
meeting, a fake one in tests), so the rules here are tested without a kernel or a browser.
The widgets that drive it live in :mod:`hls_workbook.ui.tally_view`.

People are known only by a made-up name (or initials) and their part of the system, as a
:class:`hls_workbook.domain.model.Contribution` records them; the balance shown as it goes is by
part of the system, as speakers are shown outside the team, never a score for a person.

When the meeting is over, :meth:`SpeakingTally.contributions` gives one contribution per
person who spoke at least once: the times they spoke (``turns``), their minutes in all
(``minutes``) and their longest turn (``longest_turn_minutes``). People present who never
spoke are not saved: the meeting log says who came.

**Rounding.** Seconds become minutes to the nearest tenth of a minute (6 seconds), a
half-way value rounding up (:func:`minutes`): 2 min 57 s is 3.0 minutes, 3 s is 0.1 and
2 s is 0.0 (a person who spoke for 2 seconds is saved with one turn and 0.0 minutes). The
total and the longest turn are rounded separately, from the exact seconds, so the longest
turn is never more than the total.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hls_workbook.domain.errors import RecordError, WorkbookError
from hls_workbook.domain.model import Contribution, Part

__all__ = ["MAX_PEOPLE", "PartShare", "Person", "SpeakingTally", "TallyError", "clock_text",
           "minutes"]

#: The most people one tally holds (the buttons are made before the meeting starts).
MAX_PEOPLE = 30
#: The longest made-up name, as :class:`hls_workbook.domain.model.Contribution` allows.
NAME_CHARS = Contribution.field_meta("speaker").max_length or 40

Clock = Callable[[], float]


class TallyError(WorkbookError):
    """Something a facilitator can put right: one plain sentence saying how."""


def minutes(seconds: float) -> float:
    """Seconds as minutes to the nearest tenth (6 seconds), half-way rounding up."""
    return math.floor(max(0.0, float(seconds)) / 6 + 0.5) / 10


def clock_text(seconds: float) -> str:
    """A duration as a clock reads it: '0:07', '12:30', '1:02:05'."""
    whole = int(max(0.0, float(seconds)))
    hours, rest = divmod(whole, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins}:{secs:02d}"


@dataclass(frozen=True)
class Person:
    """Someone present: a made-up name and a part of the system (a :class:`Part` value)."""

    name: str
    role: str

    @property
    def part_label(self) -> str:
        return Part.labels()[self.role]

    @property
    def label(self) -> str:
        """How a button names them: 'Ash (Charity)'."""
        return f"{self.name} ({self.part_label})"


@dataclass(frozen=True)
class PartShare:
    """One part of the system's speaking so far: its people present, seconds and share."""

    role: str
    label: str
    people: int
    seconds: float
    share: float  # 0..1 of all the speaking so far (0 when nobody has spoken)


@dataclass
class _Times:
    turns: list[float] = field(default_factory=list)  # seconds of each finished turn


class SpeakingTally:
    """The turns of one meeting, timed with ``clock`` (seconds, never going back).

    ``add`` someone present, ``tap`` them when they start speaking (tapping the person
    speaking ends their turn), ``pause`` when nobody is speaking. Everything is read at
    the clock's time of asking, the turn under way included.
    """

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._people: dict[str, Person] = {}  # by folded name, in the order added
        self._times: dict[str, _Times] = {}
        self._speaking: str | None = None  # folded name
        self._since = 0.0  # when the turn under way started

    # -- people -------------------------------------------------------------------

    @staticmethod
    def _key(name: str) -> str:
        return " ".join(str(name).split()).casefold()

    @property
    def people(self) -> list[Person]:
        return list(self._people.values())

    def person(self, name: str) -> Person:
        key = self._key(name)
        if key not in self._people:
            raise TallyError(f"'{name}' is not in the tally: add them first.")
        return self._people[key]

    def add(self, name: str, role: str | Part | None) -> Person:
        """Add someone present; a :class:`TallyError` says what to change."""
        text = " ".join(str(name or "").split())
        value = str(getattr(role, "value", role) or "")
        if not text:
            raise TallyError("Write a made-up name or initials for them first (never a real "
                             "name).")
        if len(text) > NAME_CHARS:
            raise TallyError(f"That made-up name is too long: keep it under {NAME_CHARS} "
                             "characters.")
        if value not in Part.labels():
            raise TallyError(f"Choose {text}'s part of the system first.")
        if self._key(text) in self._people:
            raise TallyError(f"There is already someone called '{text}' in the tally: give "
                             f"them another made-up name, for example '{text} 2'.")
        if len(self._people) >= MAX_PEOPLE:
            raise TallyError(f"The tally holds up to {MAX_PEOPLE} people. Save this one, then "
                             "start another for the rest of the meeting.")
        person = Person(text, value)
        self._people[self._key(text)] = person
        self._times[self._key(text)] = _Times()
        return person

    # -- turns --------------------------------------------------------------------

    @property
    def speaking(self) -> Person | None:
        """Who is speaking now (None: nobody, or paused)."""
        return None if self._speaking is None else self._people[self._speaking]

    def _now(self) -> float:
        return float(self.clock())

    def _end_turn(self, now: float) -> None:
        if self._speaking is not None:
            self._times[self._speaking].turns.append(max(0.0, now - self._since))
            self._speaking = None

    def start(self, name: str) -> Person:
        """``name`` starts speaking: the turn under way (anyone else's) ends now."""
        key = self._key(self.person(name).name)
        if self._speaking == key:
            return self._people[key]
        now = self._now()
        self._end_turn(now)
        self._speaking, self._since = key, now
        return self._people[key]

    def pause(self) -> Person | None:
        """Nobody is speaking: the turn under way ends now. Returns whose turn it was."""
        was = self.speaking
        self._end_turn(self._now())
        return was

    def tap(self, name: str) -> Person | None:
        """A tap on someone's button: they start speaking, or, if they were speaking
        already, their turn ends. Returns who is speaking now."""
        if self.speaking is not None and self._key(name) == self._speaking:
            self.pause()
            return None
        return self.start(name)

    def turn_seconds(self) -> float:
        """How long the turn under way has lasted (0 when nobody is speaking)."""
        return 0.0 if self._speaking is None else max(0.0, self._now() - self._since)

    def _turns(self, key: str, now: float) -> list[float]:
        turns = list(self._times[key].turns)
        if key == self._speaking:
            turns.append(max(0.0, now - self._since))
        return turns

    def turns(self, name: str) -> int:
        """How many times they have spoken (the turn under way counts)."""
        return len(self._turns(self._key(self.person(name).name), self._now()))

    def seconds(self, name: str) -> float:
        """Their seconds speaking in all (the turn under way counts)."""
        return sum(self._turns(self._key(self.person(name).name), self._now()))

    def longest(self, name: str) -> float:
        """Their longest turn, in seconds (0 when they have not spoken)."""
        return max(self._turns(self._key(self.person(name).name), self._now()), default=0.0)

    def total_seconds(self) -> float:
        now = self._now()
        return sum(sum(self._turns(k, now)) for k in self._people)

    @property
    def anyone_spoke(self) -> bool:
        return self._speaking is not None or any(t.turns for t in self._times.values())

    def by_part(self) -> list[PartShare]:
        """The speaking so far by part of the system, for the parts present, in the order
        of :class:`Part`."""
        now = self._now()
        seconds: dict[str, float] = {}
        people: dict[str, int] = {}
        for key, person in self._people.items():
            seconds[person.role] = seconds.get(person.role, 0.0) + sum(self._turns(key, now))
            people[person.role] = people.get(person.role, 0) + 1
        total = sum(seconds.values())
        return [PartShare(role, label, people[role], seconds[role],
                          seconds[role] / total if total > 0 else 0.0)
                for role, label in Part.labels().items() if role in people]

    def clear_times(self) -> None:
        """Forget every turn (after a save): the people stay, nobody is speaking."""
        self._speaking = None
        for times in self._times.values():
            times.turns.clear()

    # -- saving -------------------------------------------------------------------

    def contributions(self, meeting: int) -> list[Contribution]:
        """One contribution per person who spoke, for meeting ``meeting`` (the turn under
        way counts, up to now). Raises :class:`TallyError` when nobody has spoken, and
        :class:`~hls_workbook.domain.errors.RecordError` (naming the person) when a record would
        not be right, e.g. a tally left running for more than a day."""
        now = self._now()
        out: list[Contribution] = []
        problems: dict[str, str] = {}
        for key, person in self._people.items():
            turns = self._turns(key, now)
            if not turns:
                continue
            try:
                out.append(Contribution.validate_input({
                    "meeting": int(meeting), "speaker": person.name, "role": person.role,
                    "turns": len(turns), "minutes": minutes(sum(turns)),
                    "longest_turn_minutes": minutes(max(turns)),
                }))
            except RecordError as exc:
                problems[person.name] = f"{person.name}: {exc.message()}"
        if problems:
            raise RecordError(problems, "contribution")
        if not out:
            raise TallyError("Nobody has been tapped yet, so there is nothing to save. Tap a "
                             "person's button when they start speaking.")
        return out
