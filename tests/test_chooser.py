"""'Who are you here?': the place and the part of the system are chosen from lists, and
every live section follows the choice without a cell being run again.

A save is credited to the part chosen; changing it changes the credit of the next save; a
new place redraws the sections for that place; the choice is remembered for the session
(the kernel), so opening the stage again keeps it. Headless stages have no chooser.
"""

from __future__ import annotations

import pytest

from hls_workbook.ui import chooser, stages


def _live_stage(wb, db_path, monkeypatch):
    """A live stage for 'testville' as a charity, with a second place to choose: nothing
    remembered from another test's session before or after."""
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    wb.set_place("elsewhere", {"name": "Elsewhere", "shared_focus": "Warm homes"})
    chooser.forget()
    opened = stages.open_stage(str(db_path), "testville", "charity", interactive=True)
    yield opened
    opened.close()
    chooser.forget()


@pytest.fixture
def stage(wb, db_path, monkeypatch):
    yield from _live_stage(wb, db_path, monkeypatch)


def _partner(slot, name: str) -> int:
    form = slot.form
    form.controls["organisation"].input.value = name
    form.controls["part"].input.value = "charity"
    rid = form.submit()
    assert rid is not None, form.status_text
    return rid


def test_the_chooser_lists_places_and_parts(stage):
    c = stage.chooser
    assert c is not None
    places = [value for _label, value in c.place.options]
    assert places == ["elsewhere", "testville"]
    assert ("Testville", "testville") in c.place.options
    labels = [label for label, _value in c.role.options]
    assert labels[0] == chooser.NO_ROLE and "Community group" in labels
    assert c.chosen == ("testville", "charity")
    assert "Charity" in c.status.value
    assert "Workbook:" not in stage.html()  # no paths on a participant's page


def test_saves_are_credited_to_the_part_chosen_and_follow_a_change(stage):
    slot = stage.section("partners")
    assert isinstance(slot, stages.SectionSlot) and not slot.done
    first = _partner(slot, "Millbrook Library")
    assert slot.done and "hls-done" in slot.widget._dom_classes
    stage.chooser.choose(role="community_group")
    assert stage.role == "community_group" and "Community group" in stage.chooser.status.value
    assert "Saved as: Community group" in slot.form.heading.value
    assert "Charity" not in slot.form.heading.value
    second = _partner(slot, "Food bank")
    table = stage.wb.table("partner", "testville").set_index("id")
    assert table.loc[first, "recorded_by"] == "charity"
    assert table.loc[second, "recorded_by"] == "community_group"
    assert chooser.remembered() == {"place": "testville", "role": "community_group"}


def test_a_new_place_redraws_the_sections_and_is_remembered(stage, db_path):
    slot = stage.section("partners")
    _partner(slot, "Millbrook Library")
    old_form = slot.form
    stage.chooser.choose(place="elsewhere")
    assert stage.place == "elsewhere" and slot.place == "elsewhere"
    assert slot.form is not old_form and not slot.done
    assert "Elsewhere" in stage.html()
    rid = _partner(slot, "Warm Spaces")
    assert rid in set(stage.wb.table("partner", "elsewhere")["id"])
    assert len(stage.wb.table("partner", "testville")) == 1
    # Running the first cell again in the same session keeps the choice.
    again = stages.open_stage(str(db_path), "testville", "charity", interactive=True)
    try:
        assert (again.place, again.role) == ("elsewhere", "charity")
        assert again.chooser.chosen == ("elsewhere", "charity")
    finally:
        again.close()


def test_no_part_chosen_means_saves_say_no_part(stage):
    stage.chooser.choose(role="")
    assert stage.role is None and "until you choose it" in stage.chooser.status.value
    slot = stage.section("partners")
    rid = _partner(slot, "Millbrook Library")
    row = stage.wb.table("partner", "testville").set_index("id").loc[rid]
    assert row["recorded_by"] in (None, "") or row["recorded_by"] != row["recorded_by"]


def test_a_headless_stage_has_no_chooser(wb, db_path, monkeypatch):
    monkeypatch.setenv("HLS_WORKBOOK_HEADLESS", "1")
    chooser.forget()
    stage = stages.open_stage(str(db_path), "testville", "charity")
    try:
        assert stage.chooser is None
        assert isinstance(stage.section("partners"), stages.Block)
        assert "Saves will say they came from: Charity" in stage.html()
    finally:
        stage.close()


def test_typing_survives_another_part_or_place_chosen_midway(stage, monkeypatch):
    """Nothing typed is lost when the participant changes who they are halfway through a
    form: a new part of the system keeps the form as it is (its draft moves to the new
    part); a new place keeps what was typed as that place's draft, offered back when the
    place is chosen again."""
    from hls_workbook.ui.forms import drafts

    monkeypatch.setattr(drafts, "DRAFT_DELAY", 0.0)
    wb = stage.wb
    slot = stage.section("partners")
    slot.form.controls["organisation"].input.value = "Half-typed Hub"
    stage.chooser.choose(role="community_group")
    assert slot.form.controls["organisation"].input.value == "Half-typed Hub"
    assert wb.draft("testville", "partner", None, "charity") is None
    kept = wb.draft("testville", "partner", None, "community_group")
    assert kept is not None and kept.answers["organisation"] == "Half-typed Hub"

    stage.chooser.choose(place="elsewhere")
    assert slot.form.controls["organisation"].input.value == ""  # Elsewhere's own form
    stage.chooser.choose(place="testville")
    form = slot.form
    assert form.offered != []
    form.restore_draft()
    assert form.controls["organisation"].input.value == "Half-typed Hub"


@pytest.fixture
def walk(wb, db_path, monkeypatch):
    """A stage as the app opens it (the guided walk: HLS_WORKBOOK_APP is set)."""
    monkeypatch.setenv("HLS_WORKBOOK_APP", "1")
    yield from _live_stage(wb, db_path, monkeypatch)


def test_in_the_app_sections_after_the_first_are_built_when_opened(walk):
    """The first section is built with the stage; the others stand as a "Show this
    section" button (pressed by the page when their page is opened) and follow the
    chooser meanwhile, so they open for the place and part chosen."""
    first, later = walk.section("place"), walk.section("partners")
    assert first.built and first.form is not None
    assert not later.built and later.form is None
    assert later.opener.description == "Show this section"
    assert stages.stage.OPENER_CLASS in later.opener._dom_classes
    assert "hls-task" in later.widget._dom_classes  # counted by the progress already
    walk.chooser.choose(role="community_group", place="elsewhere")
    assert not later.built and later.place == "elsewhere"
    later.opener.click()
    assert later.built and later.opener is None
    assert later.form.place == "elsewhere" and later.form.role == "community_group"
    later.open()  # opening twice builds nothing new
    assert later.form is later.view.form


def test_a_section_that_cannot_be_built_says_so_in_a_sentence(walk, monkeypatch):
    walk.section("place")
    later = walk.section("partners")

    def broken(*_a, **_k):
        raise RuntimeError("no such table")

    monkeypatch.setattr(stages.stage, "section", broken)
    later.open()
    text = later.widget.children[0].value
    assert "could not be shown" in text and "RuntimeError" not in text
    assert "no such table" not in text


def test_the_walk_counts_a_section_done_only_for_a_save_made_there(walk):
    """What the app's progress counts ("You saved in 1 of 6 sections"), said on the
    start page: a section is done once this participant saved something in it since the
    page was opened. A save of another kind, or one seen from someone else's page, does
    not count; a new place starts again at none."""
    assert stages.stage.WALK_PROGRESS in walk.html()
    assert "counts the sections where you have saved something" in walk.html()
    walk.section("place")
    partners, stories = walk.section("partners"), walk.section("voices")
    partners.open()
    stories.open()
    assert not partners.done and not stories.done
    walk.wb.add("partner", {"organisation": "Saved elsewhere", "part": "charity"},
                place="testville")
    partners.form.check_for_changes()  # another page's save: seen in the list only
    assert not partners.done
    _partner(partners, "Millbrook Library")
    assert partners.done and not stories.done
    walk.chooser.choose(place="elsewhere")
    assert not partners.done


def test_outside_the_app_every_section_is_built_at_once(stage):
    slots = [stage.section(key) for key in ("place", "partners", "voices")]
    assert all(slot.built and slot.opener is None for slot in slots)
    assert stages.stage.WALK_PROGRESS not in stage.html()
