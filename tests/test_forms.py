"""The form builder, without a browser: outside a kernel ipywidgets use a dummy comm, so
these tests set widget values, press the buttons and read the message widgets."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import ipywidgets as W
import pytest

from hls_workbook import templating
from hls_workbook.domain.errors import DatabaseError
from hls_workbook.domain.model import RECORD_KINDS, Part
from hls_workbook.ui import forms

PLACE = "testville"
TODAY = dt.date.today()


def count(wb, kind: str, place: str = PLACE) -> int:
    return len(wb.table(kind, place))


def fill_voice(form: forms.RecordForm, **overrides) -> None:
    c = form.controls
    c["story"].input.value = overrides.get("story", "I found a group that meets near me.")
    c["domain_of_change"].input.value = overrides.get("domain", "getting out")
    c["storyteller_role"].input.value = "person_using_services"
    c["collected_on"].input.value = overrides.get("on", TODAY - dt.timedelta(days=2))
    c["consent_audiences"].boxes["team"].value = True
    c["consent_audiences"].boxes["partners"].value = True


@pytest.fixture
def voice_form(wb):
    form = forms.RecordForm(wb, "voice", place=PLACE, role="charity")
    yield form
    form.close()


# ---------------------------------------------------------------------------
# Every kind gets a form, with the right widget for every field
# ---------------------------------------------------------------------------

EXPECTED_INPUT = {
    "text": W.Text,
    "period": W.Text,
    "tags": W.Text,
    "number": W.Text,
    "integer": W.Text,
    "long_text": W.Textarea,
    "date": W.DatePicker,
    "choice": W.Dropdown,
    "link": W.Dropdown,
    "yes_partly_no": W.ToggleButtons,
    "score": W.IntSlider,
    "flag": W.Checkbox,
}
#: Widget kinds whose one input is named by the question's label (drawn for screen readers
#: only, the question being shown above it). Tick boxes are named by what they say.
NAMED_BY_LABEL = {"text", "period", "tags", "number", "integer", "long_text", "date",
                  "choice", "link"}


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_every_kind_gets_a_form(wb, kind):
    model = RECORD_KINDS[kind]
    form = forms.RecordForm(wb, kind, place=PLACE, role="commissioner")
    try:
        metas = model.fields_meta()
        assert list(form.fields) == [m.name for m in metas]
        for meta in metas:
            row = form.fields[meta.name]
            control = row.control
            shown = (control.input.description if meta.widget == "flag"  # beside the box
                     else row.label.value)
            assert templating.escape(meta.label) in shown  # (escaped) label
            if meta.required or meta.asked:
                assert "(required)" in row.label.value
            assert row.message is None  # made when there is something to say
            if meta.widget in NAMED_BY_LABEL:  # the input's accessible name
                assert control.input.description == meta.label, meta.name
                assert forms.NAMED in control.input._dom_classes
            if meta.widget == "counts":
                assert {b.description for b in control.inputs.values()} == set(
                    meta.choices.values())
            if meta.widget in EXPECTED_INPUT:
                assert isinstance(control.input, EXPECTED_INPUT[meta.widget]), meta.name
            if meta.widget == "long_text":  # each change reaches the kernel, for drafts
                assert control.input.continuous_update is True
            if meta.widget == "score":
                assert (control.input.min, control.input.max) == (0, 10)
            if meta.widget == "counts":
                assert set(control.inputs) == set(Part.labels())
            if meta.widget == "multi_choice":
                assert set(control.boxes) == set(meta.choices)
            if meta.widget == "choice" and not meta.required and None in (
                model.model_fields[meta.name].default,
            ):
                assert control.input.options[0] == (forms.BLANK_LABEL, "")
            if meta.widget == "period":
                assert "2026-Q3" in control.input.placeholder
            if meta.widget == "tags":
                assert "commas" in control.input.placeholder
        # the questions are also available as text, for headless runs
        text = forms.describe(kind)  # the questions for a new record
        for meta in metas:
            assert (forms.markdown_safe(meta.label) in text) is not meta.editing_only
        assert form.submit_button.description in ("Submit", "Save changes")
    finally:
        form.close()


def test_a_form_is_light_and_shared_layouts_never_change(wb, monkeypatch):
    """A form is a few widgets per question (each is a message to the browser): layouts
    and styles are shared, a message widget is made when there is something to say."""
    forms.RecordForm(wb, "voice", place=PLACE).close()  # the shared layouts, made once
    opened = []
    real = W.Widget.open
    monkeypatch.setattr(W.Widget, "open", lambda self: opened.append(self) or real(self))
    form = forms.RecordForm(wb, "voice", place=PLACE, role="charity")
    try:
        fields = len(form.fields)
        assert len(opened) <= 3 * fields + 25, len(opened)
        assert not [w for w in opened if isinstance(w, W.Layout)]  # all shared
        form.submit_button.click()  # problems shown, then cleared
        form.new_button.click()
        assert forms.shared_layout().display is None
        assert forms.shared_layout(display="none").display == "none"
    finally:
        form.close()


def test_import_is_light():
    code = (
        "import sys, hls_workbook.ui.forms; "
        "print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------


def test_voice_saved_with_text_choice_date_and_ticks(wb, voice_form):
    fill_voice(voice_form)
    voice_form.submit_button.click()

    assert voice_form.status_text.startswith("Saved story #")
    assert "Thank you" in voice_form.summary.value
    rid = voice_form.last_saved
    saved = wb.get("voice", rid)
    assert saved["story"] == "I found a group that meets near me."
    assert saved["storyteller_role"] == "person_using_services"
    assert saved["collected_on"] == TODAY - dt.timedelta(days=2)
    assert sorted(saved["consent_audiences"]) == ["partners", "team"]
    assert saved["consent_naming"] == "none"  # the model's default, shown in the form
    assert saved["recorded_by"] == "charity"
    assert saved["place"] == PLACE
    assert "Saved as: Charity" in voice_form.intro.value
    # the form is cleared for the next one, and the list shows the new record
    assert voice_form.controls["story"].input.value == ""
    assert voice_form.controls["collected_on"].input.value is None
    assert not voice_form.controls["consent_audiences"].boxes["team"].value
    assert voice_form.records.shown_rows[0]["id"] == rid
    assert "getting out" in voice_form.records.table.value


def test_meeting_counts_and_link_to_series(wb):
    sid = wb.add("meeting_series", {
        "name": "Thursday circle", "kind_of_meeting": "learning_forum", "cadence": "weekly",
        "weekday": "thursday", "started_on": "2026-01-01",
    }, place=PLACE)
    form = forms.RecordForm(wb, "meeting", place=PLACE)
    series = form.controls["series"].input
    assert (f"#{sid} Thursday circle", sid) in series.options
    form.controls["held_on"].input.value = TODAY
    form.controls["kind_of_meeting"].input.value = "learning_forum"
    series.value = sid
    form.controls["attendance"].inputs["charity"].value = 3
    form.controls["attendance"].inputs["lived_experience"].value = 4
    form.submit_button.click()

    assert form.status_text.startswith("Saved"), form.status_text
    saved = wb.get("meeting", form.last_saved)
    assert saved["series"] == sid
    assert saved["attendance"] == {"charity": 3, "lived_experience": 4}
    assert saved["recorded_by"] is None
    form.close()


def test_score_untouched_is_asked_about_then_saved(wb):
    form = forms.RecordForm(wb, "pulse", place=PLACE, role="Charity")  # a label works too
    assert form.role == "charity"
    c = form.controls
    c["statement"].input.value = "equal_partners"
    c["role"].input.value = "charity"
    c["period"].input.value = "2026-Q3"
    assert "not answered yet" in c["score"].hint.value
    form.submit_button.click()

    assert "score" in form.problems
    assert "move the slider" in form.fields["score"].message.value
    assert count(wb, "pulse") == 0
    c["score"].input.value = 8
    form.submit_button.click()

    assert form.status_text.startswith("Saved pulse answer #"), form.status_text
    assert wb.get("pulse", form.last_saved)["score"] == 8
    form.close()


def test_score_left_in_the_middle_is_accepted_on_second_submit(wb):
    form = forms.RecordForm(wb, "checkin", place=PLACE, role="charity")
    form.controls["role"].input.value = "charity"
    form.submit_button.click()
    assert "emotional_load" in form.problems
    form.submit_button.click()
    assert form.status_text.startswith("Saved check-in #"), form.status_text
    assert wb.get("checkin", form.last_saved)["emotional_load"] == 5
    form.close()


def test_links_list_records_of_the_place_and_refresh_after_saves(wb, voice_form):
    other = wb.add("voice", {
        "story": "Elsewhere.", "domain_of_change": "far away", "storyteller_role": "volunteer",
        "collected_on": "2026-01-05",
    }, place="elsewhere")
    exp = wb.add("experiment", {
        "title": "Walk and talk", "intended_results": "People meet", "proposed_by": "charity",
        "safe_to_fail_bounds": "Two months",
    }, place=PLACE)
    learning = forms.RecordForm(wb, "learning", place=PLACE, role="charity")
    assert learning.controls["voices"].boxes == {}
    assert "Nothing recorded" in learning.controls["voices"].note.value
    assert (f"#{exp} Walk and talk", exp) in learning.controls["experiment"].input.options

    fill_voice(voice_form, domain="housing")
    voice_form.submit_button.click()
    vid = voice_form.last_saved
    boxes = learning.controls["voices"].boxes
    assert list(boxes) == [vid]  # refreshed after the save; the other place's story is not there
    assert other not in boxes
    assert boxes[vid].description == f"#{vid} housing"

    c = learning.controls
    c["kind_of_learning"].input.value = "surprise"
    c["title"].input.value = "Walking works"
    c["observation"].input.value = "More people came on foot."
    c["event_on"].input.value = TODAY - dt.timedelta(days=1)
    c["experiment"].input.value = exp
    boxes[vid].value = True
    learning.submit_button.click()

    assert learning.status_text.startswith("Saved"), learning.status_text
    saved = wb.get("learning", learning.last_saved)
    assert saved["voices"] == [vid]
    assert saved["experiment"] == exp
    assert saved["recorded_on"] == TODAY  # the model's default, filled in the form
    learning.close()


def test_numbers_stay_empty_and_are_read_forgivingly(wb):
    form = forms.RecordForm(wb, "burden", place=PLACE)
    c = form.controls
    c["requirement"].input.value = "Quarterly monitoring return"
    c["funder"].input.value = "City council"
    c["organisation"].input.value = "Millbrook Mind"
    c["frequency_per_year"].input.value = "four"
    c["grant_value"].input.value = "£12,500"
    form.submit_button.click()
    assert "must be a number" in form.fields["frequency_per_year"].message.value
    assert c["grant_value"].input.value == "£12,500"  # kept as typed
    assert count(wb, "burden") == 0

    c["frequency_per_year"].input.value = "4"
    form.submit_button.click()
    saved = wb.get("burden", form.last_saved)
    assert saved["frequency_per_year"] == 4.0
    assert saved["grant_value"] == 12500.0
    assert saved["hours_each"] is None  # empty stays empty, not 0

    wb.edit("burden", form.last_saved, {"grant_value": 1234567.5})
    form.load(form.last_saved)
    assert c["grant_value"].input.value == "1234567.5"  # no exponent, no lost digits
    assert c["hours_each"].input.value == ""
    form.close()


# ---------------------------------------------------------------------------
# Problems: shown beside the field, nothing saved, everything typed kept
# ---------------------------------------------------------------------------


def test_empty_required_text_and_future_date(wb, voice_form):
    fill_voice(voice_form, story="   ", on=TODAY + dt.timedelta(days=3))
    voice_form.submit_button.click()

    assert count(wb, "voice") == 0
    assert set(voice_form.problems) == {"story", "collected_on"}
    story_msg = voice_form.fields["story"].message
    assert "is empty" in story_msg.value and story_msg.layout.display != "none"
    kids = list(voice_form.widget.children)  # just under the story's text box
    assert kids[kids.index(voice_form.controls["story"].widget) + 1] is story_msg
    assert "in the future" in voice_form.fields["collected_on"].message.value
    assert voice_form.fields["domain_of_change"].message is None
    assert "2 things to fix before saving" in voice_form.summary.value
    assert voice_form.summary.layout.display != "none"
    # everything typed is still there
    assert voice_form.controls["domain_of_change"].input.value == "getting out"
    assert voice_form.controls["collected_on"].input.value == TODAY + dt.timedelta(days=3)
    assert voice_form.controls["consent_audiences"].boxes["team"].value

    # fixing it clears the messages and saves
    voice_form.controls["story"].input.value = "Now it is written."
    voice_form.controls["collected_on"].input.value = TODAY
    voice_form.submit_button.click()
    assert count(wb, "voice") == 1
    assert voice_form.fields["story"].message.layout.display == "none"


def test_experiment_end_before_start(wb):
    form = forms.RecordForm(wb, "experiment", place=PLACE, role="charity")
    c = form.controls
    c["title"].input.value = "Walk and talk"
    c["intended_results"].input.value = "People meet each other."
    c["safe_to_fail_bounds"].input.value = "Two months, £500"
    c["proposed_by"].input.value = "lived_experience"
    c["start_on"].input.value = dt.date(2026, 5, 1)
    c["end_on"].input.value = dt.date(2026, 4, 1)
    c["hypothesis_if"].input.value = "we walk together"
    form.submit_button.click()

    assert count(wb, "experiment") == 0
    assert list(form.problems) == ["end_on"]
    assert "before the start" in form.fields["end_on"].message.value
    assert "1 thing to fix before saving" in form.summary.value
    assert c["hypothesis_if"].input.value == "we walk together"
    assert c["start_on"].input.value == dt.date(2026, 5, 1)


def test_invalid_period_and_problem_in_folded_question(wb):
    form = forms.RecordForm(wb, "pulse", place=PLACE)
    c = form.controls
    c["statement"].input.value = "shared_language"
    c["score"].input.value = 3
    c["role"].input.value = "public_service"
    c["period"].input.value = "summer 2026"
    form.submit_button.click()
    assert count(wb, "pulse") == 0
    assert "2026-Q3" in form.fields["period"].message.value
    assert c["period"].input.value == "summer 2026"
    assert c["score"].input.value == 3

    exp = forms.RecordForm(wb, "experiment", place=PLACE)
    assert exp.more is not None and exp.more.selected_index is None
    exp.controls["evidence_level"].input.value = "9"
    exp.submit_button.click()
    assert "between 1 and 5" in exp.fields["evidence_level"].message.value
    assert exp.more.selected_index == 0  # opened, so the message is seen


# ---------------------------------------------------------------------------
# Errors from the store, double clicks
# ---------------------------------------------------------------------------


def test_database_error_is_shown_and_values_stay(wb, voice_form, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("The database is busy with other people's saves.")

    monkeypatch.setattr(wb, "add", broken)
    fill_voice(voice_form)
    voice_form.submit_button.click()

    assert "The database is busy" in voice_form.summary.value
    assert "still here" in voice_form.status_text
    assert voice_form.controls["story"].input.value == "I found a group that meets near me."
    assert voice_form.submit_button.disabled is False
    monkeypatch.undo()
    assert count(wb, "voice") == 0
    voice_form.submit_button.click()  # once the database is back, the same answers save
    assert count(wb, "voice") == 1


def test_unexpected_error_is_a_plain_sentence(wb, voice_form, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(wb, "add", broken)
    fill_voice(voice_form)
    voice_form.submit_button.click()
    assert "Something went wrong, and nothing was saved" in voice_form.status_text
    assert "Traceback" not in voice_form.summary.value
    assert voice_form.controls["domain_of_change"].input.value == "getting out"


def test_double_click_saves_once(wb, voice_form, monkeypatch):
    real_add = wb.add
    seen = []

    def add_and_click_again(*args, **kwargs):
        seen.append(voice_form.submit_button.disabled)
        voice_form.submit_button.click()  # a click arriving while saving
        return real_add(*args, **kwargs)

    monkeypatch.setattr(wb, "add", add_and_click_again)
    fill_voice(voice_form)
    voice_form.submit_button.click()
    voice_form.submit_button.click()  # a click arriving after the save

    assert count(wb, "voice") == 1
    assert seen == [True]
    assert voice_form.status_text.startswith("Saved story #")  # not "things to fix"
    assert voice_form.submit_button.disabled is False


# ---------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------


def test_edit_saves_a_new_version_and_keeps_the_old(wb, voice_form):
    fill_voice(voice_form)
    voice_form.submit_button.click()
    rid = voice_form.last_saved

    rec = voice_form.records
    rec.edit_choice.value = rid
    rec.edit_button.click()
    assert voice_form.editing == (rid, 1)
    assert "Changing story" in voice_form.heading.value
    assert voice_form.new_button.description == "Cancel edit"
    assert voice_form.controls["story"].input.value == "I found a group that meets near me."
    assert voice_form.controls["consent_audiences"].boxes["partners"].value

    voice_form.controls["story"].input.value = "I found a group, and now I help run it."
    voice_form.submit_button.click()
    assert voice_form.status_text == (
        f"Saved version 2 of story #{rid}. Who may read it: Our team, Partners across the local "
        "system. How they may be named: Do not name them. Read back and agreed: no. Thank you.")
    history = wb.history("voice", rid)
    assert list(history["version"]) == [1, 2]
    assert history["story"].iloc[0] == "I found a group that meets near me."
    assert history["story"].iloc[1] == "I found a group, and now I help run it."
    assert voice_form.editing is None and voice_form.submit_button.description == "Submit"
    assert count(wb, "voice") == 1


def test_edit_conflict_keeps_the_text(wb, voice_form):
    fill_voice(voice_form)
    voice_form.submit_button.click()
    rid = voice_form.last_saved
    assert voice_form.load(rid)
    wb.edit("voice", rid, {"domain_of_change": "a colleague's change"})  # meanwhile
    voice_form.controls["story"].input.value = "My change."
    voice_form.submit_button.click()

    assert "someone else saved a newer version" in voice_form.summary.value
    assert voice_form.controls["story"].input.value == "My change."
    assert voice_form.editing == (rid, 1)
    assert list(wb.history("voice", rid)["version"]) == [1, 2]


def test_cancel_edit_and_loading_another_places_record(wb, voice_form):
    fill_voice(voice_form)
    voice_form.submit_button.click()
    voice_form.load(voice_form.last_saved)
    voice_form.new_button.click()
    assert voice_form.editing is None
    assert voice_form.controls["story"].input.value == ""

    other = wb.add("voice", {
        "story": "x", "domain_of_change": "y", "storyteller_role": "volunteer",
        "collected_on": "2026-01-05",
    }, place="elsewhere")
    assert voice_form.load(other) is False
    assert "another place" in voice_form.status_text
    assert voice_form.load(99999) is False
    assert "There is no voice numbered 99999" in voice_form.status_text


def test_place_form_changes_the_one_place_record(wb):
    form = forms.RecordForm(wb, "place", place=PLACE)
    assert form.editing is not None
    assert form.controls["name"].input.value == "Testville"
    form.controls["why_it_matters"].input.value = "Long bus rides to anywhere."
    form.submit_button.click()
    assert count(wb, "place") == 1
    assert wb.table("place", PLACE)["why_it_matters"].iloc[0] == "Long bus rides to anywhere."
    assert form.editing is not None  # still the same one record


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


def test_list_escapes_what_people_type(wb, voice_form):
    fill_voice(voice_form, domain="<script>alert(1)</script>")
    voice_form.submit_button.click()
    table = voice_form.records.table.value
    assert "<script>" not in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table
    label = dict((v, k) for k, v in voice_form.records.edit_choice.options)
    assert "<script>" in label[voice_form.last_saved]  # plain text option labels, not HTML


def test_list_newest_first_filter_and_show_more(wb):
    for i in range(13):
        wb.add("glossary_term", {"term": f"term {i:02d}", "plain_meaning": "plain"},
               place=PLACE)
    wb.add("glossary_term", {"term": "theory of change", "plain_meaning": "a plan"},
           place=PLACE)
    form = forms.RecordForm(wb, "glossary_term", place=PLACE)
    lst = form.records
    assert lst.shown_rows[0]["term"] == "theory of change"
    assert lst.table.value.count("<tr>") == 1 + forms.SHOWN_ROWS  # header + rows
    assert "Showing 10 of 14" in lst.table.value
    assert lst.more_button.layout.display != "none"
    lst.more_button.click()
    assert lst.table.value.count("<tr>") == 1 + 14
    assert lst.more_button.layout.display == "none"

    lst.filter.value = "THEORY"
    assert [r["term"] for r in lst.rows()] == ["theory of change"]
    assert "term 03" not in lst.table.value
    lst.filter.value = "nothing like this"
    assert "None of the 14 records" in lst.table.value


def test_list_reads_only_what_it_shows(wb, monkeypatch):
    """With many records the list reads one page, filtered and ordered by the database;
    no DataFrame is ever built for it, not when saving, filtering, showing more or editing."""
    for i in range(40):
        wb.add("partner", {"organisation": f"Group {i:02d}", "part": "community_group"
                           if i % 4 else "charity"}, place=PLACE, by="commissioner")
    calls = []
    real = wb.listing

    def listing(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    def no_frames(*args, **kwargs):
        raise AssertionError("the form read a whole table")

    monkeypatch.setattr(wb, "listing", listing)
    monkeypatch.setattr(wb, "table", no_frames)
    form = forms.RecordForm(wb, "partner", place=PLACE, role="charity")
    lst = form.records
    assert [c.get("limit") for c in calls] == [forms.SHOWN_ROWS]
    assert len(lst.rows()) == forms.SHOWN_ROWS and lst.total == 40
    assert lst.rows()[0]["organisation"] == "Group 39"
    assert len(lst.edit_choice.options) == 1 + forms.SHOWN_ROWS  # the records shown

    form.controls["organisation"].input.value = "Library friends"
    form.controls["part"].input.value = "community_group"
    form.submit_button.click()
    assert form.status_text.startswith("Saved partner #"), form.status_text
    assert lst.rows()[0]["organisation"] == "Library friends" and lst.total == 41
    assert calls[-1]["limit"] == forms.SHOWN_ROWS

    lst.filter.value = "CHARITY"  # a choice's label, or who saved it, as shown
    assert [r["organisation"] for r in lst.rows()[:3]] == ["Library friends", "Group 36",
                                                         "Group 32"]
    assert "Showing 10 of 11 (of 41 in all)" in lst.table.value
    assert calls[-1]["search"] == "CHARITY"
    lst.filter.value = "charity 36"
    assert [r["organisation"] for r in lst.rows()] == ["Group 36"]
    lst.filter.value = ""
    lst.more_button.click()
    assert len(lst.rows()) == 2 * forms.SHOWN_ROWS and calls[-1]["limit"] == 20
    lst.edit_choice.value = lst.rows()[15]["id"]
    assert lst.edit_button.click() is None and form.editing is not None
    assert form.controls["organisation"].input.value == "Group 25"


def test_link_pickers_take_in_a_save_without_reading_everything(wb, voice_form, monkeypatch):
    for i in range(3):
        fill_voice(voice_form, domain=f"theme {i}")
        voice_form.submit_button.click()
    learning = forms.RecordForm(wb, "learning", place=PLACE, role="charity")
    voices = learning.controls["voices"]
    before = dict(voices.boxes)
    assert len(before) == 3
    calls = []
    real = wb.listing
    monkeypatch.setattr(wb, "listing", lambda *a, **k: calls.append(k) or real(*a, **k))

    fill_voice(voice_form, domain="housing")
    voice_form.submit_button.click()
    vid = voice_form.last_saved
    assert list(voices.boxes) == [vid, *before]  # newest first
    assert all(voices.boxes[k] is cb for k, cb in before.items())  # the same widgets
    assert {tuple(c["ids"]) for c in calls if c.get("ids") is not None} == {(vid,)}
    assert all(c.get("ids") is not None or c.get("limit") for c in calls)  # no full read

    oldest = min(before)
    voices.boxes[oldest].value = True
    voice_form.load(oldest)
    voice_form.controls["domain_of_change"].input.value = "getting about"
    voice_form.submit_button.click()
    assert voices.boxes[oldest].description == f"#{oldest} getting about"
    assert voices.read()[0] == [oldest]  # still ticked
    wb.archive("voice", vid)
    learning.store_changed("voice", [vid])
    assert vid not in voices.boxes
    learning.close()


def test_anonymous_kinds_are_listed_only_as_a_count(wb):
    for load in (2, 7):
        wb.add("checkin", {"emotional_load": load, "role": "charity"}, place=PLACE)
    form = forms.RecordForm(wb, "checkin", place=PLACE)
    assert "2 check-ins saved" in form.records.table.value
    assert "<table" not in form.records.table.value


# ---------------------------------------------------------------------------
# Notebook helpers
# ---------------------------------------------------------------------------


def test_show_returns_a_live_form_or_text_when_headless(wb, monkeypatch):
    form = forms.show("voices", wb, place=PLACE, role="charity")
    assert isinstance(form, forms.RecordForm) and form.kind == "voice"
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    form.close()

    def no_widgets(*args, **kwargs):
        raise AssertionError("a headless run must not build widgets")

    monkeypatch.setattr(forms, "RecordForm", no_widgets)
    md = forms.show("voice", wb, place=PLACE, interactive=False)
    assert "Their story, in their words" in md.data
    monkeypatch.setenv(forms.HEADLESS_ENV, "1")
    md = forms.show("experiment", wb, place=PLACE)
    assert "Safe-to-fail limits" in md.data
    assert "<li><b>Safe-to-fail limits</b>" in forms.questions_html("experiment")


def test_unknown_role_is_said_plainly(wb):
    form = forms.RecordForm(wb, "voice", place=PLACE, role="Alice Smith")
    assert form.role is None
    assert "not a part of the system" in form.status_text
    form.close()
