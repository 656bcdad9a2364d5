"""Exports meant to leave the team go through the privacy gate, like reports."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hls_workbook.cli import app
from hls_workbook.domain.errors import WorkbookError
from hls_workbook.reporting.shared_export import export_for

from .privacy_helpers import clear_all, file_text
from .samples import GOOD

SECRET = "Call Siobhan Murphy on 07700 900123"


@pytest.fixture
def shared(wb, db_path):
    lid = wb.add("learning", dict(GOOD["learning"], observation=SECRET), place="testville")
    wb.add("learning", dict(GOOD["learning"], title="Not yet checked, Zanzibarwords"),
           place="testville")
    wb.add("voice", dict(GOOD["voice"], story="Only the team: " + SECRET,
                         consent_audiences=["team"]), place="testville")
    wb.add("partner", dict(GOOD["partner"]), place="testville")
    wb.add("pulse", dict(GOOD["pulse"]), place="testville")
    return db_path, lid


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_partners_export_holds_no_personal_detail(shared, tmp_path, fmt):
    db, _lid = shared
    text = " ".join(file_text(p) for p in export_for(str(db), "testville", "partners",
                                                  tmp_path / fmt, fmt))
    assert "07700" not in text and "Siobhan" not in text and "[removed]" in text
    assert "Only the team" not in text  # consent
    assert GOOD["partner"]["contact_name"] not in text  # personal fields
    assert "Zanzibarwords" in text  # partners: detection, no check needed


def test_public_export_holds_only_checked_text_and_no_anonymous_rows(wb, shared, tmp_path):
    db, _lid = shared
    clear_all(wb, "testville")
    wb.add("learning", dict(GOOD["learning"], title="Added after the check, Quokkaword"),
           place="testville")
    [path] = export_for(str(db), "testville", "public", tmp_path / "out.json", "json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(doc)
    assert "Quokkaword" not in text and doc["waiting_for_a_check"] >= 1
    assert "Zanzibarwords" in text and "07700" not in text
    assert "pulse" not in doc["records"] and "checkin" not in doc["records"]
    assert "clearance" not in doc["records"]
    assert all("recorded_by" not in r for rows in doc["records"].values() for r in rows)


def test_export_refuses_the_team_a_low_threshold_and_unknown_places(shared, tmp_path):
    db, _lid = shared
    with pytest.raises(WorkbookError, match="backup"):
        export_for(str(db), "testville", "team", tmp_path, "csv")
    with pytest.raises(WorkbookError, match="no place"):
        export_for(str(db), "nowhere", "public", tmp_path, "csv")
    result = CliRunner().invoke(app, ["export", "--out", str(tmp_path / "x.xlsx"), "--format",
                                      "xlsx", "--audience", "public", "--db", str(db)])
    assert result.exit_code == 1 and "--place" in result.output
    ok = CliRunner().invoke(app, ["export", "--out", str(tmp_path / "p.xlsx"), "--format",
                                  "xlsx", "--audience", "partners", "--place", "testville",
                                  "--db", str(db)])
    assert ok.exit_code == 0, ok.output
    assert "07700" not in file_text(tmp_path / "p.xlsx")
