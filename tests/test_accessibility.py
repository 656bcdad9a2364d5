"""The reports meet WCAG 2.1 AA: checked by axe-core in Chromium, the Nu HTML Checker, and
by reading the HTML (headings, landmarks, alt text, data tables, language, contrast).

The demo place's report is built once for each audience (team, partners, public). Tools:
axe-core and vnu.jar come from tools/ (``npm ci --prefix tools``, run by scripts/system-deps),
Chromium and Java from Debian. A test whose tool is missing is skipped and says why.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .browser_helpers import AXE_JS, ROOT, SCREENSHOTS, VNU_JAR, browser, need_tool  # noqa: F401

AUDIENCES = ("team", "partners", "public")
CSS = ROOT / "hls_workbook" / "templates" / "hls_report" / "report.css"
#: axe rule sets: WCAG 2.0 and 2.1, levels A and AA, and axe's own best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: Every impact fails, minor included (issue 13: no violations of any impact).
FAILING_IMPACTS = ("minor", "moderate", "serious", "critical")
#: (width, height, zoom): a laptop at 100%, the same laptop at 200% zoom (a 640 px wide CSS
#: viewport at twice the pixel density), and 320 px (WCAG's reflow width, 400% zoom).
VIEWS = {"100%": (1280, 900, 1), "200%": (640, 450, 2), "320px": (320, 640, 1)}


@pytest.fixture(scope="module")
def reports(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, Path]:
    """{audience: report html} for the demo place: the shared fixture when there is one."""
    try:
        return dict(request.getfixturevalue("demo_reports"))
    except pytest.FixtureLookupError:
        from hls_workbook.reporting.reports import build_demo_reports

        demo_db = request.getfixturevalue("demo_db")
        paths = build_demo_reports(demo_db, "millbrook", tmp_path_factory.mktemp("a11y"))
        return dict(zip(AUDIENCES, paths, strict=True))


def soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# ---------------------------------------------------------------------------
# axe-core in Chromium
# ---------------------------------------------------------------------------


def run_axe(page) -> dict:
    # The report's Content-Security-Policy forbids scripts: the context bypasses it, so
    # axe can be injected without weakening the report itself.
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})", AXE_TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])} places)")
        for node in v["nodes"][:3]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')[:200]}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("audience", AUDIENCES)
def test_axe_finds_no_serious_violations(browser, reports, audience, view):  # noqa: F811
    need_tool(AXE_JS, "axe-core")
    width, height, zoom = VIEWS[view]
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height},
                                  device_scale_factor=zoom)
    try:
        page = context.new_page()
        page.goto(reports[audience].resolve().as_uri())
        result = run_axe(page)
        if view == "200%":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"report_{audience}_200pc.png"))
    finally:
        context.close()
    bad = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not bad, f"{audience} report at {view}:\n{describe(bad)}"


@pytest.mark.browser
@pytest.mark.parametrize("view", ["200%", "320px"])
def test_report_reflows_when_zoomed(browser, reports, view):  # noqa: F811
    """At 200% zoom (and at 320 px) nothing needs sideways scrolling but wide tables, each
    in its own scrolling box; the text stays readable when a reader widens its spacing."""
    width, height, zoom = VIEWS[view]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=zoom)
    try:
        page = context.new_page()
        page.goto(reports["team"].resolve().as_uri())
        # WCAG 1.4.12 text spacing, applied as a reader's own style sheet would.
        page.add_style_tag(content=(
            "* { line-height: 1.5 !important; letter-spacing: .12em !important; "
            "word-spacing: .16em !important; } p { margin-bottom: 2em !important; }"))
        page_width = page.evaluate("document.documentElement.scrollWidth")
        clipped = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => !e.closest('.table-wrap') && e.scrollWidth > e.clientWidth + 1
                     && getComputedStyle(e).overflowX === 'hidden')
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    finally:
        context.close()
    assert page_width <= width, f"the page scrolls sideways at {view}: {page_width} > {width}"
    assert not clipped, f"text is cut off at {view}: {clipped}"
    assert font >= 16, "body text is smaller than 16 px"


@pytest.mark.browser
@pytest.mark.parametrize("audience", AUDIENCES)
def test_chart_text_is_readable_on_a_phone(browser, reports, audience):  # noqa: F811
    """At 390 px wide every chart's smallest text is 11 px or more (its font size times the
    scale the chart is drawn at), and no chart is wider than the screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(reports[audience].resolve().as_uri())
        charts = page.evaluate("""() => [...document.querySelectorAll('svg.chart-svg')]
            .map(svg => {
              const sizes = [...svg.querySelectorAll('text')].map(t => {
                const m = t.getScreenCTM();
                return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
              });
              return {smallest: Math.min(...sizes),
                      right: svg.getBoundingClientRect().right,
                      name: svg.closest('figure').querySelector('figcaption').textContent};
            })""")
        width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert charts, "the demo report should hold charts"
    small = [(c["name"], round(c["smallest"], 1)) for c in charts if c["smallest"] < 11]
    assert not small, f"chart text under 11 px at 390 px wide: {small}"
    assert all(c["right"] <= 390 for c in charts) and width <= 390


# ---------------------------------------------------------------------------
# The Nu HTML Checker
# ---------------------------------------------------------------------------


def test_reports_are_valid_html(reports):
    need_tool(VNU_JAR, "vnu-jar (the Nu HTML Checker)")
    java = shutil.which("java")
    if java is None:
        pytest.skip("needs Java to run the Nu HTML Checker (apt-get install "
                    "default-jre-headless, or run 'bash scripts/system-deps')")
    files = [str(reports[a]) for a in AUDIENCES]
    done = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", *files],
                          capture_output=True, text=True, timeout=180)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    # Errors and warnings both fail ("info" messages with a subType of "warning").
    problems = [f"{m.get('type')}/{m.get('subType', '')} {Path(m.get('url', '')).name}:"
                f"{m.get('lastLine', '?')}: {m['message']}"
                for m in messages if m.get("type") == "error" or m.get("subType") == "warning"]
    assert not problems, "\n".join(problems[:20])
    assert done.returncode == 0, done.stderr[-2000:]


# ---------------------------------------------------------------------------
# Reading the HTML: structure a screen reader relies on
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_language_landmarks_and_headings(reports, audience):
    page = soup(reports[audience])
    assert page.html.get("lang") == "en-GB"
    assert page.title and page.title.get_text(strip=True)
    # Landmarks: banner, contents navigation, main content, footer; one of each.
    for tag in ("header", "nav", "main"):
        assert len(page.body.find_all(tag, recursive=False)) == 1, tag
    assert page.nav.get("aria-label")
    assert page.body.find("footer", recursive=False) is not None
    # The skip link and every contents link lead somewhere.
    ids = {el["id"] for el in page.find_all(id=True)}
    for link in page.find_all("a", href=re.compile("^#")):
        assert link["href"][1:] in ids, link
    # Headings: one h1, and no level skipped on the way down.
    levels = [int(h.name[1]) for h in page.find_all(re.compile("^h[1-6]$"))]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"h{before} is followed by h{after}"
    # Every section is named by its heading.
    for section in page.find_all("section"):
        assert page.find(id=section["aria-labelledby"]) is not None


@pytest.mark.parametrize("audience", AUDIENCES)
def test_charts_have_alt_text_and_data_tables(reports, audience):
    page = soup(reports[audience])
    # Charts are inline SVG: one image each for assistive technology, named by its alt
    # text (its <title>, pointed at by aria-labelledby).
    images = page.find_all("svg")
    assert images, "the demo report should hold charts"
    for svg in images:
        assert svg.get("role") == "img"
        named = page.find(id=svg["aria-labelledby"])
        alt = named.get_text(strip=True) if named else ""
        assert named and named.parent is svg and named.name == "title"
        assert len(alt) > 20, f"a chart without a useful description: {alt!r}"
    for chart in page.find_all("div", class_="chart"):
        table = chart.find("table")
        assert table is not None, f"chart '{chart.figcaption.get_text()}' has no data table"
    for table in page.find_all("table"):
        assert table.caption and table.caption.get_text(strip=True)
        heads = table.find_all("th")
        # Column headings; in a grouped table (the pulse by part and round) each group's
        # heading heads its rows.
        assert heads and all(th.get("scope") == ("rowgroup" if th.find_parent("tbody")
                                                 else "col") for th in heads)
        wrap = table.parent
        assert wrap.get("tabindex") == "0" and wrap.get("aria-label"), "scroll box unnamed"
    # Nothing runs and nothing is fetched when the report is opened.
    assert not page.find_all("script")
    assert not [t for t in page.find_all(src=True) if not t["src"].startswith("data:")]


# ---------------------------------------------------------------------------
# Colour contrast of the style sheet's own pairs
# ---------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula():
    assert round(contrast("#000", "#fff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_style_sheet_colours_meet_aa():
    """Every text colour on every background the style sheet uses: at least 4.5 to 1."""
    css = CSS.read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", css))
    text = ["ink", "muted", "accent", "good", "warn"]
    backgrounds = ["paper", "wash", "accent-wash"]
    low = [(t, b, round(contrast(colours[t], colours[b]), 2))
           for t in text for b in backgrounds if contrast(colours[t], colours[b]) < 4.5]
    assert not low, f"colour pairs below 4.5:1: {low}"
    # The skip link: white on the accent colour.
    assert contrast("#ffffff", colours["accent"]) >= 4.5
