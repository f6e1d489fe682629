"""The whole job on the hand-worked small org (tests/fixtures/small_org), checked table by table.

The fixture, worked by hand (as_of 2026-11-20):

HRIS (hris.csv, UTF-8 with BOM, headers as "Employee #", "Reporting to", "Position", "DateofHire"...):
  12 data rows on lines 2-13. Line 13 (E12, hire date 31/31/2020) is rejected, so 11 people remain.
  E7 was terminated 09/30/2026 and E11 is hired 11/24/2026: 9 are active at as_of.
  Engineers by title: E4, E5 (Software Engineer), E6 (SRE), E7 (Software Engineer), E9 (Frontend Developer).
  E9 reports to "hana@x.example" (an email), E10 to "Ana Lima" (a name).
  Teams of active people: E1 {E2, E10}, E2 {E3, E8}, E3 {E4, E5, E6} (E7 has left), E8 {E9}.

Jira (jira/: export.csv with repeated Labels and Blocks columns, two JSON search pages):
  13 issue rows: 9 in the CSV, 2 + 2 in the pages. CORE-9's dates do not parse (rejected), and OPS-1 is
  on both pages: the page-2 copy is older (updated 2026-10-01 < 2026-11-02) and is rejected. 11 issues.
  Streams: checkout = epic CORE-1 → CORE-1, CORE-2 (child), CORE-3 (Epic Link), CORE-4 (sub-task of
  CORE-3, inherits; its own component Infra would say infra); infra = label/component → CORE-5, CORE-7,
  OPS-2 (label beats OPS's project rule); migration = project OPS → OPS-1, OPS-4; unmapped: CORE-6, CORE-8.
  Identities: 8 assignees; Alex Vendor is in no HRIS; Ivan P. by alias; Hana by email (Hana@X.example);
  the rest by name. 7 of 8 matched; 9 of 10 assigned issues matched (CORE-6 is Alex's).
  Links: CORE-2 blocks CORE-3 (listed on both), LEGACY-9 blocks CORE-3 (LEGACY-9 not exported), OPS-1
  blocks CORE-3 (listed on OPS-1 in both pages and on CORE-3), CORE-3 relates CORE-8, OPS-1 relates OPS-2.
"""

from datetime import datetime

import duckdb
import pytest

from orghealth.sql_models import LAYERS, SQL_DIR
from tests.conftest import AS_OF

pytestmark = pytest.mark.slow


def test_raw_keeps_every_row_as_exported(sql):
    assert sql("SELECT count(*) FROM raw.hris_people WHERE as_of = $d", {"d": AS_OF}) == [(12,)]
    assert sql("SELECT count(*) FROM raw.jira_issues") == [(13,)]
    # 5 link listings in the CSV (CORE-2: 1, CORE-3: 3 Blocks + 1 Relates) and 4 in the JSON pages.
    assert sql("SELECT count(*) FROM raw.jira_issue_links") == [(9,)]
    # Raw keeps text as exported: the US date is not yet a date.
    assert sql("SELECT hire_date FROM raw.hris_people WHERE employee_id = 'E1'") == [("01/15/2015",)]


def test_rejected_rows_name_file_line_column_and_reason(sql):
    rows = sql(
        "SELECT source_table, regexp_extract(source_file, '[^/]+$'), source_line, column_name, value, reason "
        "FROM raw.rejected_rows ORDER BY source_table, source_file, source_line, column_name"
    )
    assert [r[:5] for r in rows] == [
        ("hris_people", "hris.csv", 13, "DateofHire", "31/31/2020"),
        # Jira rejects name the column as exported (a CSV header, a JSON field path), as HRIS rejects do.
        ("jira_issues", "export.csv", 11, "Created", "31/Foo/26 1:00 PM"),
        ("jira_issues", "export.csv", 11, "Updated", "31/Foo/26 1:00 PM"),
        ("jira_issues", "ops-page-002.json", 1, "key", "OPS-1"),
    ]
    assert "hire date is not a date" in rows[0][5]
    assert "ops-page-001.json line 1 is kept" in rows[3][5]


def test_people_are_typed_with_activity_and_roles(sql):
    assert sql("SELECT count(*), count(*) FILTER (WHERE is_active) FROM core.people") == [(11, 9)]
    assert sql("SELECT list(employee_id ORDER BY employee_id) FROM core.people WHERE is_engineer") == [
        (["E4", "E5", "E6", "E7", "E9"],)
    ]
    assert sql("SELECT list(employee_id) FROM core.people WHERE is_contractor") == [(["E6"],)]
    assert sql("SELECT hire_date::VARCHAR, termination_date::VARCHAR, is_active FROM core.people "
               "WHERE employee_id = 'E7'") == [("2021-02-01", "2026-09-30", False)]  # fmt: skip
    assert sql("SELECT is_active FROM core.people WHERE employee_id = 'E11'") == [(False,)]  # hired after as_of
    assert sql("SELECT name FROM core.people WHERE employee_id = 'E3'") == [("Chloé Martin",)]


def test_reporting_lines_resolve_ids_emails_and_names(sql):
    rows = dict(
        (e, (by, m)) for e, by, m in sql("SELECT employee_id, resolved_by, manager_id FROM core.reporting_lines")
    )
    assert rows["E1"] == ("none", None)
    assert rows["E4"] == ("id", "E3")
    assert rows["E9"] == ("email", "E8")
    assert rows["E10"] == ("name", "E1")
    assert sql("SELECT count(*) FROM core.reporting_lines WHERE problem IS NOT NULL") == [(0,)]


def test_teams_are_managers_with_active_direct_reports(sql):
    assert sql("SELECT team_id, team_name, manager_id, members, headcount FROM core.teams ORDER BY team_id") == [
        ("E1", "Ana Lima's team", "E1", 2, 3),
        ("E2", "Ben Okafor's team", "E2", 2, 3),  # members carry two HRIS team names: no majority
        ("E3", "Checkout", "E3", 3, 4),  # E7 has left
        ("E8", "Platform", "E8", 1, 2),  # a team of one
    ]
    assert sql("SELECT employee_id, direct_reports, is_leader FROM core.people WHERE employee_id IN ('E10', 'E3') "
               "ORDER BY 1") == [("E10", 0, False), ("E3", 3, True)]  # fmt: skip


def test_work_items_are_typed_and_mapped_to_streams(sql):
    rows = {
        key: rest
        for key, *rest in sql(
            "SELECT w.issue_key, w.stream_id, w.stream_rule, w.stream_from_parent, w.epic_key, m.employee_id "
            "FROM core.work_items AS w LEFT JOIN core.identity_map AS m ON m.identity_key = w.assignee_identity"
        )
    }
    assert sorted(rows) == ["CORE-1", "CORE-2", "CORE-3", "CORE-4", "CORE-5", "CORE-6", "CORE-7", "CORE-8",
                            "OPS-1", "OPS-2", "OPS-4"]  # fmt: skip
    assert rows["CORE-1"] == ["checkout", "epic", False, "CORE-1", "E3"]
    assert rows["CORE-2"] == ["checkout", "epic", False, "CORE-1", "E4"]  # child of the epic via numeric Parent
    assert rows["CORE-3"] == ["checkout", "epic", False, "CORE-1", "E5"]  # via Epic Link
    assert rows["CORE-4"] == ["checkout", "epic", True, "CORE-1", "E6"]  # sub-task takes its parent's stream
    assert rows["CORE-5"] == ["infra", "label", False, None, "E7"]  # a terminated employee, still assigned
    assert rows["CORE-6"] == ["unmapped", None, False, None, None]  # Alex Vendor is not in the HRIS
    assert rows["CORE-7"] == ["infra", "label", False, None, "E9"]
    assert rows["CORE-8"] == ["unmapped", None, False, None, None]  # unassigned
    assert rows["OPS-1"] == ["migration", "project", False, None, "E8"]
    assert rows["OPS-2"] == ["infra", "label", False, None, "E9"]  # label outranks project
    assert rows["OPS-4"] == ["migration", "project", False, None, "E4"]


def test_work_item_dates_parents_and_points(sql):
    rows = {
        k: rest
        for k, *rest in sql(
            "SELECT issue_key, created_at, resolved_at, parent_key, parent_id, parent_in_export, story_points, "
            "labels FROM core.work_items"
        )
    }
    assert rows["CORE-2"][:2] == [datetime(2026, 3, 2, 10, 0), datetime(2026, 10, 10, 15, 4)]
    assert rows["CORE-2"][6] == ["checkout", "web"]  # two Labels columns
    assert rows["CORE-7"][0] == datetime(2026, 3, 3, 14, 0)  # "3/Mär/26 2:00 PM": a German month name
    assert rows["CORE-7"][2:5] == [None, "99999", False]  # parent outside the export
    assert rows["CORE-4"][2:5] == ["CORE-3", "10003", True]
    assert rows["OPS-4"][1] == datetime(2026, 11, 15, 15, 0)  # 10:00 at -0500 is 15:00 UTC
    assert rows["OPS-1"][1] == datetime(2026, 11, 2, 10, 0)  # the newer copy of OPS-1 was kept
    assert rows["CORE-3"][5] == 5.0 and rows["OPS-1"][5] == 2.0 and rows["CORE-1"][5] is None


def test_issue_links_are_counted_once_with_direction(sql):
    assert sql(
        "SELECT link_type, from_issue_key, to_issue_key, is_dependency, from_in_export, to_in_export "
        "FROM core.issue_links ORDER BY link_type, from_issue_key"
    ) == [
        ("Blocks", "CORE-2", "CORE-3", True, True, True),
        ("Blocks", "LEGACY-9", "CORE-3", True, False, True),
        ("Blocks", "OPS-1", "CORE-3", True, True, True),
        ("Relates", "CORE-3", "CORE-8", False, True, True),
        ("Relates", "OPS-1", "OPS-2", False, True, True),
    ]


def test_identity_map_and_match_rate(sql):
    rows = {k: rest for k, *rest in sql("SELECT identity_key, employee_id, matched_by, assigned_items, "
                                        "reported_items FROM core.identity_map")}  # fmt: skip
    assert rows == {
        "acc-alex": [None, None, 1, 0],
        "acc-ben": ["E2", "name", 0, 11],
        "acc-chloe": ["E3", "name", 1, 0],
        "acc-dev": ["E4", "name", 2, 0],
        "acc-eva": ["E5", "name", 1, 0],
        "acc-finn": ["E6", "name", 1, 0],
        "acc-gus": ["E7", "name", 1, 0],
        "acc-hana": ["E8", "email", 1, 0],
        "acc-ivan": ["E9", "alias", 2, 0],
    }
    assert sql("SELECT note FROM core.identity_map WHERE identity_key = 'acc-alex'")[0][0].startswith("no HRIS person")
    assert sql("SELECT assignees, matched_assignees, match_rate, assigned_items, matched_items, item_match_rate "
               "FROM core.identity_match") == [(8, 7, 7 / 8, 10, 9, 9 / 10)]  # fmt: skip


def test_work_streams_resolve_their_leaders(sql):
    assert sql(
        "SELECT stream_id, kind, stl_email, stl_employee_id, stl_active FROM core.work_streams ORDER BY position"
    ) == [
        ("checkout", "program", "chloe@x.example", "E3", True),
        ("infra", "program", "hana@x.example", "E8", True),  # configured as Hana@X.example
        ("migration", "project", None, None, False),  # no STL
        ("legacy", "project", "gus@x.example", "E7", False),  # STL has left
    ]


def test_every_table_and_column_is_documented(sql):
    undocumented = sql(
        "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE schema_name IN ('raw', 'staging', 'core', 'marts', 'quality') AND (comment IS NULL OR comment = '')"
    )
    assert undocumented == []
    tables = sql("SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() "
                 "WHERE schema_name IN ('raw', 'staging', 'core', 'marts', 'quality')")  # fmt: skip
    sql_files = {f"{p.parent.name}.{p.stem}" for p in SQL_DIR.glob("*/*.sql") if p.parent.name in LAYERS}
    assert {table for table, _ in tables} == sql_files
    assert len(sql_files) == 35  # 8 raw, 5 staging, 12 core, 9 marts, 1 quality
    assert all(comment for _, comment in tables)
    assert sql("SELECT comment FROM duckdb_tables() WHERE table_name = 'teams'")[0][0].startswith("One row per team")


def test_the_dashboard_file_is_written_beside_the_database_and_documented(small_org_db):
    dashboards = small_org_db.with_name("orghealth-dashboards.duckdb")
    con = duckdb.connect(str(dashboards), read_only=True)
    try:
        assert con.execute("SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
                           "WHERE NOT internal AND (comment IS NULL OR comment = '')").fetchall() == []  # fmt: skip
        # 4 lookups (streams, thresholds, and the filters' snapshots and scopes), 11 marts (the 9 the dashboards
        # read, and the 2 of what changed), ops.run_log, the quality results
        assert con.execute("SELECT count(*), count(comment) FROM duckdb_tables()").fetchall() == [(17, 17)]
        # The same as_of and teams as the published marts; the people split across streams only per team.
        assert con.execute("SELECT DISTINCT as_of::VARCHAR FROM marts.team_size").fetchall() == [("2026-11-20",)]
        assert (
            con.execute("SELECT sum(engineers) FROM marts.shared_people_by_team").fetchall()
            == con.execute("SELECT engineers_with_work FROM marts.org_health").fetchall()
        )
    finally:
        con.close()
