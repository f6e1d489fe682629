"""HRIS snapshots accumulate by as_of; re-running a date replaces its rows instead of duplicating them."""

from datetime import date

import duckdb
import pytest

from tests.conftest import run_small_org

pytestmark = pytest.mark.slow

SNAPSHOT_TABLES = {
    # table: rows per as_of in the small org (see tests/test_pipeline.py for the hand count)
    "raw.hris_people": 12,
    "raw.hris_snapshots": 1,
    "staging.hris_people": 11,
    "core.reporting_lines": 11,
    "core.people": 11,
    "core.identity_match": 1,
}


def counts(db) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: con.execute(f"SELECT as_of::VARCHAR, count(*) FROM {table} GROUP BY 1 ORDER BY 1").fetchall()
            for table in [*SNAPSHOT_TABLES, "core.teams"]
        }
    finally:
        con.close()


def test_two_dates_give_two_snapshots_and_a_rerun_replaces_one(tmp_path):
    db = tmp_path / "orghealth.duckdb"
    run_small_org(db, as_of=date(2026, 11, 20))
    run_small_org(db, as_of=date(2026, 11, 24))
    first = counts(db)
    for table, rows in SNAPSHOT_TABLES.items():
        assert first[table] == [("2026-11-20", rows), ("2026-11-24", rows)], table
    # On 2026-11-24 E11 has started, so E10 leads a team of one: 5 teams instead of 4.
    assert first["core.teams"] == [("2026-11-20", 4), ("2026-11-24", 5)]

    run_small_org(db, as_of=date(2026, 11, 24))
    assert counts(db) == first

    con = duckdb.connect(str(db), read_only=True)
    active = con.execute(
        "SELECT as_of::VARCHAR, count(*) FILTER (WHERE is_active) FROM core.people GROUP BY 1 ORDER BY 1"
    )
    assert active.fetchall() == [("2026-11-20", 9), ("2026-11-24", 10)]
    # HRIS rejected rows are kept per as_of, never duplicated by a re-run (1 each). The Jira export is not
    # per date: every run replaces it, and its 3 rejected rows, stamped with the as_of of the run that read it.
    assert con.execute(
        "SELECT as_of::VARCHAR, source_table, count(*) FROM raw.rejected_rows GROUP BY ALL ORDER BY ALL"
    ).fetchall() == [
        ("2026-11-20", "hris_people", 1), ("2026-11-24", "hris_people", 1), ("2026-11-24", "jira_issues", 3),
    ]  # fmt: skip
    con.close()
