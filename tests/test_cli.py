"""The command line: help on every command, one clear line and a non-zero exit on errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from hls_workbook.cli import app

runner = CliRunner()


def _run(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def test_help_on_every_command():
    result = _run("--help")
    assert result.exit_code == 0
    commands = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]
    assert {"init", "demo", "validate"} <= set(commands)
    for name in commands:
        sub = _run(name, "--help")
        assert sub.exit_code == 0, name
        assert "Usage" in sub.output


def test_init_sets_up_a_working_folder_and_keeps_a_teams_notebooks(tmp_path, monkeypatch):
    from hls_workbook import config

    # The working folder of an installed wheel (the shipped notebooks stay where they are).
    monkeypatch.setattr(config, "project_root", lambda: tmp_path)
    monkeypatch.chdir(tmp_path)
    ours = tmp_path / "notebooks" / "2_experimentation.ipynb"
    ours.parent.mkdir()
    ours.write_text("the team's own cells", encoding="utf-8")
    result = _run("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "workbook.db").exists()
    names = sorted(p.name for p in (tmp_path / "notebooks").glob("*.ipynb"))
    assert names == ["1_getting_started.ipynb", "2_experimentation.ipynb", "3_learning.ipynb",
                     "4_relationships_and_support.ipynb"]
    assert ours.read_text(encoding="utf-8") == "the team's own cells"  # never overwritten
    copy = json.loads((tmp_path / "notebooks" / "1_getting_started.ipynb").read_text("utf-8"))
    assert "jupytext" not in copy["metadata"]  # the team's copy is not paired with text
    assert "2_experimentation" not in result.output.split("fill in")[1].splitlines()[0]
    assert _run("init", "--no-notebooks", "--db", "other.db").exit_code == 0


def test_a_checkouts_command_run_elsewhere_works_in_that_folder(tmp_path, monkeypatch):
    """Run from a checkout (as the tests are), a command started in another folder keeps
    its database and its reports there, side by side, as an installed wheel's does; the
    checkout is the working folder only from inside it."""
    from hls_workbook import config

    checkout = config._checkout()  # noqa: SLF001 - the tests run from a checkout
    assert checkout is not None
    before = {p: p.stat().st_mtime for p in (checkout / "data").glob("*.db")}
    monkeypatch.chdir(tmp_path)
    assert config.project_root() == tmp_path
    result = _run("demo", "--no-reports")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "demo.db").exists()
    assert {p: p.stat().st_mtime for p in (checkout / "data").glob("*.db")} == before
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")  # a kernel of the team's own notebook
    assert config.default_db() == tmp_path / "data" / "workbook.db"
    monkeypatch.chdir(checkout / "notebooks")  # a kernel of the checkout's notebooks
    assert config.project_root() == checkout


def test_init_refuses_a_place_without_focus_before_making_anything(tmp_path):
    result = runner.invoke(app, ["init", "--db", str(tmp_path / "t.db"), "--place", "x"])
    assert result.exit_code != 0 and "--focus" in result.output
    assert not (tmp_path / "t.db").exists()


def test_init_then_validate(tmp_path):
    db = tmp_path / "team.db"
    result = _run("init", "--db", str(db), "--place", "north-ward", "--focus", "Less loneliness")
    assert result.exit_code == 0, result.output
    assert "north-ward" in result.output
    result = _run("validate", "--db", str(db))
    assert result.exit_code == 0
    assert "no problems" in result.output


def test_database_from_environment(tmp_path):
    db = tmp_path / "env.db"
    result = _run("init", env={"HLS_WORKBOOK_DB": str(db)})
    assert result.exit_code == 0
    assert db.exists()


def test_demo_builds_and_validates(tmp_path):
    db = tmp_path / "demo.db"
    result = _run("demo", "--db", str(db), "--no-reports")
    assert result.exit_code == 0, result.output
    assert "Millbrook" in result.output
    assert _run("validate", "--db", str(db)).exit_code == 0


def test_demo_refuses_to_replace_a_real_workbook(tmp_path):
    db = tmp_path / "real.db"
    _run("init", "--db", str(db), "--place", "north-ward", "--focus", "Less loneliness")
    result = runner.invoke(app, ["demo", "--db", str(db), "--no-reports"])
    assert result.exit_code == 1
    assert "real places" in result.output


def test_validate_finds_problems(demo_copy):
    import sqlite3

    db = demo_copy  # the demo, as `demo` builds it (test_demo_builds_and_validates)
    assert _run("validate", "--db", str(db)).exit_code == 0
    con = sqlite3.connect(db)
    con.execute("UPDATE pulse SET score = 14 WHERE id = (SELECT min(id) FROM pulse)")
    con.execute("UPDATE review SET experiment = 99999 WHERE id = (SELECT min(id) FROM review)")
    con.commit()
    con.close()
    result = runner.invoke(app, ["validate", "--db", str(db)])
    assert result.exit_code == 1
    assert "between 0 and 10" in result.output
    assert "missing experiment #99999" in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["validate", "--db", "/no/such/folder/x.db"], "no workbook database"),
        (["init", "--db", "/proc/forbidden/x.db"], "Cannot make the folder"),
        (["init", "--place", "Bad Name!", "--focus", "x"], "not a usable short name"),
        (["init", "--place", "ok-name"], "--focus"),
        (["demo", "--places", "0"], "Invalid value"),
    ],
)
def test_errors_are_one_clear_line(tmp_path, args, words):
    args = [a.replace("DB", str(tmp_path / "x.db")) for a in args]
    if args[0] == "init" and "--db" not in args:
        args += ["--db", str(tmp_path / "x.db")]
    proc = subprocess.run(
        [sys.executable, "-m", "hls_workbook.cli", *args],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert words.lower() in (proc.stderr + proc.stdout).lower()


def test_corrupt_database_gives_a_clear_line(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database at all " * 50)
    proc = subprocess.run(
        [sys.executable, "-m", "hls_workbook.cli", "validate", "--db", str(bad)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: ")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_import_never_starts_a_workbook_by_mistake(demo_copy, tmp_path):
    """A mistyped --db is refused; --create starts a new workbook on purpose."""
    demo, export_json, new = demo_copy, tmp_path / "out.json", tmp_path / "new.db"
    assert _run("export", "--db", str(demo), "--place", "millbrook", "--format", "json",
                "--out", str(export_json)).exit_code == 0
    refused = runner.invoke(app, ["import", str(export_json), "--db", str(new)])
    assert refused.exit_code == 1
    assert "no workbook database" in refused.output.lower()
    assert not new.exists()
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.json"), "--db", str(new),
                                  "--create"])
    assert missing.exit_code == 1 and "no file or folder" in missing.output
    assert not new.exists()
    made = _run("import", str(export_json), "--db", str(new), "--create")
    assert made.exit_code == 0, made.output
    assert "Imported" in made.output and new.exists()


@pytest.mark.parametrize(("args", "words"), [
    (["import", "x.csv", "--plcae", "north"], "No such option: --plcae"),
    (["import"], "Missing argument 'path'"),
    (["import", "x.csv", "--map"], "'--map' requires an argument"),
    (["demo", "--places", "many"], "'--places'"),
    (["imprt"], "No such command 'imprt'"),
])
def test_usage_errors_are_one_plain_line(tmp_path, args, words):
    """Typer's own usage errors (a mistyped option, a missing value) are one line, no box."""
    proc = subprocess.run([sys.executable, "-m", "hls_workbook.cli", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("Error: ") and words in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "╭" not in proc.stderr and "Traceback" not in proc.stderr


def test_help_still_shows_without_a_command():
    proc = subprocess.run([sys.executable, "-m", "hls_workbook.cli"], capture_output=True,
                          text=True, timeout=60)
    assert "Usage: hls-workbook" in proc.stdout and "import" in proc.stdout


def test_a_command_ends_with_its_output_flushed_and_exit_handlers_run(tmp_path):
    """`main` skips Python's slow teardown once a command is done (`cli._done`): the exit
    handlers still run, what they and the command printed still arrives whole through a
    pipe, and the exit code is the command's."""
    out = tmp_path / "dictionary.md"
    code = ("import atexit, sys\n"
            "from hls_workbook.cli import main\n"
            # Printed at exit into stdout's buffer, with no flush of its own.
            "atexit.register(print, 'the exit handlers ran', end='')\n"
            f"sys.argv = ['hls-workbook', 'dictionary', '--out', {str(out)!r}]\n"
            "main()\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("the exit handlers ran")
    assert out.read_text(encoding="utf-8").startswith("#")
