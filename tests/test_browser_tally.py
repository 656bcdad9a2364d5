"""The live speaking tally in the app, in a real browser (issue 18).

`hls-workbook app 4_relationships_and_support` serves the stage with a meeting recorded.
In "Who is speaking now" a facilitator chooses the meeting, adds two people, taps one,
then the other, and presses Submit; the page says it saved two speaker notes and the
database holds one contribution for each, linked to the meeting. The buttons are found
by their accessible names, as a screen reader finds them: the person speaking is named
"…: speaking", and the clock on the page moves while they speak.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from hls_workbook.ui.tally_view import HEADING

from .browser_forms import (
    axe_unnamed,
    choose,
    form,
    full_screenshot,
    named,
    reveal,
    type_text,
    walk_to,
)
from .browser_helpers import AXE_JS, PLACE, SCREENSHOTS, assert_stayed_local, open_page
from .test_browser_app import _serve

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def _a_meeting(wb) -> None:
    wb.add("meeting", {"held_on": dt.date.today(), "kind_of_meeting": "partnership"},
           place=PLACE, by="charity")


@pytest.fixture(scope="module")
def tally_app(tmp_path_factory: pytest.TempPathFactory):
    """`hls-workbook app 4_relationships_and_support` with one meeting: (url, db)."""
    yield from _serve(tmp_path_factory.mktemp("tally-app"), "4_relationships_and_support",
                      _a_meeting)


def _contributions(db: Path):
    from hls_workbook import open_workbook

    with open_workbook(db) as wb:
        return wb.table("contribution", PLACE), wb.table("meeting", PLACE)


def test_app_tallies_two_speakers_and_saves_their_contributions(browser, tally_app):
    from playwright.sync_api import expect

    url, db = tally_app
    outside: list[str] = []
    page = open_page(browser, outside)
    context = page.context
    try:
        page.goto(url)
        tally = reveal(page, form(page, HEADING))  # the app shows one section at a time
        tally.scroll_into_view_if_needed()
        named(tally, "Meeting").select_option(index=1)  # the one meeting recorded
        for name, part in (("Ash", "Charity"), ("Bo", "People with lived experience")):
            type_text(tally, "Made-up name or initials", name)
            choose(tally, "Their part of the system", part)
            tally.get_by_role("button", name="Add to the tally", exact=True).click()
            expect(tally.get_by_role("button", name=f"{name} ({part})", exact=True)
                   ).to_be_visible()

        tally.get_by_role("button", name="Ash (Charity)", exact=True).click()
        expect(tally.get_by_role("button", name="Ash (Charity): speaking", exact=True)
               ).to_be_visible()
        expect(tally.get_by_role("status").filter(has_text="Ash (Charity) is speaking.")
               ).to_have_count(1)
        # The kernel redraws the clock every second while someone speaks.
        expect(tally.get_by_text(re.compile(r"0:0[2-9] this turn"))).to_be_visible(
            timeout=15_000)
        time.sleep(2.5)  # Ash speaks for 4.5 seconds or so: 0.1 minutes
        tally.get_by_role("button", name="Bo (People with lived experience)",
                          exact=True).click()
        expect(tally.get_by_role("button", name="Bo (People with lived experience): "
                                 "speaking", exact=True)).to_be_visible()
        expect(tally.get_by_role("button", name="Ash (Charity)", exact=True)).to_be_visible()
        expect(tally.get_by_text("The balance so far")).to_be_visible()
        full_screenshot(page, SCREENSHOTS / "app_4_speaking_tally.png",
                        scroller="#rendered_cells")
        if AXE_JS.exists():
            walk_to(page, "Everything on one page")  # every form at once, to check them all
            unnamed = axe_unnamed(page, AXE_JS)
            assert not unnamed, "\n".join(unnamed[:10])

        tally.get_by_role("button", name="Submit", exact=True).click()
        expect(tally.get_by_text(re.compile(r"Saved 2 speaker notes for meeting #\d+ "
                                            r"\(Ash, Bo\)"))).to_be_visible()
    finally:
        context.close()
    saved, meetings = _contributions(db)
    saved = saved.sort_values("speaker")
    assert list(saved["speaker"]) == ["Ash", "Bo"]
    assert list(saved["role"]) == ["charity", "lived_experience"]
    assert set(saved["meeting"]) == set(meetings["id"])
    assert list(saved["turns"]) == [1, 1]
    ash, bo = saved["minutes"]
    assert ash == pytest.approx(0.1) and bo <= 0.1  # 3 to 9 seconds; a second or two
    assert set(saved["recorded_by"]) == {"community_group"}
    assert_stayed_local(outside)
