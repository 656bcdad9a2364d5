"""Write the notebooks in notebooks/ from this one description, so their cells, tags and
practice metadata stay consistent. Run: .venv/bin/python scripts/build_notebooks.py

The notebooks are committed; a test checks they match what this script would write.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}

REPORT_SECTIONS = [
    ("glance", "At a glance", ["LE3", "LB2"]),
    ("place", "The place and its focus", ["GS3", "RC2"]),
    ("voices", "What people told us", ["GS1", "GS4", "LE3"]),
    ("meetings", "How we met and who was in the room", ["GS2", "GS4", "RC2", "RC3", "RC4",
                                                        "RC5"]),
    ("experiments", "What we tried and what happened", ["EX1", "EX2", "EX3", "EX4", "BH3"]),
    ("learning", "What we learned and who heard it", ["LE1", "LE2", "LE3", "EX2"]),
    ("relationships", "Relationships and support", ["RC1", "RC3", "LB2", "BH1", "BH2", "BH3",
                                                   "ES1", "ES2", "ES3"]),
    ("glossary", "Our shared language", ["LB1"]),
]


def _cell(source: str, *, tags: list[str] | None = None, **hls: object):
    cell = new_code_cell(source.strip())
    if tags:
        cell.metadata["tags"] = tags
    if hls:
        cell.metadata["hls"] = hls
    return cell


def report_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# Report\n\nThis notebook makes the shareable report for one place, period and "
            "audience. Coordinators run it with `hls-workbook report`; analysts can run it "
            "here and add cells. Everything it shows has already passed the privacy rules for "
            "the audience.",
            metadata={"tags": ["remove-cell"]},
        ),
        _cell(
            '''
# Parameters: literals only, each with its type and what it means (papermill --help-notebook
# lists them). papermill replaces this cell's values.
db: str = ""  # database file or URL; empty means $HLS_WORKBOOK_DB, else data/workbook.db
place: str = "millbrook"  # the place's short name: lower-case letters, digits and hyphens
start: str = "2026-01-01"  # first day of the period, as YYYY-MM-DD
end: str = "2026-06-30"  # last day of the period, as YYYY-MM-DD
audience: str = "team"  # who will read it: team, partners or public
title: str = ""  # the report's heading; empty gives: What we are learning in (the place)
threshold: int = 5  # public reports hide counts of people below this (5 or more)
''',
            tags=["parameters"],
        ),
        _cell(
            '''
from hls_workbook.sections import Report

report = Report.load(db=db, place=place, start=start, end=end, audience=audience,
                     title=title, threshold=threshold)
report.show("intro")
''',
        ),
    ]
    for key, title, practices in REPORT_SECTIONS:
        cells.append(_cell(f'report.show("{key}")', practices=practices,
                           section={"id": key, "title": title}))
        if key == "glance":  # how we protect people: before the first number it explains
            cells.append(_cell('report.show("protection")'))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def analysis_template() -> nbformat.NotebookNode:
    """The analysts' starting point: `hls-workbook new-notebook NAME` copies it."""
    cells = [
        new_markdown_cell(
            "# A new analysis\n\nStart here to ask your own questions of the workbook. The "
            "first cell holds the parameters (papermill can change them); the rest are "
            "examples to keep, change or delete. See `docs/analysts.md` for the whole API."
        ),
        _cell(
            '''
# Parameters: literals only, each with its type and what it means.
db: str = ""  # database file or URL; empty means $HLS_WORKBOOK_DB, else data/workbook.db
place: str = "millbrook"  # the place's short name: lower-case letters, digits and hyphens
start: str = "2026-01-01"  # first day of the period, as YYYY-MM-DD
end: str = "2026-06-30"  # last day of the period, as YYYY-MM-DD
''',
            tags=["parameters"],
        ),
        new_markdown_cell("## Load the records\n\nEvery record kind is a pandas DataFrame. "
                          "Dates are filtered in the database."),
        _cell(
            '''
from hls_workbook import analysis, charts, open_workbook, privacy

wb = open_workbook(db or None)
meetings = wb.table("meeting", place, start=start, end=end)
contributions = wb.table("contribution", place, start=start, end=end)
decisions = wb.table("decision", place, start=start, end=end)
len(meetings), len(contributions)
''',
        ),
        new_markdown_cell("## Call an analysis function\n\nThey are pure: DataFrames in, "
                          "DataFrames or small summaries out."),
        _cell(
            '''
summary = analysis.participation_summary(contributions, meetings, decisions)
print(summary.sentence)
analysis.meeting_balance(contributions, meetings).tail()
''',
        ),
        new_markdown_cell("## Draw a chart\n\nEvery chart has a title that states the "
                          "finding, alt text, and its numbers as a table."),
        _cell(
            '''
chart = charts.participation_chart(contributions, meetings)
print(chart.alt_text)
chart
''',
        ),
        new_markdown_cell("## Before you share anything\n\nApply the audience's privacy "
                          "rules first: consent, redaction and small numbers."),
        _cell(
            '''
public = privacy.apply(wb.tables(place, start=start, end=end), "public")
public["voice"][["domain_of_change", "shown_name", "story"]].head()
''',
        ),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def all_notebooks() -> dict[str, nbformat.NotebookNode]:
    books = {"report.ipynb": report_notebook(), "../hls_workbook/templates/analysis.ipynb":
             analysis_template()}
    try:
        from stage_notebooks import stage_notebooks  # noqa: PLC0415
    except ImportError:
        return books
    books.update(stage_notebooks())
    return books


def _normalise(nb: nbformat.NotebookNode) -> str:
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nbformat.writes(nb)


def main(check: bool = False) -> int:
    stale = []
    for name, nb in all_notebooks().items():
        path = ROOT / "notebooks" / name
        text = _normalise(nb)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.resolve().relative_to(ROOT)}")
    if stale:
        print("stale notebooks: " + ", ".join(stale) + " (run scripts/build_notebooks.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main(check="--check" in sys.argv))
