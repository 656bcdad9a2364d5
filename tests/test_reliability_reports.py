"""Report safety: no script from the data runs, no personal detail reaches the public,
no hidden count can be worked out, and a broken notebook fails plainly.

Extends tests/test_reports.py (planted payloads checked in the HTML source; withdrawn and
unconsented stories; redaction; small counts) with:

- a fixture database whose every text field of every record kind holds every HTML/script
  payload of tests/payloads.py, and reports for every audience opened in headless
  Chromium (Debian's, never a downloaded one), both as made and with their
  Content-Security-Policy removed, so that escaping alone is proved: no dialog opens, no
  element from the data appears, nothing is fetched, and every payload shows as text;
- a public report of a place full of planted personal details and small counts;
- notebook failures: a cell that raises names its section and keeps the notebook; a
  missing kernel and a timeout are reported in plain words.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from hls_workbook import open_workbook
from hls_workbook.domain.model import RECORD_KINDS, model_for
from hls_workbook.reporting import reports as reports_mod
from hls_workbook.reporting.reports import ReportError, ReportRequest, ReportRunner, build_report

from . import payloads as P
from .privacy_helpers import clear_all

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START, END = "2026-01-01", "2026-03-31"
PAYLOAD_PLACE = "payloadville"
PRIVATE_PLACE = "privacyville"
TITLE = ("</title><script>alert('title')</script><img id=pwned src=x onerror=alert('t')> "
         "\"; import os; open('/tmp/hls-title-pwned', 'w') #\n{{ 7*7 }}")

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


# ---------------------------------------------------------------------------
# A place where every text field of every kind holds every payload
# ---------------------------------------------------------------------------


def marked(i: int, payload: str) -> str:
    """A payload with a marker in front, so it can be found in a report."""
    return f"PL{i:02d} {payload}"


#: Records per kind; record i holds payloads i, i + RECORDS, i + 2 * RECORDS, ... in each
#: of its text fields, so every text field of every kind holds every payload.
RECORDS = 13


def _payload_value(meta: Any, i: int) -> Any:
    chosen = [marked(j, P.HTML_PAYLOADS[j]) for j in range(i, len(P.HTML_PAYLOADS), RECORDS)]
    if meta.widget == "tags":
        return [P.fit(t, meta.max_length) for t in chosen]
    return P.fit(" ¦ ".join(chosen), meta.max_length)


def build_payload_place(wb, place: str = PAYLOAD_PLACE) -> int:
    """Every HTML payload in every text field of every kind; returns the records saved."""
    n = RECORDS
    day = lambda i: dt.date(2026, 1, 5) + dt.timedelta(days=i % 80)  # noqa: E731
    wb.set_place(place, {"name": "Payloadville " + P.HTML_PAYLOADS[2],
                         "shared_focus": " | ".join(P.HTML_PAYLOADS),
                         "why_it_matters": " | ".join(reversed(P.HTML_PAYLOADS))})
    saved = 1
    ids: dict[str, list[int]] = {}
    order = ["meeting_series", "meeting", "experiment", "voice", "learning"]
    order += [k for k in RECORD_KINDS if k not in order and k != "place"]
    for kind in order:
        model = model_for(kind)
        items = []
        for i in range(n):
            data = dict(P.good_record(kind, {}))
            for meta in model.fields_meta():
                if meta.widget in ("text", "long_text", "tags"):
                    data[meta.name] = _payload_value(meta, i)
                elif meta.widget == "date" and meta.name in (model.date_field, "event_on",
                                                            "recorded_on", "reflected_on"):
                    data[meta.name] = day(i)
                elif meta.link and meta.link in ids and meta.widget == "link":
                    data[meta.name] = ids[meta.link][i]
                elif meta.link and meta.link in ids and meta.widget == "links":
                    data[meta.name] = [ids[meta.link][i]]
            P.one_link_of_each_pair(kind, data)
            if kind == "voice":
                # Read back to the teller, so that a name (a payload) is shown as typed.
                data.update(consent_audiences=["team", "partners", "public"],
                            consent_naming="full" if i % 2 else "pseudonym",
                            consent_reviewed=True, collected_on=day(i))
                if not i % 2:  # a made-up name may not share words with the real one
                    data["storyteller_name"] = None
            if kind == "experiment":
                data.update(status="running", start_on=day(i), end_on=None)
            if kind == "learning":
                data.update(event_on=day(i), recorded_on=day(i), amplify=True)
            if kind == "meeting":
                data.update(attendance={"charity": 6, "commissioner": 5},
                            hard_topics_raised=True)
            if kind in ("pulse", "checkin"):
                data.update({model.date_field: day(i)})
            items.append((kind, data))
        ids[kind] = wb.add_many(items, place=place)
        saved += len(items)
    return saved


@pytest.fixture(scope="module")
def runner() -> Iterator[ReportRunner]:
    """One warm kernel for the module's reports (the payload place's and the privacy
    place's): started once, not once for each place."""
    with ReportRunner() as runner:
        yield runner


@pytest.fixture(scope="module")
def payload_reports(runner, tmp_path_factory) -> dict[str, Path]:
    """Reports for every audience of the payload place (and the records count)."""
    tmp = tmp_path_factory.mktemp("payloads")
    db = tmp / "payloads.db"
    with open_workbook(db, create=True) as wb:
        saved = build_payload_place(wb)
        clear_all(wb, PAYLOAD_PLACE)  # cleared as typed: every payload reaches the page
    assert saved > 200
    out = tmp / "reports"
    return {a: runner.run(ReportRequest.make(PAYLOAD_PLACE, START, END, a, db=db,
                                             title=TITLE), out).html
            for a in ("team", "partners", "public")}


# ---------------------------------------------------------------------------
# Headless Chromium: what a reader's browser does with the file
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium); "
                    "Playwright's own browser is never downloaded")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="needs the playwright Python package")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


INSPECT = """() => {
  const out = {pwned: document.querySelectorAll('#pwned').length, bad: []};
  const banned = 'script,iframe,object,embed,base,form,input,textarea,video,audio,source,' +
                 'marquee,math,template,noscript,link,style:not(head style),' +
                 'meta[http-equiv=refresh],a[href^="javascript:" i],' +
                 // The report's own charts are SVG, in their figure; no other SVG belongs.
                 'body svg:not(div.chart > figure > svg.chart-svg)';
  for (const el of document.querySelectorAll(banned)) out.bad.push(el.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll('*')) {
    for (const at of el.attributes) {
      if (at.name.startsWith('on')) out.bad.push(el.tagName + ' ' + at.name);
      if (/^\\s*javascript:/i.test(at.value)) out.bad.push(el.tagName + ' ' + at.name);
    }
  }
  out.text = document.body.textContent;
  out.title = document.title;
  out.h1 = (document.querySelector('h1') || {}).textContent || '';
  out.hidden = getComputedStyle(document.body).display === 'none';
  return out;
}"""


def open_in_browser(browser, html_path: Path) -> dict[str, Any]:
    """Open a report as a reader would; record dialogs, requests and the resulting page."""
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    own = html_path.resolve().as_uri()

    def route(r):
        url = r.request.url
        if url == own or url.startswith("data:"):
            r.continue_()
        else:
            requests.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(own, wait_until="load")
    page.wait_for_timeout(400)  # onerror, onfocus, ontoggle, animations: time to fire
    for _ in range(3):
        page.keyboard.press("Tab")  # focus handlers
    page.mouse.move(200, 300)  # hover handlers
    page.wait_for_timeout(100)
    result = page.evaluate(INSPECT)
    result.update(dialogs=dialogs, requests=requests)
    context.close()
    return result


def without_csp(html_path: Path) -> Path:
    """The same report with its Content-Security-Policy removed: escaping must hold alone."""
    text = html_path.read_text(encoding="utf-8")
    stripped, n = re.subn(r'<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>', "", text)
    assert n == 1
    out = html_path.with_name(html_path.stem + "_nocsp.html")
    out.write_text(stripped, encoding="utf-8")
    return out


def test_the_browser_check_catches_a_payload_that_is_not_escaped(browser, tmp_path):
    """The harness itself: a page that does run data as HTML is caught on every count."""
    page = tmp_path / "unsafe.html"
    page.write_text("<html><body><p>ok</p>" + "".join(P.HTML_PAYLOADS[:8]) + "</body></html>",
                    encoding="utf-8")
    seen = open_in_browser(browser, page)
    assert seen["dialogs"], seen
    assert seen["pwned"] >= 1
    assert seen["bad"]


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
@pytest.mark.parametrize("csp", ["as made", "CSP removed"])
def test_no_script_from_the_data_runs_and_every_payload_is_text(browser, payload_reports,
                                                               audience, csp):
    path = payload_reports[audience]
    if csp == "CSP removed":
        path = without_csp(path)
    seen = open_in_browser(browser, path)
    assert seen["dialogs"] == [], seen["dialogs"]
    assert seen["pwned"] == 0
    assert seen["bad"] == [], seen["bad"][:5]
    assert seen["requests"] == [], seen["requests"][:5]
    assert not seen["hidden"]
    text = seen["text"]
    shown = [p for p in P.HTML_PAYLOADS if p in text]
    if audience != "team":
        # Outside the team, logs list the LOG_LIMIT most recent records: those are the
        # last records made, which hold these payloads. Text leaving the team is redacted
        # ("@handles", names) but never run: most show exactly.
        from hls_workbook.reporting.sections import LOG_LIMIT

        recent = [p for j, p in enumerate(P.HTML_PAYLOADS) if j % RECORDS >= RECORDS - LOG_LIMIT]
        assert len([p for p in recent if p in text]) >= 0.8 * len(recent), len(shown)
    else:
        missing = [p for p in P.HTML_PAYLOADS if p not in text]
        assert missing == [], missing
    assert "<script>alert" in seen["title"] and "</title>" in seen["title"]
    assert seen["h1"].startswith("</title><script>")
    assert not Path("/tmp/hls-title-pwned").exists()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_report_html_holds_no_markup_from_the_data(payload_reports):
    """The same, read from the file: no element or attribute came from the data."""
    for audience, path in payload_reports.items():
        parser = _Tags()
        parser.feed(path.read_text(encoding="utf-8"))
        tags = {t for t, _a in parser.tags}
        assert not tags & {"script", "iframe", "object", "embed", "base", "form", "input",
                           "math", "marquee", "video", "template", "foreignobject",
                           "image", "animate", "set"}, audience
        # The only SVG is the report's own charts: one per figure, each marked as such.
        svgs = [a for t, a in parser.tags if t == "svg"]
        assert all(a.get("class") == "chart-svg" and a.get("role") == "img" for a in svgs)
        assert len(svgs) <= sum(t == "figure" for t, _a in parser.tags), audience
        for tag, attrs in parser.tags:
            assert attrs.get("id") != "pwned", (audience, tag)
            assert not any(name.startswith("on") for name in attrs), (audience, tag, attrs)


# ---------------------------------------------------------------------------
# Public reports: no personal detail, no small count, none worked out from totals
# ---------------------------------------------------------------------------

NAMES = list(P.NAMES_ON_RECORD.values())
NAME_PARTS = [part for name in NAMES for part in name.replace("-", " ").split()
              if len(part) > 3] + [n.split()[-1] for n in NAMES]


def build_privacy_place(wb, place: str = PRIVATE_PLACE) -> None:
    """Personal details in every text the public sees, and counts small enough to hide."""
    details = " ".join(f"{k}: {v}." for k, v in P.PERSONAL_DETAILS.items())
    mention = (f"{P.NAMES_ON_RECORD['contact_full']} and "
               f"{P.NAMES_ON_RECORD['storyteller_full']} met "
               f"{P.NAMES_ON_RECORD['listener_full']}. {details}")

    def text(where: str) -> str:
        return f"MARK-{where} {mention}"

    day = dt.date(2026, 2, 2)
    wb.set_place(place, {"name": "Privacyville", "shared_focus": text("focus"),
                         "why_it_matters": text("why")})
    wb.add("partner", {"organisation": "Open Door", "part": "charity",
                       "contact_name": P.NAMES_ON_RECORD["contact_full"],
                       "what_they_bring": text("bring")}, place=place)
    base = {"storyteller_role": "person_using_services", "collected_on": day,
            "consent_audiences": ["public"]}
    voices = [wb.add("voice", {**base, "story": text(f"story{i}"), "why_it_matters": text("wm"),
                               "domain_of_change": "housing" if i < 6 else "money",
                               "storyteller_name": P.NAMES_ON_RECORD["storyteller_full"],
                               "collected_by": P.NAMES_ON_RECORD["listener_full"],
                               "consent_naming": "none"}, place=place)
              for i in range(8)]
    series = wb.add("meeting_series", {"name": "Forum", "kind_of_meeting": "partnership",
                                       "cadence": "weekly", "weekday": "monday",
                                       "started_on": "2026-01-05"}, place=place)
    meetings = [wb.add("meeting", {"held_on": day + dt.timedelta(days=7 * i),
                                   "kind_of_meeting": "partnership", "series": series,
                                   "attendance": {"charity": 7, "commissioner": 6,
                                                  "lived_experience": 2},
                                   "hard_topics_raised": i < 2, "hard_topics": text("hard"),
                                   "how_it_felt": text("felt"),
                                   "decisions_summary": text("decided")}, place=place)
                for i in range(6)]
    for m in meetings:
        for speaker, role, minutes in (("A", "charity", 20), ("B", "commissioner", 15),
                                       ("C", "lived_experience", 2)):
            wb.add("contribution", {"meeting": m, "speaker": speaker, "role": role,
                                    "turns": 3, "minutes": minutes}, place=place)
    # Decisions: 6 + 5 + 2 = 13; the 2 must not be recoverable from the total.
    for role, n in (("commissioner", 6), ("charity", 5), ("lived_experience", 2)):
        for _ in range(n):
            wb.add("decision", {"text": text("decision"), "decided_on": day,
                                "meeting": meetings[0], "proposer_role": role,
                                "voices": voices[:1]}, place=place)
    exps = [wb.add("experiment", {"title": f"MARK-exp{i}", "intended_results": text("exp"),
                                  "safe_to_fail_bounds": text("bounds"),
                                  "proposed_by": "charity", "status": "ended",
                                  "start_on": "2026-01-10", "end_on": "2026-02-01"},
                   place=place) for i in range(7)]
    for i, e in enumerate(exps):
        wb.add("review", {"experiment": e, "reviewed_on": day, "intended": text("int"),
                          "actual": text("actual"),
                          "went_to_plan": "no" if i < 3 else "yes",
                          "decision": "adapt"}, place=place)
    # Learning: 2 breakthroughs, 6 disappointments, 7 surprises.
    for kind, n in (("breakthrough", 2), ("disappointment", 6), ("surprise", 7)):
        for i in range(n):
            lid = wb.add("learning", {"kind_of_learning": kind, "title": f"MARK-{kind}{i}",
                                      "observation": text("obs"), "response": text("resp"),
                                      "amplify": i == 0, "voices": voices[:2],
                                      "event_on": day, "recorded_on": day}, place=place)
            wb.add("share", {"learning": lid, "shared_with": "commissioner",
                             "shared_on": day, "notes": text("share")}, place=place)
    for statement, n in (("equal_partners", 8), ("shared_language", 3)):
        for i in range(n):
            wb.add("pulse", {"statement": statement, "score": 3 + i % 5, "role": "charity",
                             "period": "2026-Q1", "answered_on": day}, place=place)
    for month, n in ((1, 9), (2, 3), (3, 7)):
        for i in range(n):
            wb.add("checkin", {"emotional_load": 2 + i % 7, "role": "charity",
                               "checked_in_on": dt.date(2026, month, 10)}, place=place)
    wb.add("value", {"value": "Be kind", "what_it_looks_like": text("value")}, place=place)
    wb.add("support", {"support_kind": "training", "description": text("support"),
                       "requested_by": "charity", "requested_on": day}, place=place)
    wb.add("glossary_term", {"term": "Outcome", "plain_meaning": text("gloss")},
           place=place)
    wb.add("burden", {"requirement": P.fit(text("req"), 200), "funder": "Council",
                      "organisation": "Open Door", "frequency_per_year": 4,
                      "hours_each": 6, "staff_cost_per_hour": 20, "grant_value": 40000},
           place=place)


@pytest.fixture(scope="module")
def privacy_reports(runner, tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("privacy")
    db = tmp / "privacy.db"
    with open_workbook(db, create=True) as wb:
        build_privacy_place(wb)
        clear_all(wb, PRIVATE_PLACE)  # a person cleared every text: detection is the net
    out = tmp / "reports"
    return {a: runner.run(ReportRequest.make(PRIVATE_PLACE, START, END, a, db=db), out)
            .html.read_text(encoding="utf-8") for a in ("team", "public")}


def visible_text(html: str) -> str:
    """The text a reader sees: tags removed, entities decoded, spaces collapsed."""
    import html as html_mod

    body = html[html.find("<body"):]
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'alt="([^"]*)"', r"> \1 <", body)  # alt text is read out too
    text = html_mod.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\s+", " ", text)


def test_public_report_holds_no_planted_personal_detail(privacy_reports):
    public = visible_text(privacy_reports["public"])
    raw = privacy_reports["public"]
    for name, detail in P.PERSONAL_DETAILS.items():
        assert detail not in public and detail not in raw, name
    for name in NAMES + NAME_PARTS:
        assert name not in public and name not in raw, name
    # The texts that held them were shown (with the details removed), so this is not
    # vacuous: at least the story, learning, review and meeting texts reached the page.
    for mark in ("MARK-story0", "MARK-obs", "MARK-actual", "MARK-focus", "MARK-value"):
        assert mark in public, mark
    assert public.count("[removed]") >= 20
    team = visible_text(privacy_reports["team"])
    assert P.NAMES_ON_RECORD["contact_full"] in team  # the team still sees what it may


#: Words that count people, their answers or their stories (reviews are of experiments and
#: learning is the team's records, not people: see "Which numbers are counts of people"
#: in hls_workbook.privacy).
PEOPLE_COUNTS = (r"stor(?:y|ies)|people|persons?|answers?|responses?|check-ins?|"
                 r"decisions?|attendances?|speakers?")


def test_public_report_shows_no_count_below_the_threshold(privacy_reports):
    public = visible_text(privacy_reports["public"])
    small = re.findall(rf"(?<![\d.,£%/:-])\b([1-4])\s+(?:of\s+[\d,]+\s+)?({PEOPLE_COUNTS})\b",
                       public, flags=re.I)
    assert small == [], small
    assert "hidden" in public
    # Every cell marked as a count of people, in section tables and in the numbers
    # tables under charts alike.
    html = privacy_reports["public"]
    cells = [c.strip() for c in re.findall(
        r'<td class="num count">([^<]*)<', html)]
    assert cells
    assert [c for c in cells if re.fullmatch(r"[1-4]", c)] == []
    assert "The numbers in this chart" in html


def _tables(html: str) -> list[dict[str, Any]]:
    out = []
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        caption = re.search(r"<caption>(.*?)</caption>", table, flags=re.S)
        rows = []
        for tr in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
            cells = [visible_text("<body>" + c) .strip()
                     for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)]
            rows.append(cells)
        out.append({"caption": visible_text("<body>" + caption.group(1)).strip()
                    if caption else "", "rows": rows})
    return out


def _number(cell: str) -> int | None:
    return int(cell.replace(",", "")) if re.fullmatch(r"\d[\d,]*", cell) else None


def test_no_hidden_count_can_be_worked_out_from_a_total(privacy_reports):
    """Where a column hides one count and a total is given (in the caption or a total row),
    subtracting the shown counts from the total must not give the hidden one."""
    html = privacy_reports["public"]
    recoverable = []
    checked = 0
    for table in _tables(html):
        header, *body = table["rows"]
        totals = [_number(x) for x in re.findall(r"\d[\d,]*", table["caption"])]
        total_rows = [r for r in body if r and re.match(r"(?i)total|all\b", r[0])]
        body = [r for r in body if r not in total_rows]
        for col in range(1, len(header)):
            cells = [r[col] for r in body if col < len(r)]
            hidden = [c for c in cells if c == "hidden"]
            shown = [_number(c) for c in cells if c != "hidden"]
            if not hidden or None in shown:
                continue
            checked += 1  # a column that hides counts: one alone could be worked out
            if len(hidden) != 1:
                continue
            candidates = [t for t in totals if t is not None]
            candidates += [_number(r[col]) for r in total_rows if col < len(r)]
            for total in candidates:
                if total is not None and 1 <= total - sum(shown) < 5:
                    recoverable.append((table["caption"], header[col], total, shown))
    assert checked >= 1
    assert recoverable == [], recoverable


# ---------------------------------------------------------------------------
# Notebook failures: a broken section, no kernel, too slow
# ---------------------------------------------------------------------------


@pytest.fixture
def small_db(tmp_path) -> Path:
    db = tmp_path / "small.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place("smalltown", {"name": "Smalltown", "shared_focus": "Fewer people alone"})
        wb.add("learning", {"kind_of_learning": "surprise", "title": "A", "observation": "B",
                            "event_on": "2026-02-01", "recorded_on": "2026-02-01"},
               place="smalltown")
        wb.add("meeting", {"held_on": "2026-02-03", "kind_of_meeting": "partnership",
                           "attendance": {"charity": 3}}, place="smalltown")
    return db


def test_data_that_breaks_a_cell_names_the_section_and_keeps_the_notebook(small_db, tmp_path):
    """A value no form would save (written straight into the file) breaks one section."""
    con = sqlite3.connect(small_db)
    con.execute("""UPDATE meeting SET attendance = '{"charity": "lots"}'""")
    con.commit()
    con.close()
    with pytest.raises(ReportError) as err:
        build_report("smalltown", START, END, "team", db=small_db, out=tmp_path / "out")
    message = str(err.value)
    assert "stopped in the section 'How we met and who was in the room'" in message, message
    assert "smalltown (team)" in message
    kept = err.value.notebook
    assert kept is not None and kept.exists() and str(kept) in message
    import nbformat

    nb = nbformat.read(kept, as_version=4)
    ran = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")]
    assert len(ran) >= 3  # the sections before the broken one ran and kept their output
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert not (tmp_path / "out" / "smalltown_2026-01-01_2026-03-31_team.html").exists()


def test_a_missing_kernel_is_said_plainly(small_db, tmp_path):
    """papermill asked for a kernel that is not installed."""
    req = ReportRequest.make("smalltown", START, END, "team", db=small_db)
    with ReportRunner(kernel_name="no-such-kernel-hls") as runner, \
            pytest.raises(ReportError) as err:
        runner.run(req, tmp_path / "out")
    message = str(err.value)
    assert "no Python kernel called 'no-such-kernel-hls'" in message, message
    assert "python -m ipykernel install" in message
    assert "Traceback" not in message and len(message.splitlines()) == 1


def test_a_timeout_is_said_plainly(small_db, tmp_path, monkeypatch):
    """A section that runs past the time limit: a report notebook whose 'What people told
    us' cell sleeps, with papermill's cell timeout made short."""
    nb = json.loads((reports_mod.notebooks_dir() / "report.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("hls", {}).get("section", {}).get("id") == "voices":
            cell["source"] = ["import time\n", "time.sleep(60)\n", *cell["source"]]
    slow = tmp_path / "slow_report.ipynb"
    slow.write_text(json.dumps(nb))
    monkeypatch.setattr(reports_mod, "CELL_TIMEOUT", 2)
    req = ReportRequest.make("smalltown", START, END, "team", db=small_db)
    with ReportRunner(notebook=slow) as runner, pytest.raises(ReportError) as err:
        runner.run(req, tmp_path / "out")
    message = str(err.value)
    assert "took too long (over 2 s for one section)" in message, message
    assert "Traceback" not in message and len(message.splitlines()) == 1
    assert "smalltown (team)" in message
