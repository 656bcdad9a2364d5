"""Say it once: a chart's title is its finding, stated once; a table that repeats a chart
is that chart's numbers; long logs are short outside the team."""

from __future__ import annotations

import html as html_mod
import re

import pytest

from hls_workbook.reporting.sections import Report

from .test_small_numbers import visible_text


@pytest.fixture(scope="module")
def pages(demo_pages):
    """Each audience's demo report page, January to June (made once per run: conftest)."""
    return demo_pages


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_each_chart_title_is_said_once(pages, audience):
    page = pages[audience]
    titles = [html_mod.unescape(t) for t in re.findall(r"<figcaption>(.*?)</figcaption>", page)]
    assert titles
    # Outside the closed numbers folds (whose table may be captioned with it).
    text = visible_text(re.sub(r"<details>.*?</details>", "", page, flags=re.S))
    for title in titles:
        assert text.count(title) == 1, title  # not drawn in the image, not a finding too
    for svg in re.findall(r"<svg .*?</svg>", page, flags=re.S):
        drawn = " ".join(re.findall(r"<text\b[^>]*>([^<]*)</text>", svg))
        assert not any(t in html_mod.unescape(drawn) for t in titles)


def _fold_captions(page: str) -> list[str]:
    folds = re.findall(r"<details>.*?</details>", page, flags=re.S)
    return [c for fold in folds for c in re.findall(r"<caption>(.*?)</caption>", fold)]


@pytest.mark.parametrize("audience", ["team", "partners"])
def test_tables_that_repeat_a_chart_are_its_numbers(pages, audience):
    page = pages[audience]
    folded = _fold_captions(page)
    for caption in ("Behaviour pulse, April to June 2026",
                    "Anonymous check-ins, shown only as averages",
                    "What reporting costs, by funder",
                    "Our regular meetings", "Attendance over 29 meetings"):
        assert any(c.startswith(caption) for c in folded), caption
        outside = re.sub(r"<details>.*?</details>", "", page, flags=re.S)
        assert f"<caption>{caption}" not in outside, caption
    assert "Reach of our learning" not in page  # the learning chart's numbers say it
    # The strip list is a list of proposals with their reasons: its table, with no chart
    # drawing the same hours beside it.
    outside = re.sub(r"<details>.*?</details>", "", page, flags=re.S)
    assert "<caption>The strip list" in outside
    assert not any(c.startswith("The strip list") for c in folded)
    assert "would free at least" not in " ".join(re.findall(r"<figcaption>(.*?)</figcaption>",
                                                         page))


def test_the_public_attendance_table_stays_in_the_open(pages):
    """No attendance chart in public (small groups of people): its table is not folded."""
    outside = re.sub(r"<details>.*?</details>", "", pages["public"], flags=re.S)
    assert "<caption>Attendance over 29 meetings</caption>" in outside


def test_long_logs_are_short_outside_the_team(pages):
    team, partners = pages["team"], pages["partners"]
    assert "Everything we learned, in order" in team
    assert "The 5 most recent things we learned, in order" in partners
    assert ("This shows the 5 most recent of 24 pieces of learning. The other 19 are in the "
            "team\u2019s own report.") in html_mod.unescape(partners)
    timeline = re.search(r"things we learned, in order[^<]*</caption>.*?</table>", partners,
                         re.S)
    assert timeline.group(0).count("<tr>") == 1 + 5
    assert "The 5 most recent experiments" in partners and "Every experiment" in team


def _reviews_part(data):
    """The blocks under "Looking back" in the experiments section's data."""
    blocks = list(data.walk())
    start = next(i for i, b in enumerate(blocks)
                 if getattr(b, "text", "") == "Looking back: what happened")
    return blocks[start + 1:]


@pytest.mark.parametrize("audience", ["team", "public"])
def test_reviews_listed_in_full_are_not_charted_again(demo_report, audience):
    """The demo's 4 reviews are all in the table: their finding is said once, in words,
    before the table, and no chart repeats them."""
    report = demo_report(audience)
    reviews = report.tables["review"]
    part = _reviews_part(report.data("experiments"))
    assert not [b for b in part if type(b).__name__ == "Figure"]
    kinds = [type(b).__name__ for b in part]
    table = next(b for b in part if type(b).__name__ == "Table")
    assert len(table.frame) == len(reviews) == 4
    finding = part[kinds.index("Para")]
    assert kinds.index("Para") < kinds.index("Table") and finding.cls == "finding"
    not_to_plan = int(reviews["went_to_plan"].isin(["partly", "no"]).sum())
    # The words the chart's title would have said (one wording for one finding).
    assert finding.text == (f"{not_to_plan} of 4 reviews found things did not fully go to "
                            "plan: all of it is learning.")


def test_reviews_left_out_of_the_table_are_charted(demo_db, monkeypatch):
    """When the table shows only the most recent reviews, the chart counts every one."""
    from hls_workbook.reporting.sections import gated

    monkeypatch.setattr(gated, "LOG_LIMIT", 2)
    report = Report.load(db=str(demo_db), place="millbrook", start="2026-01-01",
                         end="2026-06-30", audience="partners")
    part = _reviews_part(report.data("experiments"))
    [figure] = [b for b in part if type(b).__name__ == "Figure"]
    assert figure.state == "drawn"
    assert int(figure.fold.frame["Reviews"].astype(int).sum()) == len(report.tables["review"]) == 4
    assert len(next(b for b in part if type(b).__name__ == "Table").frame) == 2
