"""orghealth/changes.py: what changed since the previous snapshot, on hand-made tables."""

from datetime import date

import duckdb

from orghealth.changes import one_line

D1, D3 = date(2026, 11, 6), date(2026, 11, 20)


def make_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core; CREATE SCHEMA marts")
    # Active people: D1 3 (one inactive row too), D3 4. D2 has no snapshot at all: D3 compares with D1.
    con.execute("CREATE TABLE core.people AS SELECT * FROM (VALUES "
                "(DATE '2026-11-06', 'E1', true), (DATE '2026-11-06', 'E2', true), (DATE '2026-11-06', 'E3', true), "
                "(DATE '2026-11-06', 'E4', false), (DATE '2026-11-20', 'E1', true), (DATE '2026-11-20', 'E2', true), "
                "(DATE '2026-11-20', 'E3', true), (DATE '2026-11-20', 'E4', true)) "
                "AS t(as_of, employee_id, is_active)")  # fmt: skip
    con.execute("CREATE TABLE marts.org_health AS SELECT * FROM (VALUES (DATE '2026-11-06', 2, 5, 9), "
                "(DATE '2026-11-20', 1, 5, 12)) AS t(as_of, single_threaded_leaders, teams_within_pizza, "
                "cross_team_links)")  # fmt: skip
    return con


def test_changes_against_the_latest_earlier_snapshot():
    assert one_line(make_db(), D3) == (
        "since 2026-11-06: headcount 3 → 4 (+1), single-threaded leaders 2 → 1 (-1), pizza teams 5 → 5 (=), "
        "cross-team links 9 → 12 (+3)"
    )


def test_the_first_snapshot_has_nothing_to_compare_with():
    assert one_line(make_db(), D1) == (
        "first snapshot: headcount 3, single-threaded leaders 2, pizza teams 5, cross-team links 9"
    )
