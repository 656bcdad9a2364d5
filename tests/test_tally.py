"""The live speaking tally (issue 18): the timing with a fake clock, and the section's
widgets clicked without a browser, saving into a real workbook.

The timing (hls_workbook.domain.tally.SpeakingTally) is tested turn by turn: switching, pausing,
tapping the person speaking, the turn under way, the balance by part of the system, and
the records it gives: one per person who spoke, with minutes to the nearest tenth (6
seconds, half-way rounding up). The widgets (hls_workbook.ui.tally_view.TallyView, the
"Who is speaking now" section) are clicked as in tests/test_forms.py: nothing is lost
when Submit cannot save, and no traceback reaches a participant.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html as html_mod

import ipywidgets as W
import pytest

from hls_workbook.domain.errors import RecordError, WorkbookError
from hls_workbook.domain.tally import (
    MAX_PEOPLE,
    SpeakingTally,
    TallyError,
    clock_text,
    minutes,
)
from hls_workbook.ui import forms, stages, tally_view
from hls_workbook.ui.tally_view import TallyView

PLACE = "testville"


class FakeClock:
    """A clock that moves only when told: ``clock.go(90)`` is a minute and a half later."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def go(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tally(clock: FakeClock) -> SpeakingTally:
    t = SpeakingTally(clock)
    t.add("Ash", "charity")
    t.add("Bo", "lived_experience")
    t.add("Cy", "charity")
    return t


# ---------------------------------------------------------------------------
# The timing, with a fake clock
# ---------------------------------------------------------------------------


def test_tapping_another_person_ends_the_turn_under_way(tally, clock):
    tally.tap("Ash")
    clock.go(60)
    assert tally.tap("Bo").name == "Bo"  # Ash's turn ends as Bo's starts
    clock.go(30)
    tally.tap("Ash")
    clock.go(30)
    tally.pause()
    clock.go(500)  # nobody speaking: nobody's time grows
    assert (tally.turns("Ash"), tally.seconds("Ash"), tally.longest("Ash")) == (2, 90, 60)
    assert (tally.turns("Bo"), tally.seconds("Bo"), tally.longest("Bo")) == (1, 30, 30)
    assert (tally.turns("Cy"), tally.seconds("Cy")) == (0, 0)
    assert tally.total_seconds() == 120 and tally.speaking is None


def test_tapping_the_person_speaking_ends_their_turn_and_pause_is_safe(tally, clock):
    assert tally.pause() is None and not tally.anyone_spoke  # nothing to pause yet
    tally.tap("Ash")
    clock.go(10)
    assert tally.tap("ash") is None  # their own button again (any case): they stopped
    assert tally.speaking is None and tally.turns("Ash") == 1
    tally.start("Bo")
    clock.go(5)
    tally.start("Bo")  # start on the person speaking keeps the same turn
    clock.go(5)
    assert tally.pause().name == "Bo"
    assert (tally.turns("Bo"), tally.seconds("Bo")) == (1, 10)


def test_the_turn_under_way_counts_as_it_goes(tally, clock):
    tally.tap("Bo")
    clock.go(45)
    assert tally.speaking.name == "Bo" and tally.turn_seconds() == 45
    assert (tally.turns("Bo"), tally.seconds("Bo"), tally.longest("Bo")) == (1, 45, 45)
    [bo] = tally.contributions(meeting=7)
    assert (bo.turns, bo.minutes) == (1, 0.8)  # 45 s is 0.75 min: half-way rounds up
    assert tally.speaking.name == "Bo"  # reading the records does not stop the clock


def test_the_balance_is_by_part_of_the_system(tally, clock):
    assert [(s.role, s.people, s.share) for s in tally.by_part()] == [
        ("charity", 2, 0.0), ("lived_experience", 1, 0.0)]  # nobody has spoken
    tally.tap("Ash")
    clock.go(30)
    tally.tap("Cy")
    clock.go(30)
    tally.tap("Bo")
    clock.go(20)  # still speaking: counted
    shares = {s.role: s for s in tally.by_part()}
    assert list(shares) == ["charity", "lived_experience"]  # parts present, in Part order
    assert shares["charity"].seconds == 60 and shares["charity"].share == pytest.approx(0.75)
    assert shares["lived_experience"].share == pytest.approx(0.25)
    assert shares["lived_experience"].label == "People with lived experience"


def test_one_record_per_speaker_with_the_right_minutes(tally, clock):
    tally.tap("Ash")
    clock.go(177)  # 2 min 57 s
    tally.tap("Bo")
    clock.go(3)
    tally.tap("Ash")
    clock.go(63)  # 1 min 3 s: Ash 4 min in all, the longest turn 2 min 57 s
    tally.pause()
    records = tally.contributions(meeting=12)
    assert [(r.speaker, str(r.role), r.turns, r.minutes, r.longest_turn_minutes, r.meeting)
            for r in records] == [("Ash", "charity", 2, 4.0, 3.0, 12),
                                  ("Bo", "lived_experience", 1, 0.1, 0.1, 12)]
    # Cy was present but never spoke: no record (the meeting log says who came).


def test_the_rounding_rule():
    """Seconds become minutes to the nearest tenth (6 seconds); half-way rounds up."""
    assert [minutes(s) for s in (0, 2, 2.99, 3, 8.9, 9, 60, 177, 3600)] == [
        0.0, 0.0, 0.0, 0.1, 0.1, 0.2, 1.0, 3.0, 60.0]
    assert minutes(-5) == 0.0  # a clock that went back counts nothing
    assert [clock_text(s) for s in (0, 7.9, 750, 3725)] == ["0:00", "0:07", "12:30",
                                                            "1:02:05"]


def test_a_very_short_turn_is_saved_as_a_turn_of_no_minutes(tally, clock):
    tally.tap("Cy")
    clock.go(2)
    tally.pause()
    [cy] = tally.contributions(meeting=1)
    assert (cy.turns, cy.minutes, cy.longest_turn_minutes) == (1, 0.0, 0.0)


def test_nobody_tapped_saves_nothing_with_a_plain_message(tally):
    with pytest.raises(TallyError) as caught:
        tally.contributions(meeting=1)
    assert str(caught.value) == ("Nobody has been tapped yet, so there is nothing to save. "
                                 "Tap a person's button when they start speaking.")


def test_a_tally_left_running_for_a_day_names_the_person(tally, clock):
    tally.tap("Bo")
    clock.go(25 * 3600)
    with pytest.raises(RecordError) as caught:
        tally.contributions(meeting=1)
    assert caught.value.message().startswith("Bo: Minutes speaking")


def test_adding_people_says_what_to_change(clock):
    t = SpeakingTally(clock)
    assert t.add("  Ash  ", "charity").label == "Ash (Charity)"
    problems = {
        "": ("", "charity"),
        "no part": ("Bo", ""),
        "unknown part": ("Bo", "mayor"),
        "again": ("ASH", "public_service"),
        "too long": ("x" * 41, "charity"),
    }
    said = {}
    for what, (name, role) in problems.items():
        with pytest.raises(TallyError) as caught:
            t.add(name, role)
        said[what] = str(caught.value)
    assert "made-up name" in said[""] and "never a real name" in said[""]
    assert said["no part"] == "Choose Bo's part of the system first."
    assert said["unknown part"] == said["no part"]
    assert "already someone called 'ASH'" in said["again"] and "'ASH 2'" in said["again"]
    assert "under 40 characters" in said["too long"]
    for n in range(MAX_PEOPLE - 1):
        t.add(f"P{n}", "other")
    with pytest.raises(TallyError, match=f"up to {MAX_PEOPLE} people"):
        t.add("One more", "other")
    with pytest.raises(TallyError, match="not in the tally"):
        t.tap("Nobody")


def test_clear_times_keeps_the_people(tally, clock):
    tally.tap("Ash")
    clock.go(10)
    tally.clear_times()
    assert [p.name for p in tally.people] == ["Ash", "Bo", "Cy"]
    assert not tally.anyone_spoke and tally.speaking is None and tally.total_seconds() == 0


# ---------------------------------------------------------------------------
# The section's widgets, clicked without a browser, saving into a real workbook
# ---------------------------------------------------------------------------


def meeting(wb, day: dt.date | None = None) -> int:
    return wb.add("meeting", {"held_on": day or dt.date.today() - dt.timedelta(days=1),
                              "kind_of_meeting": "partnership"}, place=PLACE, by="charity")


def add(view: TallyView, name: str, part: str) -> None:
    view.name.value = name
    view.part.value = part
    view.add_button.click()


@pytest.fixture
def view(wb, clock):
    v = stages.section("tally", wb, place=PLACE, role="charity", interactive=True)
    assert isinstance(v, TallyView)
    v.tally.clock = clock
    yield v
    v.close()


def button(view: TallyView, name: str) -> W.Button:
    return next(b for b, p in zip(view.slots, view.tally.people, strict=False)
                if p.name == name)


def test_the_section_taps_and_saves_every_contribution_in_one_go(wb, view, clock):
    mid = meeting(wb)
    view.meeting.refresh(wb, PLACE)
    assert not any(b.layout.display != "none" for b in view.slots)  # nobody yet
    add(view, "Ash", "charity")
    add(view, "Bo", "lived_experience")
    add(view, "Cy", "public_service")
    shown = [b for b in view.slots if b.layout.display != "none"]
    assert [b.description for b in shown] == [
        "Ash (Charity)", "Bo (People with lived experience)", "Cy (Public service)"]
    assert all(isinstance(b, W.Button) for b in shown)

    button(view, "Ash").click()
    assert button(view, "Ash").description == "Ash (Charity): speaking"  # its state, named
    assert "Ash (Charity) is speaking." in view.status.value
    assert 'role="status"' in view.status.value
    assert not view.pause_button.disabled
    clock.go(120)
    button(view, "Bo").click()  # Ash's turn ends
    assert button(view, "Ash").description == "Ash (Charity)"
    clock.go(30)
    view.draw_times()  # what the kernel's clock does every second
    assert "0:30 this turn" in view.now.value
    assert "80%" in view.balance.value and "20%" in view.balance.value
    view.pause_button.click()
    assert "Paused: Bo (People with lived experience) stopped" in view.status.value
    assert view.pause_button.disabled
    button(view, "Ash").click()
    clock.go(12)

    view.meeting.input.value = mid
    view.submit_button.click()  # Submit ends Ash's second turn
    assert view.status_text == (f"Saved 2 speaker notes for meeting #{mid} (Ash, Bo). The "
                                "times start again from zero. Thank you.")
    saved = wb.table("contribution", PLACE).sort_values("speaker")
    assert list(saved["speaker"]) == ["Ash", "Bo"]  # Cy never spoke: no record
    assert list(saved["meeting"]) == [mid, mid]
    assert list(saved["turns"]) == [2, 1]
    assert list(saved["minutes"]) == [2.2, 0.5]
    assert list(saved["longest_turn_minutes"]) == [2.0, 0.5]
    assert set(saved["recorded_by"]) == {"charity"}
    assert set(saved["role"]) == {"charity", "lived_experience"}
    # The times start again, the people stay; a second press saves nothing twice.
    assert not view.tally.anyone_spoke and len(view.tally.people) == 3
    assert view.submit() is None and len(wb.table("contribution", PLACE)) == 2
    assert "Saved 2 speaker notes" in view.status_text
    # The section's summary was worked out again from the database.
    assert "Speaking is recorded for 1 meeting" in view.summary.summary.value


def test_the_clock_on_the_page_moves_while_someone_speaks(wb, view, clock, monkeypatch):
    """In a kernel the times are redrawn every second while someone speaks, and no more
    once nobody speaks or the section is closed."""
    monkeypatch.setattr(tally_view, "TICK_SECONDS", 0.01)
    assert view.summary.refresh_button is None  # the tally says when it saved

    async def meeting_in_progress() -> list[str]:
        add(view, "Ash", "charity")
        button(view, "Ash").click()
        shown = []
        for _ in range(3):
            clock.go(1)
            await asyncio.sleep(0.05)
            shown.append(view.now.value)
        view.pause_button.click()
        await asyncio.sleep(0.05)
        return shown

    shown = asyncio.run(meeting_in_progress())
    assert ["0:01 this turn" in shown[0], "0:03 this turn" in shown[-1]] == [True, True]
    assert view._timer is None and "Nobody is speaking" in view.now.value


def test_nothing_tapped_or_no_meeting_saves_nothing_and_keeps_the_tally(wb, view, clock):
    mid = meeting(wb)
    view.meeting.refresh(wb, PLACE)
    add(view, "Ash", "charity")
    view.meeting.input.value = mid
    view.submit_button.click()
    assert view.status_text == ("Nobody has been tapped yet, so there is nothing to save. "
                                "Tap a person's button when they start speaking. Nothing was "
                                "saved; the tally is kept.")
    assert 'role="alert"' in view.result.value
    view.meeting.input.value = ""
    button(view, "Ash").click()
    clock.go(60)
    view.submit_button.click()
    assert view.status_text.startswith("Choose the meeting these turns are from")
    assert wb.table("contribution", PLACE).empty
    assert view.tally.seconds("Ash") == 60 and view.tally.speaking is None  # kept, paused
    view.meeting.input.value = mid
    view.submit_button.click()
    assert list(wb.table("contribution", PLACE)["minutes"]) == [1.0]


def test_a_failed_save_keeps_the_tally_and_names_the_fix(wb, view, clock, monkeypatch):
    mid = meeting(wb)
    view.meeting.refresh(wb, PLACE)
    view.meeting.input.value = mid
    add(view, "Ash", "charity")
    add(view, "Bo", "charity")
    button(view, "Ash").click()
    clock.go(30)
    button(view, "Bo").click()
    clock.go(30)

    def busy(*_a, **_k):
        raise WorkbookError("The workbook is busy: someone else is saving. Wait a moment")

    monkeypatch.setattr(wb, "add_many", busy)
    view.submit_button.click()
    assert view.status_text == ("The workbook is busy: someone else is saving. Wait a moment. "
                                "Nothing was saved; the tally is kept. Press Submit again once "
                                "it is put right.")
    assert (view.tally.seconds("Ash"), view.tally.seconds("Bo")) == (30, 30)

    def broken(*_a, **_k):
        raise KeyError("column")

    monkeypatch.setattr(wb, "add_many", broken)
    view.submit_button.click()
    assert view.status_text.startswith("Something went wrong (KeyError). Nothing was saved")
    assert "Traceback" not in view.result.value and view.submit_button.description == "Submit"
    monkeypatch.undo()

    # A meeting of another place (chosen in another tab, say): the store's words say to
    # pick another one.
    wb.set_place("elsewhere", {"name": "Elsewhere", "shared_focus": "Another place"})
    theirs = wb.add("meeting", {"held_on": dt.date.today(), "kind_of_meeting": "other"},
                    place="elsewhere")
    view.meeting.set(theirs)
    view.submit_button.click()
    assert "pick one from the list" in view.status_text
    assert "the tally is kept" in view.status_text
    assert wb.table("contribution", PLACE).empty
    view.meeting.input.value = mid
    view.submit_button.click()
    saved = wb.table("contribution", PLACE)
    assert list(saved["meeting"]) == [mid, mid] and list(saved["minutes"]) == [0.5, 0.5]


def test_an_unexpected_error_on_a_button_is_a_sentence(wb, view, clock, monkeypatch):
    add(view, "Ash", "charity")
    button(view, "Ash").click()
    clock.go(20)

    def broken(_name):
        raise ValueError("boom")

    monkeypatch.setattr(view.tally, "tap", broken)
    button(view, "Ash").click()
    assert view.status_text.startswith("Something went wrong (ValueError). The tally is kept")
    assert "boom" not in view.result.value and "Traceback" not in view.result.value
    monkeypatch.undo()
    assert view.tally.speaking.name == "Ash" and view.tally.seconds("Ash") == 20


def test_a_meeting_is_added_on_the_spot_and_chosen(wb, view, clock):
    view.new_kind.value = ""
    view.add_meeting_button.click()
    assert "Kind of meeting" in view.meeting_message.value  # what is missing, in words
    assert wb.table("meeting", PLACE).empty
    view.new_kind.value = "community_conversation"
    mid = view.add_meeting()
    assert mid is not None and view.meeting.input.value == mid
    assert f"Added meeting #{mid}" in view.meeting_message.value
    row = wb.get("meeting", mid)
    assert row["kind_of_meeting"] == "community_conversation"
    assert row["recorded_by"] == "charity"
    add(view, "Ash", "charity")
    button(view, "Ash").click()
    clock.go(6)
    assert view.submit() is not None
    assert list(wb.table("contribution", PLACE)["meeting"]) == [mid]


def test_a_meeting_saved_by_another_form_appears_in_the_list(wb, view):
    form = forms.RecordForm(wb, "meeting", place=PLACE, role="charity")
    form.set_values({"held_on": dt.date.today(), "kind_of_meeting": "partnership"})
    form.submit_button.click()
    assert form.last_saved in [v for _label, v in view.meeting.input.options]
    form.close()


def test_adding_a_person_problem_is_said_beside_it_and_text_is_escaped(wb, view, clock):
    add(view, "Ash", "")
    assert "Choose Ash's part of the system first." in html_mod.unescape(view.add_message.value)
    assert view.name.value == "Ash"  # what was typed stays
    add(view, "<b>Zed</b>", "other")
    button(view, "<b>Zed</b>").click()
    clock.go(5)
    view.draw_times()
    for html in (view.now.value, view.balance.value, view.status.value):
        assert "<b>Zed</b>" not in html and "&lt;b&gt;Zed&lt;/b&gt;" in html


def test_headless_the_section_is_a_summary_without_widgets(wb, clock):
    block = stages.section("tally", wb, place=PLACE, interactive=False)
    assert isinstance(block, stages.Block)
    assert "No speaking time recorded yet" in block.html
