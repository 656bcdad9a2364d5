"""A withdrawn story is gone for good, however it is withdrawn: form, command or code."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from hls_workbook.cli import app
from hls_workbook.domain.errors import RecordError
from hls_workbook.ui.forms import RecordForm

from .privacy_helpers import file_text
from .samples import GOOD

#: On SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.both_databases
SECRET = "I told them about my brother and the debt."


def _story(wb) -> int:
    data = dict(GOOD["voice"], story=SECRET, storyteller_name="Maria Lopez",
                consent_naming="full", why_it_matters="Nobody asked before",
                consent_audiences=["team", "partners", "public"])
    return wb.add("voice", data, place="testville")


def _raw(wb, sql: str, **params) -> list:
    """Rows read (or changed) with plain SQL, behind the workbook's back."""
    return wb.write(lambda c: c.execute(sa.text(sql), params).all() if sql.startswith("SELECT")
                    else c.execute(sa.text(sql), params))


def _words_left(wb) -> str:
    rows = _raw(wb, "SELECT story, why_it_matters, storyteller_name FROM voice")
    return " ".join(str(v) for row in rows for v in row if v)


def test_ticking_withdrawn_in_the_form_erases_every_version(wb):
    rid = _story(wb)
    wb.edit("voice", rid, {"story": SECRET + " It got better."})
    form = RecordForm(wb, "voice", place="testville", role="charity")
    assert form.load(rid)
    form.set_values({"consent_withdrawn": True})
    assert form.submit() == rid, form.status_text
    history = wb.history("voice", rid)
    assert len(history) == 3
    assert set(history["story"]) == {"[withdrawn]"}
    assert history["storyteller_name"].isna().all()
    last = history.iloc[-1]
    assert bool(last["consent_withdrawn"]) and last["consent_audiences"] == []
    assert last["consent_withdrawn_on"].date() == dt.date.today()
    left = _words_left(wb)
    assert "brother" not in left and "Maria" not in left and "Nobody asked" not in left


def test_a_withdrawn_story_cannot_be_switched_back_on(wb):
    rid = _story(wb)
    wb.withdraw_consent(rid, on=dt.date(2026, 3, 1))
    for changes in ({"consent_withdrawn": False, "consent_withdrawn_on": None},
                    {"story": "New words", "consent_audiences": ["public"]},
                    {"consent_audiences": ["public"]}):
        with pytest.raises(RecordError) as err:
            wb.edit("voice", rid, changes)
        assert "consent_withdrawn" in err.value.problems
        assert "new story" in err.value.problems["consent_withdrawn"]
    assert wb.get("voice", rid)["version"] == 2
    wb.archive("voice", rid)  # putting it away is still allowed
    assert wb.history("voice", rid).iloc[-1]["story"] == "[withdrawn]"
    assert bool(wb.history("voice", rid).iloc[-1]["archived"])


def test_the_form_says_why_a_withdrawn_story_cannot_change(wb):
    rid = _story(wb)
    wb.withdraw_consent(rid)
    form = RecordForm(wb, "voice", place="testville", role="charity")
    assert form.load(rid)
    form.set_values({"consent_withdrawn": False, "consent_withdrawn_on": None,
                     "story": "Let me put it back"})
    assert form.submit() is None
    assert "cannot be changed or switched back on" in form.problems["consent_withdrawn"]
    assert wb.get("voice", rid)["story"] == "[withdrawn]"


def test_a_story_saved_as_withdrawn_keeps_no_words(wb):
    rid = wb.add("voice", dict(GOOD["voice"], story=SECRET, consent_withdrawn=True),
                 place="testville")
    row = wb.get("voice", rid)
    assert row["story"] == "[withdrawn]" and row["consent_audiences"] == []
    assert row["consent_withdrawn_on"] == dt.date.today()
    assert "brother" not in _words_left(wb)


def test_withdraw_command(wb):
    rid = _story(wb)
    runner = CliRunner()
    bad = runner.invoke(app, ["withdraw", str(rid), "--on", "2999-01-01", "--db", wb.location])
    assert bad.exit_code == 1 and "Withdrawn on" in bad.output and "future" in bad.output
    assert wb.get("voice", rid)["story"] == SECRET  # nothing changed by a refused command
    done = runner.invoke(app, ["withdraw", str(rid), "--db", wb.location])
    assert done.exit_code == 0, done.output
    assert "erased from every version" in done.output
    assert "brother" not in _words_left(wb)
    again = runner.invoke(app, ["withdraw", str(rid), "--db", wb.location])
    assert again.exit_code == 0
    assert wb.get("voice", rid)["version"] == 2


def test_words_left_behind_are_erased_by_withdrawing_again(wb):
    rid = _story(wb)
    wb.withdraw_consent(rid)
    # An old copy's text, put back behind the workbook's back.
    _raw(wb, "UPDATE voice SET story = :story WHERE id = :rid", story=SECRET, rid=rid)
    from hls_workbook.store.checks import check_workbook

    problems = check_workbook(wb)
    assert any(f"hls-workbook withdraw {rid}" in p for p in problems)
    wb.withdraw_consent(rid)
    assert "brother" not in _words_left(wb)
    assert not check_workbook(wb)


def _every_stored_value(wb) -> str:
    rows = _raw(wb, "SELECT * FROM voice")
    return " ".join(f"{c}={v}" for row in rows for c, v in row._mapping.items())


@pytest.mark.parametrize("how", ["store", "form"])
def test_withdrawal_leaves_only_the_fact_and_the_date(wb, tmp_path, how):
    """Every typed field of every version goes, what it was about included; exports too."""
    from hls_workbook.domain.model import Voice
    from hls_workbook.io.exchange import export

    data = dict(GOOD["voice"], story=SECRET, storyteller_name="Maria Lopez",
                pseudonym="Sunflower", consent_naming="pseudonym",
                domain_of_change="my brother's gambling debt", collected_by="Priya at the hub",
                why_it_matters="Nobody asked before", consent_audiences=["public"])
    rid = wb.add("voice", data, place="testville")
    wb.edit("voice", rid, {"domain_of_change": "debt and my brother"})
    if how == "store":
        wb.withdraw_consent(rid, on=dt.date(2026, 3, 1))
    else:
        form = RecordForm(wb, "voice", place="testville", role="charity")
        assert form.load(rid)
        form.set_values({"consent_withdrawn": True})
        assert form.submit() == rid, form.status_text
    stored = _every_stored_value(wb)
    for words in ("brother", "debt", "Maria", "Lopez", "Sunflower", "Priya", "Nobody asked",
                  "told them"):
        assert words not in stored, words
    history = wb.history("voice", rid)
    assert all(Voice.is_erased(r) for r in history.to_dict("records"))
    last = history.iloc[-1]
    assert bool(last["consent_withdrawn"]) and not pd.isna(last["consent_withdrawn_on"])
    for fmt in ("csv", "json", "xlsx"):
        text = " ".join(file_text(p) for p in export(wb, tmp_path / fmt, fmt=fmt))
        assert "brother" not in text and "Sunflower" not in text and "debt" not in text, fmt


def test_a_made_up_name_may_not_be_the_storytellers_own(wb):
    for pseudonym in ("Maria", "lopez", "Maria Sunflower"):
        data = dict(GOOD["voice"], storyteller_name="Maria Lopez", pseudonym=pseudonym,
                    consent_naming="pseudonym", consent_audiences=["public"])
        with pytest.raises(RecordError) as err:
            wb.add("voice", data, place="testville")
        assert "made-up name" in str(err.value)
    data = dict(GOOD["voice"], storyteller_name="Maria Lopez", pseudonym="Sunflower",
                consent_naming="pseudonym", consent_audiences=["public"])
    assert wb.add("voice", data, place="testville")
