"""Every widget kind is a FieldKind (hls_workbook.domain.kinds), and each one carries a value the
whole way: typed text parsed by the model, saved by the store, read back in a table with the
kind's dtype, and shown as short text."""

from __future__ import annotations

import pytest

from hls_workbook.domain.kinds import KINDS, Column, Contains, Equals, FieldKind, OneOf, kind_of
from hls_workbook.domain.model import RECORD_KINDS, WIDGETS

from .samples import GOOD


def test_every_kind_a_field_uses_is_a_field_kind():
    used = {meta.widget for model in RECORD_KINDS.values() for meta in model.fields_meta()}
    assert used - set(KINDS) == set()
    assert set(KINDS) == WIDGETS
    for name, kind in KINDS.items():
        assert isinstance(kind, FieldKind) and kind.name == name
    for model in RECORD_KINDS.values():
        for meta in model.fields_meta():
            assert meta.field_kind is kind_of(meta) is KINDS[meta.widget]
            assert meta.type_name == meta.field_kind.type_name


def _labels(kind: str, name: str) -> dict[str, str]:
    return RECORD_KINDS[kind].field_meta(name).choices or {}


# For each widget kind: a field of that kind, the text a person types (or a file holds),
# and how the saved value is shown. "{id}" is the id of a record the field links to.
SAMPLES = {
    "text": ("partner", "contact_name", "  Sam Jones ", "Sam Jones"),
    "long_text": ("voice", "story", " A longer story, told slowly. ",
                  "A longer story, told slowly."),
    "date": ("voice", "collected_on", "2026-02-01", "2026-02-01"),
    "choice": ("partner", "part", "charity", _labels("partner", "part")["charity"]),
    "multi_choice": ("voice", "consent_audiences", "team, partners",
                     ", ".join(_labels("voice", "consent_audiences")[v]
                               for v in ("team", "partners"))),
    "score": ("pulse", "score", " 7 ", "7"),
    "yes_partly_no": ("burden", "used_in_decisions", "partly", "Partly"),
    "number": ("burden", "hours_each", "2.5", "2.5"),
    "integer": ("experiment", "evidence_level", "2", "2"),
    "flag": ("voice", "in_confidence", "yes", "yes"),
    "counts": ("meeting", "attendance", '{"charity": 3, "commissioner": 0, "other": 2}',
               f"{_labels('meeting', 'attendance')['charity']} 3, "
               f"{_labels('meeting', 'attendance')['other']} 2"),
    "link": ("review", "experiment", "{id}", "#{id}"),
    "links": ("learning", "voices", "{id}", "#{id}"),
    "tags": ("glossary_term", "words_to_avoid", " outcome ,  deliverable", "outcome, deliverable"),
    "period": ("pulse", "period", "2026-Q3", "2026-Q3"),
}
#: the kind of record a link field's sample points at
LINKED = {"review.experiment": "experiment", "learning.voices": "voice"}


def test_there_is_a_sample_for_every_kind():
    assert set(SAMPLES) == set(KINDS)
    for widget, (kind, name, *_rest) in SAMPLES.items():
        assert RECORD_KINDS[kind].field_meta(name).widget == widget


@pytest.mark.parametrize("widget", sorted(KINDS))
def test_a_value_goes_from_typed_text_to_the_store_and_back_to_short_text(wb, widget):
    kind, name, typed, shown = SAMPLES[widget]
    model = RECORD_KINDS[kind]
    meta = model.field_meta(name)
    target = LINKED.get(f"{kind}.{name}")
    if target:
        linked = wb.add(target, GOOD[target], place="testville")
        typed, shown = typed.format(id=linked), shown.format(id=linked)
    data = dict(GOOD[kind], **{name: typed})
    record = model.validate_input(data)  # parse: the kind's forgiving reading, then pydantic
    wb.add(kind, record, place="testville")
    table = wb.table(kind, place="testville")
    assert len(table) == 1
    if meta.field_kind.frame_dtype is not None:
        assert str(table[name].dtype) == meta.field_kind.frame_dtype
    value = table[name].iloc[0]
    assert meta.field_kind.display(value, meta.choices) == shown


def test_search_matches_are_said_without_sql():
    choices = {"charity": "Charity", "community_group": "Community group"}
    assert KINDS["choice"].matches("char", choices) == [OneOf(("charity",))]
    assert KINDS["choice"].matches("zzz", choices) == []
    assert KINDS["multi_choice"].matches("comm", choices) == [
        Contains('"community_group"', autoescape=False)]
    assert KINDS["counts"].matches("3", choices) == [Contains("3")]
    assert KINDS["link"].matches("12", None) == [Contains("12", prefix="#")]
    assert KINDS["links"].matches("#", None) == []
    assert KINDS["flag"].matches("n", None) == [Equals(False)]
    assert KINDS["date"].matches("2026", None) == [Contains("2026")]
    for typed in ("text", "long_text", "tags", "period"):
        assert KINDS[typed].matches("bus", None) is None


def test_free_text_and_columns():
    assert {k for k, kind in KINDS.items() if kind.free_text} == {"text", "long_text", "tags"}
    assert {k for k, kind in KINDS.items() if kind.column is Column.JSON} == {
        "multi_choice", "counts", "links", "tags"}
