"""Drafts: what is typed into a form survives a closed tab or a dead kernel.

A form keeps what is typed as a draft in the workbook a moment after each change
(``forms.drafts.DRAFT_DELAY``), offers it back when it opens again, and forgets it once it is
submitted. Drafts are the team's: a story's drafts go with its withdrawal, and no draft
reaches an export or a report.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import time

import ipywidgets as W
import pytest
import sqlalchemy as sa

from hls_workbook import open_workbook, templating
from hls_workbook.store.workbook import SCHEMA_VERSION
from hls_workbook.ui import forms
from hls_workbook.ui.forms import drafts

from .conftest import ROOT
from .privacy_helpers import file_text
from .samples import GOOD

#: On SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.both_databases
PLACE = "testville"
SECRET = "My neighbour Delphine Okafor brings soup on Thursdays."


@pytest.fixture
def at_once(monkeypatch):
    """Keep a draft at every change (outside a kernel there is no timer to wait for)."""
    monkeypatch.setattr(drafts, "DRAFT_DELAY", 0.0)


def _story_form(wb, role: str | None = "charity") -> forms.RecordForm:
    return forms.RecordForm(wb, "voice", place=PLACE, role=role)


def _type(form: forms.RecordForm, story: str = SECRET) -> None:
    form.controls["story"].input.value = story
    form.controls["domain_of_change"].input.value = "neighbours"
    form.controls["consent_audiences"].boxes["team"].value = True


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------


def test_a_draft_is_kept_per_place_kind_record_and_role(wb):
    assert wb.draft(PLACE, "voice", None, "charity") is None
    assert wb.save_draft(PLACE, "voice", None, "charity", {"story": "first"})
    assert wb.save_draft(PLACE, "voice", None, "charity", {"story": "second"})  # replaces
    assert wb.save_draft(PLACE, "voice", None, "commissioner", {"story": "theirs"})
    assert wb.save_draft(PLACE, "learning", "new", "charity", {"title": "a title"})
    kept = wb.draft(PLACE, "voices", "new", "charity")  # a kind's plural, "new" or None
    assert kept is not None and kept.answers == {"story": "second"}
    assert abs(kept.saved_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
        minutes=1)
    assert wb.draft(PLACE, "voice", None, "commissioner").answers == {"story": "theirs"}
    assert wb.draft(PLACE, "voice", None, None) is None
    assert wb.draft(PLACE, "voice", 7, "charity") is None
    wb.drop_draft(PLACE, "voice", None, "charity")
    assert wb.draft(PLACE, "voice", None, "charity") is None
    assert wb.draft(PLACE, "voice", None, "commissioner") is not None
    wb.drop_draft(PLACE, "voice", None, "charity")  # nothing left to drop: no problem


def test_a_form_may_keep_more_than_one_draft_each_in_its_slot(wb):
    assert wb.save_draft(PLACE, "voice", None, "charity", {"story": "first"}) == 1
    assert wb.save_draft(PLACE, "voice", None, "charity", {"story": "typed meanwhile"},
                         slot=None) == 2  # the lowest slot holding no draft
    assert wb.save_draft(PLACE, "voice", None, "charity", {"story": "first, more"}) == 1
    assert [d.answers["story"] for d in wb.drafts(PLACE, "voice", None, "charity")] == [
        "first, more", "typed meanwhile"]  # the most recent first
    assert wb.draft(PLACE, "voice", None, "charity").slot == 1  # the most recent
    assert wb.draft(PLACE, "voice", None, "charity", slot=2).answers["story"] == (
        "typed meanwhile")
    assert wb.drafts(PLACE, "voice", None, "commissioner") == []
    wb.drop_draft(PLACE, "voice", None, "charity", slot=1)
    assert [d.slot for d in wb.drafts(PLACE, "voice", None, "charity")] == [2]
    assert wb.save_draft(PLACE, "voice", None, "charity", {"story": "third"}, slot=None) == 1
    wb.drop_draft(PLACE, "voice", None, "charity")  # no slot: every draft of the form
    assert wb.drafts(PLACE, "voice", None, "charity") == []


def test_several_drafts_of_a_form_are_dropped_at_once_and_no_others(wb):
    for story in ("one", "two", "three", "four"):
        wb.save_draft(PLACE, "voice", None, "charity", {"story": story}, slot=None)
    wb.save_draft(PLACE, "voice", None, "commissioner", {"story": "theirs"}, slot=None)
    wb.drop_draft(PLACE, "voice", None, "charity", [1, 3])
    assert {d.slot: d.answers["story"] for d in wb.drafts(PLACE, "voice", None, "charity")
            } == {2: "two", 4: "four"}
    wb.drop_draft(PLACE, "voice", None, "charity", [])  # none named: none dropped
    assert len(wb.drafts(PLACE, "voice", None, "charity")) == 2
    assert wb.draft(PLACE, "voice", None, "commissioner").answers == {"story": "theirs"}


def test_withdrawal_erases_a_storys_drafts_and_refuses_new_ones(wb):
    rid = wb.add("voice", GOOD["voice"], place=PLACE)
    other = wb.add("voice", GOOD["voice"], place=PLACE)
    for role in ("charity", "commissioner", None):
        assert wb.save_draft(PLACE, "voice", rid, role, {"story": SECRET})
    assert wb.save_draft(PLACE, "voice", rid, "charity", {"story": "more"}, slot=None) == 2
    wb.save_draft(PLACE, "voice", other, "charity", {"story": "kept"})
    wb.withdraw_consent(rid)
    for role in ("charity", "commissioner", None):
        assert wb.drafts(PLACE, "voice", rid, role) == []  # every slot
    assert wb.draft(PLACE, "voice", other, "charity") is not None
    assert not wb.save_draft(PLACE, "voice", rid, "charity", {"story": SECRET})
    assert wb.draft(PLACE, "voice", rid, "charity") is None
    rows = wb.read(lambda c: c.exec_driver_sql("SELECT answers FROM draft").all())
    assert SECRET not in " ".join(str(r[0]) for r in rows)


def test_withdrawing_through_the_form_erases_the_drafts_too(wb, at_once):
    rid = wb.add("voice", GOOD["voice"], place=PLACE)
    typing = _story_form(wb)
    assert typing.load(rid)
    typing.controls["story"].input.value = SECRET  # a colleague, typing: a draft is kept
    assert wb.draft(PLACE, "voice", rid, "charity") is not None
    withdrawing = _story_form(wb, role="commissioner")
    assert withdrawing.load(rid)
    withdrawing.controls["consent_withdrawn"].input.value = True
    assert withdrawing.submit() == rid, withdrawing.status_text
    assert wb.draft(PLACE, "voice", rid, "charity") is None
    typing.controls["why_it_matters"].input.value = "more words"  # still typing: not kept
    assert wb.draft(PLACE, "voice", rid, "charity") is None
    typing.close()
    withdrawing.close()


def test_drafts_never_reach_an_export_or_a_report(wb, tmp_path):
    from hls_workbook import privacy
    from hls_workbook.io.exchange import export
    from hls_workbook.reporting.shared_export import export_for

    wb.add("voice", GOOD["voice"], place=PLACE)
    wb.save_draft(PLACE, "voice", None, "charity", {"story": SECRET})
    wb.save_draft(PLACE, "learning", None, "charity", {"title": SECRET})
    assert "draft" not in wb.tables(PLACE)
    for fmt in ("csv", "json", "xlsx"):
        text = " ".join(file_text(p) for p in export(wb, tmp_path / fmt, fmt=fmt))
        assert "Okafor" not in text and "draft" not in text.lower(), fmt
    for audience in ("partners", "public"):
        paths = export_for(wb.location, PLACE, audience, tmp_path / audience, fmt="json")
        paths = paths if isinstance(paths, list) else [paths]
        assert "Okafor" not in " ".join(file_text(p) for p in paths), audience
    frames = privacy.open_tables(wb.location, PLACE, None, None, "team")
    assert "draft" not in frames
    assert "Okafor" not in " ".join(df.to_csv() for df in frames.values())


def test_on_postgresql_a_withdrawn_storys_drafts_leave_the_tables_files(pg_server, pg_url):
    token = "Larkspur-Hollowmere"
    with open_workbook(pg_url, create=True) as book:
        book.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        rid = book.add("voice", GOOD["voice"], place=PLACE)
        book.save_draft(PLACE, "voice", rid, "charity", {"story": f"{token} said more."})
        book.save_draft(PLACE, "voice", rid, "charity", {"story": f"{token} said it again."})
        book.save_draft(PLACE, "voice", None, "charity", {"story": "Kept-Draft-Words"})
        files = pg_server.relation_files(pg_url, "draft")
        assert any(token.encode() in f.read_bytes() for f in files)  # seen before
        book.withdraw_consent(rid)
        files = pg_server.relation_files(pg_url, "draft")
        assert not any(token.encode() in f.read_bytes() for f in files)
        assert any(b"Kept-Draft-Words" in f.read_bytes() for f in files)


@pytest.mark.sqlite_only
def test_an_older_workbook_gains_the_draft_table(db_path):
    with open_workbook(db_path, create=True) as book:
        book.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
    con = sqlite3.connect(db_path)
    con.execute("DROP TABLE draft")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with open_workbook(db_path) as book:
        assert book.schema_version() == SCHEMA_VERSION >= 4
        assert book.save_draft(PLACE, "partner", None, None, {"organisation": "Open Door"})
        assert book.places() == [PLACE]


def _schema_6_drafts(book) -> None:
    """Make ``book`` a schema 6 workbook: its draft table keyed without a slot, one draft."""
    old = sa.Table(
        "draft", sa.MetaData(),
        sa.Column("place", sa.String(63), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("record", sa.String(20), primary_key=True),
        sa.Column("role", sa.String(60), primary_key=True),
        sa.Column("saved_at", sa.DateTime, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
    )

    def run(conn) -> None:
        conn.exec_driver_sql("DROP TABLE draft")
        old.create(conn)
        conn.execute(sa.insert(old).values(
            place=PLACE, kind="voice", record="new", role="charity",
            saved_at=dt.datetime(2026, 3, 2, 14, 5), answers={"story": SECRET}))
        conn.exec_driver_sql("UPDATE meta SET value = '6' WHERE key = 'schema_version'")

    book.write(run)


def test_a_workbook_made_before_draft_slots_keeps_its_drafts(wb):
    """A schema 6 workbook (one draft per form) opens with its drafts in slot 1, and
    keeps a second one beside it; on PostgreSQL the table is changed in place, so what
    a writer was granted on it stays (docs/deploy.md)."""
    _schema_6_drafts(wb)
    writer = f"draft_writer_{os.getpid()}"
    if not wb.is_sqlite:
        wb.write(lambda c: c.exec_driver_sql(
            f"CREATE ROLE {writer} NOLOGIN; GRANT DELETE ON draft TO {writer}"))
    location = wb.location
    wb.close()
    with open_workbook(location) as book:
        assert book.schema_version() == SCHEMA_VERSION >= 7
        kept = book.drafts(PLACE, "voice", None, "charity")
        assert [(d.slot, d.answers) for d in kept] == [(1, {"story": SECRET})]
        assert kept[0].saved_at == dt.datetime(2026, 3, 2, 14, 5)
        assert book.save_draft(PLACE, "voice", None, "charity", {"story": "more"},
                               slot=None) == 2
        key = book.read(lambda c: sa.inspect(c).get_pk_constraint("draft"))
        assert key["constrained_columns"] == ["place", "kind", "record", "role", "slot"]
        if not book.is_sqlite:
            may = book.read(lambda c: c.exec_driver_sql(
                f"SELECT has_table_privilege('{writer}', 'draft', 'DELETE')").scalar())
            book.write(lambda c: c.exec_driver_sql(
                f"REVOKE ALL ON draft FROM {writer}; DROP ROLE {writer}"))
            assert may
        else:
            names = book.read(lambda c: c.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'").scalars().all())
            assert "draft_before_slots" not in names
    with open_workbook(location) as book:  # opened again: nothing more to do
        assert len(book.drafts(PLACE, "voice", None, "charity")) == 2


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------


def test_typing_keeps_a_draft_that_is_offered_back_and_restored(wb, at_once):
    form = _story_form(wb)
    assert form.offered == [] and form.offer_box is None  # nothing to offer: no widgets
    _type(form)
    kept = wb.draft(PLACE, "voice", None, "charity")
    assert kept is not None and kept.answers["story"] == SECRET
    assert kept.answers["consent_audiences"] == ["team"]
    form.close()  # the tab is closed, the kernel gone: what was typed is in the workbook

    again = _story_form(wb)
    assert again.offered != []
    assert again.offer_box is not None and again.offer_box.layout.display != "none"
    when = forms.when_kept(kept.saved_at)
    assert f"You have a draft from {when}" in again.offer_text.value
    assert again.restore_button.description == "Restore the draft"
    assert again.controls["story"].input.value == ""  # not restored until asked
    again.restore_button.click()
    assert again.controls["story"].input.value == SECRET
    assert again.controls["domain_of_change"].input.value == "neighbours"
    assert again.controls["consent_audiences"].boxes["team"].value
    assert again.offer_box.layout.display == "none"
    assert "is back in the form" in again.status_text
    # Submitted: the draft is gone, and the next form offers nothing.
    again.controls["storyteller_role"].input.value = "volunteer"
    again.controls["collected_on"].input.value = dt.date.today()
    assert again.submit() is not None, again.status_text
    assert wb.draft(PLACE, "voice", None, "charity") is None
    again.close()
    third = _story_form(wb)
    assert third.offered == []
    third.close()


def test_a_draft_can_be_discarded(wb, at_once):
    form = _story_form(wb)
    _type(form)
    form.close()
    again = _story_form(wb)
    again.discard_button.click()
    assert wb.draft(PLACE, "voice", None, "charity") is None
    assert again.offered == [] and again.offer_box.layout.display == "none"
    assert again.controls["story"].input.value == ""
    again.close()


def test_each_part_of_the_system_has_its_own_draft(wb, at_once):
    form = _story_form(wb, role="charity")
    _type(form)
    other = _story_form(wb, role="commissioner")
    assert other.offered == []
    other.close()
    form.close()


def test_changes_to_a_saved_record_are_a_draft_of_their_own(wb, at_once):
    rid = wb.add("voice", GOOD["voice"], place=PLACE)
    form = _story_form(wb)
    form.controls["story"].input.value = "A new story, half typed"
    assert form.load(rid)  # the half-typed new story is kept as its own draft first
    assert form.offered == []
    form.controls["why_it_matters"].input.value = "It changed how I see the council"
    assert wb.draft(PLACE, "voice", rid, "charity").answers["_version"] == 1
    form.close()

    again = _story_form(wb)
    assert again.offered != []  # the new story's draft
    assert "a new story" in again.offer_text.value
    again.restore_draft()
    assert again.controls["story"].input.value == "A new story, half typed"
    wb.edit("voice", rid, {"domain_of_change": "the council"})  # a colleague's change
    assert again.load(rid)
    assert again.offered != [] and "changes to this story" in again.offer_text.value
    again.restore_draft()
    assert again.controls["why_it_matters"].input.value == "It changed how I see the council"
    assert "now at version 2" in again.status_text
    assert again.submit() == rid, again.status_text
    assert wb.draft(PLACE, "voice", rid, "charity") is None
    assert wb.get("voice", rid)["why_it_matters"] == "It changed how I see the council"
    # Back to a new story: its draft (not submitted) is offered again.
    assert again.offered != [] and "a new story" in again.offer_text.value
    again.close()


def test_starting_again_discards_the_draft_and_a_form_as_opened_keeps_none(wb, at_once):
    form = _story_form(wb)
    form.controls["story"].input.value = "typed"
    assert wb.draft(PLACE, "voice", None, "charity") is not None
    form.controls["story"].input.value = ""  # typed back to empty: nothing to keep
    assert wb.draft(PLACE, "voice", None, "charity") is None
    form.controls["story"].input.value = "typed again"
    form.new_button.click()  # "New": start again, on purpose
    assert wb.draft(PLACE, "voice", None, "charity") is None
    assert form.controls["story"].input.value == ""
    form.close()


def _stories(wb, role: str = "charity") -> list[str]:
    """The stories of the drafts kept for a new story, the most recent first."""
    return [d.answers.get("story") for d in wb.drafts(PLACE, "voice", None, role)]


def _offered_and_typed(wb) -> forms.RecordForm:
    """A draft kept earlier (SECRET), a form offering it back, and other words typed into
    that form before choosing Restore or Discard."""
    form = _story_form(wb)
    _type(form)
    form.close()
    again = _story_form(wb)
    assert [d.answers["story"] for d in again.offered] == [SECRET]
    again.controls["story"].input.value = "Something else"  # typed without choosing
    again.controls["domain_of_change"].input.value = "food"
    return again


def test_typing_while_a_draft_is_offered_is_kept_beside_it(wb, at_once):
    again = _offered_and_typed(wb)
    assert _stories(wb) == ["Something else", SECRET]  # both kept: neither overwritten
    assert [d.answers["story"] for d in again.offered] == [SECRET]  # still offered
    again.close()

    third = _story_form(wb)  # the tab closed: both are offered, the most recent first
    assert [d.answers["story"] for d in third.offered] == ["Something else", SECRET]
    text = third.offer_text.value
    assert "You have two unsent drafts of a new story, the most recent first" in text
    boxes = third.offer_box.children[1:]
    assert [b.layout.display != "none" for b in boxes] == [True, True]
    for box, draft in zip(boxes, third.offered, strict=True):
        label = box.children[0].value
        assert f"From <b>{forms.when_kept(draft.saved_at)}</b>" in label
        assert templating.escape(draft.answers["story"]) in label  # told apart by their words
    # Restore the older one: the other stays kept, and offered.
    boxes[1].children[1].children[0].click()
    assert third.controls["story"].input.value == SECRET
    assert [d.answers["story"] for d in third.offered] == ["Something else"]
    assert "You have a draft from" in third.offer_text.value
    assert "Your other draft (from" in third.status_text
    third.controls["why_it_matters"].input.value = "More about the soup"  # typing goes on
    assert _stories(wb) == [SECRET, "Something else"]  # in the restored draft's slot
    _finish_story(third)  # submitted: its draft goes, the other is offered again
    assert _stories(wb) == ["Something else"]
    assert [d.answers["story"] for d in third.offered] == ["Something else"]
    third.discard_button.click()  # discarded: nothing is left
    assert _stories(wb) == [] and third.offered == []
    assert third.offer_box.layout.display == "none"
    third.close()


def test_submitting_what_was_typed_keeps_the_draft_offered(wb, at_once):
    """Typed over an offer and submitted without choosing: what was submitted leaves no
    draft; the older one, never submitted, is still kept and offered."""
    again = _offered_and_typed(wb)
    again.controls["consent_audiences"].boxes["team"].value = True
    _finish_story(again)
    assert _stories(wb) == [SECRET]
    assert [d.answers["story"] for d in again.offered] == [SECRET]  # offered after the save
    again.close()


def test_restoring_keeps_what_was_typed_meanwhile_as_a_draft(wb, monkeypatch):
    """Restore pressed less than the draft delay after the last key: the words typed are
    kept first, and offered in place of the draft restored."""
    monkeypatch.setattr(drafts, "DRAFT_DELAY", 3600.0)
    form = _story_form(wb)
    _type(form)
    form.close()
    again = _story_form(wb)
    again.controls["story"].input.value = "Typed"  # kept at once: the first change
    again.controls["story"].input.value = "Typed, and more"  # waits for the delay
    again.restore_draft()
    assert again.controls["story"].input.value == SECRET
    assert [d.answers["story"] for d in again.offered] == ["Typed, and more"]
    assert _stories(wb) == ["Typed, and more", SECRET]
    again.discard_draft(again.offered[0])
    assert _stories(wb) == [SECRET] and again.offered == []
    again.start_again()  # the New button: the restored draft goes, as typing does
    assert _stories(wb) == []
    again.close()


def _ignored_again_and_again(wb, times: int) -> None:
    """Someone opens the story form ``times`` times, each time types other words without
    choosing Restore or Discard, and closes the tab: one more draft each time."""
    for n in range(1, times + 1):
        form = _story_form(wb)
        assert len(form.offered) == n - 1
        form.controls["story"].input.value = f"Words {n}"
        form.close()


def _offer_words(form: forms.RecordForm) -> str:
    """Every word the offer puts on the page (the HTML of its widgets shown)."""
    def shown(widget) -> list[str]:
        if widget.layout.display == "none":
            return []
        own = [widget.value] if isinstance(widget, W.HTML) else []
        return own + [t for child in getattr(widget, "children", ()) for t in shown(child)]
    return " ".join(shown(form.offer_box))


def _row_buttons(form: forms.RecordForm, draft_story: str):
    """The Restore and Discard buttons of the draft shown with these words."""
    for box, label, restore, discard in form._offer_rows:
        if box.layout.display != "none" and f"“{draft_story}”" in label.value:
            return restore, discard
    raise AssertionError(f"no draft shown with {draft_story!r}")


def test_ignoring_the_offer_again_and_again_loses_nothing_and_the_offer_stays_short(
        wb, at_once):
    """Every draft is kept however many pile up; the offer shows the most recent three in
    full and the others as one line, shown and discarded only when the person asks."""
    assert drafts.SHOWN_DRAFTS == 3
    _ignored_again_and_again(wb, 6)
    assert _stories(wb) == [f"Words {n}" for n in range(6, 0, -1)]  # nothing lost
    form = _story_form(wb)
    assert [d.answers["story"] for d in form.offered] == _stories(wb)
    words = _offer_words(form)
    assert "You have 6 unsent drafts of a new story, the most recent first" in words
    assert all(f"“Words {n}”" in words for n in (6, 5, 4))
    assert not any(f"Words {n}" in words for n in (3, 2, 1))  # folded away
    assert "You also have 3 older drafts." in words and "kept until you discard them" in words
    assert len(form._offer_rows) == 3  # the older ones' rows are made only when asked for
    older_box, _, toggle, discard_older = form._older
    assert toggle.description == "Show the 3 older drafts"
    assert discard_older.layout.display == "none"  # not before they are seen

    toggle.click()
    words = _offer_words(form)
    assert all(f"“Words {n}”" in words for n in range(1, 7))
    rows = [r[0] for r in form._offer_rows]
    assert form.offer_box.children == (form.offer_text, *rows[:3], older_box, *rows[3:])
    assert toggle.description == "Hide the 3 older drafts"
    assert discard_older.description == "Discard the 3 older drafts"
    assert discard_older.layout.display != "none"

    restore, _ = _row_buttons(form, "Words 2")  # an older one, restored
    restore.click()
    assert form.controls["story"].input.value == "Words 2"
    assert "Your 5 other drafts are still kept" in form.status_text
    assert [d.answers["story"] for d in form.offered] == [
        "Words 6", "Words 5", "Words 4", "Words 3", "Words 1"]
    assert discard_older.description == "Discard the 2 older drafts"
    discard_older.click()  # the two older ones go; the recent three and the form's own stay
    assert sorted(_stories(wb)) == ["Words 2", "Words 4", "Words 5", "Words 6"]
    assert [d.answers["story"] for d in form.offered] == ["Words 6", "Words 5", "Words 4"]
    assert older_box.layout.display == "none" and not form.older_shown
    assert "older" not in _offer_words(form) and "Words 1" not in _offer_words(form)
    form.close()


def test_the_limit_of_drafts_shown_at_its_edges(wb, at_once):
    """Three drafts: all shown, no line of older ones. A fourth: one older draft, said so;
    discarding a recent one brings it up, and the line goes."""
    for n in (1, 2, 3):
        wb.save_draft(PLACE, "voice", None, "charity", {"story": f"Words {n}"}, slot=None)
    form = _story_form(wb)
    assert len(form.offered) == 3 and form._older is None
    assert all(f"“Words {n}”" in _offer_words(form) for n in (1, 2, 3))
    form.close()

    wb.save_draft(PLACE, "voice", None, "charity", {"story": "Words 4"}, slot=None)
    form = _story_form(wb)
    words = _offer_words(form)
    assert "You also have 1 older draft." in words and "kept until you discard it" in words
    assert "Words 1" not in words
    older_box, _, toggle, discard_older = form._older
    assert toggle.description == "Show the older draft"
    form.show_older_drafts()
    assert discard_older.description == "Discard the older draft"
    assert "“Words 1”" in _offer_words(form)
    form.show_older_drafts(False)  # folded again
    assert "Words 1" not in _offer_words(form)
    _, discard = _row_buttons(form, "Words 3")
    discard.click()  # a recent one discarded: the older one moves up, in full
    assert _stories(wb) == ["Words 4", "Words 2", "Words 1"]
    assert "“Words 1”" in _offer_words(form) and "older" not in _offer_words(form)
    assert older_box.layout.display == "none"
    form.discard_older_drafts()  # none beyond the three: nothing goes
    assert len(_stories(wb)) == 3
    form.close()


def test_withdrawal_erases_both_drafts_of_a_storys_form(wb, at_once):
    rid = wb.add("voice", GOOD["voice"], place=PLACE)
    form = _story_form(wb)
    assert form.load(rid)
    form.controls["story"].input.value = SECRET
    form.close()
    again = _story_form(wb)
    assert again.load(rid) and len(again.offered) == 1
    again.controls["why_it_matters"].input.value = "Typed while it was offered"
    assert len(wb.drafts(PLACE, "voice", rid, "charity")) == 2
    wb.withdraw_consent(rid)
    assert wb.drafts(PLACE, "voice", rid, "charity") == []
    again.close()


def test_a_new_part_takes_what_is_typed_and_leaves_the_draft_offered(wb, at_once):
    """The part of the system is chosen again while a draft is offered and other words
    are typed: the words typed move to the new part; the draft offered stays the old
    part's, offered to it again."""
    again = _offered_and_typed(wb)
    again.set_role("commissioner")
    assert _stories(wb, "commissioner") == ["Something else"]
    assert _stories(wb) == [SECRET]
    assert again.offered == []  # the commissioner has no other draft
    again.close()
    back = _story_form(wb)
    assert [d.answers["story"] for d in back.offered] == [SECRET]
    back.close()


def test_a_kernel_shutting_down_keeps_what_is_typed_over_an_offer(wb, monkeypatch):
    monkeypatch.setattr(drafts, "DRAFT_DELAY", 3600.0)
    form = _story_form(wb)
    _type(form)
    form._draft_flush()
    form.controls["why_it_matters"].input.value = "not yet kept"  # waits for the delay
    again = _story_form(wb)
    assert len(again.offered) == 1
    again.controls["story"].input.value = "The first words"  # kept: the first change
    again.controls["story"].input.value = "Typed over the offer"  # waits for the delay
    forms.flush_drafts()  # what atexit does
    by_slot = {d.slot: d.answers for d in wb.drafts(PLACE, "voice", None, "charity")}
    assert by_slot[1]["story"] == SECRET  # the draft offered, with its last words
    assert by_slot[1]["why_it_matters"] == "not yet kept"
    assert by_slot[2]["story"] == "Typed over the offer"
    form.close()
    again.close()


def test_drafts_are_saved_at_most_once_per_delay(wb, monkeypatch):
    saves = []
    real = wb.save_draft
    monkeypatch.setattr(wb, "save_draft", lambda *a, **k: saves.append(a) or real(*a, **k))
    form = _story_form(wb)
    for n in range(20):
        form.controls["story"].input.value = "x" * (n + 1)
    assert len(saves) == 1  # the first change; the rest wait for the delay
    form.close()  # closing keeps what is typed
    assert len(saves) == 2
    assert wb.draft(PLACE, "voice", None, "charity").answers["story"] == "x" * 20


def test_anonymous_answers_are_never_kept_as_drafts(wb, at_once):
    for kind in ("checkin", "pulse", "pulse_round"):
        form = forms.RecordForm(wb, kind, place=PLACE, role="charity")
        assert not form.keeps_drafts
        form.controls["role"].input.value = "commissioner"
        form.close()
        assert wb.draft(PLACE, kind, None, "charity") is None
    assert forms.RecordForm(wb, "partner", place=PLACE).keeps_drafts


def test_a_draft_that_cannot_be_kept_never_stops_the_form(wb, at_once, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(wb, "save_draft", broken)
    monkeypatch.setattr(wb, "draft", broken)
    form = _story_form(wb)
    _type(form)
    form.controls["storyteller_role"].input.value = "volunteer"
    form.controls["collected_on"].input.value = dt.date.today()
    assert form.submit() is not None, form.status_text
    assert form.status_text.startswith("Saved story #")
    form.close()


def _finish_story(form: forms.RecordForm) -> int:
    form.controls["storyteller_role"].input.value = "volunteer"
    form.controls["collected_on"].input.value = dt.date.today()
    rid = form.submit()
    assert rid is not None, form.status_text
    return rid


def test_what_is_typed_moves_with_a_new_part_of_the_system(wb, at_once):
    """Someone chooses another part of the system halfway through typing: the draft is
    kept for the new part at once, none is left under the old one (to be offered to
    someone else), and submitting leaves no draft at all."""
    form = _story_form(wb, role="charity")
    _type(form)
    assert wb.draft(PLACE, "voice", None, "charity") is not None
    form.set_role("community_group")
    assert wb.draft(PLACE, "voice", None, "charity") is None
    moved = wb.draft(PLACE, "voice", None, "community_group")
    assert moved is not None and moved.answers["story"] == SECRET
    assert form.controls["story"].input.value == SECRET  # still in the form
    form.controls["why_it_matters"].input.value = "more words"  # typing goes on
    assert wb.draft(PLACE, "voice", None, "community_group").answers["why_it_matters"] == (
        "more words")
    assert wb.get("voice", _finish_story(form))["recorded_by"] == "community_group"
    for role in ("charity", "community_group"):
        assert wb.draft(PLACE, "voice", None, role) is None
    form.close()


def test_typing_not_yet_kept_is_kept_for_the_new_part_at_once(wb, monkeypatch):
    """The part is changed before the draft delay has passed since the last key: what
    was typed last is kept then, for the new part."""
    monkeypatch.setattr(drafts, "DRAFT_DELAY", 3600.0)
    form = _story_form(wb)
    form.controls["story"].input.value = "The first words"  # kept: the first change
    form.controls["story"].input.value = SECRET  # waits for the delay
    form.set_role("commissioner")
    assert wb.draft(PLACE, "voice", None, "commissioner").answers["story"] == SECRET
    assert wb.draft(PLACE, "voice", None, "charity") is None
    form.close()


def test_a_form_nobody_typed_in_offers_the_new_parts_draft(wb, at_once):
    wb.save_draft(PLACE, "voice", None, "commissioner", {"story": SECRET})
    form = _story_form(wb, role="charity")
    assert form.offered == []
    form.set_role("commissioner")
    assert form.offered != [] and "You have a draft from" in form.offer_text.value
    form.set_role("charity")
    assert form.offered == [] and form.offer_box.layout.display == "none"
    assert wb.draft(PLACE, "voice", None, "commissioner") is not None  # looked at, kept
    form.close()


# ---------------------------------------------------------------------------
# A real kernel, killed while someone types
# ---------------------------------------------------------------------------


def _kernel():
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(ROOT), env={**os.environ, "HLS_WORKBOOK_HEADLESS": ""})
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    return km, kc


def _run(kc, source: str) -> str:
    texts: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            texts.append(msg["content"]["text"])

    reply = kc.execute_interactive(source, timeout=120, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(texts).strip()


def _type_in_browser(kc, model_id: str, value: str) -> None:
    """What a browser sends when someone types into a widget: a comm message."""
    kc.shell_channel.send(kc.session.msg("comm_msg", {
        "comm_id": model_id,
        "data": {"method": "update", "state": {"value": value}, "buffer_paths": []},
    }))


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_killed_kernel_loses_nothing_typed(wb):
    """Killed while typing, and again while typing over the draft it offered back: both
    drafts are offered by the next kernel."""
    build = (f"from hls_workbook import open_workbook\nfrom hls_workbook.ui import forms\n"
             f"wb = open_workbook({wb.location!r})\n"
             "f = forms.RecordForm(wb, 'voice', place='testville', role='charity')\n")
    km, kc = _kernel()
    try:
        ids = _run(kc, build + "print(f.controls['story'].input.model_id, "
                   "f.controls['consent_audiences'].boxes['partners'].model_id)").split()
        typed = ""
        for word in SECRET.split():  # typed word by word, as the browser sends it
            typed = f"{typed} {word}".strip()
            _type_in_browser(kc, ids[0], typed)
        kc.shell_channel.send(kc.session.msg("comm_msg", {
            "comm_id": ids[1],
            "data": {"method": "update", "state": {"value": True}, "buffer_paths": []},
        }))
        deadline = time.monotonic() + 30
        while (kept := wb.draft(PLACE, "voice", None, "charity")) is None or (
                kept.answers["story"] != SECRET):
            assert time.monotonic() < deadline, "no draft was kept while typing"
            time.sleep(0.2)
        assert kept.answers["consent_audiences"] == ["partners"]
        os.kill(km.provisioner.process.pid, signal.SIGKILL)  # no clean-up, no atexit
        km.provisioner.process.wait(timeout=30)
    finally:
        kc.stop_channels()
        km.cleanup_resources()

    # Opened again: the draft is offered, and other words are typed before choosing.
    km, kc = _kernel()
    try:
        shown = _run(kc, build + "print(len(f.offered) == 1, "
                     "'You have a draft from' in f.offer_text.value, "
                     "f.controls['story'].input.model_id)").split()
        assert shown[:2] == ["True", "True"]
        _type_in_browser(kc, shown[2], "Typed while the draft was offered")
        deadline = time.monotonic() + 30
        while len(kept := wb.drafts(PLACE, "voice", None, "charity")) < 2:
            assert time.monotonic() < deadline, "what was typed over the offer was not kept"
            time.sleep(0.2)
        assert [d.answers["story"] for d in kept] == ["Typed while the draft was offered",
                                                      SECRET]
        os.kill(km.provisioner.process.pid, signal.SIGKILL)
        km.provisioner.process.wait(timeout=30)
    finally:
        kc.stop_channels()
        km.cleanup_resources()

    km, kc = _kernel()
    try:
        offered = _run(kc, build + "print(len(f.offered) == 2, "
                       "'You have two unsent drafts' in f.offer_text.value)")
        assert offered == "True True"
        restored = _run(kc, "f.restore_draft(f.offered[1])\n"
                        "print(f.controls['story'].input.value)\n"
                        "print(f.controls['consent_audiences'].boxes['partners'].value)\n"
                        "print(f.offered[0].answers['story'])")
        assert restored.splitlines() == [SECRET, "True", "Typed while the draft was offered"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
