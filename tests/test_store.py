"""The store keeps every answer: round trips, versions, withdrawal, two writers, migrations."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import sqlite3

import pandas as pd
import pytest

from hls_workbook import open_workbook
from hls_workbook.domain.errors import DatabaseError, NewerDatabaseError, RecordError
from hls_workbook.domain.model import RECORD_KINDS, model_for
from hls_workbook.store.workbook import SCHEMA_VERSION, resolve_db

from .samples import GOOD

#: Every test here runs on SQLite and on PostgreSQL (tests/pg.py), but those about SQLite's
#: own file, pragmas or locks.
pytestmark = pytest.mark.both_databases
LINKED = {"review": ("experiment",), "share": ("learning",), "contribution": ("meeting",),
          "feedback": ("voice", "decision")}
LINK_FIELDS = {name for names in LINKED.values() for name in names}


def _add_with_links(wb, kind, place="testville"):
    data = dict(GOOD[kind])
    for link in LINKED.get(kind, ()):
        data[link] = _add_with_links(wb, link, place)
    if kind == "place":
        return wb.set_place("otherville", data, by="charity")
    return wb.add(kind, data, place=place, by="charity")


@pytest.mark.sqlite_only  # on PostgreSQL: every kind in one database, below
@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_round_trip_every_kind(wb, kind):
    _round_trip(wb, kind)


def test_round_trip_every_kind_on_postgresql(pg_workbook_url):
    with open_workbook(pg_workbook_url) as book:
        book.set_place("testville", GOOD["place"])
        for kind in sorted(RECORD_KINDS):
            _round_trip(book, kind)


def _round_trip(wb, kind):
    rid = _add_with_links(wb, kind)
    place = "otherville" if kind == "place" else "testville"
    df = wb.table(kind, place)
    row = df[df["id"] == rid].iloc[0]
    expected = model_for(kind).validate_input(GOOD[kind]).model_dump()
    for name, value in expected.items():
        got = row[name]
        if isinstance(value, dt.date):
            assert got == pd.Timestamp(value), name
        elif name in LINK_FIELDS:
            continue
        elif value is None:
            assert got is None or pd.isna(got), name
        else:
            assert got == value, name
    assert row["version"] == 1
    assert row["recorded_by"] == "charity"
    assert pd.isna(row["superseded_at"])


def test_edit_keeps_history(wb):
    rid = wb.add("learning", GOOD["learning"], place="testville")
    assert wb.edit("learning", rid, {"title": "Nobody came in the evening"}) == 2
    assert wb.edit("learning", rid, {"confidence": "high"}) == 3
    hist = wb.history("learning", rid)
    assert hist["version"].tolist() == [1, 2, 3]
    assert hist["title"].tolist() == ["Nobody came", "Nobody came in the evening",
                                      "Nobody came in the evening"]
    assert hist["superseded_at"].notna().tolist() == [True, True, False]
    current = wb.table("learning", "testville")
    assert current["title"].tolist() == ["Nobody came in the evening"]
    # What the team believed before the first edit.
    believed = wb.table("learning", "testville", as_of=hist["recorded_at"][0])
    assert believed["title"].tolist() == ["Nobody came"]


def test_bad_edit_saves_nothing(wb):
    rid = wb.add("pulse", GOOD["pulse"], place="testville")
    with pytest.raises(RecordError) as err:
        wb.edit("pulse", rid, {"score": 12})
    assert "score" in err.value.problems
    assert wb.history("pulse", rid)["version"].tolist() == [1]


def test_edit_conflict_is_caught(wb):
    rid = wb.add("value", GOOD["value"], place="testville")
    wb.edit("value", rid, {"value": "Be kinder"}, expected_version=1)
    with pytest.raises(RecordError) as err:
        wb.edit("value", rid, {"value": "Be kindest"}, expected_version=1)
    assert "someone else" in err.value.problems["version"]
    assert wb.get("value", rid)["value"] == "Be kinder"


def test_archive_hides_but_keeps(wb):
    rid = wb.add("glossary_term", GOOD["glossary_term"], place="testville")
    wb.archive("glossary_term", rid)
    assert wb.table("glossary", "testville").empty
    assert len(wb.table("glossary", "testville", archived=True)) == 1
    assert len(wb.history("glossary", rid)) == 2


def test_withdrawal_removes_the_words_from_every_version(wb):
    data = dict(GOOD["voice"], storyteller_name="Maria Lopez", consent_naming="full",
                why_it_matters="It changed my life")
    rid = wb.add("voice", data, place="testville")
    wb.edit("voice", rid, {"story": "I was alone, and now I help run the lunch club."})
    wb.withdraw_consent(rid, on=dt.date(2026, 3, 1))
    hist = wb.history("voice", rid)
    assert len(hist) == 3
    assert set(hist["story"]) == {"[withdrawn]"}
    assert hist["storyteller_name"].isna().all()
    last = hist.iloc[-1]
    assert bool(last["consent_withdrawn"]) is True
    assert last["consent_withdrawn_on"] == pd.Timestamp("2026-03-01")
    assert last["consent_audiences"] == []
    # Not even in the table's rows, read behind the workbook's back.
    raw = " ".join(wb.read(lambda c: c.exec_driver_sql("SELECT story FROM voice").scalars()
                           .all()))
    assert "lunch club" not in raw and "alone" not in raw


def test_links_are_checked(wb):
    with pytest.raises(RecordError) as err:
        wb.add("review", dict(GOOD["review"], experiment=999), place="testville")
    assert "experiment" in err.value.problems
    assert wb.table("review").empty


def test_links_do_not_cross_places(wb):
    wb.set_place("elsewhere", GOOD["place"])
    eid = wb.add("experiment", GOOD["experiment"], place="elsewhere")
    with pytest.raises(RecordError):
        wb.add("review", dict(GOOD["review"], experiment=eid), place="testville")


def test_add_many_is_all_or_nothing(wb):
    items = [("checkin", GOOD["checkin"]), ("checkin", dict(GOOD["checkin"]))]
    wb.add_many(items, place="testville")
    assert len(wb.table("checkin")) == 2
    with pytest.raises(RecordError):
        wb.add_many([("checkin", GOOD["checkin"]),
                     ("review", dict(GOOD["review"], experiment=12345))], place="testville")
    assert len(wb.table("checkin")) == 2


def test_period_filter_happens_in_the_query(wb):
    for day in ("2026-01-10", "2026-02-10", "2026-03-10"):
        mid = wb.add("meeting", dict(GOOD["meeting"], held_on=day), place="testville")
        wb.add("contribution", dict(GOOD["contribution"], meeting=mid), place="testville")
    feb = wb.table("meeting", "testville", start="2026-02-01", end="2026-02-28")
    assert feb["held_on"].dt.month.tolist() == [2]
    contrib = wb.table("contribution", "testville", start="2026-02-01", end="2026-03-31")
    assert len(contrib) == 2
    with pytest.raises(RecordError):
        wb.table("meeting", start="last tuesday")


def test_place_names_are_checked(wb):
    with pytest.raises(RecordError) as err:
        wb.add("checkin", GOOD["checkin"], place="North Ward!")
    assert "place" in err.value.problems


def test_empty_tables_have_documented_columns(wb):
    df = wb.table("voice", "nowhere")
    assert df.empty
    assert list(df.columns[:7]) == ["id", "version", "place", "recorded_at", "superseded_at",
                                    "archived", "recorded_by"]
    assert "consent_audiences" in df.columns


def test_database_location_rules(monkeypatch, tmp_path):
    monkeypatch.delenv("HLS_WORKBOOK_DB", raising=False)
    assert resolve_db().endswith("data/workbook.db")
    monkeypatch.setenv("HLS_WORKBOOK_DB", str(tmp_path / "env.db"))
    assert resolve_db() == str(tmp_path / "env.db")
    assert resolve_db(tmp_path / "given.db") == str(tmp_path / "given.db")


def test_missing_database_is_not_created_by_readers(tmp_path):
    with pytest.raises(DatabaseError) as err:
        open_workbook(tmp_path / "nope.db")
    assert "hls-workbook init" in str(err.value)
    assert not (tmp_path / "nope.db").exists()


def test_corrupt_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "bad.db"
    payload = b"this is not a database" * 100
    path.write_bytes(payload)
    with pytest.raises(DatabaseError) as err:
        open_workbook(path)
    assert "not a workbook database" in str(err.value)
    assert path.read_bytes() == payload


def test_other_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError) as err:
        open_workbook(path)
    assert "customers" in str(err.value)


@pytest.mark.sqlite_only
def test_newer_database_is_refused_and_untouched(wb, db_path):
    wb.add("checkin", GOOD["checkin"], place="testville")
    wb.close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerDatabaseError) as err:
        open_workbook(db_path)
    assert "newer HLS Workbook" in str(err.value)
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only
def test_older_database_is_migrated_on_open(wb, db_path):
    rid = wb.add("voice", GOOD["voice"], place="testville")
    wb.close()
    # Make it look like a database from before `in_confidence` existed, at schema 0.
    con = sqlite3.connect(db_path)
    con.execute("ALTER TABLE voice DROP COLUMN in_confidence")
    con.execute("DROP TABLE checkin")
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    book = open_workbook(db_path)
    assert book.schema_version() == SCHEMA_VERSION
    assert book.get("voice", rid)["story"] == GOOD["voice"]["story"]
    assert "in_confidence" in book.table("voice").columns
    book.add("checkin", GOOD["checkin"], place="testville")
    assert book.integrity_check() == []


def _writer(path: str, who: int, n: int, queue) -> None:
    book = open_workbook(path)
    ids = []
    for i in range(n):
        ids.append(book.add("checkin", {"emotional_load": (who + i) % 11, "role": "charity",
                                        "checked_in_on": "2026-02-02"}, place="testville"))
    queue.put(ids)


@pytest.mark.sqlite_only
def test_two_processes_write_at_once_without_loss(wb, db_path):
    wb.close()
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(db_path), w, 150, queue)) for w in range(2)]
    for p in procs:
        p.start()
    acknowledged = [i for _ in procs for i in queue.get(timeout=120)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    book = open_workbook(db_path)
    stored = set(book.table("checkin")["id"])
    assert len(acknowledged) == 300
    assert set(acknowledged) <= stored
    assert book.integrity_check() == []


# ---------------------------------------------------------------------------
# Listing: what a form's list reads, done in SQL
# ---------------------------------------------------------------------------


def _terms(wb, n, place="testville"):
    return [wb.add("glossary_term", {"term": f"term {i:02d}", "plain_meaning": "plain",
                                     "agreed_by": ["charity"] if i % 2 else ["commissioner"]},
                   place=place, by="community_group" if i == 3 else "charity")
            for i in range(n)]


def test_listing_is_newest_first_limited_and_counted(wb):
    ids = _terms(wb, 25)
    _terms(wb, 3, place="elsewhere")
    wb.archive("glossary_term", ids[0])
    wb.edit("glossary_term", ids[5], {"term": "term five, changed"})
    found = wb.listing("glossary_term", "testville", columns=["term"], limit=10)
    assert [r["id"] for r in found.rows] == sorted(ids[1:], reverse=True)[:10]
    assert found.total == found.matched == 24  # archived left out; other places too
    assert set(found.rows[0]) == {"id", "version", "recorded_at", "recorded_by", "term"}
    edited = wb.listing("glossary_term", "testville", ids=[ids[5]]).rows
    assert [(r["term"], r["version"]) for r in edited] == [("term five, changed", 2)]
    assert wb.listing("glossary_term", "testville", ids=[ids[0]]).rows == []  # archived
    with pytest.raises(KeyError):
        wb.listing("glossary_term", "testville", columns=["no_such_field"])


def test_listing_searches_what_a_list_shows(wb):
    ids = _terms(wb, 12)
    wb.add("glossary_term", {"term": "Théorie du changement", "plain_meaning": "a plan"},
           place="testville")
    wb.add("glossary_term", {"term": "Half off", "plain_meaning": "50% off"},
           place="testville")

    def found(words, columns=("term", "agreed_by")):
        listing = wb.listing("glossary_term", "testville", columns=list(columns),
                             search=words, limit=3)
        return listing.matched, [r["id"] for r in listing.rows]

    assert found("TERM")[0] == 12  # any case
    assert found("50%", columns=["plain_meaning"])[0] == 1
    assert found("changement THÉORIE")[0] == 1  # every word, in any order, beyond ASCII
    assert found("term changement")[0] == 0
    assert found(f"#{ids[7]}") == (1, [ids[7]])  # the record's number, as shown
    assert found("Commissioner")[0] == 6  # a choice by its label, not its stored value
    assert found("community group") == (1, [ids[3]])  # who saved it, by label
    assert found(dt.date.today().isoformat())[0] == 14  # the day it was saved
    assert found("5%f", columns=["plain_meaning"])[0] == 0  # % and _ are only characters
    assert found("_", columns=["plain_meaning"])[0] == 0
    assert found("term", columns=())[0] == 0  # only the columns listed are searched


@pytest.mark.sqlite_only
def test_listing_uses_an_index_and_an_older_file_gets_it(wb, db_path):
    _terms(wb, 3)
    con = wb.engine.raw_connection()
    try:
        plan = con.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM glossary_term WHERE place = 'testville' AND "
            "superseded_at IS NULL AND archived = 0 ORDER BY id DESC LIMIT 10").fetchall()
    finally:
        con.close()
    assert "ix_glossary_term_list" in str(plan) and "TEMP B-TREE" not in str(plan)
    wb.close()
    con = sqlite3.connect(db_path)
    con.execute("DROP INDEX ix_glossary_term_list")
    con.commit()
    con.close()
    book = open_workbook(db_path)  # made before the index existed: it is added on open
    try:
        names = {r[0] for r in sqlite3.connect(db_path).execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "ix_glossary_term_list" in names
        assert len(book.listing("glossary_term", "testville").rows) == 3
    finally:
        book.close()
