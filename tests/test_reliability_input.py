"""Bad input everywhere: every field of every record kind, every form, every CLI option.

Promise: a bad value gets a clear message naming the field (or the option); nothing saved
before is lost; nothing half-written remains. Valid text in any script, right-to-left
text, emoji, and SQL/HTML/formula payloads are accepted and stored exactly (NFC, ends
trimmed). The corpus lives in tests/payloads.py; docs/reliability.md quotes the figures.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from traitlets import TraitError
from typer.testing import CliRunner

from hls_workbook import open_workbook
from hls_workbook.cli import app
from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, model_for
from hls_workbook.store.workbook import SCHEMA_VERSION
from hls_workbook.ui import forms

from . import payloads as P

PLACE = "testville"
TODAY = dt.date.today()
TOMORROW = TODAY + dt.timedelta(days=1)

# ---------------------------------------------------------------------------
# The table of bad values, by widget kind
# ---------------------------------------------------------------------------

WRONG_TYPES_FOR_TEXT: list[Any] = [123, True, 1.5, ["a list"], {"a": "dict"}]
BAD_DATES: list[Any] = ["2026-02-30", "31/12/2025", "yesterday", "2026-13-01", "0000-01-01",
                        "2025-01-01T10:00", 20260101, True, [2026, 1, 1], 1.5, "２０２６-01-01"]
BAD_CHOICES: list[Any] = ["martians", "Charity", "charity; DROP TABLE partner", 3, True,
                          ["charity"], {"charity": 1}, "<script>alert(1)</script>"]


def bad_values(model: type, meta: Any) -> list[tuple[str, Any]]:
    """(what, value) pairs that must be refused for this field."""
    w = meta.widget
    out: list[tuple[str, Any]] = []
    if w in ("text", "long_text", "period"):
        if meta.required:
            out += [(f"blank {v!r}", v) for v in P.BLANK_TEXTS]
            out.append(("None", None))
        out += [(f"control {v!r}", v) for v in P.CONTROL_TEXTS]
        if meta.max_length:
            out.append(("one over the limit", "x" * (meta.max_length + 1)))
        out.append(("a megabyte", P.HUGE_TEXT))
        out += [(f"wrong type {v!r}", v) for v in WRONG_TYPES_FOR_TEXT]
        out.append(("lone surrogate", "broken \ud800 text"))
        if w == "period":
            out += [(f"period {v!r}", v) for v in
                    ("2026-Q5", "2026-13", "26-Q1", "Q1 2026", "2026-Q1; DROP TABLE pulse")]
    elif w == "tags":
        out += [("unclosed list", '["unclosed'), ("a dict", '{"a": 1}'),
                ("control in an item", ["ok", "a\x00b"]), ("wrong type", 5)]
    elif w == "date":
        out += [(f"date {v!r}", v) for v in BAD_DATES]
        if meta.name in model.past_dates:
            out.append(("tomorrow", TOMORROW.isoformat()))
        if meta.required:
            out += [("empty", ""), ("None", None)]
    elif w in ("choice", "yes_partly_no"):
        out += [(f"choice {v!r}", v) for v in BAD_CHOICES]
        if meta.required:
            out += [("empty", ""), ("None", None)]
    elif w == "multi_choice":
        out += [("unknown in a list", ["team", "nobody"]) if "team" in meta.choices
                else ("unknown in a list", ["charity", "nobody"]),
                ("unknown in text", "martians, aliens"), ("broken list", "[broken"),
                ("a number", 5), ("a dict", {"team": 1})]
    elif w in ("score", "integer", "number"):
        values: list[Any] = ["ten", "12abc", float("nan"), float("inf"), float("-inf"),
                             True, [1], {"a": 1}]
        if w in ("score", "integer"):
            values.append(2.5)
        if meta.minimum is not None:
            values.append(meta.minimum - 1)
        if meta.maximum is not None:
            values += [meta.maximum + 1, 10**30]
        if meta.required:
            values += [None, ""]
        out += [(f"number {v!r}", v) for v in values]
    elif w == "flag":
        out += [(f"flag {v!r}", v) for v in ("maybe", 2, [True], {"a": 1}, "2")]
    elif w == "counts":
        out += [("negative", {"charity": -1}), ("too many", {"charity": 10_001}),
                ("unknown part", {"martians": 2}), ("not a number", {"charity": "lots"}),
                ("broken", "[broken"), ("a list", ["charity"]), ("a fraction", {"charity": 1.5})]
    elif w == "link":
        out += [(f"link {v!r}", v) for v in ("abc", [1], 1.5, True, {"id": 1})]
        if meta.required:
            out += [("None", None), ("empty", "")]
    elif w == "links":
        out += [(f"links {v!r}", v) for v in (["abc"], "1, x", [1.5], {"a": 1}, "[broken",
                                              [True])]
    return out


#: Checks across fields (field, changes, words in the message).
CROSS_FIELD: dict[str, list[tuple[str, dict[str, Any], str]]] = {
    "experiment": [("end_on", {"start_on": "2026-03-01", "end_on": "2026-02-01"},
                    "before the start")],
    "learning": [("recorded_on", {"event_on": "2026-02-10", "recorded_on": "2026-02-01"},
                  "before it happened")],
    "support": [("met_on", {"requested_on": "2026-01-20", "met_on": "2026-01-01"},
                 "before it was asked")],
    "voice": [
        ("consent_withdrawn_on", {"consent_withdrawn_on": "2026-02-02"}, "not marked"),
        ("storyteller_name", {"consent_naming": "full"}, "no name is given"),
        ("pseudonym", {"consent_naming": "pseudonym"}, "none is given"),
    ],
    "contribution": [
        ("turns", {"turns": None, "minutes": None}, "give the times"),
        ("longest_turn_minutes", {"minutes": 5, "longest_turn_minutes": 9}, "longer than"),
    ],
}


def all_bad_cases() -> list[tuple[str, str, str, Any]]:
    cases = []
    for kind, model in RECORD_KINDS.items():
        for meta in model.fields_meta():
            for what, value in bad_values(model, meta):
                cases.append((kind, meta.name, what, value))
    return cases


ALL_BAD = all_bad_cases()


def test_the_bad_value_table_covers_every_field():
    """Every field of every kind has bad values in the table (figures for the doc)."""
    covered = {(k, f) for k, f, _w, _v in ALL_BAD}
    every = {(k, m.name) for k, model in RECORD_KINDS.items() for m in model.fields_meta()}
    assert covered == every
    assert len(ALL_BAD) > 1500  # docs/reliability.md quotes the exact count


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_every_bad_value_of_every_field_is_refused_naming_the_field(kind):
    model = model_for(kind)
    labels = {m.name: m.label for m in model.fields_meta()}
    failures = []
    for _kind, name, what, value in [c for c in ALL_BAD if c[0] == kind]:
        data = {**P.good_record(kind, {}), name: value}
        try:
            model.validate_input(data)
        except RecordError as exc:
            message = exc.problems.get(name, "")
            if labels[name] not in message:
                failures.append(f"{name} <- {what}: {exc.problems}")
            elif "Traceback" in message or len(message) > 400:
                failures.append(f"{name} <- {what}: message not plain: {message[:200]}")
        except Exception as exc:  # noqa: BLE001 - any other exception is a failure
            failures.append(f"{name} <- {what}: {type(exc).__name__}: {exc}")
        else:
            failures.append(f"{name} <- {what}: accepted")
    for name, changes, words in CROSS_FIELD.get(kind, []):
        with pytest.raises(RecordError) as err:
            model.validate_input({**P.good_record(kind, {}), **changes})
        assert words in err.value.problems.get(name, ""), (name, err.value.problems)
        assert labels[name] in err.value.problems[name]
    with pytest.raises(RecordError) as err:
        model.validate_input({**P.good_record(kind, {}), "no_such_field": "x"})
    assert "no_such_field" in err.value.problems
    assert not failures, "\n".join(failures)


def test_blank_and_control_texts_are_refused_and_invisible_text_counts_as_empty():
    model = model_for("glossary_term")
    for text in P.BLANK_TEXTS:
        with pytest.raises(RecordError) as err:
            model.validate_input({"term": text, "plain_meaning": "m"})
        assert "Word or phrase is empty" in err.value.problems["term"], repr(text)
    for text in P.CONTROL_TEXTS:
        with pytest.raises(RecordError) as err:
            model.validate_input({"term": f"ok {text}", "plain_meaning": "m"})
        assert "control character" in err.value.problems["term"], repr(text)


# ---------------------------------------------------------------------------
# Valid text of every kind is stored exactly
# ---------------------------------------------------------------------------


def _text_fields(kind: str) -> list[Any]:
    return [m for m in model_for(kind).fields_meta()
            if m.widget in ("text", "long_text", "tags")]


@pytest.fixture
def linked(wb):
    """The test workbook, with one record of every kind others link to."""
    return wb, P.add_link_targets(wb, PLACE)


def _count_rows(wb, table: str) -> int:
    return wb.read(lambda c: c.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar())


@pytest.mark.slow
def test_every_valid_text_in_every_text_field_is_stored_exactly(linked, db_path):
    """Scripts, RTL, emoji, SQL, HTML and formula text: saved and read back unchanged."""
    wb, _ids = linked
    tried = 0
    for kind in RECORD_KINDS:
        fields = _text_fields(kind)
        if not fields:
            continue
        # Links must point at records of the same place: each kind gets its own place.
        place = f"text-{kind.replace('_', '-')}"
        local = P.add_link_targets(wb, place) if any(
            m.link for m in model_for(kind).fields_meta()) else {}
        expected: list[dict[str, Any]] = []
        items = []
        for meta in fields:
            for _name, text in P.VALID_TEXTS:
                value = P.fit(text, meta.max_length)
                tagged = meta.widget == "tags"
                items.append((kind, {**P.good_record(kind, local),
                                     meta.name: [value] if tagged else value}))
                want = P.expected_stored(value)
                expected.append({meta.name: [want] if tagged else want})
        new_ids = wb.add_many(items, place=place)
        df = wb.table(kind, place).set_index("id")
        for rid, want in zip(new_ids, expected, strict=True):
            for name, value in want.items():
                got = df.loc[rid, name]
                assert got == value, (kind, name, value, got)
                tried += 1
    assert tried > 5000
    # The SQL payloads did nothing but be stored: every table, the schema version and the
    # file's integrity are as they were, and no database was attached or created.
    con = sqlite3.connect(db_path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    schema = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    con.close()
    assert set(RECORD_KINDS) | {"meta", "record_ids"} <= names
    assert schema == (str(SCHEMA_VERSION),)
    assert wb.integrity_check() == []
    assert not Path("/tmp/hls-pwned.db").exists()


# ---------------------------------------------------------------------------
# Forms: every field, typed badly, keeps what was typed and saves nothing
# ---------------------------------------------------------------------------


def typed_bad_values(model: type, meta: Any) -> list[tuple[str, Any]]:
    """What a person can actually type or pick into this field's control that is wrong."""
    w = meta.widget
    out: list[tuple[str, Any]] = []
    if w in ("text", "long_text", "period", "tags"):
        if meta.required:
            out += [(f"blank {v!r}", v) for v in P.BLANK_TEXTS]
        out += [(f"control {v!r}", f"typed {v}") for v in P.CONTROL_TEXTS]
        if meta.max_length:
            out.append(("one over the limit", "y" * (meta.max_length + 1)))
        if w != "tags":
            out.append(("a megabyte", P.HUGE_TEXT))
        if w == "period":
            out += [(f"period {v!r}", v) for v in ("2026-Q5", "Q1 2026", "next year")]
        if w == "tags":
            out.append(("unclosed list", '["unclosed'))
    elif w in ("number", "integer"):
        values = ["ten", "12abc", "1e999", "nan", "-inf", "½"]
        if w == "integer":
            values.append("2.5")
        if meta.minimum is not None:
            values.append(str(meta.minimum - 1))
        if meta.maximum is not None:
            values.append(str(meta.maximum + 1))
        if meta.required:
            values += ["", "   "]
        out += [(f"typed {v!r}", v) for v in values]
    elif w == "date":
        if meta.name in model.past_dates:
            out.append(("tomorrow", TOMORROW))
        if meta.required:
            out.append(("left empty", None))
    elif w in ("choice", "yes_partly_no") and meta.required:
        out.append(("left unchosen", None))
    elif w == "counts":
        out += [("negative", -1), ("too many", 10_001)]
    elif w == "link":
        out.append(("a record that is not there", 99_999))
        if meta.required:
            out.append(("left unchosen", None))
    elif w == "links":
        out.append(("a record that is not there", [99_999]))
    return out


CROSS_FIELD_FORM: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "experiment": [("end_on", {"start_on": dt.date(2026, 3, 1), "end_on": dt.date(2026, 2, 1)})],
    "learning": [("recorded_on", {"event_on": dt.date(2026, 2, 10),
                                  "recorded_on": dt.date(2026, 2, 1)})],
    "support": [("met_on", {"requested_on": dt.date(2026, 1, 20), "met_on": dt.date(2026, 1, 1)})],
    "voice": [("storyteller_name", {"consent_naming": "full", "storyteller_name": ""})],
    "contribution": [("longest_turn_minutes", {"minutes": "5", "longest_turn_minutes": "9"})],
}


def _type_into(control: forms.Control, value: Any) -> None:
    """Set a control as a person would: text boxes get text, counts a number per part."""
    w = control.meta.widget
    if w in ("text", "long_text", "period", "tags", "number", "integer", "date"):
        control.input.value = value
    elif w == "counts":
        for box in control.inputs.values():
            box.value = 0
        control.inputs["charity"].value = value
    else:
        control.set(value)


def _fill(form: forms.RecordForm, data: dict[str, Any]) -> None:
    form.set_values({k: v for k, v in data.items()})
    for name, control in form.controls.items():
        if control.meta.widget == "score" and name in data:
            control.touched = True


def _snapshot(wb, kind: str) -> tuple[int, int, Any]:
    history = wb.table(kind, history=True, archived=True)
    return _count_rows(wb, kind), _count_rows(wb, "record_ids"), history


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_every_form_field_typed_badly_keeps_the_text_and_saves_nothing(linked, kind):
    wb, ids = linked
    model = model_for(kind)
    form = forms.RecordForm(wb, kind, place=PLACE, role="charity", with_list=False)
    good = P.good_record(kind, ids)
    failures: list[str] = []
    tried = 0
    try:
        # Something saved before: it must still be there, unchanged, afterwards.
        if kind != "place":
            _fill(form, good)
            assert form.submit() is not None, form.status_text
        before = _snapshot(wb, kind)
        cases = [(m.name, what, value) for m in model.fields_meta()
                 for what, value in typed_bad_values(model, m)]
        cases += [(name, "across fields", changes)
                  for name, changes in CROSS_FIELD_FORM.get(kind, [])]
        for name, what, value in cases:
            form.new()
            _fill(form, good)
            if what == "across fields":
                for field_name, v in value.items():
                    _type_into(form.controls[field_name], v)
            else:
                _type_into(form.controls[name], value)
            typed = form.collect()
            shown_before = {n: _widget_value(c) for n, c in form.controls.items()}
            rid = form.submit()
            tried += 1
            label = form.fields[name].meta.label
            if rid is not None:
                failures.append(f"{name} <- {what}: saved as #{rid}")
                continue
            if name not in form.problems:
                failures.append(f"{name} <- {what}: problems {form.problems}")
            elif label not in form.problems[name]:
                failures.append(f"{name} <- {what}: message does not name the field: "
                                f"{form.problems[name]}")
            if not form.fields[name].text:
                failures.append(f"{name} <- {what}: no message beside the field")
            if "still here" not in form.status_text:
                failures.append(f"{name} <- {what}: status {form.status_text!r}")
            if {n: _widget_value(c) for n, c in form.controls.items()} != shown_before:
                failures.append(f"{name} <- {what}: the form lost what was typed")
            if form.collect()[0] != typed[0]:
                failures.append(f"{name} <- {what}: the answers changed")
        after = _snapshot(wb, kind)
        assert after[:2] == before[:2], "a failed submit wrote rows"
        assert after[2].equals(before[2]), "a record saved before changed"
        # With the fix made, the same form saves.
        form.new()
        _fill(form, good)
        assert form.submit() is not None, form.status_text
    finally:
        form.close()
    assert tried >= 1
    assert not failures, "\n".join(failures)


def _widget_value(control: forms.Control) -> Any:
    if hasattr(control, "inputs"):
        return {k: b.value for k, b in control.inputs.items()}
    if hasattr(control, "boxes"):
        return {k: b.value for k, b in control.boxes.items()}
    return control.input.value


def test_choices_outside_the_list_cannot_even_be_picked(wb):
    form = forms.RecordForm(wb, "partner", place=PLACE, with_list=False)
    try:
        with pytest.raises(TraitError):
            form.controls["part"].input.value = "martians"
        with pytest.raises(TraitError):
            form.controls["part"].input.value = "<script>alert(1)</script>"
    finally:
        form.close()
    pulse = forms.RecordForm(wb, "pulse", place=PLACE, with_list=False)
    try:
        slider = pulse.controls["score"].input
        slider.value = 11
        assert slider.value == 10  # the slider holds scores to 0-10
        slider.value = -5
        assert slider.value == 0
    finally:
        pulse.close()


@pytest.mark.parametrize("category", ["script", "html", "sql", "formula"])
def test_valid_payload_text_typed_into_a_form_is_saved_exactly(wb, category):
    form = forms.RecordForm(wb, "reflection", place=PLACE, with_list=False)
    texts = [t for name, t in P.VALID_TEXTS if name.startswith(category)]
    try:
        for text in texts:
            form.new()
            form.controls["reflected_on"].input.value = dt.date(2026, 2, 1)
            form.controls["description"].input.value = text
            form.controls["feelings"].input.value = text
            rid = form.submit()
            assert rid is not None, (text, form.status_text)
            row = wb.get("reflection", rid)
            assert row["description"] == P.expected_stored(text)
            assert row["feelings"] == P.expected_stored(text)
    finally:
        form.close()


# ---------------------------------------------------------------------------
# The store refuses links to records that are not there, naming the field
# ---------------------------------------------------------------------------


def test_links_to_missing_records_are_refused_naming_the_field(linked):
    wb, ids = linked
    before = _count_rows(wb, "record_ids")
    for kind in RECORD_KINDS:
        for meta in model_for(kind).fields_meta():
            if not meta.link:
                continue
            value = 99_999 if meta.widget == "link" else [ids[meta.link], 99_999]
            with pytest.raises(RecordError) as err:
                wb.add(kind, P.one_link_of_each_pair(
                    kind, {**P.good_record(kind, ids), meta.name: value}, keep=meta.name),
                    place=PLACE)
            assert meta.label in err.value.problems[meta.name]
            assert "99999" in err.value.problems[meta.name]
    assert _count_rows(wb, "record_ids") == before
    with pytest.raises(RecordError) as err:
        wb.add("review", P.good_record("review", ids), place="elsewhere")
    assert "Experiment" in err.value.problems["experiment"]


# ---------------------------------------------------------------------------
# Property-based: any value in any field is either valid or refused naming the field
# ---------------------------------------------------------------------------

ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.dates().map(lambda d: d.isoformat()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6,
)
FIELDS = [(k, m.name) for k, model in RECORD_KINDS.items() for m in model.fields_meta()]


@given(field=st.sampled_from(FIELDS), value=ANY_VALUE)
@settings(max_examples=600, deadline=None)
def test_any_value_in_any_field_is_valid_or_refused_naming_that_field(field, value):
    kind, name = field
    model = model_for(kind)
    names = set(model.model_fields)
    labels = [m.label for m in model.fields_meta()]
    try:
        record = model.validate_input({**P.good_record(kind, {}), name: value})
    except RecordError as exc:
        assert exc.problems and set(exc.problems) <= names, exc.problems
        for message in exc.problems.values():
            assert any(label in message for label in labels), message
    else:
        stored = getattr(record, name)
        if isinstance(value, bool):
            assert isinstance(stored, bool), (name, value, stored)  # yes/no is not a number
        if isinstance(stored, float):
            assert math.isfinite(stored)


@given(text=st.text(max_size=300))
@settings(max_examples=400, deadline=None)
def test_any_text_is_stored_exactly_or_refused_with_the_field_named(text):
    model = model_for("learning")
    data = {**P.good_record("learning", {}), "observation": text}
    try:
        record = model.validate_input(data)
    except RecordError as exc:
        assert "observation" in exc.problems
        assert "What we noticed" in exc.problems["observation"]
    else:
        assert record.observation == P.expected_stored(text)
        assert record.observation.strip()


@given(texts=st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8))
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_texts_through_the_store_are_all_saved_or_none(wb, texts):
    """A batch with any refused text saves nothing; a valid batch reads back exactly."""
    items = [("value", {"value": t, "what_it_looks_like": "seen"}) for t in texts]
    before = _count_rows(wb, "record_ids")
    try:
        new = wb.add_many(items, place=PLACE)
    except RecordError:
        assert _count_rows(wb, "record_ids") == before
    else:
        df = wb.table("value", PLACE).set_index("id")
        assert [df.loc[i, "value"] for i in new] == [P.expected_stored(t) for t in texts]


# ---------------------------------------------------------------------------
# The command line: every option, every bad value, one clear line
# ---------------------------------------------------------------------------

runner = CliRunner()

DB = "{db}"
BAD_DATE_VALUES = ["2026-02-30", "31/12/2026", "yesterday", "", "   ", "2026-1-1x", "\x00",
                   "٢٠٢٦-٠١-٠١"]
BAD_PLACES = ["", "   ", "Bad Name!", "møllebrook", "x" * 64, "'; DROP TABLE place;--",
              "<script>alert(1)</script>", "north\x00ward", "北京", "שלום", "🏠"]
BAD_INTS = ["abc", "", "1.5", "１0", "1e3", "-1"]

CLI_CASES: list[tuple[str, list[str], list[str]]] = []


def _case(name: str, args: list[str], *words: str) -> None:
    CLI_CASES.append((name, args, list(words)))


for _p in BAD_PLACES:
    _case(f"init --place {_p[:12]!r}", ["init", "--db", DB, "--place", _p, "--focus", "x"],
          "place")
    _case(f"report --place {_p[:12]!r}",
          ["report", "--db", DB, "--place", _p, "--from", "2026-01-01", "--to", "2026-02-01"],
          "place")
    _case(f"export --place {_p[:12]!r}", ["export", "--db", DB, "--out", "{tmp}/o",
                                          "--place", _p], "place")
for _text, _words in [("   ", "empty"), ("a\x07b", "control character"),
                      ("z" * 10_001, "too long"), ("\u200b", "empty")]:
    _case(f"init --focus {_text[:8]!r}", ["init", "--db", DB, "--place", "ok-place", "--focus",
                                          _text], "shared focus", _words)
_case("init --name too long", ["init", "--db", DB, "--place", "ok-place", "--name", "n" * 201,
                               "--focus", "x"], "Place name", "too long")
_case("init --name control", ["init", "--db", DB, "--place", "ok-place", "--name", "a\x1b[2J",
                              "--focus", "x"], "Place name", "control character")
for _d in BAD_DATE_VALUES:
    _case(f"report --from {_d!r}", ["report", "--db", DB, "--place", PLACE, "--from", _d,
                                    "--to", "2026-02-01"], "--from")
    _case(f"report --to {_d!r}", ["report", "--db", DB, "--place", PLACE, "--from",
                                  "2026-01-01", "--to", _d], "--to")
    _case(f"batch --from {_d!r}", ["batch", "--db", DB, "--from", _d, "--to", "2026-02-01"],
          "--from")
_case("report end before start", ["report", "--db", DB, "--place", PLACE, "--from",
                                  "2026-03-01", "--to", "2026-02-01"], "before it starts")
for _a in ["everyone", "", "tea m", "<b>public</b>", "公众"]:  # "TEAM " is the team
    _case(f"report --audience {_a!r}", ["report", "--db", DB, "--place", PLACE, "--from",
                                        "2026-01-01", "--to", "2026-02-01", "--audience", _a],
          "not an audience")
    _case(f"batch --audience {_a!r}", ["batch", "--db", DB, "--from", "2026-01-01", "--to",
                                       "2026-02-01", "--audience", _a], "not an audience")
for _t in ["0", "101", "-5"]:
    _case(f"report --threshold {_t}", ["report", "--db", DB, "--place", PLACE, "--from",
                                       "2026-01-01", "--to", "2026-02-01", "--threshold", _t],
          "threshold")
for _i in BAD_INTS:
    _case(f"report --threshold {_i!r}", ["report", "--db", DB, "--place", PLACE, "--from",
                                         "2026-01-01", "--to", "2026-02-01", "--threshold",
                                         _i], "threshold")
    _case(f"demo --places {_i!r}", ["demo", "--db", "{tmp}/demo.db", "--places", _i],
          "--places")
    _case(f"demo --scale {_i!r}", ["demo", "--db", "{tmp}/demo.db", "--scale", _i], "--scale")
    _case(f"batch --workers {_i!r}", ["batch", "--db", DB, "--from", "2026-01-01", "--to",
                                      "2026-02-01", "--workers", _i], "--workers")
for _n in ["0", "201", "99999999999999999999"]:
    _case(f"demo --places {_n}", ["demo", "--db", "{tmp}/demo.db", "--places", _n], "--places")
_case("report unknown place", ["report", "--db", DB, "--place", "nowhere", "--from",
                               "2026-01-01", "--to", "2026-02-01"], "no place called 'nowhere'")
_case("report missing --from", ["report", "--db", DB, "--place", PLACE, "--to", "2026-02-01"],
      "--from")
for _f in ["pdf", "", "CSV; rm -rf /", "<xlsx>"]:
    _case(f"export --format {_f!r}", ["export", "--db", DB, "--out", "{tmp}/o", "--format", _f],
          "format")
for _k in ["spells", "", "learning; DROP", "<voice>"]:
    _case(f"import --kind {_k!r}", ["import", "{tmp}/in.csv", "--db", DB, "--place", PLACE,
                                    "--kind", _k], "kind")
_case("import missing file", ["import", "{tmp}/nothing.csv", "--db", DB], "no file")
_case("import --place bad", ["import", "{tmp}/in.csv", "--db", DB, "--place", "Bad Place"],
      "place")
for _db in ["{tmp}", "/no/such/folder/x.db", "{tmp}/corrupt.db", "nosuchdriver://x",
            "\x00", "{tmp}/notes.txt"]:
    _case(f"validate --db {_db[:20]!r}", ["validate", "--db", _db], "")
for _name in ["", "../../etc/passwd", "a b", "x" * 90, "<script>", "名前", "a\x00b"]:
    _case(f"new-notebook {_name[:10]!r}", ["new-notebook", _name, "--folder", "{tmp}/nb"],
          "notebook name")
_case("dictionary --out unwritable", ["dictionary", "--out", "/proc/no/such/dictionary.md"],
      "/proc/no")


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    db = tmp / "team.db"
    with open_workbook(db, create=True) as book:
        book.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
    (tmp / "corrupt.db").write_bytes(b"not a database " * 300)
    (tmp / "notes.txt").write_text("hello")
    (tmp / "in.csv").write_text("emotional_load,role,checked_in_on\n3,charity,2026-01-01\n")
    return tmp, db


def test_the_cli_table_is_large():
    assert len(CLI_CASES) >= 120


@pytest.mark.parametrize(("name", "args", "words"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_every_bad_cli_option_gives_one_clear_line(cli_home, name, args, words):
    tmp, db = cli_home
    before = db.read_bytes()
    args = [a.replace("{db}", str(db)).replace("{tmp}", str(tmp)) for a in args]
    result = runner.invoke(app, args, env={"HLS_WORKBOOK_DB": str(tmp / "env.db"),
                                           "COLUMNS": "200"})
    out, err = result.output, result.stderr
    assert result.exit_code not in (0, None), out
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in out
    assert "something unexpected" not in out, out
    for word in words:
        assert word.lower() in out.lower(), out
    if err.startswith("Error: "):  # our own errors: exactly one line
        assert len(err.strip().splitlines()) == 1, err
    else:  # the command line parser's own: names the option
        assert "Invalid value" in out or "Missing" in out or "No such" in out, out
    assert db.read_bytes() == before  # nothing saved before was touched


@pytest.mark.parametrize("text", [t for _n, t in P.VALID_TEXTS if len(t) <= 200],
                         ids=[n for n, t in P.VALID_TEXTS if len(t) <= 200])
def test_valid_unicode_and_payload_cli_text_is_stored_exactly(tmp_path, text):
    db = tmp_path / "w.db"
    result = runner.invoke(app, ["init", "--db", str(db), "--place", "ok-place", "--name",
                                 text, "--focus", text])
    assert result.exit_code == 0, result.output
    with open_workbook(db) as book:
        row = book.place_info("ok-place")
    assert row["name"] == P.expected_stored(text)
    assert row["shared_focus"] == P.expected_stored(text)
