"""The story form: consent is a step that cannot be skipped, withdrawal is asked only of a
saved story, and every word says "story"."""

from __future__ import annotations

import datetime as dt

import pytest

from hls_workbook.domain.model import Voice
from hls_workbook.ui import forms

from .samples import GOOD

#: On SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.both_databases
PLACE = "testville"
WITHDRAWAL = ("consent_withdrawn", "consent_withdrawn_on")


@pytest.fixture
def story_form(wb):
    form = forms.RecordForm(wb, "voice", place=PLACE, role="charity")
    yield form
    form.close()


def _type_a_story(form: forms.RecordForm) -> None:
    c = form.controls
    c["story"].input.value = "The lunch club got me out of the house again."
    c["domain_of_change"].input.value = "getting out"
    c["storyteller_role"].input.value = "person_using_services"
    c["collected_on"].input.value = dt.date.today() - dt.timedelta(days=1)
    c["pseudonym"].input.value = "Sunflower"
    c["consent_naming"].input.value = "pseudonym"


def _shown(widget) -> bool:
    return widget.layout.display != "none"


def test_a_story_with_nobody_to_read_it_is_refused_and_keeps_what_was_typed(wb, story_form):
    _type_a_story(story_form)
    assert story_form.submit() is None
    assert len(wb.table("voice", PLACE)) == 0
    message = story_form.problems["consent_audiences"]
    assert message.startswith("Who may read it: please tick at least one")
    shown = story_form.fields["consent_audiences"].message
    assert shown is not None and _shown(shown) and "Who may read it" in shown.value
    assert "Nothing was saved; what you typed is still here" in story_form.summary.value
    assert "Thank you" not in story_form.status_text
    # Everything typed is still there, and ticking one circle saves it.
    c = story_form.controls
    assert c["story"].input.value == "The lunch club got me out of the house again."
    assert c["pseudonym"].input.value == "Sunflower"
    assert c["consent_naming"].input.value == "pseudonym"
    c["consent_audiences"].boxes["team"].value = True
    rid = story_form.submit()
    assert rid is not None, story_form.status_text
    assert wb.get("voice", rid)["consent_audiences"] == ["team"]
    # The save repeats what was agreed, plainly.
    assert story_form.status_text == (
        f"Saved story #{rid}. Who may read it: Our team. How they may be named: A made-up "
        "name. Read back and agreed: no. Thank you.")


def test_the_problem_is_said_with_the_others_at_once(story_form):
    assert story_form.submit() is None
    assert {"story", "domain_of_change", "consent_audiences"} <= set(story_form.problems)
    fields = list(story_form.fields)
    assert list(story_form.problems) == sorted(story_form.problems, key=fields.index)


def test_who_may_read_it_is_marked_required_and_asked_plainly(story_form):
    label = story_form.fields["consent_audiences"].label.value
    assert "(required)" in label and "Who are you happy to have read your story?" in label
    naming = story_form.fields["consent_naming"].label.value
    assert "Shall we put a name with your story?" in naming
    review = story_form.controls["consent_reviewed"].input.description
    assert "Read back and agreed" in review
    assert "read the story back to them" in story_form.fields["consent_reviewed"].label.value
    text = forms.describe("voice")
    assert "**Who may read it** *(required)*" in text


def test_stored_stories_with_no_audience_stay_valid_and_can_be_changed(wb, story_form):
    """Stories saved before consent was required (or imported, or made by code) keep no
    audience: they are valid, in no report, and can still be changed (a safeguarding
    concern must never wait for consent)."""
    from hls_workbook.store.checks import check_workbook

    rid = wb.add("voice", dict(GOOD["voice"], consent_audiences=[]), place=PLACE)
    assert check_workbook(wb) == []
    assert story_form.load(rid)
    assert "(required)" not in story_form.fields["consent_audiences"].label.value
    story_form.controls["safeguarding_concern"].input.value = True
    assert story_form.submit() == rid, story_form.status_text
    assert "Who may read it: nobody." in story_form.status_text
    assert bool(wb.get("voice", rid)["safeguarding_concern"])
    assert "(required)" in story_form.fields["consent_audiences"].label.value  # new again
    with pytest.raises(Exception, match="Who may read it"):
        Voice.validate_input(dict(GOOD["voice"], consent_audiences=[]), entered=True)


def test_withdrawal_is_asked_only_of_a_saved_story(wb, story_form):
    box = story_form.editing_box
    assert box is not None and not _shown(box)
    for name in WITHDRAWAL:
        assert all(w in box.children for w in story_form.fields[name].widgets)
        assert not any(w in story_form.widget.children for w in story_form.fields[name].widgets)
    assert "Consent withdrawn" not in forms.describe("voice")
    assert "Withdrawn on" not in forms.questions_html("voice")

    rid = wb.add("voice", GOOD["voice"], place=PLACE)
    assert story_form.load(rid)
    assert _shown(box)
    story_form.new_button.click()  # Cancel edit
    assert story_form.editing is None and not _shown(box)
    # Withdrawing through the form still works.
    assert story_form.load(rid)
    story_form.controls["consent_withdrawn"].input.value = True
    assert story_form.submit() == rid, story_form.status_text
    assert wb.get("voice", rid)["story"] == Voice.WITHDRAWN_TEXT
    assert "Who may read it" not in story_form.status_text  # nothing left to repeat
    assert not _shown(box)


def test_every_word_of_the_form_says_story(wb, story_form):
    assert "New story" in story_form.heading.value
    assert "Stories" in story_form.records.heading.value
    rid = wb.add("voice", GOOD["voice"], place=PLACE)
    story_form.refresh()
    assert story_form.load(rid)
    assert f"Changing story #{rid}" in story_form.heading.value
    words = " ".join(
        [story_form.heading.value, story_form.records.heading.value,
         forms.describe("voice"), story_form.submit_button.description,
         story_form.new_button.description]
        + [row.label.value for row in story_form.fields.values()]
        + [c.input.description for c in story_form.controls.values() if hasattr(c, "input")]
    ).lower()
    assert "voice" not in words
