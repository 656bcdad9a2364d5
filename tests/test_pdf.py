"""The printed report: the demo's partners and public PDFs for January to June, read page
by page with pypdf: a cover, then the summary; short; a footer on every page; no page
after the cover left mostly blank.

Printed with the system Chromium (skipped without one, except on CI, where a skip for a
missing Chromium fails: see tests/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from hls_workbook.reporting.export import chromium_path
from hls_workbook.reporting.reports import build_report

pytestmark = pytest.mark.notebook

#: The most pages each audience's PDF may have, its cover included. Print CSS (report.css,
#: @media print) took the demo from 21 pages (partners) and 17 (public) to a cover and 10,
#: and a cover and 8; then 9-point type, charts 7 cm wide, logs of words under their chart
#: and stories as a log of the 5 most recent, two by two, to a cover and 9, and a cover and
#: 8. The pulse by part of the system and round (issue 18, a 65-row table printed open)
#: added two pages; printed with each statement once, a cover and 10, and a cover and 9.
#: Then shorter charts and one table for the pulse (issue 13): the pulse as one row a
#: statement (everyone and each part, the change since the round before) as its chart's
#: numbers, its chart a line a statement; who spoke by month, not a bar and a row for each
#: of 29 meetings; one panel for experiments and reviews; charts sized to their bars; the
#: strip list as its table only: a cover and 8, and a cover and 7. Then the learning chart
#: in one panel, the learning timeline saying who has not heard each piece (no second
#: list), a chart with short cells in its numbers beside them (the rhythm), stories in
#: three columns, the closing line without the privacy rules every page's footer and "How
#: we protect people" already say: a cover and 7 (partners, met), and a cover and 6. Then
#: what the public does not act on, said once: reviews listed in full are not charted
#: again, the public's summary leaves the asks to the partners' report, its pulse numbers
#: name each statement as the chart does (so they print beside it, everyone's change in
#: brackets as each part's), the introduction no longer repeating the cover, and a little
#: less space under paragraphs and above subheadings: a cover and
#: 5 (public, met).
MAX_PAGES = {"partners": 8, "public": 6}
#: A page with less text than this (its footer included; chart labels are text too) is
#: mostly blank. The demo's emptiest page has about 750 characters.
MIN_CHARACTERS = 400
AUDIENCE_LABEL = {"partners": "Partners across the local system", "public": "The public"}


@pytest.fixture(scope="module")
def made(demo_db, tmp_path_factory):
    """{audience: the build_report result} for the partners' and the public's reports,
    each with its PDF."""
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (make test installs it when run as root)")
    out = tmp_path_factory.mktemp("pdf")
    results = {}
    for audience in MAX_PAGES:
        result = build_report("millbrook", "2026-01-01", "2026-06-30", audience,
                              db=demo_db, out=out / audience, pdf=True)
        assert result.pdf is not None, result.messages
        results[audience] = result
    return results


@pytest.fixture(scope="module")
def printed(made):
    """{audience: the text of each page of its PDF}."""
    return {audience: [page.extract_text() for page in PdfReader(result.pdf).pages]
            for audience, result in made.items()}


def test_pdf_is_printed_with_the_system_browser(made):
    """build_report(pdf=True) prints a real PDF beside the HTML (this test was in
    tests/test_reports.py, on a report of its own; these are the same call)."""
    for audience, result in made.items():
        assert result.pdf is not None, audience
        assert result.pdf.read_bytes()[:5] == b"%PDF-", audience
        assert result.html.exists(), audience
        assert result.pdf.parent == result.html.parent, audience


@pytest.mark.parametrize("audience", list(MAX_PAGES))
def test_the_printed_report_is_short(printed, audience):
    pages = printed[audience]
    assert len(pages) <= MAX_PAGES[audience], (
        f"the {audience} PDF has {len(pages)} pages (at most {MAX_PAGES[audience]})")


@pytest.mark.parametrize("audience", list(MAX_PAGES))
def test_every_page_has_its_number_and_audience(printed, audience):
    pages = printed[audience]
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in text, f"page {n}"
        assert f"For: {AUDIENCE_LABEL[audience]}" in text, f"page {n}"


@pytest.mark.parametrize("audience", list(MAX_PAGES))
def test_no_page_after_the_cover_is_mostly_blank(printed, audience):
    for n, text in enumerate(printed[audience][1:], start=2):
        assert len(text) >= MIN_CHARACTERS, f"page {n} has {len(text)} characters"


@pytest.mark.parametrize("audience", list(MAX_PAGES))
def test_the_cover_says_what_where_when_and_for_whom(printed, audience):
    cover = re.sub(r"\s+", " ", printed[audience][0])
    for words in ("What we are learning in Millbrook", "1 January 2026 to 30 June 2026",
                  f"For: {AUDIENCE_LABEL[audience]}", "Contents", "At a glance"):
        assert words in cover, (audience, words)
    assert "What we found" not in cover  # the summary starts the next page


def test_the_summary_opens_the_page_after_the_cover(printed):
    for audience, pages in printed.items():
        second = re.sub(r"\s+", " ", pages[1])
        assert "At a glance" in second[:400], (audience, second[:200])
        assert "What we found" in second, audience
