"""Check before sharing: what waits for a person's check, their decisions, the command
`hls-workbook review`, the stage notebook's section (without a browser) and the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from hls_workbook import open_workbook, privacy
from hls_workbook.cli import app
from hls_workbook.domain.errors import RecordError
from hls_workbook.privacy import review
from hls_workbook.privacy.clearance import SHARED_TEXT, fingerprint
from hls_workbook.ui import stages

PLACE = "testville"
START, END = "2026-01-01", "2026-06-30"
PHONE = "07700 900123"
OBSERVATION = f"Jo Bloggs from Open Door said people ring {PHONE} <b>twice</b>."
XSS = "<script>alert(1)</script>"

runner = CliRunner()


@pytest.fixture
def book(wb):
    """The test workbook with a partner (a contact name on record) and two pieces of
    learning: one holding a phone number and that name, one holding markup."""
    wb.add("partner", {"organisation": "Open Door", "part": "charity",
                       "contact_name": "Jo Bloggs"}, place=PLACE)
    wb.add("learning", {"kind_of_learning": "breakthrough", "title": "People ring twice",
                        "observation": OBSERVATION, "event_on": "2026-02-10"}, place=PLACE)
    wb.add("learning", {"kind_of_learning": "surprise", "title": XSS,
                        "observation": "Nothing to hide here.", "event_on": "2026-03-10"},
           place=PLACE)
    return wb


def listed(wb, audience: str = "public"):
    return review.check_list(wb, PLACE, START, END, audience)


def piece(df, kind: str, field: str, rid: int | None = None):
    rows = df[(df["kind"] == kind) & (df["field"] == field)]
    if rid is not None:
        rows = rows[rows["id"] == rid]
    assert len(rows), (kind, field, rid)
    return rows.iloc[0]


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


def test_check_list_holds_every_piece_with_its_status_and_suspected_details(book):
    df = listed(book)
    for col in ("kind", "id", "field", "label", "text", "fingerprint", "status", "shared_text",
                "checked_by", "checked_on", "clearance_id", "record", "details",
                "highlighted"):
        assert col in df, col
    assert set(df["status"]) == {"pending"}
    assert len(review.waiting(df)) == len(df)
    # The place's focus, and each learning's title and observation: only what may leave.
    found = set(zip(df["kind"], df["field"], strict=True))
    assert {("place", "shared_focus"), ("learning", "title"), ("learning", "observation")} <= found
    assert all(f in SHARED_TEXT[k] for k, f in found)
    assert "contact_name" not in set(df["field"])  # personal: it never leaves the team
    obs = piece(df, "learning", "observation")
    assert obs["label"] == "What we noticed"
    assert obs["record"].startswith("Learning #") and "People ring twice" in obs["record"]
    assert obs["fingerprint"] == fingerprint(OBSERVATION)
    kinds = {d.kind for d in obs["details"]}
    assert "phone" in kinds and "name_on_record" in kinds
    assert [d.text for d in obs["details"] if d.kind == "phone"] == [PHONE]
    # Highlighted: escaped first, each detail in <mark>, markup typed shown as text.
    html = obs["highlighted"]
    assert f'title="Looks like a phone number">{PHONE}</mark>' in html
    assert "&lt;b&gt;twice&lt;/b&gt;" in html and "<b>" not in html
    title = df[(df["kind"] == "learning") & (df["text"] == XSS)].iloc[0]
    assert "<script" not in title["highlighted"]
    assert "&lt;script&gt;" in title["highlighted"]
    assert "<script" not in title["record"] or title["record"].endswith(XSS)  # plain text


def test_pieces_are_listed_record_by_record(book):
    df = listed(book)
    learning = df[df["kind"] == "learning"]
    assert list(learning["field"])[:2] == ["title", "observation"]
    assert list(learning["id"]) == sorted(learning["id"])


def test_marked_and_details_sentence():
    details = privacy.detect.find_details(f"Call {PHONE} & ask")
    assert review.marked(f"Call {PHONE} & ask", details).endswith("</mark> &amp; ask")
    assert review.details_sentence(details) == f"It may hold a phone number ({PHONE})."
    assert review.details_sentence([]) == ""
    rich = review.marked("a [b] c", [], plain=lambda t: t.upper())
    assert rich == "A [B] C"


@pytest.mark.parametrize(("audience", "words"), [("team", "nothing to check for the team"),
                                                  ("everyone", "not an audience")])
def test_only_partners_and_public_are_checked_for(book, audience, words):
    with pytest.raises(RecordError) as err:
        listed(book, audience)
    assert words in err.value.problems["audience"]


def test_a_period_must_be_one(book):
    with pytest.raises(RecordError) as err:
        review.check_list(book, PLACE, END, START, "public")
    assert "swap them" in err.value.problems["period"]
    with pytest.raises(RecordError) as err:
        review.check_list(book, PLACE, "last spring", END, "public")
    assert "2026-03-31" in err.value.problems["period"]


def test_stories_are_listed_only_for_the_audiences_their_tellers_agreed_to(book):
    book.add("voice", {"story": "Partners may read this.", "domain_of_change": "money",
                       "storyteller_role": "volunteer", "collected_on": "2026-02-01",
                       "consent_audiences": ["team", "partners"]}, place=PLACE)
    assert "Partners may read this." in set(listed(book, "partners")["text"])
    assert "Partners may read this." not in set(listed(book, "public")["text"])


# ---------------------------------------------------------------------------
# Recording a check
# ---------------------------------------------------------------------------


def test_clearing_a_piece_saves_a_check_and_its_status_follows(book):
    obs = piece(listed(book), "learning", "observation")
    cid = review.record_check(book, PLACE, obs, decision="cleared", audience="public",
                              by="  Sam   Carter ", role="charity", on="2026-07-01")
    row = book.get("clearance", cid)
    assert (row["record_kind"], row["record_id"], row["field_name"]) == (
        "learning", int(obs["id"]), "observation")
    assert row["text_sha256"] == fingerprint(OBSERVATION)
    assert row["audience"] == "public" and row["decision"] == "cleared"
    assert row["checked_by"] == "Sam Carter" and row["recorded_by"] == "charity"
    assert row["checked_on"] == dt.date(2026, 7, 1) and row["shared_text"] is None
    again = piece(listed(book), "learning", "observation")
    assert again["status"] == "cleared" and again["checked_by"] == "Sam Carter"
    assert again["clearance_id"] == cid
    # A check for the public covers partners.
    assert piece(listed(book, "partners"), "learning", "observation")["status"] == "cleared"


def test_a_second_check_of_the_same_text_edits_the_same_record(book):
    obs = piece(listed(book), "learning", "observation")
    first = review.record_check(book, PLACE, obs, decision="cleared", audience="public",
                                by="Sam")
    second = review.record_check(book, PLACE, obs, decision="Hold it back",
                                 audience="public", by="Priya")
    assert second == first
    history = book.history("clearance", first)
    assert list(history["version"]) == [1, 2]
    assert list(history["checked_by"]) == ["Sam", "Priya"]
    assert list(history["decision"]) == ["cleared", "held"]
    assert piece(listed(book), "learning", "observation")["status"] == "held"
    # Another audience is another record.
    other = review.record_check(book, PLACE, obs, decision="cleared", audience="partners",
                                by="Priya")
    assert other != first


def test_edited_text_waits_for_a_check_again(book):
    obs = piece(listed(book), "learning", "observation")
    review.record_check(book, PLACE, obs, decision="cleared", audience="public", by="Sam")
    book.edit("learning", int(obs["id"]), {"observation": "People ring twice a week."})
    now = piece(listed(book), "learning", "observation")
    assert now["status"] == "pending" and now["checked_by"] is None
    # The old listing is refused: the text changed since it was listed.
    with pytest.raises(RecordError) as err:
        review.record_check(book, PLACE, obs, decision="cleared", audience="public", by="Sam")
    assert "changed after it was listed" in err.value.problems["text_sha256"]
    # Checking the new text is a new record: the old check stays in the history.
    cid = review.record_check(book, PLACE, now, decision="cleared", audience="public",
                              by="Sam")
    assert len(book.table("clearance", PLACE)) == 2
    assert piece(listed(book), "learning", "observation")["clearance_id"] == cid


def test_held_and_edited_pieces_and_what_a_public_report_carries(book):
    df = listed(book)
    obs = piece(df, "learning", "observation")
    title = piece(df, "learning", "title")
    review.record_check(book, PLACE, obs, decision="edited", audience="public", by="Sam",
                        shared_text="  People ring more than once.\n")
    review.record_check(book, PLACE, title, decision="held", audience="public", by="Sam")
    after = listed(book)
    edited = piece(after, "learning", "observation")
    assert edited["status"] == "edited"
    assert edited["shared_text"] == "People ring more than once."
    assert piece(after, "learning", "title", int(title["id"]))["status"] == "held"
    # The gate shares the new wording with the public, and leaves out what was held back.
    raw, names = privacy.read_tables(book, PLACE, START, END)
    public = privacy.apply(raw, "public", names=names)["learning"].set_index("id")
    assert public.loc[int(obs["id"]), "observation"] == "People ring more than once."
    shown = public.loc[int(title["id"]), "title"]
    assert shown is None or shown != shown or shown == ""
    assert OBSERVATION not in str(public.to_dict())
    # The team's own text is unchanged.
    assert book.get("learning", int(obs["id"]))["observation"] == OBSERVATION


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"by": "   "}, "checked_by", "Checked by is empty"),
    ({"decision": "edited", "shared_text": " \n "}, "shared_text", "Wording for sharing is empty"),
    ({"decision": "edited"}, "shared_text", "Wording for sharing is empty"),
    ({"decision": "maybe"}, "decision", "not one of the choices"),
    ({"audience": "team"}, "audience", "nothing to check for the team"),
])
def test_bad_input_is_refused_naming_the_field(book, kwargs, field, words):
    obs = piece(listed(book), "learning", "observation")
    args = {"decision": "cleared", "audience": "public", "by": "Sam", **kwargs}
    with pytest.raises(RecordError) as err:
        review.record_check(book, PLACE, obs, **args)
    assert words in err.value.problems[field], err.value.problems
    assert book.table("clearance", PLACE).empty


def test_new_wording_must_fit_the_question(book):
    title = piece(listed(book), "learning", "title")
    with pytest.raises(RecordError) as err:
        review.record_check(book, PLACE, title, decision="edited", audience="public",
                            by="Sam", shared_text="x" * 201)
    assert "under 200 characters" in err.value.problems["shared_text"]


def test_a_piece_that_is_gone_is_refused(book):
    df = listed(book)
    obs = piece(df, "learning", "observation")
    book.archive("learning", int(obs["id"]))
    with pytest.raises(RecordError) as err:
        review.record_check(book, PLACE, obs, decision="cleared", audience="public", by="Sam")
    assert "no longer there" in err.value.problems["record_id"]
    made_up = {"kind": "learning", "id": int(obs["id"]), "field": "implication",
               "fingerprint": "0" * 64}
    with pytest.raises(RecordError) as err:
        review.record_check(book, PLACE, made_up, decision="cleared", audience="public",
                            by="Sam")
    assert "not a piece of text a report shares" in err.value.problems["record_id"]


def test_a_story_no_longer_agreed_for_the_public_is_refused(book):
    vid = book.add("voice", {"story": "A story for everyone.", "domain_of_change": "money",
                             "storyteller_role": "volunteer", "collected_on": "2026-02-01",
                             "consent_audiences": ["team", "partners", "public"]},
                   place=PLACE)
    story = piece(listed(book), "voice", "story", vid)
    book.edit("voice", vid, {"consent_audiences": ["team"]})
    with pytest.raises(RecordError) as err:
        review.record_check(book, PLACE, story, decision="cleared", audience="public",
                            by="Sam")
    assert "record_id" in err.value.problems


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


def _review(db, *args, input=None):
    return runner.invoke(app, ["review", "--db", str(db), "--place", PLACE, "--from", START,
                               "--to", END, *args], input=input, catch_exceptions=False)


def test_review_list_marks_suspected_details_and_counts(book, db_path):
    result = _review(db_path, "--audience", "public", "--list")
    assert result.exit_code == 0, result.output
    out = result.output
    assert PHONE in out and "What we noticed" in out
    assert "It may hold" in out and f"a phone number ({PHONE})" in out
    waiting = len(listed(book))
    assert f"{waiting} of {waiting} pieces of text wait for a check" in " ".join(out.split())
    assert XSS in out  # plain text on a terminal: shown as typed, never run


def test_review_asks_piece_by_piece_and_saves_each_answer(book, db_path):
    before = len(listed(book))
    # Clear the first, reword the second (an empty line first: asked again), hold the
    # third, skip the fourth, a wrong key, then quit.
    answers = "c\ne\n\ne\nIn other words\nh\ns\nx\nq\n"
    result = _review(db_path, "--audience", "public", "--by", "Sam", input=answers)
    assert result.exit_code == 0, result.output
    assert "Please answer c, e, h, s or q." in result.output
    assert "Saved: cleared for the public, as written." in result.output
    checks = book.table("clearance", PLACE).sort_values("id")
    assert list(checks["decision"]) == ["cleared", "edited", "held"]
    assert checks["shared_text"].iloc[1] == "In other words"
    assert set(checks["checked_by"]) == {"Sam"}
    flat = " ".join(result.output.split())
    assert (f"Checked 3 pieces (1 cleared as written, 1 shared in other words, 1 held back). "
            f"{before - 3} still wait for a check.") in flat
    assert len(review.waiting(listed(book))) == before - 3


def test_review_keeps_what_was_saved_when_the_answers_stop(book, db_path):
    result = _review(db_path, "--audience", "partners", input="Priya\nc\n")
    assert result.exit_code == 0, result.output
    assert "Who is checking?" in result.output
    assert "No more answers: stopping here." in result.output
    checks = book.table("clearance", PLACE)
    assert list(checks["checked_by"]) == ["Priya"] and list(checks["audience"]) == ["partners"]


def test_review_says_when_nothing_waits(book, db_path):
    for row in listed(book).to_dict("records"):
        review.record_check(book, PLACE, row, decision="cleared", audience="public", by="Sam")
    result = _review(db_path, "--audience", "partners", "--list")
    assert result.exit_code == 0
    assert "Nothing waits for a check" in result.output


@pytest.mark.parametrize(("args", "words"), [
    (["--audience", "team"], "nothing to check for the team"),
    (["--audience", "public", "--place", "nowhere"], "no place called 'nowhere'"),
])
def test_review_errors_are_one_plain_line(book, db_path, args, words):
    result = _review(db_path, *args, "--list")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0]
    assert "Traceback" not in result.output


def test_review_with_a_bad_date_is_one_plain_line(book, db_path):
    result = runner.invoke(app, ["review", "--db", str(db_path), "--place", PLACE, "--from",
                                 "soon", "--to", END, "--audience", "public", "--list"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: ") and "2026-03-31" in result.output


# ---------------------------------------------------------------------------
# The stage notebook's section, without a browser
# ---------------------------------------------------------------------------


def test_headless_section_sums_up_the_checks(book):
    block = stages.section("check", book, place=PLACE, interactive=False)
    assert isinstance(block, stages.Block)
    assert "Waiting for a check" in block.html and "The public" in block.html
    assert "hls-error" not in block.html and XSS not in block.html
    assert "hls-workbook review" in block.html


def test_live_section_clears_and_rewords_and_shows_problems_beside_the_piece(book,
                                                                          monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    view = stages.section("check", book, place=PLACE, role="charity", interactive=True)
    try:
        assert isinstance(view, stages.CheckView)
        view.start.value, view.end.value = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
        waiting = len(view.rows)
        assert waiting == len(listed(book)) and "wait for a check" in view.status.value
        first = view.items[0]
        assert first.row is view.rows[0]
        # Every button is named by its words alone (no icon read out before them).
        assert not any(b.icon for b in (first.clear_button, first.edit_button,
                                        first.hold_button, first.save_button,
                                        view.next_button, view.prev_button))
        for name, widget in (("Who will read it", view.audience),
                             ("First day of the period", view.start),
                             ("Last day of the period", view.end),
                             ("Who is checking", view.checker)):
            assert widget.description == name  # its accessible name
        # Nobody said who is checking: the problem is beside the piece, nothing is saved.
        first.clear_button.click()
        assert "Checked by is empty" in first.message.value
        assert book.table("clearance", PLACE).empty and len(view.rows) == waiting
        view.checker.value = "Sam"
        first.clear_button.click()
        assert len(view.rows) == waiting - 1
        assert "Saved: cleared for the public, as written" in view.status.value
        # Put the next one in other words: the box opens with the text in it.
        item = view.items[0]
        text = item.row["text"]
        item.edit_button.click()
        assert item.editing and item.wording.value == text
        assert item.wording.description.startswith("Wording for sharing: ")
        item.wording.value = ""
        item.save_button.click()
        assert "Wording for sharing is empty" in item.message.value
        item.wording.value = "Said in other words."
        item.save_button.click()
        assert len(view.rows) == waiting - 2
        assert "will read your wording instead" in view.status.value
        checks = book.table("clearance", PLACE).sort_values("id")
        assert list(checks["decision"]) == ["cleared", "edited"]
        assert checks["shared_text"].iloc[1] == "Said in other words."
        assert set(checks["recorded_by"]) == {"charity"}
        assert "Held back" in view.summary.value
        # Partners: the public's checks cover them.
        view.audience.value = "partners"
        assert len(view.rows) == waiting - 2
    finally:
        view.close()


def test_live_section_keeps_words_being_typed_when_another_piece_is_checked(book,
                                                                           monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    view = stages.section("check", book, place=PLACE, interactive=True)
    try:
        view.start.value = dt.date(2026, 1, 1)
        view.checker.value = "Sam"
        second = view.items[1]
        row = second.row
        second.edit_button.click()
        second.wording.value = "Half typed"
        view.items[0].hold_button.click()
        moved = view.items[0]
        assert moved.row is row and moved.editing and moved.wording.value == "Half typed"
    finally:
        view.close()


def test_live_section_pages_through_many_pieces(wb, monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    for i in range(6):
        wb.add("value", {"value": f"Value {i}", "what_it_looks_like": "We show it."},
               place=PLACE)
    view = stages.section("check", wb, place=PLACE, interactive=True)
    try:
        assert len(view.rows) > view.PAGE
        assert "page 1 of" in view.page_note.value
        first = view.items[0].row
        view.next_button.click()
        assert view.page == 1 and view.items[0].row is view.rows[view.PAGE]
        assert view.items[0].row is not first
        view.prev_button.click()
        assert view.items[0].row is first
    finally:
        view.close()


def test_live_section_reads_a_bad_period_as_a_sentence(book, monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    view = stages.section("check", book, place=PLACE, interactive=True)
    try:
        view.end.value = None
        assert "hls-check-problem" in view.status.value and "Period" in view.status.value
        assert not view.rows and all(i.row is None for i in view.items)
    finally:
        view.close()


# ---------------------------------------------------------------------------
# The demo
# ---------------------------------------------------------------------------


def test_demo_checks_most_text_and_leaves_some_waiting(demo_wb):
    from hls_workbook.demo import CHECKER, WEEKS
    from hls_workbook.demo import START as DEMO_START

    end = DEMO_START + dt.timedelta(weeks=WEEKS)
    for audience in ("public", "partners"):
        df = review.check_list(demo_wb, "millbrook", DEMO_START, end, audience)
        counts = df["status"].value_counts()
        assert counts["cleared"] > len(df) * 0.8, counts
        assert counts.get("edited", 0) >= 2 and counts.get("held", 0) >= 1, counts
        assert 1 <= counts.get("pending", 0) <= 10, counts
    checks = demo_wb.table("clearance", "millbrook")
    assert set(checks["checked_by"]) == {CHECKER}
    assert not checks["text_sha256"].isna().any()


def test_demo_checks_are_the_same_every_time(demo_db, demo_again):
    found = []
    for db in (demo_db, demo_again):  # the demo built twice, each into its own database
        with open_workbook(db) as book:
            df = book.table("clearance", "millbrook")
            found.append(df[["record_kind", "record_id", "field_name", "text_sha256",
                             "audience", "decision", "shared_text", "checked_on"]]
                         .astype(str).values.tolist())
    assert found[0] == found[1]
