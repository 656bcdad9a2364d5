"""App mode in a real browser: `hls-workbook app` serves a stage notebook with Voila.

The command starts Voila on 127.0.0.1 with a temporary workbook. The page shows guidance,
forms and summaries, but no code and nothing to edit; every input is named by its question
for screen readers; a form filled in the browser is saved in the database; a bad value gets
its message beside the field; two browser tabs (two kernels) saving at once lose nothing,
and each sees the other's saves in its list without a reload; and the page asks nothing of
the internet.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from .browser_forms import (
    SAVED,
    assert_inputs_named,
    axe_unnamed,
    check_section,
    choose,
    clear_one_and_reword_one,
    field,
    find_marked,
    form,
    full_screenshot,
    message_beside,
    named,
    pick_date,
    reveal,
    submit,
    type_text,
    wait_saved,
    wait_saved_after,
    walk_to,
)
from .browser_helpers import (
    AXE_JS,
    PLACE,
    SCREENSHOTS,
    assert_stayed_local,
    free_port,
    open_page,
    running,
    server_env,
    workbook_with_place,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def _serve(tmp: Path, stage: str, fill=None):
    """`hls-workbook app STAGE` on a free port, with a new workbook: yields (url, db)."""
    pytest.importorskip("voila", reason="app mode needs Voila: pip install -e '.[app]'")
    db = workbook_with_place(tmp / "workbook.db", fill)
    port = free_port()
    env = server_env(JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                     HLS_WORKBOOK_HEADLESS="1")  # the app must switch this off by itself
    cmd = [sys.executable, "-m", "hls_workbook.cli", "app", stage,
           "--db", str(db), "--place", PLACE, "--role", "community_group",
           "--port", str(port)]
    url = f"http://127.0.0.1:{port}/"
    with running(cmd, env=env, cwd=tmp, url=url, log=tmp / "voila.log", timeout=90):
        yield url, db


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    """`hls-workbook app 1_getting_started` on a free port: yields (url, database)."""
    yield from _serve(tmp_path_factory.mktemp("app"), "1_getting_started")


def _learning_to_check(wb) -> None:
    """Text waiting for a check: a piece of learning holding a name and a phone number."""
    wb.add("learning", {
        "kind_of_learning": "surprise", "title": "Mr Adeyemi came back",
        "observation": "Mr Adeyemi came back twice; he left 07700 900456 for the group.",
        "event_on": dt.date.today() - dt.timedelta(days=5)}, place=PLACE, by="charity")


@pytest.fixture(scope="module")
def learning_app(tmp_path_factory: pytest.TempPathFactory):
    """`hls-workbook app 3_learning`, with text waiting for a check: yields (url, db)."""
    yield from _serve(tmp_path_factory.mktemp("learning-app"), "3_learning",
                      _learning_to_check)


def new_page(browser, url: str, outside: list[str], ready: str = "New partner"):
    """A reader's page of the app (:func:`open_page`), opened once the form headed
    ``ready`` is there: the app shows one section at a time, so on its page."""
    page = open_page(browser, outside)
    page.goto(url)
    reveal(page, form(page, ready))
    return page


def partners(db: Path):
    from hls_workbook import open_workbook

    with open_workbook(db) as wb:
        return wb.table("partner", PLACE)


def test_app_shows_no_code_and_saves_a_form(browser, app):
    url, db = app
    outside: list[str] = []
    page = new_page(browser, url, outside)
    try:
        walk_to(page, "Everything on one page")  # every form at once, to check them all
        # Guidance, forms and summaries; no code, no editor, no cell to run.
        assert page.get_by_text("Getting started").first.is_visible()
        assert page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0
        assert "stage.section" not in page.content()
        assert page.get_by_text("Saves will say they came from: Community group").is_visible()
        full_screenshot(page, SCREENSHOTS / "app_1_getting_started.png",
                        scroller="#rendered_cells")
        # Every input is named by its question, for screen readers (see browser_forms).
        assert assert_inputs_named(page, "1_getting_started") >= 10
        if AXE_JS.exists():
            unnamed = axe_unnamed(page, AXE_JS)
            assert not unnamed, "\n".join(unnamed[:10])

        f = form(page, "New partner")
        f.scroll_into_view_if_needed()
        type_text(f, "Organisation or group", "Millbrook Library")
        choose(f, "Part of the system", "Public service")
        pick_date(f, "Joined on", "2026-04-01")
        submit(f)
        rid = wait_saved(f)
        row = partners(db).set_index("id").loc[rid]
        assert row["organisation"] == "Millbrook Library" and row["part"] == "public_service"
        assert row["joined_on"].date() == dt.date(2026, 4, 1)
        assert row["recorded_by"] == "community_group"
        # The summary above the form is redrawn from the database.
        page.get_by_text("Millbrook Library").first.wait_for()

        # A bad value: the message appears beside the field and nothing is saved.
        type_text(f, "Organisation or group", "Nowhere Group")
        submit(f)
        assert "choose" in message_beside(f, "Part of the system").lower()
        assert len(partners(db)) == 1
        field(f, "Part of the system").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "app_1_bad_value.png"))
    finally:
        page.context.close()
    assert_stayed_local(outside)


def test_a_participant_walks_through_the_app_on_a_phone(browser, app):
    """On a phone-sized screen: the start page asks who you are (the place and your part
    of the system, from lists), the contents bar moves between the sections' pages,
    progress counts the sections where something was saved, and a save is credited to the
    part of the system this participant chose (not the one the app was started with)."""
    from playwright.sync_api import expect

    url, db = app
    outside: list[str] = []
    page = open_page(browser, outside, width=390, height=844, is_mobile=True, has_touch=True)
    context = page.context
    try:
        page.goto(url)
        chooser = page.locator(".hls-chooser")
        chooser.wait_for()
        progress = page.locator("#hls-walk .hls-progress")
        expect(progress).to_have_text("You saved in 0 of 6 sections")
        # The start page says what the progress counts.
        expect(page.get_by_text("The bar at the top counts the sections where you have "
                                "saved something")).to_be_visible()
        assert chooser.get_by_text("Who are you here?").is_visible()
        text = page.locator("#rendered_cells").inner_text()
        assert "JupyterLab" not in text and "Workbook:" not in text and ".db" not in text
        expect(named(chooser, "Place")).to_have_value("Millbrook")
        named(chooser, "Your part of the system").select_option(label="Charity")
        expect(chooser.get_by_text("Saves will say they came from: Charity")).to_be_visible()
        # Nothing is wider than the screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"the start page is {width}px wide on a 390px screen"
        page.screenshot(path=str(SCREENSHOTS / "app_walk_start_390.png"))

        walk_to(page, "Partners")
        f = form(page, "New partner")
        f.wait_for()
        assert not chooser.is_visible()  # one section at a time
        expect(page.locator('#hls-walk button[aria-current="page"]')).to_contain_text(
            "Partners")
        type_text(f, "Organisation or group", "Walked-in Café")
        choose(f, "Part of the system", "Community group")
        submit(f)
        rid = wait_saved(f)
        expect(progress).to_have_text("You saved in 1 of 6 sections")
        ticked = page.locator("#hls-walk button", has_text="\u2713 Partners")
        expect(ticked).to_have_count(1)
        expect(ticked).to_have_attribute(
            "aria-label", re.compile(r"^Partners.*\(you saved here\)$"))
        row = partners(db).set_index("id").loc[rid]
        assert row["recorded_by"] == "charity"  # this participant's choice
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"the partners' page is {width}px wide on a 390px screen"
        page.screenshot(path=str(SCREENSHOTS / "app_walk_partners_390.png"))

        page.get_by_role("button", name="Next: Stories, with consent").click()
        form(page, "New story").wait_for()
        assert not f.is_visible()
    finally:
        context.close()
    assert_stayed_local(outside)
    # A quiet terminal: whoever started the app sees no warnings (a client that stops
    # answering pings, as a closed laptop does, is the one warning left).
    log = (db.parent / "voila.log").read_text(errors="replace")
    noisy = [line for line in log.splitlines()
             if ("warn" in line.lower() or "Traceback" in line) and "ping timeout" not in line]
    assert not noisy, "\n".join(noisy[:5])


def listed(f, name: str):
    """The cell holding ``name`` in the list beside form ``f`` (not in its summary, not in
    its confirmation)."""
    return f.locator(".widget-html-content", has_text="newest first").locator(
        "td", has_text=name)


def test_two_app_tabs_see_each_others_saves_and_saving_at_once_lose_nothing(browser, app):
    """Two people, each in their own tab (their own kernel): what one saves appears in the
    other's list within a few seconds, without a reload, and what the other is typing is
    left alone; then both save at once, three times over, and nothing is lost.

    (Two tests before, each opening two tabs of its own: the same two tabs do both.)"""
    from playwright.sync_api import expect

    url, db = app
    before = len(partners(db))
    outside: list[str] = []
    pages = [new_page(browser, url, outside) for _ in range(2)]
    rounds = 3
    try:
        a, b = forms_ = [form(pg, "New partner") for pg in pages]
        # Each tab sees the other's saves.
        type_text(b, "Organisation or group", "Half-typed by B")
        last = [0, 0]
        for n, saver, watcher, name in ((0, a, b, "Saved in tab A"),
                                        (1, b, a, "Saved in tab B")):
            type_text(saver, "Organisation or group", name)
            choose(saver, "Part of the system", "Charity")
            submit(saver)
            last[n] = wait_saved_after(saver, 0)
            expect(listed(saver, name)).to_have_count(1)  # its own list, at once
            # The other tab saved nothing since: only its poll can bring the row.
            expect(listed(watcher, name)).to_have_count(1, timeout=10_000)
            if watcher is b:
                expect(named(b, "Organisation or group")).to_have_value("Half-typed by B")
        pages[0].screenshot(path=str(SCREENSHOTS / "app_1_other_tabs_save.png"))
        # Both tabs saving at once lose nothing.
        for i in range(rounds):
            for n, f in enumerate(forms_):
                type_text(f, "Organisation or group", f"Tab {n} group {i}")
                choose(f, "Part of the system", "Charity")
            for f in forms_:  # both presses before either save is done
                submit(f)
            # Each tab says it saved a new record before anyone types again.
            last = [wait_saved_after(f, last[n]) for n, f in enumerate(forms_)]
    finally:
        for pg in pages:
            pg.context.close()
    names = set(partners(db)["organisation"])
    expected = {f"Tab {n} group {i}" for n in range(2) for i in range(rounds)}
    expected |= {"Saved in tab A", "Saved in tab B"}
    assert expected <= names, f"lost: {sorted(expected - names)}"
    assert len(partners(db)) == before + 2 + 2 * rounds
    assert_stayed_local(outside)


def _draft(db: Path, role: str = "community_group"):
    from hls_workbook import open_workbook

    with open_workbook(db) as wb:
        return wb.draft(PLACE, "voice", None, role)


def _wait_for_draft(page, db: Path, role: str, story: str) -> None:
    """Wait until the story typed is kept as the draft of ``role`` (a second or so)."""
    deadline = dt.datetime.now() + dt.timedelta(seconds=30)
    while (kept := _draft(db, role)) is None or kept.answers.get("story") != story:
        assert dt.datetime.now() < deadline, f"no draft was kept for {role}"
        page.wait_for_timeout(200)


def test_a_story_needs_consent_and_survives_a_closed_tab(browser, app):
    """A participant writes a story, is asked who may read it, closes the tab before
    submitting, comes back to the draft and submits it."""
    from playwright.sync_api import expect

    url, db = app
    story = "The walking group got me out of the flat; now I lead it on Fridays."
    outside: list[str] = []
    page = new_page(browser, url, outside, ready="New story")
    try:
        f = form(page, "New story")
        f.scroll_into_view_if_needed()
        expect(f.get_by_role("checkbox", name="Consent withdrawn")).to_have_count(0)
        type_text(f, "Their story, in their words", story)
        type_text(f, "What it is about", "getting out")
        choose(f, "Who told it", "A volunteer")
        pick_date(f, "When we heard it", (dt.date.today() - dt.timedelta(days=1)).isoformat())
        submit(f)
        assert "please tick at least one" in message_beside(f, "Who may read it")
        f.get_by_role("checkbox", name="Our team", exact=True).check()
        deadline = dt.datetime.now() + dt.timedelta(seconds=30)
        while (kept := _draft(db)) is None or kept.answers.get("consent_audiences") != ["team"]:
            assert dt.datetime.now() < deadline, "no draft was kept while typing"
            page.wait_for_timeout(200)
        assert kept.answers["story"] == story
    finally:
        page.context.close()  # the tab is closed before Submit

    page = new_page(browser, url, outside, ready="New story")
    try:
        f = form(page, "New story")
        offer = f.get_by_text("You have a draft from")
        offer.wait_for()
        f.get_by_role("button", name="Restore the draft").click()
        expect(named(f, "Their story, in their words")).to_have_value(story)
        expect(f.get_by_role("checkbox", name="Our team", exact=True)).to_be_checked()
        submit(f)
        rid = wait_saved(f)
        assert "Who may read it: Our team." in f.locator("b", has_text=SAVED).first.inner_text()
        from hls_workbook import open_workbook

        with open_workbook(db) as wb:
            row = wb.get("voice", rid)
        assert row["story"] == story and row["consent_audiences"] == ["team"]
        assert row["recorded_by"] == "community_group"
        assert _draft(db) is None  # submitted: the draft is gone
    finally:
        page.context.close()
    page = new_page(browser, url, outside, ready="New story")
    try:
        expect(form(page, "New story").get_by_text("You have a draft from")).to_have_count(0)
    finally:
        page.context.close()
    assert_stayed_local(outside)


def test_typing_survives_another_page_or_part_chosen_midway(browser, app):
    """Halfway through a story, a participant looks at another page of the walk and then
    chooses another part of the system: the words stay in the form, the draft follows the
    part chosen (none is left under the first), and in a new tab it is offered back once
    that part is chosen again; submitted, no draft is left."""
    from playwright.sync_api import expect

    url, db = app
    story = "The lunch club was the first place anyone asked how I was."
    outside: list[str] = []
    page = new_page(browser, url, outside, ready="New story")
    try:
        f = form(page, "New story")
        type_text(f, "Their story, in their words", story)
        _wait_for_draft(page, db, "community_group", story)
        walk_to(page, "Partners")  # another page, mid-typing
        form(page, "New partner").wait_for()
        assert not f.is_visible()
        walk_to(page, "Stories")
        expect(named(f, "Their story, in their words")).to_have_value(story)
        walk_to(page, "Start here")  # another part of the system, mid-typing
        chooser = page.locator(".hls-chooser")
        named(chooser, "Your part of the system").select_option(label="Charity")
        expect(chooser.get_by_text("Saves will say they came from: Charity")).to_be_visible()
        _wait_for_draft(page, db, "charity", story)
        assert _draft(db, "community_group") is None
        walk_to(page, "Stories")
        expect(named(f, "Their story, in their words")).to_have_value(story)
    finally:
        page.context.close()

    page = new_page(browser, url, outside, ready="New story")
    try:
        f = form(page, "New story")
        offer = f.get_by_text("You have a draft from")
        expect(offer).to_have_count(0)  # this tab starts as a community group: none
        walk_to(page, "Start here")
        chooser = page.locator(".hls-chooser")
        named(chooser, "Your part of the system").select_option(label="Charity")
        walk_to(page, "Stories")
        offer.wait_for()
        f.get_by_role("button", name="Restore the draft").click()
        expect(named(f, "Their story, in their words")).to_have_value(story)
        type_text(f, "What it is about", "being asked")
        choose(f, "Who told it", "A volunteer")
        pick_date(f, "When we heard it", (dt.date.today() - dt.timedelta(days=2)).isoformat())
        f.get_by_role("checkbox", name="Our team", exact=True).check()
        submit(f)
        rid = wait_saved(f)
        from hls_workbook import open_workbook

        with open_workbook(db) as wb:
            row = wb.get("voice", rid)
        assert row["story"] == story and row["recorded_by"] == "charity"
        assert _draft(db, "charity") is None and _draft(db, "community_group") is None
    finally:
        page.context.close()
    assert_stayed_local(outside)


def test_the_app_refuses_code_from_the_page(browser, app, tmp_path):
    """Voila passes only widget messages to the kernel: a page cannot run code of its own.
    The test speaks to the page's own kernel channel: a harmless request is answered, a
    request to run code is dropped."""
    url, _db = app
    sockets: list[str] = []
    page = open_page(browser)
    context = page.context
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(url)
    form(page, "New partner").wait_for(state="attached", timeout=60_000)
    channel = next(u for u in sockets if "/api/kernels/" in u)
    marker = tmp_path / "ran.txt"
    replies = page.evaluate(
        """async ([channel, code]) => {
            const ws = new WebSocket(channel.split('?')[0] + '?session_id='
                                     + crypto.randomUUID());
            const got = [];
            ws.onmessage = (e) => got.push(typeof e.data === 'string'
                ? JSON.parse(e.data).header.msg_type : 'binary');
            ws.onclose = (e) => got.push('closed ' + e.code);
            await new Promise((ok) => {
                ws.onopen = ok;
                ws.onerror = () => { got.push('error'); ok(); };
            });
            const message = (type, content) => JSON.stringify({
                header: {msg_id: crypto.randomUUID(), msg_type: type, session: 'test',
                         username: 'test', version: '5.3', date: new Date().toISOString()},
                parent_header: {}, metadata: {}, content: content, channel: 'shell'});
            ws.send(message('execute_request', {code: code, silent: false,
                store_history: false, user_expressions: {}, allow_stdin: false}));
            ws.send(message('kernel_info_request', {}));
            await new Promise((ok) => setTimeout(ok, 3000));
            ws.close();
            return got;
        }""", [channel, f"open({str(marker)!r}, 'w').write('ran')"])
    context.close()
    assert "kernel_info_reply" in replies, (channel, replies)  # the channel works...
    assert "execute_reply" not in replies  # ...but code is never run
    assert not marker.exists()


def test_app_checks_text_before_sharing(browser, learning_app):
    """In the app's "Check before sharing": one piece cleared as written, one put in other
    words. Both are saved in the database, and two fewer pieces wait."""
    url, db = learning_app
    outside: list[str] = []
    page = new_page(browser, url, outside, ready="New piece of learning")
    try:
        # Every form at once, to check them all. A press that lands while the page's
        # scripts are still starting can be lost on a loaded machine: press again.
        for _attempt in range(3):
            walk_to(page, "Everything on one page")
            try:
                page.locator(".hls-check").first.wait_for(state="visible", timeout=15_000)
                break
            except Exception:  # noqa: BLE001 - playwright's TimeoutError
                continue
        section = check_section(page)
        find_marked(section, "07700 900456")
        assert assert_inputs_named(page, "3_learning") >= 10
        before, _cleared, _reworded = clear_one_and_reword_one(
            page, "Ade (coordinator)", "Someone came back twice.")
        assert before >= 3
        full_screenshot(page, SCREENSHOTS / "app_3_check_before_sharing.png",
                        scroller="#rendered_cells")
    finally:
        page.context.close()
    from hls_workbook import open_workbook

    with open_workbook(db) as wb:
        checks = wb.table("clearance", PLACE).sort_values("id")
    assert list(checks["decision"]) == ["cleared", "edited"]
    assert list(checks["shared_text"].fillna("")) == ["", "Someone came back twice."]
    assert set(checks["checked_by"]) == {"Ade (coordinator)"}
    assert set(checks["recorded_by"]) == {"community_group"}
    assert set(checks["audience"]) == {"public"}
    assert_stayed_local(outside)


def test_app_argv_keeps_code_hidden_and_local():
    from hls_workbook.ui.app import voila_argv

    argv = voila_argv("x.ipynb")
    assert "--strip_sources=True" in argv and "--show_tracebacks=False" in argv
    assert "--Voila.ip=127.0.0.1" in argv and "--no-browser" in argv
