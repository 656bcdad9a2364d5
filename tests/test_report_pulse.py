"""The report shows the behaviour pulse by part of the system and round (issue 18): small
groups folded or hidden by the threshold for every audience (pulse answers are
anonymous), answer counts for the team and partners only. (Nothing in it is typed
text: a round is validated as 2026-Q1 or 2026-01, statements and parts are the model's.)"""

from __future__ import annotations

import html as html_mod
import re

import pytest

from hls_workbook import open_workbook
from hls_workbook.domain.model import Part
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
    """The rows (header first) of the table of the pulse by part and round, each with its
    statement (printed once, as the heading of its rows)."""
    part = html[html.index("How each part of the system sees it"):]
    parsed = Tables()
    parsed.feed(part[part.index("<table>"):])
    rows = [[c for c, _ in row] for row in parsed.tables[0] if row]
    for before, row in zip(rows[1:], rows[2:], strict=False):
        if len(row) < len(rows[0]):
            row.insert(0, before[0])
    return rows


def _groups_shown(rows: list[list[str]]) -> dict[tuple[str, str], str]:
    """(group, round header) -> the average's cell, for the first statement's rows."""
    header, body = rows[0], rows[1:]
    first = body[0][0]
    return {(row[1], header[j]): row[j] for row in body if row[0] == first
            for j in range(2, len(header)) if header[j].startswith("Average")}


def test_the_public_sees_no_group_below_the_threshold(pulse_db):
    html = _report(pulse_db, "public").show("relationships").html
    rows = _pulse_table(html)
    assert not any(h.startswith("Answers") for h in rows[0])  # no counts in public
    cells = _groups_shown(rows)
    folded = ("Other parts together: commissioners or funders, public services and "
              "people with lived experience")
    q1, q2 = "Average, round 2026-Q1", "Average, round 2026-Q2"
    assert cells[(folded, q1)] == f"{(4 * 5 + 2 * 2 + 9) / 8:.1f}"
    for part in ("Commissioner or funder", "Public service", "People with lived experience"):
        assert cells[(part, q1)] == "with other parts"
    assert cells[("Charity", q1)] == "6.0" and cells[("Charity", q2)] == "8.0"
    assert cells[("Commissioner or funder", q2)] == "5.0"
    assert cells[("Charity", "Average, round 2026-Q3")] == "hidden"
    # Every average shown in public sums up at least the threshold of answers.
    for (group, head), cell in cells.items():
        if re.fullmatch(r"\d+\.\d", cell):
            n = _answers(group, head.removeprefix("Average, round "))
            assert n >= 5, (group, head, n)
    check_public_page(_report(pulse_db, "public").render_html())


def _answers(group: str, period: str) -> int:
    """How many answers a group shown gave in a round (from the hand-made data)."""
    labels = Part.labels()
    counts = ROUNDS[period]
    if group.startswith("Other parts together"):
        return sum(len(v) for k, v in counts.items() if labels[k].lower() in group.lower()
                   or k in ("commissioner", "public_service", "lived_experience"))
    return next(len(v) for k, v in counts.items() if labels[k] == group)


@pytest.mark.parametrize("audience", ["team", "partners"])
def test_the_team_and_partners_see_every_part_and_its_answers(pulse_db, audience):
    html = _report(pulse_db, audience).show("relationships").html
    rows = _pulse_table(html)
    header = rows[0]
    assert header[2:] == ["Average, round 2026-Q1", "Answers, round 2026-Q1",
                          "Average, round 2026-Q2", "Answers, round 2026-Q2",
                          "Average, round 2026-Q3", "Answers, round 2026-Q3"]
    body = [r for r in rows[1:] if r[0] == rows[1][0]]
    by_group = {r[1]: r for r in body}
    labels = Part.labels()
    answered = {p for counts in ROUNDS.values() for p in counts}
    for part in answered:  # every part that answered has its row
        assert labels[part] in by_group
    # Counts as they are, small ones included; the averages of too few stay hidden.
    assert by_group["Charity"][6:8] == ["hidden", "3"]
    folded = next(g for g in by_group if g.startswith("Other parts together"))
    assert by_group[folded][2:4] == ["4.1", "8"]
    assert by_group["Charity"][2:4] == ["6.0", "6"]
    # Each part's own answers, folded or not: the team and partners see every count.
    assert by_group["Public service"][2:4] == ["with other parts", "1"]
    assert by_group["People with lived experience"][2:4] == ["with other parts", "2"]
    assert by_group["Public service"][4:6] == ["–", "–"]  # no answers in 2026-Q2

def _text(html: str) -> str:
    return html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_the_widest_gap_of_the_latest_round_is_a_finding(pulse_db, audience):
    """Said of the latest round only: a hidden later round never contradicts it."""
    html = _report(pulse_db, audience, end="2026-06-30").show("relationships").html
    assert ("In round 2026-Q2, parts of the system saw \u201cWe work as equal partners, not "
            "as competitors for funding.\u201d most differently: from 5.0 (Commissioner or "
            "funder) to 8.0 (Charity) out of 10.") in _text(html)
    later = _text(_report(pulse_db, audience).show("relationships").html)
    assert "most differently" not in later  # round 2026-Q3 is too small to compare


def test_no_pulse_no_part(tmp_path):
    db = tmp_path / "empty.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place(PLACE, {"name": "Pulseville", "shared_focus": "Fewer people alone"})
    html = _report(db, "team").show("relationships").html
    assert "How each part of the system sees it" not in html


def test_the_stage_notebook_shows_the_team_report_s_table(pulse_db):
    """One rule and one wording for the pulse by part, in the notebook and the report."""
    from hls_workbook.ui import stages

    with open_workbook(pulse_db) as wb:
        notebook = stages.summary_html("pulse", wb, place=PLACE)
    table = notebook[notebook.index("By part of the system, round by round"):]
    parsed = Tables()
    parsed.feed(table)
    in_notebook = [[c for c, _ in row] for row in parsed.tables[0] if row]
    in_report = _pulse_table(_report(pulse_db, "team").show("relationships").html)
    assert in_notebook == in_report
    assert "with other parts" in notebook and ">hidden</td>" in notebook
