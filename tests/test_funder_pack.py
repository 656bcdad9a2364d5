"""The funder conversation pack and the words to avoid (issue 18), on hand-made cases.

Every case is saved through the store into a real database, then read the way the
commands read it: the pack through the privacy gate for partners, the words to avoid
through the gate for the team.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from hls_workbook import privacy
from hls_workbook.analysis import funder as fa
from hls_workbook.analysis.language import avoid_pattern, avoided_words
from hls_workbook.cli import app
from hls_workbook.reporting import funder_pack
from hls_workbook.store import writing as store_writing  # where a save takes its time

PLACE = "testville"
TODAY = dt.date.today()
EMAIL = "jo.bloggs@trustb.example"
runner = CliRunner()


def item(requirement, funder, freq, hours, used="yes", grant=20_000, **more):
    return ("burden", {
        "requirement": requirement, "funder": funder, "organisation": "Open Door",
        "frequency_per_year": freq, "hours_each": hours, "staff_cost_per_hour": 25.0,
        "grant_value": grant, "used_in_decisions": used, **more})


def paperwork(wb) -> None:
    """Trust A: 42 known hours (£1,050) of a £20,000 grant, one requirement's hours not
    known; Trust B asks Trust A's quarterly return again (with an email in its text)."""
    wb.add_many([
        item("Quarterly monitoring return", "Trust A", 4, 5),
        item("Annual case studies", "Trust A", 1, 10, used="no"),
        item("Monthly attendance figures", "Trust A", 12, 1),
        item("Budget report <script>alert(1)</script>", "Trust A", 1, None,
             ivar_commitment="be_open"),
        item(f"Quarterly monitoring returns (send to {EMAIL})", "Trust B", 4, 3,
             grant=30_000),
        item("Annual accounts", "Trust B", 1, 2, grant=30_000),
    ], place=PLACE)


@pytest.fixture
def db(wb, db_path):
    paperwork(wb)
    return str(db_path)


# ---------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------


def test_the_pack_figures_for_one_funder(db):
    p = funder_pack.build(db, PLACE, "trust a")  # case aside
    v = p.view
    assert v.funder == "Trust A"
    assert v.requirements == 4 and v.hours_unknown == 1
    assert v.hours_a_year == 4 * 5 + 10 + 12  # 42; the unknown one is not counted as zero
    assert v.cost_a_year == pytest.approx(42 * 25)
    assert v.grant_value == 20_000 and v.grants == 1
    assert v.share_of_grant == pytest.approx(1050 / 20_000)
    assert v.hours_per_grant == 42
    assert v.sentences[0] == "Trust A's 4 requirements take at least 42 staff hours a year."
    assert v.sentences[1] == ("That is at least 5.2% of the grant, 1.2 times the sector's "
                              "average of 4.5% (NPC; up to 9%).")
    # The strip list: the case studies are never used (stop: 10 hours), the quarterly
    # return is asked by Trust B too (share one answer: 20 hours).
    strip = v.strip_list.set_index("requirement")
    assert strip.loc["Annual case studies", "action"] == "stop"
    assert strip.loc["Quarterly monitoring return", "action"] == "share"
    assert v.hours_freed == 30
    assert list(v.strip_list["rank"]) == list(range(1, len(v.strip_list) + 1))


def test_duplicates_are_found_across_funders_and_not_in_unrelated_questions(db):
    tables = privacy.open_tables(db, PLACE, "2000-01-01", "2199-12-31", "partners")
    pairs = fa.similar_requirements(tables["burden"])
    a = pairs[pairs["funder"] == "Trust A"]
    assert list(a["requirement"]) == ["Quarterly monitoring return"]
    assert a["other_funder"].iloc[0] == "Trust B"
    assert a["shared_words"].iloc[0] == "monitoring, quarterly, return"
    # "Annual case studies" and "Annual accounts" share one word of four: not the same.
    assert "Annual accounts" not in set(pairs["other_requirement"])
    assert fa.similarity("Quarterly monitoring returns", "quarterly Monitoring return") == 1
    assert fa.similarity("Annual case studies", "Annual accounts") < fa.SIMILAR_AT
    # The same funder asking twice is not a question duplicated across funders.
    same = pd.DataFrame([{"id": 1, "requirement": "Annual report", "funder": "X"},
                         {"id": 2, "requirement": "Annual report", "funder": "X"}])
    assert fa.similar_requirements(same).empty


def test_each_requirement_is_mapped_to_an_ivar_commitment_by_the_rule(db):
    v = funder_pack.build(db, PLACE, "Trust A").view
    got = dict(zip(v.items["requirement"], zip(v.items["commitment"], v.items["mapped_by"],
                                                 strict=True), strict=True))
    assert got["Annual case studies"] == ("Ask relevant questions", "the rule")  # never used
    assert got["Quarterly monitoring return"] == ("Don't waste time", "the rule")  # duplicate
    assert got["Monthly attendance figures"] == ("Be proportionate", "the rule")  # 12 a year
    assert got[[r for r in got if r.startswith("Budget")][0]] == ("Be open", "the team")
    counts = v.commitments.set_index("commitment")["requirements"]
    assert len(counts) == 8 and counts.sum() == 4 and counts["Accept risk"] == 0
    # A requirement used, asked once a year, asked by nobody else: communicate with purpose.
    mapping = fa.ivar_mapping(pd.DataFrame([{
        "id": 1, "requirement": "Annual accounts", "funder": "X", "organisation": "Y",
        "frequency_per_year": 1, "hours_each": 1, "used_in_decisions": "yes"}]))
    assert mapping["commitment"].iloc[0] == "communicate_with_purpose"


def test_a_year_on_year_change(wb, db_path, monkeypatch):
    """Records as they stood a year before the period's end are compared with now."""
    year_ago = dt.datetime.combine(TODAY - dt.timedelta(days=400), dt.time(12))
    monkeypatch.setattr(store_writing, "_now", lambda: year_ago)
    keep, drop = wb.add_many([item("Quarterly return", "Trust A", 4, 5),
                              item("Annual case studies", "Trust A", 1, 10, used="no")],
                             place=PLACE)
    monkeypatch.undo()
    wb.edit("burden", keep, {"hours_each": 2})  # simpler now: 8 hours a year, not 20
    wb.archive("burden", drop)  # no longer asked for
    wb.add(*item("Outcome survey", "Trust A", 1, 3), place=PLACE)
    v = funder_pack.build(str(db_path), PLACE, "Trust A").view
    change = v.change.set_index("measure")
    assert change.loc["Staff hours a year", "a_year_ago"] == 30
    assert change.loc["Staff hours a year", "now"] == 11
    assert change.loc["Staff hours a year", "change"] == -19
    assert change.loc["Requirements", "change"] == 0
    assert change.loc["No longer asked for", "a_year_ago"] == "Annual case studies"
    assert change.loc["Newly asked for", "now"] == "Outcome survey"
    assert v.sentences[-1] == "Since a year ago: 19 hours a year fewer."
    html = funder_pack.render_html(funder_pack.build(str(db_path), PLACE, "Trust A"))
    assert "A year ago and now" in html and "−19" in html


def test_reading_as_of_a_moment_still_honours_a_withdrawal_made_since(wb, db_path,
                                                                      monkeypatch):
    from tests.samples import GOOD

    monkeypatch.setattr(store_writing, "_now", lambda: dt.datetime(2026, 3, 1, 12))
    vid = wb.add("voice", GOOD["voice"], place=PLACE)
    rid = wb.add(*item("Quarterly return", "Trust A", 4, 5), place=PLACE)
    monkeypatch.undo()
    wb.edit("burden", rid, {"hours_each": 1})
    wb.withdraw_consent(vid)

    def then(moment):
        return privacy.open_tables(str(db_path), PLACE, "2000-01-01", "2199-12-31",
                                   "partners", as_of=moment)

    assert list(then(dt.datetime(2026, 3, 2))["burden"]["hours_each"]) == [5]  # as it stood
    assert then(dt.datetime(2026, 3, 2))["voice"].empty  # the story is not brought back
    assert then(dt.datetime(2026, 2, 1))["burden"].empty  # not yet recorded then


def test_no_records_a_year_ago_means_no_change_shown(db):
    p = funder_pack.build(db, PLACE, "Trust A")
    assert p.view.change is None and not p.had_previous
    assert "re-run next year" in funder_pack.summary_text(p)


# ---------------------------------------------------------------------------
# The page: offline, accessible, escaped, no personal details
# ---------------------------------------------------------------------------


def test_the_page_is_escaped_accessible_offline_and_holds_no_personal_detail(db, tmp_path):
    for name in ("Trust A", "Trust B"):
        p = funder_pack.build(db, PLACE, name)
        path = funder_pack.write(p, tmp_path)
        html = path.read_text(encoding="utf-8")
        assert EMAIL not in html and "jo.bloggs" not in html
        assert "<script" not in html
        assert ("&lt;script&gt;" in html) == (name == "Trust A")
        assert "http://" not in html and "https://" not in html and "<link" not in html
        assert html.count("<table>") == html.count("<caption>") >= 3
        assert '<html lang="en">' in html and "<h1>" in html and "<h2>" in html
        assert 'scope="col"' in html
    # The email reached the other funder's pack neither through its own requirement...
    b = funder_pack.build(db, PLACE, "Trust B").view
    assert all(EMAIL not in r for r in b.items["requirement"])
    # ...nor through the terminal summary.
    assert EMAIL not in funder_pack.summary_text(funder_pack.build(db, PLACE, "Trust A"))


# ---------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------


def test_funder_pack_command(db, tmp_path):
    result = runner.invoke(app, ["funder-pack", "--place", PLACE, "--funder", "Trust A",
                                 "--db", db, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Trust A's 4 requirements take at least 42 staff hours a year." in result.output
    [page] = tmp_path.glob("funder-pack-*.html")
    assert page.name == f"funder-pack-testville-trust-a-{TODAY}.html"


@pytest.mark.parametrize(("args", "words"), [
    (["--place", "nowhere", "--funder", "Trust A"], "Places: testville."),
    (["--place", PLACE, "--funder", "Trust Z"], "Funders: Trust A; Trust B."),
    (["--place", PLACE, "--funder", "Trust A", "--to", "31/12/2026"], "is not a date"),
    (["--place", PLACE, "--funder", "Trust A", "--from", "2026-12-01", "--to", "2026-01-01"],
     "must run forwards"),
])
def test_funder_pack_refuses_bad_input_in_one_line(db, tmp_path, args, words):
    result = runner.invoke(app, ["funder-pack", *args, "--db", db, "--out", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0], lines


# ---------------------------------------------------------------------------
# Words to avoid
# ---------------------------------------------------------------------------


def glossary(wb) -> None:
    wb.add("glossary_term", {"term": "People who use services",
                             "plain_meaning": "Say people, not service users.",
                             "words_to_avoid": ["service user", "client"]}, place=PLACE)
    wb.add("glossary_term", {"term": "Try", "plain_meaning": "A small, safe try.",
                             "words_to_avoid": ["pilot", "scale up"]}, place=PLACE)


def test_words_to_avoid_are_found_with_their_variants_and_not_inside_other_words(wb):
    p = avoid_pattern("client")
    assert all(p.search(t) for t in ("Clients came", "the client's file", "CLIENT"))
    assert not any(p.search(t) for t in ("clientele", "an e-client", "clients-only"))
    assert avoid_pattern("pilot").search("we piloted it") and avoid_pattern("pilot").search(
        "Piloting")
    assert not avoid_pattern("pilot").search("autopilot")
    assert avoid_pattern("service user").search("Service-Users said")
    assert avoid_pattern("scale up").search("we scaled up")
    assert avoid_pattern("apply").search("it applies")
    assert avoid_pattern("   ") is None


def test_words_to_avoid_lists_where_each_was_used(wb, db_path):
    glossary(wb)
    wb.add("learning", {"kind_of_learning": "surprise", "title": "Clients came back",
                        "observation": "It rained. Our service users came back anyway! "
                                       "The clientele changed.",
                        "event_on": TODAY, "recorded_on": TODAY}, place=PLACE)
    wb.add("experiment", {"title": "Walk and talk", "intended_results": "We will pilot it "
                          "and then scale-up.", "safe_to_fail_bounds": "Eight weeks.",
                          "proposed_by": "charity"}, place=PLACE)
    tables = privacy.open_tables(str(db_path), PLACE, "1900-01-01", "2199-12-31", "team")
    found = avoided_words(tables)
    got = {(r["kind"], r["field"], r["found"]) for r in found.to_dict("records")}
    assert got == {("learning", "title", "Clients"),
                   ("learning", "observation", "service users"),
                   ("experiment", "intended_results", "pilot"),
                   ("experiment", "intended_results", "scale-up")}
    row = found[found["found"] == "service users"].iloc[0]
    assert row["sentence"] == "Our service users came back anyway!"
    assert row["term"] == "People who use services"
    assert row["field_label"] == "What we noticed"
    result = runner.invoke(app, ["words", "--place", PLACE, "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "4 uses of words to avoid" in result.output
    assert "Agreed words: People who use services: Say people, not service users." in (
        result.output)
    bad = runner.invoke(app, ["words", "--place", "nowhere", "--db", str(db_path)])
    assert bad.exit_code == 1 and len(bad.output.strip().splitlines()) == 1


def test_words_to_avoid_are_found_in_any_letters_and_in_many_records_at_once(wb, db_path):
    """The texts are picked out all at once before each is searched word by word: a word
    in text with other letters (a long s, a dotless i, which the pattern matches as s
    and i) or in one record of many is still found, once per use."""
    glossary(wb)
    stories = ["A \u017fervice user said so.", "The P\u0131lot ran.", "Nothing here.",
               "CLIENTS, clients and a client.", "Clientele only.", "  pilot  "] * 40
    for n, story in enumerate(stories):
        wb.add("learning", {"kind_of_learning": "surprise", "title": f"Note {n}",
                            "observation": story, "event_on": TODAY, "recorded_on": TODAY},
               place=PLACE)
    tables = privacy.open_tables(str(db_path), PLACE, "1900-01-01", "2199-12-31", "team")
    found = avoided_words(tables)
    assert len(found) == 40 * 6
    assert found.groupby("found").size().to_dict() == {
        "\u017fervice user": 40, "P\u0131lot": 40, "CLIENTS": 40, "clients": 40,
        "client": 40, "pilot": 40}
    one = tables["learning"].iloc[[3]]  # a record alone gives what it gave among all
    alone = avoided_words({**tables, "learning": one})
    assert alone["found"].tolist() == ["CLIENTS", "clients", "client"]


def test_no_glossary_no_words(wb):
    assert avoided_words({"glossary_term": pd.DataFrame(), "learning": pd.DataFrame()}).empty
    assert math.isnan(fa.funder_view(None, "X").share_of_grant)
