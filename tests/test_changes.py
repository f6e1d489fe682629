"""What changed between snapshots (orghealth/changes.py, sql/changes.sql), on a hand-made database file.

Two snapshots, D1 = 2026-11-06 and D2 = 2026-11-13 (teams by manager: a team's id is its manager's):

    person        D1                        D2
    E1 Ana        active, no team (CEO)     active, no team
    E2 Bo         active, team E1           active, team E1
    E3 Cy         active, team E2 Platform  active, team E5 Web      -> moved
    E4 Di         active, team E2 Platform  (not in the export)      -> left
    E5 Ed         active, team E1           active, team E1
    E6 Fay        inactive (not started)    active, team E5 Web      -> joined
    E7 Gil        active, team E1           inactive (terminated)    -> left
    E8 Hal        (not in the export)       active, team E5 Web      -> joined

Active headcount: D1 E1-E5, E7 = 6; D2 E1, E2, E3, E5, E6, E8 = 6.

Streams (STL by email):  checkout bo@ -> ed@ (replaced); infra cy@ both (no change); data none -> cy@
(named); old gil@ both, but Gil is inactive at D2 (no longer active); growth only at D2 (added).
Leaders (marts.leader_focus): Ana not single-threaded at both; Bo single-threaded at D1, owns nothing at D2
(lost); Ed not a leader at D1, single-threaded on checkout at D2 (gained).

Quality runs: D1 ran twice; its last run ("d1-b") failed no_stl and pizza_status; D2's failed no_stl and
stl_departed, and an error-severity expectation (not a finding). So at D2: stl_departed is new, pizza_status
resolved.
"""

import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orghealth.changes import diff, one_line, pick_snapshots, report
from orghealth.errors import OrgHealthError
from orghealth.sql_models import ensure_tables, load_change_macros
from pipelines.cli import app

D1, D2 = date(2026, 11, 6), date(2026, 11, 13)

PEOPLE = [  # as_of, employee_id, name, team_id, is_active
    (D1, "E1", "Ana", None, True), (D1, "E2", "Bo", "E1", True), (D1, "E3", "Cy", "E2", True),
    (D1, "E4", "Di", "E2", True), (D1, "E5", "Ed", "E1", True), (D1, "E6", "Fay", "E5", False),
    (D1, "E7", "Gil", "E1", True),
    (D2, "E1", "Ana", None, True), (D2, "E2", "Bo", "E1", True), (D2, "E3", "Cy", "E5", True),
    (D2, "E5", "Ed", "E1", True), (D2, "E6", "Fay", "E5", True), (D2, "E7", "Gil", "E1", False),
    (D2, "E8", "Hal", "E5", True),
]  # fmt: skip
TEAMS = [(D1, "E1", "Ana's team"), (D1, "E2", "Platform"), (D2, "E1", "Ana's team"), (D2, "E5", "Web")]
STREAMS = [  # as_of, position, stream_id, stream_name, stl_email, stl_employee_id, stl_name, stl_active
    (D1, 1, "checkout", "Checkout", "bo@x", "E2", "Bo", True), (D1, 2, "infra", "Infra", "cy@x", "E3", "Cy", True),
    (D1, 3, "data", "Data", None, None, None, False), (D1, 4, "old", "Old", "gil@x", "E7", "Gil", True),
    (D2, 1, "checkout", "Checkout", "ed@x", "E5", "Ed", True), (D2, 2, "infra", "Infra", "cy@x", "E3", "Cy", True),
    (D2, 3, "data", "Data", "cy@x", "E3", "Cy", True), (D2, 4, "old", "Old", "gil@x", "E7", "Gil", False),
    (D2, 5, "growth", "Growth", None, None, None, False),
]  # fmt: skip
LEADERS = [  # as_of, leader_id, leader_name, owned_streams, owned_focus, single_threaded
    (D1, "E1", "Ana", 0, None, False), (D1, "E2", "Bo", 1, 0.9, True),
    (D2, "E1", "Ana", 0, None, False), (D2, "E2", "Bo", 0, None, False), (D2, "E5", "Ed", 1, 0.85, True),
]  # fmt: skip
HEALTH = [(D1, 1, 2, 3), (D2, 1, 1, 5)]  # single_threaded_leaders, teams_within_pizza, cross_team_links
RESULTS = [  # as_of, run_id, checked_at, suite, expectation, column_name, severity, success
    (D1, "d1-a", datetime(2026, 11, 6, 2), "marts_stream_ownership", "expect_column_values_to_be_in_set",
     "stl_departed", "warning", False),  # an earlier run of D1: not the one that counts
    (D1, "d1-b", datetime(2026, 11, 7, 2), "marts_stream_ownership", "expect_column_values_to_be_in_set",
     "no_stl", "warning", False),
    (D1, "d1-b", datetime(2026, 11, 7, 2), "marts_stream_ownership", "expect_column_values_to_be_in_set",
     "stl_departed", "warning", True),
    (D1, "d1-b", datetime(2026, 11, 7, 2), "marts_team_size", "expect_column_values_to_be_in_set",
     "pizza_status", "warning", False),
    (D2, "d2", datetime(2026, 11, 14, 2), "marts_stream_ownership", "expect_column_values_to_be_in_set",
     "no_stl", "warning", False),
    (D2, "d2", datetime(2026, 11, 14, 2), "marts_stream_ownership", "expect_column_values_to_be_in_set",
     "stl_departed", "warning", False),
    (D2, "d2", datetime(2026, 11, 14, 2), "marts_team_size", "expect_column_values_to_be_in_set",
     "pizza_status", "warning", True),
    (D2, "d2", datetime(2026, 11, 14, 2), "core_people", "expect_column_values_to_be_unique",
     "employee_id", "error", False),
]  # fmt: skip
STL_FINDING = ("marts_stream_ownership", "expect_column_values_to_be_in_set", "stl_departed")
PIZZA_FINDING = ("marts_team_size", "expect_column_values_to_be_in_set", "pizza_status")


def make_db(path: Path, *, with_results: bool = True) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA core; CREATE SCHEMA marts; CREATE SCHEMA quality")
    tables = {
        "core.people": ("as_of DATE, employee_id VARCHAR, name VARCHAR, team_id VARCHAR, is_active BOOLEAN", PEOPLE),
        "core.teams": ("as_of DATE, team_id VARCHAR, team_name VARCHAR", TEAMS),
        "core.work_streams": ("as_of DATE, position INTEGER, stream_id VARCHAR, stream_name VARCHAR, "
                              "stl_email VARCHAR, stl_employee_id VARCHAR, stl_name VARCHAR, stl_active BOOLEAN",
                              STREAMS),
        "marts.leader_focus": ("as_of DATE, leader_id VARCHAR, leader_name VARCHAR, owned_streams INTEGER, "
                               "owned_focus DOUBLE, single_threaded BOOLEAN", LEADERS),
        "marts.org_health": ("as_of DATE, single_threaded_leaders INTEGER, teams_within_pizza INTEGER, "
                             "cross_team_links INTEGER", HEALTH),
    }  # fmt: skip
    for table, (columns, rows) in tables.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    if with_results:
        ensure_tables(con, "quality.expectation_results")
        con.executemany("INSERT INTO quality.expectation_results (as_of, run_id, checked_at, suite, expectation, "
                        "column_name, severity, success, guarded_table) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 't')",
                        RESULTS)  # fmt: skip
    con.close()
    return path


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(make_db(tmp_path / "org health.duckdb")), read_only=True)
    yield connection
    connection.close()


def test_people_who_joined_left_and_moved_with_their_teams_at_each_end(con):
    found = diff(con, D1, D2)
    assert [(p.change, p.employee_id, p.name, p.from_team, p.to_team) for p in found.people] == [
        ("joined", "E6", "Fay", None, "Web"),  # inactive at D1: not started yet
        ("joined", "E8", "Hal", None, "Web"),  # not in D1's export at all
        ("left", "E4", "Di", "Platform", None),  # not in D2's export
        ("left", "E7", "Gil", "Ana's team", None),  # in D2's export, terminated
        ("moved", "E3", "Cy", "Platform", "Web"),  # Platform is D1's team name, Web D2's
    ]


def test_stl_changes_name_the_stream_the_stls_and_the_reason(con):
    found = diff(con, D1, D2)
    assert [(s.change, s.subject, s.before, s.after, s.reason) for s in found.stl] == [
        ("stream", "checkout (Checkout)", "Bo", "Ed", "STL replaced"),
        ("stream", "data (Data)", "none", "Cy", "STL named"),
        ("stream", "growth (Growth)", "none", "none", "stream added to the config"),
        ("stream", "old (Old)", "Gil", "Gil", "STL no longer an active employee"),
        ("leader", "Bo (E2)", None, None, "no longer single-threaded: owns no stream"),
        ("leader", "Ed (E5)", None, None,
         "now single-threaded on checkout (before: not a leader (no active direct reports))"),
    ]  # fmt: skip


def test_findings_of_each_snapshots_last_run_new_and_resolved(con):
    found = diff(con, D1, D2)
    assert found.findings_new == [STL_FINDING]  # D1's earlier run failed it too, but only its last run counts
    assert found.findings_resolved == [PIZZA_FINDING]


def test_one_line_counts_everything_then_the_headline(con):
    # 2 joined, 2 left, 1 moved; 4 streams + 2 leaders; headline from marts.org_health and the headcount.
    assert one_line(con, D2) == (
        "since 2026-11-06: 2 joined, 2 left, 1 moved team; 6 STL changes (4 streams, 2 leaders); findings 1 new, "
        "1 resolved; headcount 6 → 6 (=), single-threaded leaders 1 → 1 (=), pizza teams 2 → 1 (-1), "
        "cross-team links 3 → 5 (+2)"
    )
    assert one_line(con, D1) == (
        "first snapshot: headcount 6, single-threaded leaders 1, pizza teams 2, cross-team links 3"
    )


def test_without_quality_results_findings_are_not_compared(tmp_path):
    con = duckdb.connect(str(make_db(tmp_path / "bare.duckdb", with_results=False)), read_only=True)
    assert "; findings not compared (a snapshot has no quality results); " in one_line(con, D2)
    con.close()


def test_the_counts_the_dashboard_file_keeps_are_the_same(con):
    load_change_macros(con)
    rows = con.execute(
        "WITH pairs AS (SELECT * FROM consecutive_snapshots(current_database()) WHERE previous_as_of IS NOT NULL) "
        "SELECT * FROM snapshot_change_counts(current_database(), pairs)"
    ).fetchall()
    assert rows == [
        (D2, D1, 2, 2, 1, 6, 4, 2, 1, 1, 6, 6, 1, 1, 2, 1, 3, 5),
    ]


def test_snapshots_default_to_the_latest_and_the_one_before(con):
    assert pick_snapshots(con, None, None) == (D1, D2)
    assert pick_snapshots(con, None, D2) == (D1, D2)


@pytest.mark.parametrize(
    ("previous", "as_of", "message"),
    [
        (None, date(2026, 11, 10), "--to 2026-11-10 is not a snapshot in db.duckdb; the nearest are 2026-11-06 and "
         "2026-11-13"),
        (date(2026, 11, 1), None, "--from 2026-11-01 is not a snapshot in db.duckdb; the nearest are 2026-11-06"),
        (None, D1, "2026-11-06 is the first snapshot in db.duckdb: there is no earlier one to compare with"),
        (D2, D1, "--from 2026-11-13 is not before --to 2026-11-06"),
    ],
)  # fmt: skip
def test_a_date_that_is_not_a_snapshot_names_the_nearest(con, previous, as_of, message):
    with pytest.raises(OrgHealthError) as raised:
        pick_snapshots(con, previous, as_of, "db.duckdb")
    assert str(raised.value) == message


def test_the_report_has_a_section_each(con):
    text = report(diff(con, D1, D2))
    assert text.startswith("from 2026-11-06 to 2026-11-13\n\npeople: 2 joined, 2 left, 1 moved team\n")
    assert "\n\nSTL changes: 6\n" in text
    assert "\n\nfindings: 1 new, 1 resolved" in text
    assert text.endswith("headline:\n  headcount 6 → 6 (=)\n  single-threaded leaders 1 → 1 (=)\n"
                         "  pizza teams 2 → 1 (-1)\n  cross-team links 3 → 5 (+2)")  # fmt: skip


def test_orghealth_diff_prints_the_sections_and_refuses_a_date_that_is_no_snapshot(tmp_path):
    db = make_db(tmp_path / "org.duckdb")
    shown = CliRunner().invoke(app, ["diff", "--db", str(db)])  # --to: the latest; --from: the one before
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[:3] == [f"database: {db}", "from 2026-11-06 to 2026-11-13", ""]
    assert [re.split(r"\s{2,}", line) for line in lines if line.startswith(("joined", "left", "moved"))] == [
        ["joined", "E6", "Fay", "Web"],
        ["joined", "E8", "Hal", "Web"],
        ["left", "E4", "Di", "Platform"],
        ["left", "E7", "Gil", "Ana's team"],
        ["moved", "E3", "Cy", "Platform", "Web"],
    ]  # fmt: skip; table cells are two or more spaces apart
    assert "  pizza teams 2 → 1 (-1)" in lines
    refused = CliRunner().invoke(app, ["diff", "--db", str(db), "--from", "2026-11-01", "--to", "2026-11-13"])
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"orghealth: --from 2026-11-01 is not a snapshot in {db}; the nearest are 2026-11-06"
    )
    # --config gives the database (relative to the config's folder); pseudonymising needs no key to read it.
    (tmp_path / "org.yaml").write_text("database: org.duckdb\npublish: {pseudonymise: true}\n", encoding="utf-8")
    by_config = CliRunner().invoke(
        app, ["diff", "--config", str(tmp_path / "org.yaml")], env={"ORGHEALTH_PSEUDONYMISE_KEY": None}
    )
    assert by_config.exit_code == 0 and by_config.stdout == shown.stdout
    garbled = CliRunner().invoke(app, ["diff", "--db", str(db), "--to", "13/11/2026"])
    assert garbled.stderr.strip() == "orghealth: --to '13/11/2026' is not a date in the form YYYY-MM-DD"
