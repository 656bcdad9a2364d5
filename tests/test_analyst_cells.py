"""Cells an analyst adds to the report notebook reach the report, in their section, and
see only what the audience may see (issue 14).

A copy of notebooks/report.ipynb gets a cell between the learning section's two steps
(its data, then its rendering) that drops a row of the learning timeline, and two cells
at its end, tagged ``section:meetings``:
a matplotlib chart of meetings per month, and a table of the stories the report's
documented API (``report.tables``) gives. The public report is made from the copy: both
outputs sit at the end of "How we met and who was in the room", before the next section,
and the table holds only stories whose tellers agreed to the public reading them; the
timeline shows one row fewer.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from hls_workbook import open_workbook
from hls_workbook.config import notebooks_dir
from hls_workbook.demo import START
from hls_workbook.reporting.export import in_their_sections
from hls_workbook.reporting.reports import ReportRequest, ReportRunner

pytestmark = pytest.mark.notebook

CHART = '''import matplotlib.pyplot as plt
per_month = report.tables["meeting"].groupby(
    report.tables["meeting"]["held_on"].dt.to_period("M")).size()
fig, ax = plt.subplots(figsize=(4, 2))
per_month.plot.bar(ax=ax, title="Analyst chart: meetings a month")
plt.show()'''

STORIES = '''from IPython.display import HTML
from hls_workbook.privacy import escape
HTML("<table class='analyst-stories'>" + "".join(
    f"<tr><td>{escape(s)}</td></tr>" for s in report.tables["voice"]["story"]) + "</table>")'''


#: Between a section's two steps: the analyst drops the newest row of the learning timeline.
DROP_ROW = '''timeline = learning_data.table("Learning timeline")
timeline.frame = timeline.frame.iloc[:-1]'''


def _with_added_cells(path):
    nb = nbformat.read(notebooks_dir() / "report.ipynb", as_version=4)
    for source in (CHART, STORIES):
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": ["section:meetings"]}))
    at = [c.source for c in nb.cells].index('learning_data = report.data("learning")') + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(DROP_ROW))
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def public_page(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("analyst")
    req = ReportRequest.make("millbrook", START, "2026-06-30", "public", db=demo_db)
    with ReportRunner(notebook=_with_added_cells(folder / "our_report.ipynb")) as runner:
        return runner.run(req, folder).html.read_text(encoding="utf-8")


def test_an_added_chart_and_table_appear_at_the_end_of_their_section(public_page):
    meetings = public_page.index('id="meetings"')
    experiments = public_page.index('id="experiments"')
    added = [m.start() for m in re.finditer(r'class="report-cell added-cell"', public_page)]
    assert len(added) == 2, "both added cells are shown, and marked as added"
    assert all(meetings < at < experiments for at in added)
    chart = public_page.index("data:image/png;base64,", added[0])
    assert chart < added[1] < public_page.index("analyst-stories")


def test_an_added_cell_sees_only_what_the_audience_may_see(public_page, demo_db):
    with open_workbook(demo_db) as wb:
        voices = wb.table("voice", "millbrook")
    public = voices["consent_audiences"].map(lambda a: "public" in list(a))
    shown = re.search(r"<table class=.analyst-stories.>(.*?)</table>", public_page, re.S)
    assert shown is not None
    rows = shown.group(1).count("<tr>")
    assert 0 < rows <= int(public.sum())
    for story in voices.loc[~public, "story"]:
        fragment = str(story)[:40]
        assert fragment not in shown.group(1), "a story not for the public reached it"


def test_a_change_to_a_section_s_data_shows_in_the_report(public_page):
    timeline = re.search(r"<caption>The 5 most recent things we learned, in order[^<]*"
                         r"</caption>(.*?)</table>", public_page, re.S)
    assert timeline is not None
    assert timeline.group(1).count("<tr>") == 1 + 4  # the heading row and 4 of the 5


def test_cells_move_only_to_a_section_the_notebook_has():
    cells = [nbformat.v4.new_code_cell("a", metadata={"hls": {"section": {"id": "one"}}}),
             nbformat.v4.new_code_cell("b", metadata={"hls": {"section": {"id": "two"}}}),
             nbformat.v4.new_code_cell("x", metadata={"tags": ["section:one"]}),
             nbformat.v4.new_code_cell("y", metadata={"tags": ["section:nowhere"]}),
             nbformat.v4.new_code_cell("z", metadata={"tags": ["section:one"]})]
    assert [c.source for c in in_their_sections(cells)] == ["a", "x", "z", "b", "y"]


def _failing(cells: list, at: int) -> nbformat.NotebookNode:
    """The report notebook's cells as papermill leaves them when the cell ``at`` raised."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.from_dict(dict(c)) for c in cells])
    nb.cells[at].metadata["papermill"] = {"exception": True}
    return nb


def test_a_failed_cell_is_named_by_the_section_its_metadata_says():
    """The section a failed cell stopped in comes from the cells' metadata (``hls.section``,
    ``hls.part``, ``section:<id>`` tags), never their code: an analyst's cell that fails
    is named by its section too."""
    from hls_workbook.reporting import sections
    from hls_workbook.reporting.reports import _failed_section

    cells = nbformat.read(notebooks_dir() / "report.ipynb", as_version=4).cells
    where = [c.source for c in cells].index
    title = {key: t for key, (t, _practices) in sections.SECTIONS.items()}
    learning = where('learning_data = report.data("learning")')
    assert _failed_section(_failing(cells, where(cells[2].source))) == "The introduction"
    assert _failed_section(_failing(cells, where('glance_data = report.data("glance")'))) == (
        title["glance"])
    assert _failed_section(_failing(cells, where('report.show("protection")'))) == (
        "How we protect people")
    assert _failed_section(_failing(cells, learning)) == title["learning"]
    assert _failed_section(_failing(cells, learning + 1)) == title["learning"]  # its cell
    # An analyst's cells: between a section's two steps, tagged for a section (wherever it
    # sits), tagged for a section there is not, and untagged at the end.
    between = [*cells[:learning + 1], nbformat.v4.new_code_cell("raise ValueError"),
               *cells[learning + 1:]]
    assert _failed_section(_failing(between, learning + 1)) == title["learning"]
    for tags, named in ((["section:learning"], title["learning"]),
                        (["section:nowhere"], title["glossary"]), ([], title["glossary"])):
        added = [*cells, nbformat.v4.new_code_cell("raise ValueError",
                                                   metadata={"tags": tags})]
        assert _failed_section(_failing(added, len(cells))) == named, tags
    early = [cells[1], nbformat.v4.new_code_cell("raise ValueError",
                                                 metadata={"tags": ["section:learning"]}),
             *cells[2:]]
    assert _failed_section(_failing(early, 1)) == title["learning"]
    assert _failed_section(_failing(cells, 0)) == "The introduction"  # before any: the next
    assert _failed_section(nbformat.v4.new_notebook(cells=list(cells))) == "unknown"
    assert _failed_section(None) == "unknown"


def test_a_failing_added_cell_names_its_section_in_the_report_s_error(demo_db, tmp_path):
    from hls_workbook.domain.errors import ReportError
    from hls_workbook.reporting import sections

    nb = nbformat.read(notebooks_dir() / "report.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'raise ValueError("our own cell broke")', metadata={"tags": ["section:learning"]}))
    own = tmp_path / "our_report.ipynb"
    nbformat.write(nb, own)
    req = ReportRequest.make("millbrook", START, "2026-06-30", "partners", db=demo_db)
    with ReportRunner(notebook=own) as runner, pytest.raises(ReportError) as err:
        runner.run(req, tmp_path / "out")
    learning = sections.SECTIONS["learning"][0]
    assert f"stopped in the section '{learning}': ValueError: our own cell broke" in str(
        err.value)


def test_a_teams_own_report_notebook_from_new_report_is_made_with_report_notebook(
        demo_db, tmp_path):
    """`new-report` copies the report notebook; a cell added to the copy reaches the
    report `report --notebook` makes from it."""
    from typer.testing import CliRunner

    from hls_workbook.cli import app

    runner = CliRunner()
    made = runner.invoke(app, ["new-report", "our_report", "--folder", str(tmp_path)])
    assert made.exit_code == 0, made.output
    copy = tmp_path / "our_report.ipynb"
    nb = nbformat.read(copy, as_version=4)
    assert "jupytext" not in nb.metadata  # the team's own, not paired with a text file
    nb.cells.append(nbformat.v4.new_code_cell(
        'from IPython.display import HTML\nHTML("<p>Our own words on learning</p>")',
        metadata={"tags": ["section:learning"]}))
    nbformat.write(nb, copy)
    again = runner.invoke(app, ["new-report", "our_report", "--folder", str(tmp_path)])
    assert again.exit_code != 0 and "already exists" in again.output
    result = runner.invoke(app, [
        "report", "--db", str(demo_db), "--place", "millbrook", "--from", "2026-01-01",
        "--to", "2026-03-31", "--audience", "partners", "--out", str(tmp_path / "out"),
        "--notebook", str(copy)])
    assert result.exit_code == 0, result.output
    page = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    own = page.index("Our own words on learning")
    assert page.index('id="learning"') < own < page.index('id="relationships"')
    missing = runner.invoke(app, [
        "report", "--db", str(demo_db), "--place", "millbrook", "--from", "2026-01-01",
        "--to", "2026-03-31", "--notebook", str(tmp_path / "nope.ipynb")])
    assert missing.exit_code != 0 and "new-report" in missing.output
