"""Lists that show what others save: two people, each in their own kernel, on one workbook.

Each kernel has its own Workbook object on the same database, so a save in one never
reaches the other's forms directly (forms.tell_saved is per kernel). The other's list
catches up by polling the store's change stamps (forms.Watching); here the poll is
driven by hand with ``check_for_changes()``, then once on a real event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import weakref

import pytest

from hls_workbook import open_workbook
from hls_workbook.domain.errors import DatabaseError
from hls_workbook.ui import forms
from hls_workbook.ui.forms import live

PLACE = "testville"


@pytest.fixture
def second(wb):
    """A second Workbook on the same database: another person's kernel."""
    other = open_workbook(wb.location)
    yield other
    other.close()


def _partner(form: forms.RecordForm, name: str) -> int:
    form.controls["organisation"].input.value = name
    form.controls["part"].input.value = "charity"
    rid = form.submit()
    assert rid is not None, form.status_text
    return rid


def _experiment(wb, title: str) -> int:
    return wb.add("experiment", {"title": title, "intended_results": "People meet",
                                 "safe_to_fail_bounds": "Two evenings",
                                 "proposed_by": "charity"}, place=PLACE)


@pytest.mark.both_databases
def test_the_other_list_shows_a_save_and_keeps_what_is_typed(wb, second):
    mine = forms.RecordForm(wb, "partner", place=PLACE, role="charity")
    theirs = forms.RecordForm(second, "partner", place=PLACE, role="charity")
    try:
        first = _partner(theirs, "Older group")
        assert theirs.check_for_changes() == {"partner"}  # its own save, already shown
        assert mine.check_for_changes() == {"partner"}
        mine.records.edit_choice.value = first  # chosen in "Change a record"
        # The other person types, and has not pressed Submit.
        theirs.controls["organisation"].input.value = "Half-typed name"
        rid = _partner(mine, "Millbrook Library")
        assert [r["id"] for r in theirs.records.rows()] == [first]  # not yet looked
        assert theirs.check_for_changes() == {"partner"}
        assert [r["id"] for r in theirs.records.rows()] == [rid, first]
        assert "Millbrook Library" in theirs.records.table.value
        assert theirs.controls["organisation"].input.value == "Half-typed name"
        assert theirs.dirty  # still their unsaved typing, not a fresh form
        assert mine.records.edit_choice.value == first  # their selection is kept too
        assert theirs.check_for_changes() == set()  # nothing new: nothing re-read
    finally:
        mine.close()
        theirs.close()


def test_a_record_chosen_to_change_stays_chosen_when_pushed_off_the_page(wb, second):
    for i in range(forms.SHOWN_ROWS):
        wb.add("partner", {"organisation": f"Group {i}", "part": "charity"}, place=PLACE)
    form = forms.RecordForm(second, "partner", place=PLACE)
    try:
        oldest = form.records.rows()[-1]["id"]
        form.records.edit_choice.value = oldest
        wb.add("partner", {"organisation": "Newer", "part": "charity"}, place=PLACE)
        assert form.check_for_changes() == {"partner"}
        assert oldest not in [r["id"] for r in form.records.rows()]  # off the page...
        assert form.records.edit_choice.value == oldest  # ...and still the one chosen
        assert form.records.edit_selected() and form.editing[0] == oldest
    finally:
        form.close()


def test_changing_a_record_someone_else_just_saved_is_said_at_once(wb, second):
    rid = wb.add("partner", {"organisation": "Library", "part": "charity"}, place=PLACE)
    form = forms.RecordForm(second, "partner", place=PLACE)
    try:
        assert form.load(rid)
        form.controls["organisation"].input.value = "Library friends"
        wb.edit("partner", rid, {"organisation": "Millbrook Library"})
        form.check_for_changes()
        assert "newer version of this partner (version 2)" in form.status_text
        assert form.controls["organisation"].input.value == "Library friends"
        assert form.editing == (rid, 1)
        assert form.submit() is None  # Submit refuses, as before, with the text kept
        assert form.controls["organisation"].input.value == "Library friends"
    finally:
        form.close()


def test_a_link_drop_down_gains_the_other_kernels_record(wb, second):
    old = _experiment(wb, "Open the hall early")
    form = forms.RecordForm(second, "learning", place=PLACE, role="charity")
    try:
        form.controls["title"].input.value = "The kettle matters"
        form.controls["experiment"].input.value = old
        new = _experiment(wb, "A walk on Fridays")
        assert new not in forms.option_values(form.controls["experiment"].input)
        assert form.check_for_changes() == {"experiment"}
        assert new in forms.option_values(form.controls["experiment"].input)
        assert form.controls["experiment"].input.value == old  # the choice is kept
        assert form.controls["title"].input.value == "The kettle matters"
        assert form.records.rows() == []  # learning did not change: the list is as it was
    finally:
        form.close()


def test_a_filter_and_a_closed_form(wb, second):
    form = forms.RecordForm(second, "partner", place=PLACE)
    form.records.filter.value = "library"
    wb.add("partner", {"organisation": "Riverside Library", "part": "charity"}, place=PLACE)
    wb.add("partner", {"organisation": "Walking group", "part": "charity"}, place=PLACE)
    assert form.check_for_changes() == {"partner"}
    assert [r["organisation"] for r in form.records.rows()] == ["Riverside Library"]
    assert form.records.filter.value == "library"
    form.close()
    wb.add("partner", {"organisation": "Later Library", "part": "charity"}, place=PLACE)
    assert form.check_for_changes() == set()  # closed: it looks no more
    assert not form.watched


@pytest.mark.both_databases
def test_the_stamp_moves_with_every_change_and_only_then(wb):
    def stamp(kinds=("voice",)):
        return wb.change_stamp(PLACE, kinds=kinds)

    s0, all0 = stamp(), wb.change_stamp(PLACE)
    assert stamp() == s0  # reading changes nothing
    wb.table("voice", PLACE)
    wb.listing("voice", PLACE)
    assert stamp() == s0
    vid = wb.add("voice", {"story": "I found a group near me.", "domain_of_change": "out",
                           "storyteller_role": "person_using_services",
                           "collected_on": dt.date.today(), "consent_audiences": ["team"]},
                 place=PLACE)
    s1 = stamp()
    assert s1 != s0 and wb.change_stamp(PLACE) != all0
    # A draft is not a record: typing into a form moves no stamp.
    wb.save_draft(PLACE, "voice", vid, "charity", {"story": "I found a group, and more"})
    assert stamp() == s1
    # Another kind, or another place: this stamp stays.
    _experiment(wb, "Open early")
    wb.set_place("elsewhere", {"name": "Elsewhere", "shared_focus": "x"})
    wb.add("voice", {"story": "Elsewhere too.", "domain_of_change": "out",
                     "storyteller_role": "person_using_services",
                     "collected_on": dt.date.today(), "consent_audiences": ["team"]},
           place="elsewhere")
    assert stamp() == s1
    assert stamp(("voice", "experiment")) != wb.change_stamp(PLACE, kinds=["voice"])
    seen = {s1}
    for change in (lambda: wb.edit("voice", vid, {"domain_of_change": "getting out"}),
                   lambda: wb.archive("voice", vid),
                   lambda: wb.restore("voice", vid),
                   lambda: wb.withdraw_consent(vid)):
        change()
        now = stamp()
        assert now not in seen
        seen.add(now)
    stamps = wb.change_stamps(PLACE, ["voice", "experiment"])
    assert set(stamps) == {"voice", "experiment"}
    # Every kind at once is what a batch compares (the same as before kinds existed).
    assert wb.change_stamp(PLACE) == wb.change_stamp(PLACE, kinds=None)


def test_no_polling_without_a_live_kernel(wb, monkeypatch):
    monkeypatch.setattr(live, "POLL", forms.Poll())
    form = forms.RecordForm(wb, "partner", place=PLACE)  # no event loop here
    assert live.POLL.timer is None
    form.close()

    async def headless() -> None:
        monkeypatch.setenv(forms.HEADLESS_ENV, "1")
        f = forms.RecordForm(wb, "partner", place=PLACE)
        assert live.POLL.timer is None
        f.close()

    asyncio.run(headless())


def test_the_poll_on_an_event_loop(wb, second, monkeypatch, caplog):
    """In a kernel: every POLL_SECONDS the other's save appears; a failing look is logged,
    never raised; once the form is closed the clock stops."""
    monkeypatch.delenv(forms.HEADLESS_ENV, raising=False)
    monkeypatch.setattr(live, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(live, "POLL", forms.Poll())
    # Only this test's forms are live: one left open by another test in this process would
    # be looked at too, and log its own problems.
    monkeypatch.setattr(live, "LIVE", weakref.WeakSet())

    async def run() -> None:
        form = forms.RecordForm(second, "partner", place=PLACE)
        assert live.POLL.timer is not None
        rid = wb.add("partner", {"organisation": "Seen by itself", "part": "charity"},
                     place=PLACE)
        for _ in range(100):
            await asyncio.sleep(0.02)
            if form.records.rows():
                break
        assert [r["id"] for r in form.records.rows()] == [rid]

        def broken(*_a, **_k):
            raise DatabaseError("The database is not there any more")

        monkeypatch.setattr(second, "change_stamps", broken)
        with caplog.at_level(logging.WARNING, logger=live.log.name):
            await asyncio.sleep(0.2)  # several looks fail: said once, nothing raised
        said = [r for r in caplog.records if "saved elsewhere" in r.getMessage()]
        assert len(said) == 1 and "not there any more" in said[0].getMessage()
        assert live.POLL.timer is not None  # it keeps looking
        form.close()
        await asyncio.sleep(0.15)
        assert live.POLL.timer is None  # nothing live: the clock stopped

    asyncio.run(run())


def test_a_writer_who_may_not_add_the_index_still_sees_saves(pg_url):
    """On a team server a person's role may read and write but not change the schema: a
    workbook from before ix_<kind>_saved opens for them without it, and lists still keep
    up (deploy.md: the owner adds it on an upgrade)."""
    import psycopg

    with open_workbook(pg_url, create=True) as owner:
        owner.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
    role = f"writer_{pg_url.rsplit('/', 1)[1]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP INDEX ix_partner_saved")
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}")
        conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
    try:
        writer = pg_url.replace("//hls@", f"//{role}@")
        with open_workbook(writer) as wb, open_workbook(writer) as other:
            form = forms.RecordForm(wb, "partner", place=PLACE)
            other.add("partner", {"organisation": "Library", "part": "charity"},
                      place=PLACE)
            assert form.check_for_changes() == {"partner"}
            assert [r["organisation"] for r in form.records.rows()] == ["Library"]
            form.close()
        with psycopg.connect(pg_url) as conn:
            assert not conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = "
                                    "'ix_partner_saved'").fetchall()
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")
