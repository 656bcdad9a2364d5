"""Values in practice (issue 18): experiments and learning link the agreed values they put
into practice; the analysis counts them per value; an older database's typed value names
become links when it is opened."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from hls_workbook import open_workbook
from hls_workbook.analysis import values_in_practice
from hls_workbook.store.workbook import SCHEMA_VERSION

PLACE = "testville"
DAY = dt.date(2026, 3, 2)


def _value(wb, name, parts=("charity",)):
    return wb.add("value", {"value": name, "what_it_looks_like": f"We {name.lower()}",
                            "agreed_by": list(parts), "agreed_on": DAY}, place=PLACE)


def _learning(wb, title, values=(), shown=None):
    return wb.add("learning", {"title": title, "kind_of_learning": "breakthrough",
                               "observation": "What we noticed", "event_on": DAY,
                               "recorded_on": DAY, "values": list(values),
                               "value_shown": shown}, place=PLACE)


def test_each_value_counts_the_experiments_and_learning_that_put_it_into_practice(wb):
    kind = _value(wb, "Be kind", ("charity", "public_service"))
    honest = _value(wb, "Be honest")
    unused = _value(wb, "Trust first")
    wb.add("experiment", {"title": "Kind calls", "intended_results": "People feel heard",
                          "safe_to_fail_bounds": "Two weeks", "proposed_by": "charity",
                          "values": [kind, honest], "status": "running", "start_on": DAY},
           place=PLACE)
    _learning(wb, "Calls helped", [kind])
    _learning(wb, "Said it straight", [honest, honest])  # the same value twice counts once
    got = values_in_practice(wb.table("value", PLACE), wb.table("experiment", PLACE),
                             wb.table("learning", PLACE))
    assert list(got["name"]) == ["Be kind", "Be honest", "Trust first"]
    assert list(got["value"]) == [kind, honest, unused]
    assert list(got["experiments"]) == [1, 1, 0]
    assert list(got["learning"]) == [1, 1, 0]
    assert list(got["in_practice"]) == [True, True, False]
    assert got["signed_up"].iloc[0] == ["Charity", "Public service"]


def test_no_values_gives_an_empty_table():
    got = values_in_practice(None, None, None)
    assert got.empty and list(got.columns) == ["value", "name", "signed_up", "experiments",
                                               "learning", "in_practice"]


def test_a_link_must_point_at_an_agreed_value(wb):
    with pytest.raises(Exception, match="(?i)value"):
        _learning(wb, "Points nowhere", [9999])


@pytest.mark.sqlite_only
def test_an_older_workbook_turns_typed_value_names_into_links(tmp_path):
    db = tmp_path / "older.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        kind = _value(wb, "Be kind")
        typed = _learning(wb, "Typed the value", shown="  be KIND ")
        other = _learning(wb, "Typed something else", shown="Be brave")
    # Make it a schema 5 workbook: no values column, its typed names kept.
    with sqlite3.connect(db) as conn:
        for table in ("learning", "experiment"):
            conn.execute(f'ALTER TABLE "{table}" DROP COLUMN "values"')
        conn.execute("UPDATE meta SET value='5' WHERE key='schema_version'")
    with open_workbook(db) as wb:
        assert wb.schema_version() == SCHEMA_VERSION >= 6
        rows = wb.table("learning", PLACE).set_index("id")
        assert list(rows.loc[typed, "values"]) == [kind]
        assert list(rows.loc[other, "values"]) == []
        assert rows.loc[typed, "value_shown"].strip() == "be KIND"  # the text stays
        wb.edit("learning", other, {"title": "Still editable"})
