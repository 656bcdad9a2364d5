"""The place-by-place overview (issue 13): places side by side, by name, through the gate.

The demo town and a small hand-made place share one workbook. The overview's figures are
checked against the analysis run on each place's gated tables, the page is read as a
reader would read it, and a small place's pulse average is hidden as its report hides it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from hls_workbook import analysis as an
from hls_workbook import open_workbook, privacy
from hls_workbook.reporting.overview import make_overview, overview
from hls_workbook.reporting.reports import ReportError

START, END = "2026-01-01", "2026-06-30"
SMALL = "aardvark-row"
SMALL_NAME = "<b>Aardvark & Row</b>"


@pytest.fixture(scope="module")
def two_places(demo_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("overview") / "two.db"
    shutil.copy(demo_db, db)
    with open_workbook(db) as wb:
        wb.set_place(SMALL, {"name": SMALL_NAME, "shared_focus": "Fewer people alone"})
        series = wb.add("meeting_series", {
            "name": "Thursday circle", "kind_of_meeting": "partnership",
            "cadence": "weekly", "weekday": "thursday",
            "started_on": dt.date(2026, 3, 5)}, place=SMALL)
        for day in (dt.date(2026, 3, 5), dt.date(2026, 3, 12)):
            wb.add("meeting", {"held_on": day, "kind_of_meeting": "partnership",
                               "series": series}, place=SMALL)
        lid = wb.add("learning", {"title": "Home visits work", "kind_of_learning":
                                  "breakthrough", "observation": "People opened up at home",
                                  "event_on": dt.date(2026, 3, 10),
                                  "recorded_on": dt.date(2026, 3, 12)}, place=SMALL)
        wb.add("share", {"learning": lid, "shared_with": "charity",
                         "shared_on": dt.date(2026, 3, 19)}, place=SMALL)
        for score in (4, 6, 8):  # three answers: fewer than five, so no average is shown
            wb.add("pulse", {"statement": "equal_partners", "score": score, "role": "charity",
                             "period": "2026-Q1", "answered_on": dt.date(2026, 3, 20)},
                   place=SMALL)
    return db


def test_places_are_listed_by_name_with_their_own_figures(two_places):
    rows = overview(two_places, START, END, "partners")
    assert [r.place for r in rows] == [SMALL, "millbrook"]  # by name, never by a figure
    policy = privacy.Policy.of("partners")
    for row in rows:
        t = privacy.open_tables(two_places, row.place, dt.date(2026, 1, 1),
                                dt.date(2026, 6, 30), policy)
        rhythm = an.meeting_rhythm(t["meeting_series"], t["meeting"], start=START, end=END)
        assert (row.kept, row.planned) == (int(rhythm.summary["kept"].sum()),
                                           int(rhythm.summary["expected"].sum()))
        reach = an.learning_reach(t["learning"], t["share"])
        assert row.learning == len(reach)
        assert row.learning_shared == int((~reach["shared_with_nobody"]).sum())
    small, town = rows
    assert small.kept_text.startswith("2 of ") and small.parts_reached == ("Charity",)
    assert small.pulse_text == "hidden (January to March 2026)"
    assert re.fullmatch(r"\d\.\d out of 10 \(\w+ to \w+ 2026\)", town.pulse_text)
    assert town.requirements > 0 and "hours a year" in town.burden_text


def test_the_page_is_offline_escaped_and_says_how_to_read_it(two_places, tmp_path):
    path = make_overview(two_places, START, END, "public", out=tmp_path)
    assert path.name == f"overview_{START}_{END}_public.html"
    page = path.read_text(encoding="utf-8")
    assert "&lt;b&gt;Aardvark &amp; Row&lt;/b&gt;" in page and "<b>Aardvark" not in page
    assert page.index("Aardvark") < page.index("Millbrook")
    assert "For: The public" in page and "not ranked" in page
    assert "hidden (January to March 2026)" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "fetches from outside"
    assert "<script" not in page


def test_an_unknown_place_or_a_bad_period_is_one_plain_line(two_places):
    with pytest.raises(ReportError, match=r"no place called 'nowhere'\. Places: "):
        overview(two_places, START, END, "team", places=["nowhere"])
    with pytest.raises(ReportError, match=r"swap --from and --to"):
        overview(two_places, END, START, "team")
    with pytest.raises(Exception, match="5 or more"):
        overview(two_places, START, END, "public", threshold=3)


def test_the_overview_command_writes_the_page_and_refuses_plainly(two_places, tmp_path):
    from typer.testing import CliRunner

    from hls_workbook.cli import app

    runner = CliRunner()
    made = runner.invoke(app, ["overview", "--db", str(two_places), "--from", START, "--to",
                               END, "--audience", "Public", "--out", str(tmp_path)])
    assert made.exit_code == 0, made.output
    assert (tmp_path / f"overview_{START}_{END}_public.html").exists()
    assert made.output.strip().startswith("Overview: ")
    for args, words in ((["--place", "nowhere"], "no place called 'nowhere'"),
                        (["--threshold", "many"], "not a whole number")):
        refused = runner.invoke(app, ["overview", "--db", str(two_places), "--from", START,
                                      "--to", END, *args])
        assert refused.exit_code != 0 and words in refused.output
        assert len(refused.output.strip().splitlines()) == 1
