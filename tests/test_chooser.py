"""'Who are you here?': the place and the part of the system are chosen from lists, and
every live section follows the choice without a cell being run again.

A save is credited to the part chosen; changing it changes the credit of the next save; a
new place redraws the sections for that place; the choice is remembered for the session
(the kernel), so opening the stage again keeps it. Headless stages have no chooser.
"""

from __future__ import annotations

import pytest

from hls_workbook.ui import chooser, stages


@pytest.fixture
def stage(wb, db_path, monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    wb.set_place("elsewhere", {"name": "Elsewhere", "shared_focus": "Warm homes"})
    chooser.forget()
    opened = stages.open_stage(str(db_path), "testville", "charity", interactive=True)
    yield opened
    opened.close()
    chooser.forget()


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
