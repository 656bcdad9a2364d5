"""Reports: finished, offline, code-free files; privacy per audience; batch survives failures."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hls_workbook import open_workbook
from hls_workbook.analysis import PART_LABELS
from hls_workbook.reporting.batch import read_manifest
from hls_workbook.reporting.export import chromium_path
from hls_workbook.reporting.reports import (
    AUDIENCES,
    ReportError,
    ReportRequest,
    ReportRunner,
    build_report,
)
from hls_workbook.reporting.sections.html import Figure, Para, Story

from .privacy_helpers import clear_all

pytestmark = pytest.mark.notebook

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Balance(HTMLParser):
    """Checks that every non-void element is closed, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            # <p> may be closed implicitly; anything else is a real problem.
            while self.stack and self.stack[-1] == "p" and tag != "p":
                self.stack.pop()
            if not self.stack or self.stack[-1] != tag:
                self.problems.append(f"</{tag}> does not close <{self.stack[-1:] }>")
                return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Balance:
    parser = _Balance()
    parser.feed(html)
    parser.close()
    return parser


@pytest.mark.parametrize("audience", AUDIENCES)
def test_demo_report_is_finished_offline_and_code_free(demo_reports, audience):
    html = demo_reports[audience].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    # No code, no prompts, no widgets, no scripts at all.
    for marker in ("jp-InputArea", "jp-InputPrompt", "In&nbsp;[", "<script",
                   "application/vnd.jupyter.widget", "report.show(", "report.render(",
                   "report.data(", "import "):
        assert marker not in html, marker
    # Nothing fetched from the internet when opened.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@import" not in html
    assert "Content-Security-Policy" in html
    # Every section is there, in order, with a contents list pointing at it.
    order = [html.index(f'id="{key}"') for key in
             ("place", "voices", "meetings", "experiments", "learning", "relationships",
              "glossary")]
    assert order == sorted(order)
    assert html.count('href="#') >= 7
    # Charts are inline SVG (text as text), each one image named by its alt text, with
    # their numbers; no image file, nothing they refer to outside themselves.
    svgs = re.findall(r"<svg [^>]*>.*?</svg>", html, flags=re.S)
    assert svgs and "<img" not in html
    for svg in svgs:
        assert 'role="img"' in svg and re.search(r"<title [^>]*>[^<]{10,}</title>", svg)
        assert "<text" in svg and "<image" not in svg
        refs = re.findall(r'href="([^"]*)"|url\(([^)]*)\)', svg)
        assert all((a or b).startswith("#") for a, b in refs), refs
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id used twice"
    assert "The numbers in this chart" in html
    assert "Practices:" not in html  # ids are for tools: data-practices
    assert re.search(r'data-practices="GS1 GS4 LE3"', html)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_demo_report_is_well_formed(demo_reports, audience):
    parsed = _parse(demo_reports[audience].read_text(encoding="utf-8"))
    assert parsed.problems == []
    assert parsed.stack == []


def test_demo_report_screenshot_is_a_real_page(demo_reports, tmp_path):
    browser = chromium_path()
    if browser is None:
        pytest.skip("Chromium is not installed (make test installs it when run as root)")
    shot = tmp_path / "report.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1600",
         f"--screenshot={shot}", demo_reports["partners"].resolve().as_uri()],
        capture_output=True, timeout=120, check=False,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1000, 1600)
    assert len(data) > 50_000  # a page with text and charts, not a blank screen
    artifacts = Path(__file__).parent / "_artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copy(shot, artifacts / "report-partners.png")


def test_team_report_keeps_what_the_team_may_see(demo_reports, demo_wb):
    html = demo_reports["team"].read_text(encoding="utf-8")
    text = " ".join(_parse(html).text)
    voices = demo_wb.table("voice", "millbrook")
    shown = 0
    for row in voices.to_dict("records"):
        ok = (not row["consent_withdrawn"] and not row["in_confidence"]
              and not row["safeguarding_concern"] and row["consent_audiences"])
        assert (row["story"] in text) == bool(ok), row["story"]
        shown += bool(ok)
    assert shown >= 5
    assert "[withdrawn]" not in html


@pytest.mark.parametrize("audience", AUDIENCES)
def test_public_numbers_and_names(demo_reports, demo_wb, audience):
    html = demo_reports[audience].read_text(encoding="utf-8")
    contacts = demo_wb.table("partner", "millbrook")["contact_name"].dropna()
    assert len(contacts) > 5
    if audience != "team":
        for name in contacts:
            assert name not in html, name
    if audience == "public":
        assert ">hidden<" in html
        for value in _count_cells(html):
            assert not re.fullmatch(r"[1-4]", value), value


def _count_cells(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'class="(?:num count|number count)">([^<]*)<', html)]


# ---------------------------------------------------------------------------
# A place full of planted dangers
# ---------------------------------------------------------------------------

SCRIPT = '<script>document.title="pwned"</script>'
IMG = '"><img src=x onerror=alert(1)>'
EMAIL = "zeb.q@example.org"
PHONE = "07700 900123"
POSTCODE = "SW1A 1AA"
CONTACT = "Zebedee Quartermaine"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A database with withdrawn, unconsented and dangerous stories, and payloads everywhere."""
    db = tmp_path_factory.mktemp("planted") / "planted.db"
    wb = open_workbook(db, create=True)
    place = "plantville"
    danger = f"{SCRIPT} {IMG} mail {EMAIL} or call {PHONE}, {POSTCODE}, ask {CONTACT}"
    wb.set_place(place, {"name": "Plantville", "shared_focus": f"Focus {SCRIPT}",
                         "why_it_matters": danger})
    wb.add("partner", {"organisation": f"Org {IMG}", "part": "charity",
                       "contact_name": CONTACT, "what_they_bring": danger}, place=place)
    day = "2026-02-02"
    base = {"domain_of_change": "housing", "storyteller_role": "person_using_services",
            "collected_on": day}
    wb.add("voice", dict(base, story="PUBLIC-STORY " + danger, why_it_matters=danger,
                         consent_audiences=["public"]), place=place)
    wb.add("voice", dict(base, story="TEAMONLY-STORY ok", consent_audiences=["team"]),
           place=place)
    wb.add("voice", dict(base, story="PARTNERS-STORY ok", consent_audiences=["partners"]),
           place=place)
    wb.add("voice", dict(base, story="NOCONSENT-STORY ok", consent_audiences=[]), place=place)
    wb.add("voice", dict(base, story="SAFEGUARD-STORY ok", consent_audiences=["public"],
                         safeguarding_concern=True), place=place)
    wb.add("voice", dict(base, story="CONFIDENCE-STORY ok", consent_audiences=["public"],
                         in_confidence=True), place=place)
    gone = wb.add("voice", dict(base, story="WITHDRAWN-STORY ok",
                                consent_audiences=["public"]), place=place)
    wb.withdraw_consent(gone, on=dt.date(2026, 3, 1))
    mid = wb.add("meeting", {"held_on": day, "kind_of_meeting": "partnership",
                             "attendance": {"lived_experience": 2, "charity": 7},
                             "hard_topics_raised": True, "hard_topics": danger,
                             "how_it_felt": danger, "decisions_summary": danger}, place=place)
    wb.add("contribution", {"meeting": mid, "speaker": "A", "role": "charity", "turns": 3,
                            "minutes": 4}, place=place)
    wb.add("decision", {"text": danger, "decided_on": day, "meeting": mid,
                        "proposer_role": "charity"}, place=place)
    eid = wb.add("experiment", {"title": f"Try {IMG}", "intended_results": danger,
                                "safe_to_fail_bounds": danger, "proposed_by": "charity",
                                "status": "ended", "start_on": "2026-01-10",
                                "end_on": "2026-01-30"}, place=place)
    wb.add("review", {"experiment": eid, "reviewed_on": day, "intended": danger,
                      "actual": danger, "went_to_plan": "no", "sustain": danger,
                      "improve": danger, "decision": "adapt"}, place=place)
    lid = wb.add("learning", {"kind_of_learning": "breakthrough", "title": f"T {SCRIPT}",
                              "observation": danger, "response": danger, "amplify": True,
                              "event_on": day, "recorded_on": day}, place=place)
    wb.add("share", {"learning": lid, "shared_with": "commissioner", "shared_on": day},
           place=place)
    wb.add("burden", {"requirement": f"Form {SCRIPT}", "funder": f"Funder {IMG}",
                      "organisation": "Org", "frequency_per_year": 4, "hours_each": 10,
                      "staff_cost_per_hour": 20, "grant_value": 10000,
                      "proposed_action": "stop"}, place=place)
    wb.add("value", {"value": f"Kind {SCRIPT}", "what_it_looks_like": danger}, place=place)
    wb.add("support", {"support_kind": "training", "description": danger,
                       "requested_by": "charity", "requested_on": day}, place=place)
    wb.add("glossary_term", {"term": f"Word {SCRIPT}", "plain_meaning": danger,
                             "words_to_avoid": [IMG]}, place=place)
    for score in (3, 4, 8):
        wb.add("pulse", {"statement": "equal_partners", "score": score,
                         "role": "lived_experience", "period": "2026-Q1",
                         "answered_on": day}, place=place)
    wb.add("checkin", {"emotional_load": 9, "role": "lived_experience",
                       "checked_in_on": day}, place=place)
    clear_all(wb, place)  # a person cleared every text: escaping and detection still apply
    wb.close()
    out = tmp_path_factory.mktemp("planted_reports")
    with ReportRunner() as runner:  # one warm kernel for the three reports
        return {a: runner.run(ReportRequest.make(place, "2026-01-01", "2026-03-31", a, db=db),
                              out).html.read_text(encoding="utf-8") for a in AUDIENCES}


def test_withdrawn_and_unconsented_stories_never_appear(planted):
    for audience, html in planted.items():
        for marker in ("WITHDRAWN-STORY", "NOCONSENT-STORY", "SAFEGUARD-STORY",
                       "CONFIDENCE-STORY"):
            assert marker not in html, (audience, marker)
    assert "TEAMONLY-STORY" in planted["team"]
    assert "TEAMONLY-STORY" not in planted["partners"] + planted["public"]
    assert "PARTNERS-STORY" in planted["partners"]
    assert "PARTNERS-STORY" not in planted["public"]
    assert "PUBLIC-STORY" in planted["public"]


def test_public_report_has_no_planted_personal_details(planted):
    html = planted["public"]
    for detail in (EMAIL, PHONE, POSTCODE, CONTACT, "Quartermaine"):
        assert detail not in html, detail
    assert "[removed]" in html
    assert CONTACT in planted["team"]


def test_public_report_has_no_small_counts(planted):
    html = planted["public"]
    assert ">hidden<" in html
    for value in _count_cells(html):
        assert not re.fullmatch(r"[1-4]", value), value
    # The pulse group of three people is never shown as an average.
    assert "fewer than 5 answers" in html


def test_payloads_are_text_everywhere(planted):
    for audience, html in planted.items():
        assert "<script" not in html, audience
        assert "<img src=x" not in html, audience
        parsed = _parse(html)
        assert parsed.problems == []
        text = " ".join(parsed.text)
        # The payloads are there, as text a reader can see.
        assert text.count(SCRIPT) >= 5, audience
        assert text.count(IMG.strip('"')) >= 3 or text.count(IMG) >= 3, audience


# ---------------------------------------------------------------------------
# Requests, failures and batches
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("millbrook", "2026-03-01", "2026-01-01", "team"), "before it starts"),
        (("millbrook", "2026-01-01", "2026-03-01", "everyone"), "not an audience"),
        (("millbrook", "01/01/2026", "2026-03-01", "team"), "write it like"),
        (("Mill Brook", "2026-01-01", "2026-03-01", "team"), "usable short name"),
    ],
)
def test_bad_requests_are_refused_before_any_kernel(args, words):
    with pytest.raises(Exception) as err:
        ReportRequest.make(*args)
    assert words in str(err.value)


def test_unknown_place_names_the_places(demo_db, tmp_path):
    with pytest.raises(ReportError) as err:
        build_report("atlantis", "2026-01-01", "2026-03-01", db=demo_db, out=tmp_path)
    assert "millbrook" in str(err.value)


def test_empty_place_gets_a_kind_report(tmp_path):
    db = tmp_path / "empty.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place("newtown", {"name": "Newtown", "shared_focus": "Start well"})
    html = build_report("newtown", "2026-01-01", "2026-03-31", "public", db=db,
                        out=tmp_path).html.read_text(encoding="utf-8")
    assert "No stories to show" in html
    assert "No meetings are recorded" in html
    assert _parse(html).problems == []


def _broken_places(tmp_path: Path) -> Path:
    from hls_workbook.demo import build_demo_places

    db = tmp_path / "batch.db"
    with open_workbook(db, create=True) as wb:
        build_demo_places(wb, 3)
    con = sqlite3.connect(db)
    con.execute("UPDATE meeting SET attendance = '{broken' WHERE place = 'ashford-vale'")
    con.commit()
    con.close()
    return db


def test_a_batch_survives_a_broken_place_and_says_so_in_its_exit_code(tmp_path):
    """`hls-workbook batch` over three places, one of them broken: the other two are made,
    the broken one's error names its place and section (and its notebook is kept for an
    analyst), and the command says so in one line and exits with 1."""
    db = _broken_places(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "hls_workbook.cli", "batch", "--db", str(db), "--from",
         "2026-01-01", "--to", "2026-07-31", "--audience", "partners", "--out", str(out),
         "--workers", "2"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1
    assert "2 of 3 reports made" in proc.stdout
    assert "Failed: ashford-vale" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    entries = {e["place"]: e for e in read_manifest(out).values()}
    assert sorted(entries) == ["ashford-vale", "kettering-cross", "millbrook"]
    broken = entries["ashford-vale"]
    assert broken["status"] == "failed" and "stopped in the section" in broken["error"]
    kept = out / "notebooks" / "ashford-vale_2026-01-01_2026-07-31_partners.ipynb"
    assert kept.exists()
    for place in ("kettering-cross", "millbrook"):
        assert entries[place]["status"] == "made", entries[place]
        assert (out / entries[place]["file"]).exists()


# A PDF printed with the system browser: tests/test_pdf.py (its two reports are made with
# pdf=True, and test_pdf_is_printed_with_the_system_browser checks each is a PDF).


def test_pdf_without_a_browser_still_makes_html(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("HLS_WORKBOOK_CHROMIUM", str(tmp_path / "no-such-browser"))
    result = build_report("millbrook", "2026-01-01", "2026-03-31", "team", db=demo_db,
                          out=tmp_path, pdf=True)
    assert result.pdf is None
    assert result.html.exists()
    assert any("PDF needs a Chromium browser" in m for m in result.messages)


# ---------------------------------------------------------------------------
# Reading a place's records for a report
# ---------------------------------------------------------------------------


def test_store_frames_are_built_from_plain_rows_with_the_documented_types(wb):
    """Workbook.table hands pandas plain tuples (fast for big places): the frame keeps its
    documented columns and types, the current version only, archived records left out."""
    place = "testville"
    mid = wb.add("meeting", {"held_on": "2026-02-03", "kind_of_meeting": "partnership",
                             "attendance": {"charity": 3}}, place=place)
    wb.add("contribution", {"meeting": mid, "speaker": "A", "role": "charity", "minutes": 3},
           place=place)
    lid = wb.add("learning", {"kind_of_learning": "surprise", "title": "x", "observation": "y",
                              "event_on": "2026-02-01", "recorded_on": "2026-02-02"},
                 place=place)
    wb.edit("learning", lid, {"title": "x, edited"})
    gone = wb.add("value", {"value": "Kind", "what_it_looks_like": "y"}, place=place)
    wb.archive("value", gone)
    learning = wb.table("learning", place)
    assert learning["title"].tolist() == ["x, edited"]
    assert str(learning["event_on"].dtype) == "datetime64[ns]"
    assert str(learning["amplify"].dtype) == "boolean"
    assert learning["id"].dtype == "int64" and learning["version"].tolist() == [2]
    contribution = wb.table("contribution", place, start=dt.date(2026, 1, 1))
    assert contribution["meeting"].dtype == "Int64" and len(contribution) == 1
    assert contribution["minutes"].dtype == "float64"
    assert wb.table("meeting", place)["attendance"].tolist() == [{"charity": 3}]
    assert wb.table("value", place).empty
    assert len(wb.table("value", place, archived=True)) == 1


@pytest.fixture(scope="module")
def two_sizes(tmp_path_factory):
    """The demo place, and another built at three times the demo's size."""
    from hls_workbook.demo import build_demo

    db = tmp_path_factory.mktemp("sizes") / "sizes.db"
    with open_workbook(db, create=True) as book:
        build_demo(book, "millbrook")
        build_demo(book, "ashford-vale", scale=3)
    return db


def _load(db, place, audience="team"):
    from hls_workbook.reporting.sections import Report

    return Report.load(db=str(db), place=place, start="2026-01-05", end="2026-07-06",
                       audience=audience)


def _page(db, place, audience="team"):
    return _load(db, place, audience).render_html()


def _note_after(data, table) -> str:
    """The note under a table (or a figure's numbers) that lists only some records."""
    blocks = list(data.walk())
    at = next(i for i, b in enumerate(blocks)
              if b is table or (isinstance(b, Figure) and b.fold is table))
    return next(b.text for b in blocks[at + 1:] if isinstance(b, Para) and b.cls == "note")


def test_report_page_does_not_grow_with_the_data(two_sizes, monkeypatch):
    """With the limits set low (so that the demo is already 'big'), a place with three
    times the records makes a page of about the same size, listing only the most recent
    records and saying how many more there are."""
    from hls_workbook.reporting import charts, sections

    sizes = [len(_page(two_sizes, p)) for p in ("millbrook", "ashford-vale")]
    assert sizes[1] > 1.1 * sizes[0]  # the limits (40 bars, 15 rows, 30 records) not reached
    monkeypatch.setattr(charts.bins, "MAX_BARS", 10)  # read where they are defined
    monkeypatch.setattr(charts.bins, "TOP_N", 2)
    monkeypatch.setattr(sections.html, "LIST_LIMIT", 4)
    small = _page(two_sizes, "millbrook")
    report = _load(two_sizes, "ashford-vale")
    big = report.render_html()
    # One chart more, by design: the demo's 4 reviews all fit the list, so no chart
    # repeats them (say it once); the bigger place's do not, so a chart counts them all.
    chart = re.compile(r'<div class="chart[^"]*"><figure><figcaption>[^<]*reviews found'
                       r'.*?</details></div>', re.S)
    reviews = chart.findall(big)
    assert len(reviews) == 1 and not chart.findall(small)
    # Else a few per cent more: a chart draws a bar for each part of the system with
    # records (six at most), and three times the records fill in some the demo leaves empty.
    assert len(big) - len(reviews[0]) < 1.06 * len(small)
    assert big.count('<blockquote class="story">') == 4
    # Each list of records shows the 4 most recent (or first), and its note counts them all.
    voices = report.data("voices")
    assert sum(isinstance(b, Story) for b in voices.walk()) == 4
    stories = len(report.tables["voice"])
    notes = [b.text for b in voices.walk() if isinstance(b, Para) and b.cls == "note"]
    assert stories > 4 and [n for n in notes if f" of {stories:,} stories." in n]
    for key, caption, kind in (("learning", "Learning timeline", "learning"),
                               ("experiments", "most recent experiments", "experiment"),
                               ("glossary", "The words we agreed", "glossary_term")):
        data = report.data(key)
        table = data.table(caption)
        total = len(report.tables[kind])
        assert len(table.frame) == 4 < total, key
        assert f" of {total:,} " in _note_after(data, table), key
    assert len(report.tables["glossary_term"]) == 8
    # Partners: the first 4 of a part named, then how many more.
    partners = report.data("place").table("Partners by part of the system").frame
    by_part = report.tables["partner"]["part"].map(PART_LABELS).value_counts()
    more = {part: n - 4 for part, n in by_part.items() if n > 4}
    assert more
    for part, names in zip(partners["Part of the system"], partners.iloc[:, 1], strict=True):
        said = re.search(r" and ([\d,]+) more$", names)
        expected = f"{more[part]:,}" if part in more else None
        assert (said.group(1) if said else None) == expected, (part, names)
    # The 2 regular meetings that missed most, then the other 4 taken together.
    listing = report.data("meetings").table("Our regular meetings").frame
    summary = report.rhythm().summary
    rest = summary[~summary["name"].isin(listing["Meeting"].iloc[:2])]
    assert len(listing) == 3 and len(rest) == 4
    missed = summary.set_index("name")["missed"]
    assert missed[listing["Meeting"].iloc[:2]].min() >= rest["missed"].max()
    assert listing["Planned meetings held"].iloc[-1] == (f"{rest['kept'].sum()} of "
                                                        f"{rest['expected'].sum()}")
    # The strip list: the 2 that would free most hours, then the rest's hours together.
    strip = report.data("relationships").table("The strip list").frame
    freed = report.audit().strip_list["hours_freed"]
    assert len(strip) == 3 and len(freed) > 3 and freed.iloc[:2].min() >= freed.iloc[2:].max()
    assert strip["Hours a year it would free"].tolist() == [
        f"{h:,.0f}" for h in (*freed.iloc[:2], freed.iloc[2:].sum())]
    assert "The other 1 funders" not in big and "One other funder" in big
    # Table by table, the big place's are no longer than the small place's, or than the
    # limits (a heading row, then 10 bars, 4 records, or the largest 2 and the rest);
    # the reviews chart's numbers, which the demo has no need of, aside.
    tables = [re.findall(r"<table>.*?</table>", page, flags=re.S)
              for page in (small, big.replace(reviews[0], ""))]
    assert len(tables[0]) == len(tables[1])
    for few, many in zip(*tables, strict=True):
        caption = re.search(r"<caption>(.*?)</caption>", many).group(1)
        assert many.count("<tr>") <= max(few.count("<tr>"), 1 + 10), caption


def test_public_report_of_a_big_place_hides_small_counts(two_sizes, monkeypatch):
    from hls_workbook.reporting import charts, sections

    monkeypatch.setattr(charts.bins, "MAX_BARS", 10)  # read where they are defined
    monkeypatch.setattr(charts.bins, "TOP_N", 2)
    monkeypatch.setattr(sections.html, "LIST_LIMIT", 4)
    html = _page(two_sizes, "ashford-vale", "public")
    assert "The workbook keeps every one." in html
    for value in _count_cells(html):
        assert not re.fullmatch(r"[1-4]", value), value
    assert _parse(html).problems == []


# ---------------------------------------------------------------------------
# Charts in public reports: only counts of people are suppressed
# ---------------------------------------------------------------------------


def _report(audience: str):
    import datetime as _dt

    from hls_workbook.reporting.sections import Report

    return Report("x", _dt.date(2026, 1, 1), _dt.date(2026, 3, 31), audience, 5, "", {}, {})


def _chart(people=("People",)):
    import pandas as pd
    from matplotlib.figure import Figure

    from hls_workbook.reporting.charts import Chart

    fig = Figure(figsize=(2, 2))
    fig.subplots().bar([0, 1], [3, 12])
    table = pd.DataFrame({"Group": ["a", "b"], "People": [3, 12], "Hours": [2, 40],
                          "Longest run": [1, 9], "Hidden": [False, True]})
    return Chart(fig, "A chart", "A bar chart of two groups.", table, people=people)


def test_public_chart_hides_small_people_counts_and_only_those():
    public = _report("public").figure(_chart())
    cells = _count_cells(public)
    assert cells.count("hidden") == 2  # 3 is small, and 12 would give it away
    assert not any(re.fullmatch(r"[1-4]", c) for c in cells)
    assert "<svg" not in public  # the chart draws the small count
    assert "not shown in the public report" in public
    # Hours and runs are not people: shown as they are; booleans are words.
    assert ">2</td>" in public and ">1</td>" in public and ">yes</td>" in public
    # The same chart for the team: the count is there, marked, so the check above would
    # catch it if a public report ever let it through.
    team = _report("team").figure(_chart())
    assert "3" in _count_cells(team) and "<svg" in team


def test_public_chart_without_people_counts_is_shown():
    html = _report("public").figure(_chart(people=()))
    assert "<svg" in html and "hidden" not in html
    assert _count_cells(html) == []
