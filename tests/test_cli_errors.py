"""Bad input on the command line gets exit status 1 and one paragraph naming what is wrong; never a traceback
or a hang. Each case is what a hostile tester tried (issue 8).

The command runs in this process (typer's CliRunner), so a case costs milliseconds rather than a Python and
Dagster start-up; tests/test_cli.py runs the real `orghealth` process.
"""

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pipelines.cli import app
from tests.conftest import SMALL_ORG


def orghealth(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    # An error that escaped the CLI's handling would be a traceback for the user: only exits are expected.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def assert_refused(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    message = result.stderr.strip()
    assert message.startswith("orghealth: ") and len(message.splitlines()) == 1, message
    for fragment in fragments:
        assert fragment in message, message


@pytest.fixture
def org(tmp_path: Path) -> Path:
    copy = tmp_path / "org"
    shutil.copytree(SMALL_ORG, copy)
    return copy / "orghealth.yaml"


def run(org: Path, *extra: str) -> Result:
    return orghealth("run", "--config", str(org), "--db", str(org.parent / "out.duckdb"), *extra)


def test_an_as_of_that_is_no_date_is_status_1(org):
    assert_refused(run(org, "--as-of", "2026-13-45"), "--as-of '2026-13-45' is not a date in the form YYYY-MM-DD")


def test_an_impossible_date_in_the_config_names_the_key(org):
    org.write_text(org.read_text().replace("as_of: 2026-11-20", "as_of: 2026-13-45"))
    assert_refused(run(org), f"config file {org} is not valid: as_of:")


def test_a_config_that_is_not_utf8_says_so(org):
    org.write_bytes(org.read_bytes() + "# Zoë\n".encode("latin-1"))
    assert_refused(run(org), f"config file {org} is not UTF-8 text")


def test_a_regex_duckdb_cannot_run_is_refused_at_load_naming_the_key(org):
    org.write_text(
        org.read_text().replace("  path: hris.csv\n", "  path: hris.csv\n  engineer_titles: 'engineer(?=s)'\n")
    )
    assert_refused(run(org), "hris.engineer_titles", "DuckDB's regular expressions (RE2) cannot run it")


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_device_or_a_pipe_is_refused_not_read_forever(org, special):
    if special == "fifo":
        special = str(org.parent / "people.pipe")
        os.mkfifo(special)
    assert_refused(run(org, "--hris", special), f"export {special} is not a regular file")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "it is a folder"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(), "not a DuckDB database"),
    ],
    ids=["folder", "empty file", "sqlite file"],
)
def test_a_database_path_that_is_no_duckdb_file_is_refused_by_run_and_validate(org, make, message):
    db = org.parent / "out.duckdb"
    make(db)
    assert_refused(run(org), str(db), message)
    assert_refused(orghealth("validate", "--config", str(org), "--db", str(db)), str(db), message)
    assert not (org.parent / ".out.duckdb.runs").exists() and not (org.parent / ".out.duckdb.lock").exists()


def test_a_damaged_duckdb_file_is_named_as_given_not_as_the_working_copy(org, tmp_path):
    """Valid magic bytes, but the file ends after its header blocks: what a full disk or a half-copied backup
    leaves. The error names the file the user gave; the copy it was found in is gone, and the bytes stay."""
    import duckdb

    db = org.parent / "out.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i FROM range(100000)")
    db.write_bytes(db.read_bytes()[:5000])
    before = db.read_bytes()
    result = run(org)
    assert_refused(result, f"{db} is a DuckDB file that cannot be opened", "this run changed nothing")
    assert ".out.runs" not in result.stderr
    assert db.read_bytes() == before
    assert list((org.parent / ".out.runs").iterdir()) == []


@pytest.mark.parametrize(
    ("export", "old", "new", "message"),
    [
        ("hris.csv", "DateofHire", "Joined", "hris.csv: required field hire_date not found; looked for headers "
         "'Hire Date', 'DateofHire'"),
        ("jira/export.csv", "Issue key,", "Key,", "export.csv: not a Jira CSV export: required field(s) issue_key "
         "(header 'Issue key') not found"),
    ],
    ids=["hris", "jira"],
)  # fmt: skip
def test_a_missing_column_is_refused_before_the_run_starts(org, export, old, new, message):
    """Only the header row is read: the run never starts, so no lock or working copy is made."""
    path = org.parent / export
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    assert old in header
    path.write_text(header.replace(old, new) + "\n" + rest, encoding="utf-8")
    assert_refused(run(org), message)
    assert not (org.parent / ".out.runs").exists() and not (org.parent / ".out.lock").exists()


def test_a_database_whose_folder_is_a_file_is_refused(org):
    (org.parent / "blocker").write_text("not a folder")
    result = orghealth("run", "--config", str(org), "--db", str(org.parent / "blocker" / "out.duckdb"))
    assert_refused(result, f"{org.parent / 'blocker'} is a file, not a folder")


@pytest.mark.slow
def test_validate_needs_no_exports_and_names_the_snapshots_there_are(org, tmp_path):
    db = org.parent / "out.duckdb"
    assert run(org).exit_code == 0
    bare = tmp_path / "bare.yaml"  # the same config without any export path: validate reads none
    bare.write_text(org.read_text().replace("hris:\n  path: hris.csv\n", "").replace("jira:\n  paths: [jira]\n", ""))
    assert "hris.csv" not in bare.read_text() and "[jira]" not in bare.read_text()
    result = orghealth("validate", "--config", str(bare), "--db", str(db), "--as-of", "2026-11-19")
    assert_refused(result, f"{db} has no snapshot for 2026-11-19; these exist: 2026-11-20")
    assert orghealth("validate", "--config", str(bare), "--db", str(db)).exit_code == 0


def test_sql_runs_ad_hoc_queries_read_only(tmp_path):
    import duckdb

    db = tmp_path / "published.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.team_size AS SELECT * FROM (VALUES ('M1', 9), ('M2', 4))"
                    " AS t(team_id, engineers)")  # fmt: skip
    result = orghealth("sql", "SELECT team_id, engineers FROM marts.team_size ORDER BY team_id", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[0] == ["team_id", "engineers"] and lines[2:] == [["M1", "9"], ["M2", "4"], ["(2", "rows)"]]
    assert orghealth("sql", "SELECT * FROM range(5)", "--db", str(db), "--limit", "2").stdout.endswith(
        "(5 rows, 2 shown)\n"
    )
    assert_refused(orghealth("sql", "DELETE FROM marts.team_size", "--db", str(db)), "read-only")
    assert_refused(orghealth("sql", "SELEC 1", "--db", str(db)), f"{db}: Parser Error")
    assert_refused(orghealth("sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")), "no database at")
