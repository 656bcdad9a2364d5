"""The report shows the behaviour pulse by part of the system and round (issue 18): small
groups folded or hidden by the threshold for every audience (pulse answers are
anonymous), answer counts for the team and partners only. (Nothing in it is typed
text: a round is validated as 2026-Q1 or 2026-01, statements and parts are the model's.)"""

from __future__ import annotations

import html as html_mod
import re

import pytest

from hls_workbook import open_workbook
from hls_workbook.domain.model import STATEMENT_SHORT, Part, Statement
from hls_workbook.reporting.sections import Report

from .privacy_helpers import clear_all
from .test_small_numbers import Tables, check_public_page

PLACE = "pulseville"
PARTS = [p.value for p in Part if p != Part.other]
ROUNDS = {
    "2026-Q1": {"charity": [6] * 6, "commissioner": [4] * 5, "lived_experience": [2, 2],
                "public_service": [9]},
    "2026-Q2": {"charity": [8] * 6, "commissioner": [5] * 6},
    "2026-Q3": {"charity": [3, 3, 3]},
}
ANSWERED = {"2026-Q1": "2026-02-01", "2026-Q2": "2026-05-01", "2026-Q3": "2026-08-01"}


@pytest.fixture(scope="module")
def pulse_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("pulse") / "pulse.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place(PLACE, {"name": "Pulseville", "shared_focus": "Fewer people alone"})
        wb.add_many([("pulse", {"statement": statement, "score": s, "role": role,
                                "period": period, "answered_on": ANSWERED[period]})
                     for period, counts in ROUNDS.items() for role, scores in counts.items()
                     for s in scores for statement in ("equal_partners", "shared_language")],
                    place=PLACE)
        clear_all(wb, PLACE)
    return db


def _report(db, audience: str, end: str = "2026-09-30") -> Report:
    return Report.load(db=str(db), place=PLACE, start="2026-01-01", end=end,
                       audience=audience)


def _pulse_table(html: str) -> list[list[str]]:
    """The rows (header first) of the pulse table: a statement a row, everyone's average
    and each group's in the latest round."""
    part = html[html.index("<caption>Behaviour pulse, "):]
    parsed = Tables()
    parsed.feed("<table>" + part)
    return [[c for c, _ in row] for row in parsed.tables[0] if row]


def _first_row(rows: list[list[str]]) -> dict[str, str]:
    """The first statement's cells by their column's heading."""
    return dict(zip(rows[0], rows[1], strict=True))


FOLDED = ("Other parts together: commissioners or funders, public services and people "
          "with lived experience")


def test_the_public_sees_no_group_below_the_threshold(pulse_db):
    # Round 2026-Q1 alone: three parts too small, taken together.
    cells = _first_row(_pulse_table(_report(pulse_db, "public", "2026-03-31")
                                    .show("relationships").html))
    assert not any("answers" in h.lower() for h in cells)  # no counts in public
    assert cells[FOLDED] == f"{(4 * 5 + 2 * 2 + 9) / 8:.1f}"
    # The parts taken together have no column of "with other parts" all the way down:
    # the together column names them.
    assert list(cells)[1:] == ["Everyone", "Charity", FOLDED]
    assert cells["Charity"] == "6.0" and cells["Everyone"] == f"{69 / 14:.1f}"
    # Round 2026-Q2: two parts of six answers each, with their change where both rounds
    # showed them (the commissioners' 2026-Q1 answers were with other parts).
    cells = _first_row(_pulse_table(_report(pulse_db, "public", "2026-06-30")
                                    .show("relationships").html))
    assert list(cells)[1:] == ["Everyone", "Commissioner or funder", "Charity"]
    assert cells["Charity"] == "8.0 (+2.0)" and cells["Commissioner or funder"] == "5.0"
    assert cells["Everyone"] == "6.5 (+1.6)"  # everyone's change, as each part's
    # The public reads the chart: each statement in the chart's few words, so the
    # numbers fit beside it. Readers who act on each statement read it whole (below).
    assert cells["Statement"] in STATEMENT_SHORT.values()
    # Round 2026-Q3: three answers in all, so nothing is shown.
    report = _report(pulse_db, "public")
    cells = _first_row(_pulse_table(report.show("relationships").html))
    assert cells["Charity"] == "hidden" and cells["Everyone"] == "hidden"
    check_public_page(report.render_html())


@pytest.mark.parametrize("audience", ["team", "partners"])
def test_the_team_and_partners_see_every_part_and_its_answers(pulse_db, audience):
    rows = _pulse_table(_report(pulse_db, audience, "2026-03-31").show("relationships").html)
    cells = _first_row(rows)
    # Every part that answered is counted: in its own column, or, taken together with
    # others, in the together column's heading (a column of "with other parts" all the
    # way down made the table too wide for a page).
    together = ("Other parts together: commissioners or funders (5), public services (1) "
                "and people with lived experience (2) (8 answers)")
    assert list(cells)[1:] == ["Everyone", "Answers", "Charity (6 answers)", together]
    assert cells["Answers"] == "14"
    assert cells[together] == "4.1"
    assert cells["Charity (6 answers)"] == "6.0"
    assert cells["Statement"] in Statement.labels().values()
    # A later round too small in all: its counts as they are, its averages hidden.
    cells = _first_row(_pulse_table(_report(pulse_db, audience).show("relationships").html))
    assert cells["Charity (3 answers)"] == "hidden" and cells["Answers"] == "3"
    assert cells["Everyone"] == "hidden"
    assert len(rows) == 1 + 2  # a row for each of the two statements answered

def _text(html: str) -> str:
    return html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_the_widest_gap_of_the_latest_round_is_a_finding(pulse_db, audience):
    """Said of the latest round only: a hidden later round never contradicts it."""
    html = _report(pulse_db, audience, end="2026-06-30").show("relationships").html
    assert ("In April to June 2026, parts of the system saw \u201cWe work as equal partners, not "
            "as competitors for funding.\u201d most differently: from 5.0 (Commissioner or "
            "funder) to 8.0 (Charity) out of 10.") in _text(html)
    later = _text(_report(pulse_db, audience).show("relationships").html)
    assert "most differently" not in later  # round 2026-Q3 is too small to compare


def test_no_pulse_no_part(tmp_path):
    db = tmp_path / "empty.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place(PLACE, {"name": "Pulseville", "shared_focus": "Fewer people alone"})
    html = _report(db, "team").show("relationships").html
    assert "Behaviour pulse, " not in html


def test_the_stage_notebook_shows_the_team_report_s_table(pulse_db):
    """One rule and one wording for the pulse by part, in the notebook and the report."""
    from hls_workbook.ui import stages

    with open_workbook(pulse_db) as wb:
        notebook = stages.summary_html("pulse", wb, place=PLACE)
    parsed = Tables()
    parsed.feed(notebook)
    in_notebook = [[c for c, _ in row] for row in parsed.tables[0] if row]
    in_report = _pulse_table(_report(pulse_db, "team").show("relationships").html)
    assert in_notebook == in_report
    assert ">hidden</td>" in notebook
