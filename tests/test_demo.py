"""`orghealth demo` on the embedded sample org: the data loads as the generator planted it.

Expected values come from the generator's own record of what it planted (assets/sample_org/data/
planted.json, written while generating, independent of the pipeline), and from its README.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orghealth.sample_org import SAMPLE_DIR
from pipelines.cli import app

pytestmark = pytest.mark.slow

PLANTED = json.loads((SAMPLE_DIR / "planted.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "demo", "--db", str(db), "--weeks", "2"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Two weekly snapshots, oldest first, so trends have a line (the default is 12 weeks).
    assert result.stderr.splitlines() == ["snapshot 2026-11-13 (1 of 2)", "snapshot 2026-11-20 (2 of 2)"]
    con = latest_snapshot(db)
    yield result.stdout, con
    con.close()


def latest_snapshot(db: Path) -> duckdb.DuckDBPyConnection:
    """A connection where every table of `db` reads as its latest as_of only (the tests below describe one
    snapshot; the demo builds several): views of the same names over the attached file."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{db}' AS demo (READ_ONLY)")
    tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'demo'").fetchall()
    for schema, table in tables:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        has_as_of = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = 'demo' AND schema_name = $s "
            "AND table_name = $t AND column_name = 'as_of'", {"s": schema, "t": table}
        ).fetchone()[0]  # fmt: skip
        latest = f" WHERE as_of = (SELECT max(as_of) FROM demo.{schema}.{table})" if has_as_of else ""
        con.execute(f"CREATE VIEW {schema}.{table} AS SELECT * FROM demo.{schema}.{table}{latest}")
    return con


def one(con, sql, params=None):
    return con.execute(sql, params).fetchone()


def test_demo_prints_where_the_database_is_and_a_summary(demo):
    stdout, _ = demo
    assert "database: " in stdout and "as_of:    2026-11-20" in stdout
    assert "core.work_items" in stdout and "identity match:" in stdout
    assert "unmatched: Alex Vendor (8 issues)" in stdout
    # The stream whose STL has left, and the one with none, are org-health findings in the summary.
    assert "streams with active STL:   10 of 12" in stdout
    assert f"    {PLANTED['empty_stl_stream']}: no STL" in stdout
    assert f"    {PLANTED['terminated_stl_stream']}: STL " in stdout and "is not an active employee" in stdout
    assert "marts_stream_ownership: stl_departed" in stdout
    assert f"hris_people.csv: 1 (first, line {PLANTED['malformed_hris_line']}, column Hire Date" in stdout


def test_every_row_is_loaded_or_quarantined(demo):
    _, con = demo
    assert one(con, "SELECT count(*) FROM raw.hris_people") == (PLANTED["people"],)
    assert one(con, "SELECT count(*) FROM core.people") == (PLANTED["people"] - 1,)
    assert con.execute("SELECT source_line, record->>'employee_id' FROM raw.rejected_rows").fetchall() == [
        (PLANTED["malformed_hris_line"], PLANTED["malformed_hris_employee"])
    ]
    assert one(con, "SELECT count(*) FROM core.work_items") == (PLANTED["issues"],)
    assert one(con, "SELECT count(*) FROM core.work_items WHERE source_file LIKE '%.json'") == (PLANTED["json_issues"],)


def test_planted_people_and_identities(demo):
    _, con = demo
    # The oversized team: 14 engineers under one manager, 15 people with the manager.
    assert one(
        con,
        "SELECT t.members, t.headcount, count(*) FILTER (WHERE p.is_engineer) FROM core.teams t "
        "JOIN core.people p ON p.team_id = t.team_id AND p.is_active WHERE t.team_id = $m GROUP BY ALL",
        {"m": PLANTED["oversized_team_manager"]},
    ) == (14, 15, 14)
    assert one(con, "SELECT members FROM core.teams WHERE team_id = $m", {"m": PLANTED["team_of_one_manager"]}) == (1,)
    for alias in PLANTED["alias_details"]:
        assert one(
            con,
            "SELECT employee_id, matched_by FROM core.identity_map WHERE display_name = $n",
            {"n": alias["jira_display_name"]},
        ) == (alias["employee_id"], "alias")
    email = PLANTED["mixed_case_email"]
    assert one(
        con, "SELECT employee_id, matched_by FROM core.identity_map WHERE email = lower($e)", {"e": email["jira_email"]}
    ) == (email["employee_id"], "email")
    assert one(con, "SELECT employee_id FROM core.identity_map WHERE display_name = 'Alex Vendor'") == (None,)
    # The terminated employee is still assigned to open work, and is not active.
    assert one(
        con,
        "SELECT bool_or(NOT w.is_resolved), bool_or(p.is_active) FROM core.work_items w "
        "JOIN core.identity_map m ON m.identity_key = w.assignee_identity "
        "JOIN core.people p ON p.employee_id = m.employee_id WHERE p.employee_id = $e",
        {"e": PLANTED["terminated_assignee"]},
    ) == (True, False)


def test_planted_streams_and_dirty_jira_data(demo):
    _, con = demo
    assert one(con, "SELECT stl_email IS NULL FROM core.work_streams WHERE stream_id = $s",
               {"s": PLANTED["empty_stl_stream"]}) == (True,)  # fmt: skip
    assert one(
        con,
        "SELECT stl_employee_id, stl_active FROM core.work_streams WHERE stream_id = $s",
        {"s": PLANTED["terminated_stl_stream"]},
    ) == (PLANTED["terminated_stl"], False)
    parent = PLANTED["external_parent"]
    assert one(
        con, "SELECT parent_id, parent_in_export FROM core.work_items WHERE issue_key = $k", {"k": parent["issue_key"]}
    ) == (parent["parent_id"], False)
    link = PLANTED["dangling_link"]
    assert one(
        con,
        "SELECT from_in_export, to_in_export, is_dependency FROM core.issue_links "
        "WHERE from_issue_key = $o AND to_issue_key = $k",
        {"o": link["other_key"], "k": link["issue_key"]},
    ) == (False, True, True)
    # The project stream is matched through its epics: their children land in it by the epic rule.
    assert one(
        con,
        "SELECT count(*) > 0, bool_and(stream_rule = 'epic') FROM core.work_items "
        "WHERE list_contains($epics, epic_key)",
        {"epics": PLANTED["gdpr_epics"]},
    ) == (True, True)


def test_the_marts_find_the_planted_patterns(demo):
    _, con = demo
    spread = PLANTED["spread_leader"]
    assert one(con, "SELECT owned_streams, single_threaded FROM marts.leader_focus WHERE leader_id = $l",
               {"l": spread}) == (2, False)  # fmt: skip
    assert one(con, "SELECT pizza_status FROM marts.team_size WHERE team_id = $t",
               {"t": PLANTED["oversized_team_manager"]}) == ("too_large",)  # fmt: skip
    assert one(con, "SELECT alignment, top_stream FROM marts.team_alignment WHERE team_id = $t",
               {"t": PLANTED["project_team_manager"]}) == ("project_aligned", PLANTED["project_stream"])  # fmt: skip
    # The hub team is depended on by more teams' issues than any other.
    hub = con.execute(
        "SELECT team_id FROM marts.team_dependency_summary ORDER BY depended_on_by_links DESC, team_id LIMIT 2"
    ).fetchall()
    assert hub[0] == (PLANTED["hub_team_manager"],)
    blocked = {t for (t,) in con.execute("SELECT dependent_team FROM marts.team_dependencies WHERE blocking_team = $h",
                                         {"h": PLANTED["hub_team_manager"]}).fetchall()}  # fmt: skip
    assert blocked <= set(PLANTED["hub_blocked_team_managers"]) and len(blocked) >= 5
    # The project that outlived its horizon, and the streams without an active STL.
    assert one(con, "SELECT project_outlived FROM marts.stream_ownership WHERE stream_id = $s",
               {"s": PLANTED["project_stream"]}) == (True,)  # fmt: skip
    assert one(con, "SELECT no_stl FROM marts.stream_ownership WHERE stream_id = $s",
               {"s": PLANTED["empty_stl_stream"]}) == (True,)  # fmt: skip
    assert one(con, "SELECT stl_active FROM marts.stream_ownership WHERE stream_id = $s",
               {"s": PLANTED["terminated_stl_stream"]}) == (False,)  # fmt: skip
    # The people planted as split across two streams are split.
    split = {e for (e,) in con.execute("SELECT employee_id FROM marts.shared_people WHERE is_split").fetchall()}
    assert set(PLANTED["shared_people"]) <= split
    assert one(con, "SELECT count(*) FROM marts.org_health") == (1,)


def test_the_sample_passes_every_data_error_and_trips_its_planted_findings(demo):
    _, con = demo
    # 24 data-error expectations ran, and none failed.
    assert con.execute(
        "SELECT count(*) FILTER (WHERE NOT success), count(*) FROM quality.expectation_results WHERE severity = 'error'"
    ).fetchone() == (0, 24)
    findings = {
        (suite, column): examples
        for suite, column, examples in con.execute(
            "SELECT suite, column_name, unexpected_examples FROM quality.expectation_results "
            "WHERE severity = 'warning' AND NOT success"
        ).fetchall()
    }
    assert PLANTED["empty_stl_stream"] in findings[("marts_stream_ownership", "no_stl")]
    for stream in PLANTED["spread_leader_streams"]:
        assert stream in findings[("marts_stream_ownership", "stl_owns_multiple")]
    assert PLANTED["project_stream"] in findings[("marts_stream_ownership", "project_outlived")]
    assert PLANTED["oversized_team_manager"] in findings[("marts_team_size", "pizza_status")]
    assert PLANTED["spread_leader"] in findings[("marts_leader_findings", "owned_focus")]


def test_validate_reads_an_existing_database(demo, tmp_path):
    stdout, con = demo
    db = stdout.split("database: ", 1)[1].splitlines()[0]
    config = SAMPLE_DIR / "orghealth.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "validate", "--config", str(config), "--db", db],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "33 expectations in 15 suites: 0 data errors, 7 org-health findings" in result.stdout
    assert "marts_stream_ownership" in result.stdout and "notifications" in result.stdout
    assert (Path(db).parent / "demo-data-docs" / "index.html").exists()

    # A copy with a person hired after they left: validate now finds a data error and exits 1.
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(db, broken)
    writable = duckdb.connect(str(broken))
    writable.execute("UPDATE core.people SET termination_date = DATE '2000-01-01' WHERE employee_id = 'E1003'")
    writable.close()
    result = CliRunner().invoke(app, ["validate", "--config", str(config), "--db", str(broken)])  # in process
    assert result.exit_code == 1
    assert "1 data errors" in result.stdout
    failure = next(line for line in result.stdout.splitlines() if line.startswith("error "))
    assert failure.split()[:3] == ["error", "core_people", "column_pair_values_a_to_be_greater_than_b"]
    assert "E1003" in result.stdout
