"""The bureaucracy audit (LB2), computed by hand with the NPC method."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hls_workbook.analysis import (
    BurdenAudit,
    burden_audit,
    burden_by_funder,
    burden_items,
    strip_list,
)

PLACE = "testville"


def item(requirement, funder, freq, hours, cost=20.0, grant=None, used=None, same=None,
         action=None, organisation="Open Door"):
    return ("burden", {
        "requirement": requirement, "funder": funder, "organisation": organisation,
        "frequency_per_year": freq, "hours_each": hours, "staff_cost_per_hour": cost,
        "grant_value": grant, "used_in_decisions": used, "duplicate_of": same,
        "proposed_action": action,
    })


@pytest.fixture
def audit_wb(wb):
    wb.add_many([
        # 24 h, £480, 1.2% of a £40,000 grant.
        item("Quarterly return", "Council", 4, 6, grant=40_000, used="yes"),
        # 10 h, £200; same grant (value given once); never used in decisions.
        item("Annual report", "Council", 1, 10, used="no"),
        # 20 h, £400; the same words as the Council's return; a grant of 0 gives no share.
        item("quarterly   RETURN", "Trust", 4, 5, grant=0),
        # Hours unknown: flagged, never zero.
        item("Equalities form", "Trust", 2, None, used="partly", action="simplify"),
        # 6 h, cost an hour unknown; marked as the same as another funder's case study.
        item("Case study", "Foundation", 2, 3, cost=None, grant=10_000,
             same="Case study (Council)", action="stop", organisation="Home Ground"),
    ], place=PLACE)
    return wb


def test_items_by_hand(audit_wb):
    items = burden_items(audit_wb.table("burden", PLACE)).set_index("requirement")
    q = items.loc["Quarterly return"]
    assert q["hours_a_year"] == 24.0 and q["hours_status"] == "known"
    assert q["cost_a_year"] == 480.0
    assert q["share_of_grant"] == pytest.approx(0.012)
    assert not q["duplicate"] and not q["never_used"]
    a = items.loc["Annual report"]
    assert a["grant_value"] == 40_000.0  # the grant from the Council to Open Door
    assert a["share_of_grant"] == pytest.approx(0.005)
    assert a["never_used"]
    t = items.loc["quarterly   RETURN"]
    assert t["duplicate"]
    assert t["cost_a_year"] == 400.0 and math.isnan(t["share_of_grant"])  # grant 0: NaN
    e = items.loc["Equalities form"]
    assert e["hours_status"] == "unknown"
    assert math.isnan(e["hours_a_year"]) and math.isnan(e["cost_a_year"])
    c = items.loc["Case study"]
    assert c["duplicate"] and c["hours_a_year"] == 6.0 and math.isnan(c["cost_a_year"])
    assert not items["share_of_grant"].isin([math.inf, -math.inf]).any()


def test_by_funder_by_hand(audit_wb):
    f = burden_by_funder(audit_wb.table("burden", PLACE))
    assert list(f["funder"]) == ["Council", "Trust", "Foundation"]
    f = f.set_index("funder")
    assert f.loc["Council", "requirements"] == 2
    assert f.loc["Council", "hours_a_year"] == 34.0
    assert f.loc["Council", "cost_a_year"] == 680.0
    assert f.loc["Council", "grant_value"] == 40_000.0
    assert f.loc["Council", "share_of_grant"] == pytest.approx(0.017)
    assert f.loc["Trust", "hours_a_year"] == 20.0 and f.loc["Trust", "hours_unknown"] == 1
    assert math.isnan(f.loc["Trust", "grant_value"]) and math.isnan(f.loc["Trust",
                                                                          "share_of_grant"])
    assert math.isnan(f.loc["Foundation", "cost_a_year"])
    assert math.isnan(f.loc["Foundation", "share_of_grant"])


def test_strip_list_ranked_by_hours_freed(audit_wb):
    s = strip_list(audit_wb.table("burden", PLACE))
    assert list(s["requirement"]) == ["quarterly   RETURN", "Annual report", "Case study",
                                      "Equalities form"]
    assert list(s["rank"]) == [1, 2, 3, 4]
    assert list(s["suggested_action"]) == ["share", "stop", "share", "simplify"]
    assert s.iloc[1]["suggested_label"] == "Stop asking for it"
    assert list(s["hours_freed"].fillna(-1)) == [20.0, 10.0, 6.0, -1]
    assert s.iloc[0]["cost_freed"] == 400.0
    assert math.isnan(s.iloc[2]["cost_freed"])
    assert s.iloc[1]["reasons"] == "never used in decisions"
    assert s.iloc[2]["reasons"] == "another funder asks for the same; the team proposed: stop"
    assert s.iloc[3]["hours_status"] == "unknown"


def test_audit_totals_and_sentence(audit_wb):
    a = burden_audit(audit_wb.table("burden", PLACE))
    assert isinstance(a, BurdenAudit)
    assert a.requirements == 5
    assert a.hours_a_year == 60.0
    assert a.hours_unknown == 1
    assert a.cost_a_year == 1080.0
    assert a.grant_value == 50_000.0
    assert a.share_of_grant == pytest.approx(680 / 50_000)
    assert a.hours_freed == 36.0
    assert list(a.duplicates["requirement"]) == ["quarterly   RETURN", "Case study"]
    assert list(a.never_used["requirement"]) == ["Annual report"]
    assert a.sentence == (
        "5 funding requirements take at least 60 staff hours a year, at least 1.4% of the "
        "grants (New Philanthropy Capital found 4.5% on average). Hours are not known for "
        "one of them. The strip list would free 36 hours a year."
    )


def test_zero_and_missing_grant_and_hours(wb):
    wb.add_many([item("Form", "Council", 4, None, grant=None),
                 item("Return", "Council", 0, 5, grant=0)], place=PLACE)
    a = burden_audit(wb.table("burden", PLACE))
    assert a.hours_a_year == 0.0 and a.hours_unknown == 1
    assert math.isnan(a.share_of_grant) and math.isnan(a.grant_value)
    items = a.items.set_index("requirement")
    assert items.loc["Return", "hours_a_year"] == 0.0  # asked 0 times: known, zero
    assert items.loc["Form", "hours_status"] == "unknown"
    assert a.strip_list.empty
    assert a.sentence == ("2 funding requirements take at least 0 staff hours a year. Hours "
                          "are not known for one of them.")


def test_empty_audit(wb):
    a = burden_audit(wb.table("burden", PLACE))
    assert a.requirements == 0 and a.hours_a_year == 0.0
    assert math.isnan(a.share_of_grant) and math.isnan(a.cost_a_year)
    assert a.items.empty and a.by_funder.empty and a.strip_list.empty
    assert a.sentence == "No funding requirements have been recorded yet."
    assert burden_audit(None).requirements == 0
    assert burden_audit(pd.DataFrame()).requirements == 0
