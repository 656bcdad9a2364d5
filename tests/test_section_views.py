"""Report sections are data rendered by templates (issues 13 and 14).

A section is two steps: ``report.data(key)`` gives view models built only from what the
privacy gate let through for the audience, and ``report.render(key, data)`` renders them
through the package's Jinja templates, which escape every piece of text. These tests
check the escaping at the template, that a change to the data (a dropped row) shows in
the rendering, and that the data holds nothing the audience may not see.
"""

from __future__ import annotations

import re

import pytest

from hls_workbook import open_workbook, templating
from hls_workbook.reporting.sections import Report, html
from hls_workbook.reporting.sections.html import (
    Cards,
    Heading,
    Para,
    Point,
    Points,
    SectionData,
    Story,
    Table,
)

NASTY = '<script>alert("x")</script> & \'quoted\''


def _table_html(page: str, caption: str) -> str:
    """The one table of ``page`` with this caption."""
    found = re.findall(r"<table><caption>(.*?)</caption>(.*?)</table>", page, re.S)
    mine = [body for cap, body in found if cap == caption]
    assert len(mine) == 1, [cap for cap, _ in found]
    return mine[0]


def test_typed_text_is_escaped_by_the_templates_wherever_it_goes():
    data = SectionData("meetings", NASTY, [
        Heading(NASTY), Para(NASTY, "finding"),
        Table.of([NASTY, "Count"], [[NASTY, 3]], caption=NASTY, counts=[1]),
        Cards([(NASTY, NASTY)]), Points([Point(NASTY, title=NASTY, aside=NASTY)]),
        Story(NASTY, why=NASTY, who=NASTY, role=NASTY, about=NASTY, when=NASTY),
    ], practices=("GS2",))
    page = html.render_section(data)
    assert "<script" not in page and "alert(&#34;x&#34;)" in page
    assert "&lt;script&gt;" in page and "&amp;" in page
    assert page.count("&lt;script&gt;") == 18  # every place the text went, the title too
    assert '<td class="num count">3</td>' in page


def test_the_builders_render_through_the_same_macros():
    table = html.table_html(["What", "People"], [["<b>", 7], [None, float("nan")]],
                            caption="Caption", numeric=[1], counts=[1])
    assert "&lt;b&gt;" in table and '<th scope="col" class="num count">People</th>' in table
    assert '<td class="short"></td>' in table and "nan" not in table.lower()
    assert html.cards([("3", "<i>")], count=False) == (
        '<div class="cards"><div class="card"><span class="number">3</span>'
        '<span class="label">&lt;i&gt;</span></div></div>')
    assert html.empty_note("<none>") == '<p class="empty">&lt;none&gt;</p>'
    assert templating.environment() is templating.environment()  # one, made once


def test_an_analyst_drops_a_row_and_sees_it_in_the_rendering(demo_report):
    report = demo_report("partners")
    data = report.data("learning")
    timeline = data.table("Learning timeline")
    before = len(timeline.frame)
    assert before == 5  # partners read the 5 most recent, and how many more there are
    gone = timeline.frame.iloc[0]["What"]
    timeline.frame = timeline.frame.iloc[1:]
    page = report.render("learning", data).html
    shown = _table_html(page, timeline.caption)
    assert shown.count("<tr>") == 1 + before - 1  # the heading row and the rows left
    assert f"<td>{gone}</td>" not in shown


def test_a_section_renders_the_same_twice(demo_report):
    report = demo_report("team")
    data = report.data("relationships")
    assert all(f.state == "drawn" for f in data.figures())
    first = report.render("relationships", data).html
    assert report.render("relationships", data).html == first
    assert first.count("<svg") == len(data.figures())


def test_the_data_holds_only_what_the_public_may_see(demo_db, demo_report):
    report = demo_report("public")
    with open_workbook(demo_db) as wb:
        voices = wb.table("voice", "millbrook")
    public = voices["consent_audiences"].map(lambda a: "public" in list(a))
    not_public = {str(s) for s in voices.loc[~public, "story"]}
    data = report.data("voices")
    stories = [b.text for b in data.walk() if isinstance(b, Story)]
    assert stories and not set(stories) & not_public
    assert not set(report.tables["voice"]["story"].astype(str)) & not_public
    # A chart that would draw a small count keeps neither the chart nor its counts.
    for key in ("meetings", "relationships"):
        for figure in report.data(key).figures():
            if figure.state == "hidden":
                assert figure.chart is None and figure.title == ""
            for table in [figure.fold] if isinstance(figure.fold, Table) else []:
                for col in table.counts:
                    assert not table.frame[col].astype(str).isin(
                        [str(n) for n in range(1, report.threshold)]).any()


def test_a_section_that_does_not_exist_is_named():
    report = Report("p", *[None] * 2, "team", 5, "", {}, {})
    with pytest.raises(KeyError, match="glossary"):
        report.data("nonsense")


def test_a_section_written_as_html_by_the_builders_is_kept(demo_report, monkeypatch):
    """A section method that still returns the builders' HTML renders it as it is."""
    report = demo_report("team")
    monkeypatch.setattr(Report, "glossary_section",
                        lambda self: html.table_html(["Word"], [["<b>"]]) + html.empty_note("x"))
    page = report.render("glossary").html
    assert '<td class="short">&lt;b&gt;</td>' in page and '<p class="empty">x</p>' in page
    assert page.startswith('<section class="report-section" id="glossary"')


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_stories_are_a_log_short_outside_the_team(demo_report, audience):
    report = demo_report(audience)
    data = report.data("voices")
    stories = [b for b in data.walk() if isinstance(b, Story)]
    visible = len(report.tables["voice"])
    assert len(stories) == min(visible, report.log_limit)
    if audience != "team":
        assert report.log_limit == 5
    notes = [b for b in data.walk() if isinstance(b, Para) and b.cls == "note"]
    assert bool(notes) == (visible > len(stories))


def test_a_grouped_table_names_each_group_once_over_its_rows():
    """The pulse by part and round: a statement heads its parts' rows (one body each),
    instead of the same sentence on every row."""
    table = html.table_html(["Statement", "Part", "Average"],
                            [["We <listen>", "Charity", "5.2"], ["We <listen>", "Other", "6.0"],
                             ["We share", "Charity", "4.0"]],
                            caption="Pulse", numeric=[2], grouped=True)
    assert table.count("<tbody>") == 2
    assert table.count("We &lt;listen&gt;") == 1
    assert '<th scope="rowgroup" rowspan="2">We &lt;listen&gt;</th>' in table
    assert '<th scope="rowgroup" rowspan="1">We share</th>' in table


def test_only_a_first_column_of_short_words_is_marked_to_stay_on_one_line():
    dates = html.Table.of(["Meeting date", "Charity"], [["2026-01-06", 3]], numeric=[1])
    words = html.Table.of(["Statement", "Average"],
                          [["We work as equal partners, not as competitors.", 5]],
                          numeric=[1])
    # A statement in the pulse chart's few words (the public's pulse numbers) is short.
    labels = html.Table.of(["Statement", "Average"], [["Not only the loudest voice", 5]],
                           numeric=[1])
    assert [dates.cell_css(i) for i in range(2)] == ["short", "num"]
    assert [words.cell_css(i) for i in range(2)] == ["", "num"]
    assert [labels.cell_css(i) for i in range(2)] == ["short", "num"]


def test_templates_are_kept_compiled_and_a_folder_that_fails_only_costs_time(tmp_path,
                                                                              monkeypatch):
    """Compiled templates are kept between processes (a report kernel and a stage
    notebook load them rather than compile them); a cache that cannot be written to
    leaves the page as it was."""
    env = templating.environment()
    cache = env.bytecode_cache
    assert cache is not None
    source, filename, _ = env.loader.get_source(env, templating.MACROS)
    kept = cache.get_bucket(env, templating.MACROS, filename, source)
    templating.macros()
    assert kept.code is not None or cache.get_bucket(
        env, templating.MACROS, filename, source).code is not None
    expected = templating.macro("note", "Fish & chips", "empty")
    monkeypatch.setattr(cache, "directory", str(tmp_path / "gone"))  # writing fails
    templating.environment.cache_clear()
    templating.macros.cache_clear()
    try:
        monkeypatch.setattr(templating, "_compiled_cache", lambda: cache)
        assert templating.macro("note", "Fish & chips", "empty") == expected
        assert "Fish &amp; chips" in expected
    finally:
        templating.environment.cache_clear()
        templating.macros.cache_clear()


def test_a_chart_s_numbers_go_under_it_only_when_their_cells_are_long():
    """Printed beside the chart unless a row is a sentence or two columns hold long words
    (where a narrow column would wrap every cell)."""
    import pandas as pd

    def wide(**columns):
        return html.Figure("drawn", fold=Table(pd.DataFrame(columns))).wide

    rhythm = {"Meeting": ["Tuesday partnership forum"], "Rhythm": ["weekly, Tuesday"],
              "Held": ["24 of 26"], "Last met": ["30 June 2026"]}
    assert not wide(**rhythm)
    statement = "We know each other, and every part of the system is in the room."
    assert wide(Statement=[statement], Everyone=["5.9"])
    assert wide(Experiment=["Walk"], Happened=["Hardly anyone came, so we stopped"],
                Keep=["A phone number that a person answers"])
    assert not wide(Experiment=["Walk"], Happened=["Hardly anyone came, so we stopped"])
    assert not html.Figure("drawn", fold=Table(pd.DataFrame())).wide
    assert not html.Figure("drawn").wide


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_asks_of_partners_are_listed_for_partners_and_summed_up_for_the_public(demo_report,
                                                                                 audience):
    """The strip list and the support asked for are what partners act on: listed in full
    for the team and partners; the public reads how many, where they stand, and where
    the rest is, from the same records."""
    report = demo_report(audience)
    data = report.data("relationships")
    captions = [t.caption for t in data.every_table()]
    listed = {"The strip list": any(c.startswith("The strip list") for c in captions),
              "Support requests": "Support requests" in captions}
    notes = " ".join(b.text for b in data.walk() if isinstance(b, Para))
    support = report.tables["support"]
    assert len(support) and len(report.audit().strip_list)
    if audience == "public":
        assert not any(listed.values())
        assert f"The strip list has {len(report.audit().strip_list)} proposals" in notes
        assert f"We asked for outside support {len(support)} times: " in notes
        for status, n in support["status"].value_counts().items():
            label = {"in_progress": "in progress"}.get(status, status)
            assert f"{n} {label}" in notes
    else:
        assert all(listed.values())
        assert "We asked for outside support" not in notes


def test_the_support_sentence_counts_each_status_in_the_model_s_order():
    import pandas as pd

    from hls_workbook.domain.model import SupportStatus
    from hls_workbook.reporting.sections.wording import support_sentence

    labels = SupportStatus.labels()
    said = support_sentence(pd.Series(["met", "open", "declined", "open"]), labels)
    assert said.startswith("We asked for outside support 4 times: 2 open, 1 met and 1 "
                           "declined.")
    assert support_sentence(pd.Series(["in_progress"]), labels).startswith(
        "We asked for outside support once; the request is in progress.")
    assert support_sentence(pd.Series([None, None]), labels).startswith(
        "We asked for outside support 2 times.")


def test_a_column_of_numbers_is_shown_with_the_same_decimals_in_every_row():
    """A share of speaking time read '49.60', '12', '5.40', '0' down one column."""
    import pandas as pd

    from hls_workbook.reporting.sections.html import Table

    frame = pd.DataFrame({"part": ["a", "b", "c", "d"], "share": [49.6, 12.0, 5.4, 0.0],
                          "whole": [1.0, 2.0, float("nan"), 3.0],
                          "fine": [1.234, 2.0, 3.5, 4.0]})
    shown = Table.of_frame(frame).frame
    assert shown["share"].tolist() == ["49.6", "12.0", "5.4", "0.0"]
    assert shown["whole"].tolist() == ["1", "2", "–", "3"]
    assert shown["fine"].tolist() == ["1.23", "2.00", "3.50", "4.00"]
