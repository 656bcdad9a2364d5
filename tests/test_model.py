"""Every record kind validates good input and refuses bad input with a message naming the field."""

from __future__ import annotations

import datetime as dt

import pytest

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, model_for

from .samples import GOOD

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def test_every_kind_has_a_good_sample():
    assert set(GOOD) == set(RECORD_KINDS)


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_good_sample_validates(kind):
    model = model_for(kind)
    record = model.validate_input(GOOD[kind])
    assert record.kind == kind


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_every_field_has_label_help_and_widget(kind):
    for meta in model_for(kind).fields_meta():
        assert meta.label and meta.label != meta.name, (kind, meta.name)
        assert len(meta.help) > 5, (kind, meta.name)
        assert meta.widget


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_required_text_cannot_be_blank(kind):
    model = model_for(kind)
    for meta in model.fields_meta():
        if meta.required and meta.widget in ("text", "long_text"):
            data = dict(GOOD[kind], **{meta.name: "   "})
            with pytest.raises(RecordError) as err:
                model.validate_input(data)
            assert meta.name in err.value.problems
            assert "empty" in err.value.problems[meta.name]
            assert meta.label in err.value.problems[meta.name]


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_future_dates_refused_where_they_cannot_be(kind):
    model = model_for(kind)
    for name in model.past_dates:
        data = dict(GOOD[kind], **{name: TOMORROW})
        if kind == "voice" and name == "consent_withdrawn_on":
            data["consent_withdrawn"] = True
        with pytest.raises(RecordError) as err:
            model.validate_input(data)
        assert "in the future" in err.value.problems[name]


@pytest.mark.parametrize(
    ("kind", "field", "value", "words"),
    [
        ("pulse", "score", 11, "between 0 and 10"),
        ("pulse", "score", -1, "between 0 and 10"),
        ("checkin", "emotional_load", 42, "between 0 and 10"),
        ("pulse", "period", "Q3 2026", "2026-Q3"),
        ("pulse", "statement", "be nice", "not one of the choices"),
        ("partner", "part", "council", "not one of the choices"),
        ("voice", "collected_on", "31/02/2026", "write it like 2026-03-31"),
        ("voice", "story", "x" * 10_001, "too long"),
        ("voice", "domain_of_change", "a\x07b", "control character"),
        ("burden", "hours_each", "lots", "must be a number"),
        ("burden", "frequency_per_year", -2, "between 0 and 365"),
        ("burden", "grant_value", -5, "0 or more"),
        ("experiment", "evidence_level", 9, "between 1 and 5"),
        ("meeting", "attendance", {"charity": -3}, "between 0 and 10,000"),
        ("meeting", "attendance", {"martians": 2}, "not one of the choices"),
    ],
)
def test_bad_values_name_the_field_and_the_fix(kind, field, value, words):
    model = model_for(kind)
    with pytest.raises(RecordError) as err:
        model.validate_input(dict(GOOD[kind], **{field: value}))
    assert field in err.value.problems
    assert words in err.value.problems[field]


def test_experiment_end_before_start():
    data = dict(GOOD["experiment"], start_on="2026-03-01", end_on="2026-02-01")
    with pytest.raises(RecordError) as err:
        model_for("experiment").validate_input(data)
    assert "before the start" in err.value.problems["end_on"]


def test_learning_recorded_before_it_happened():
    data = dict(GOOD["learning"], event_on="2026-03-01", recorded_on="2026-02-01")
    with pytest.raises(RecordError) as err:
        model_for("learning").validate_input(data)
    assert "recorded_on" in err.value.problems


def test_consent_naming_needs_a_name():
    data = dict(GOOD["voice"], consent_naming="full", storyteller_name=None)
    with pytest.raises(RecordError) as err:
        model_for("voice").validate_input(data)
    assert "storyteller_name" in err.value.problems


def test_unknown_field_is_refused():
    with pytest.raises(RecordError) as err:
        model_for("voice").validate_input(dict(GOOD["voice"], favourite_colour="blue"))
    assert "favourite_colour" in err.value.problems


def test_forgiving_input_from_spreadsheets():
    record = model_for("voice").validate_input(
        dict(GOOD["voice"], consent_audiences="team, partners", why_it_matters="  ")
    )
    assert record.consent_audiences == ["team", "partners"]
    assert record.why_it_matters is None
    term = model_for("glossary").validate_input(
        {"term": "KPI", "plain_meaning": "A number we watch", "words_to_avoid": "KPI, metric"}
    )
    assert term.words_to_avoid == ["KPI", "metric"]


def test_unicode_and_right_to_left_text_kept():
    text = "مرحبا بكم — 你好 — שלום 🙂"
    record = model_for("voice").validate_input(dict(GOOD["voice"], story=text))
    assert record.story == text


def test_model_for_names():
    assert model_for("Voices").kind == "voice"
    assert model_for("learning").kind == "learning"
    with pytest.raises(RecordError):
        model_for("spaceships")


def test_field_metadata_is_worked_out_once_and_cannot_be_changed():
    from pydantic import ValidationError

    model = model_for("learning")
    first, second = model.fields_meta(), model.fields_meta()
    assert first == second and first is not second  # a new list each time...
    assert all(a is b for a, b in zip(first, second, strict=True))  # ...of the same objects
    assert model.field_meta("title") is first[[m.name for m in first].index("title")]
    with pytest.raises(ValidationError):
        first[0].label = "changed"
    # each kind has its own, including kinds sharing a base class
    assert [m.name for m in model_for("voice").fields_meta()] == list(
        model_for("voice").model_fields)
    with pytest.raises(KeyError):
        model.field_meta("no_such_field")
