"""The command line as a user runs it: a real process, real exit codes, a one-paragraph error."""

import subprocess
import sys

import duckdb
import pytest

from tests.conftest import SMALL_ORG


def orghealth(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_help_describes_every_command_and_option():
    top = orghealth("--help")
    assert top.returncode == 0
    assert "run" in top.stdout and "demo" in top.stdout
    run_help = orghealth("run", "--help").stdout
    for option in ("--config", "--hris", "--jira", "--db", "--as-of", "--verbose"):
        assert option in run_help
    demo_help = orghealth("demo", "--help").stdout
    assert "--db" in demo_help and "sample" in demo_help


@pytest.mark.slow
def test_run_succeeds_with_flags_overriding_the_config_and_prints_a_summary(tmp_path):
    db = tmp_path / "cli.duckdb"
    result = orghealth(
        "run", "--config", str(SMALL_ORG / "orghealth.yaml"), "--db", str(db), "--as-of", "2026-11-24",
        "--hris", str(SMALL_ORG / "hris.csv"), "--jira", str(SMALL_ORG / "jira" / "export.csv"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"database: {db}" in result.stdout
    assert "as_of:    2026-11-24" in result.stdout
    # Only the CSV was given (no OPS pages): CORE-1..7 have 7 assignees (CORE-8 is unassigned, CORE-9
    # rejected); all but Alex Vendor match, so 6 of 7 assignees and 6 of 7 assigned issues.
    assert "identity match: 6 of 7 Jira assignees (85.7%), covering 6 of 7 assigned issues (85.7%)" in result.stdout
    assert "unmatched: Alex Vendor (1 issues)" in result.stdout
    # legacy's STL (Gus) left on 2026-09-30 and migration has none: both are findings, never errors.
    assert "streams with active STL:   2 of 4" in result.stdout
    assert "    legacy: STL gus@x.example is not an active employee" in result.stdout
    assert "    migration: no STL" in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT DISTINCT as_of::VARCHAR FROM core.people").fetchall() == [("2026-11-24",)]
    assert con.execute("SELECT count(*) FROM core.work_items").fetchone() == (8,)
    con.close()


def test_a_bad_config_exits_non_zero_with_one_paragraph(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("hris:\n  path: people.csv\n  colums: {}\n")
    result = orghealth("run", "--config", str(config))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "hris.colums: unknown key" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_missing_export_exits_non_zero_naming_it(tmp_path):
    result = orghealth("run", "--config", str(SMALL_ORG / "orghealth.yaml"), "--db", str(tmp_path / "x.duckdb"),
                       "--hris", str(tmp_path / "nope.csv"))  # fmt: skip
    assert result.returncode == 1
    assert f"export {tmp_path / 'nope.csv'} does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_a_malformed_as_of_is_a_usage_error():
    result = orghealth("run", "--config", str(SMALL_ORG / "orghealth.yaml"), "--as-of", "20/11/2026")
    assert result.returncode != 0
    assert "YYYY-MM-DD" in result.stderr
