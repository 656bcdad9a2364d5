"""A whole behaviour pulse round is one form and one Submit, saved as anonymous answers."""

from __future__ import annotations

import pytest

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import PULSE_STATEMENTS, RECORD_KINDS, model_for
from hls_workbook.ui import forms


def test_round_is_form_only_and_covers_every_behaviour():
    model = model_for("pulse_round")
    assert "pulse_round" not in RECORD_KINDS
    assert model.stored_as == "pulse"
    scored = [m.name for m in model.fields_meta() if m.widget == "score"]
    assert scored == [key for key, _ in PULSE_STATEMENTS.values()]
    assert set(model.practices) == set(PULSE_STATEMENTS)


def test_round_needs_at_least_one_score():
    with pytest.raises(RecordError) as err:
        model_for("pulse_round").validate_input({"role": "charity", "period": "2026-Q3"})
    assert "at least one statement" in err.value.message()


def test_one_submit_saves_one_answer_per_scored_statement(wb):
    form = forms.RecordForm(wb, "pulse_round", place="testville", role="charity")
    form.controls["role"].set("lived_experience")
    form.controls["period"].set("2026-Q3")
    form.controls["equal_partners"].set(8)
    form.controls["shared_values"].set(2)
    form.controls["time_for_feelings"].set(0)
    rid = form.submit()
    assert rid is not None, form.problems
    saved = wb.table("pulse", "testville").sort_values("statement")
    assert saved["statement"].tolist() == ["equal_partners", "shared_values",
                                           "time_for_feelings"]
    assert saved["score"].tolist() == [8, 2, 0]
    assert set(saved["role"]) == {"lived_experience"}
    assert set(saved["recorded_by"]) == {"charity"}
    assert "Saved 3 answers" in form.status_text


def test_bad_period_saves_nothing_and_keeps_the_scores(wb):
    form = forms.RecordForm(wb, "pulse_round", place="testville")
    form.controls["role"].set("charity")
    form.controls["period"].set("next spring")
    form.controls["equal_partners"].set(9)
    assert form.submit() is None
    assert "period" in form.problems
    assert wb.table("pulse", "testville").empty
    assert form.controls["equal_partners"].input.value == 9
