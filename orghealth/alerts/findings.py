"""Which org-health findings are new since the last snapshot.

A finding is a failed warning-severity expectation, named by (suite, expectation, column). A snapshot's
findings are those its latest run recorded in quality.expectation_results (the macro snapshot_findings in
sql/changes.sql, which `orghealth diff` and the dashboard file's marts.snapshot_changes read too). A finding
is new when the latest earlier snapshot with results did not have it.
"""

from __future__ import annotations

from datetime import date

import duckdb

from orghealth.quality.validate import Outcome
from orghealth.sql_models import load_change_macros

Finding = tuple[str, str, str]  # suite, expectation, column ('' for table-level expectations)


def finding(outcome: Outcome) -> Finding:
    return (outcome.suite, outcome.expectation, outcome.column_name or "")


def _has_results(con: duckdb.DuckDBPyConnection) -> bool:
    ((exists,),) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'quality' AND table_name = 'expectation_results' "
        "AND database_name = current_database()"
    ).fetchall()
    return bool(exists)


def snapshot_findings(con: duckdb.DuckDBPyConnection, as_of: date) -> set[Finding] | None:
    """The findings the latest run of `as_of` recorded; None when no run of that date recorded any result."""
    if not _has_results(con):
        return None
    load_change_macros(con)
    params = {"as_of": as_of}
    ((runs,),) = con.execute(
        "SELECT count(*) FROM last_quality_runs(current_database()) WHERE as_of = $as_of", params
    ).fetchall()  # all: a result left unfetched blocks the connection's next statement
    if not runs:
        return None
    found = con.execute(
        "SELECT suite, expectation, column_name FROM snapshot_findings(current_database()) WHERE as_of = $as_of",
        params,
    ).fetchall()
    return {tuple(r) for r in found}


def earlier_findings(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple[date | None, set[Finding]]:
    """The snapshot before `as_of` (None when there is none) and the findings its latest run reported."""
    if not _has_results(con):
        return None, set()
    ((previous,),) = con.execute(
        "SELECT max(as_of) FROM quality.expectation_results WHERE as_of < $as_of", {"as_of": as_of}
    ).fetchall()
    if previous is None:
        return None, set()
    return previous, snapshot_findings(con, previous) or set()


def new_findings(outcomes: list[Outcome], earlier: set[Finding]) -> list[Outcome]:
    """This run's failed warning-severity outcomes the earlier snapshot did not have."""
    return [o for o in outcomes if o.severity == "warning" and not o.success and finding(o) not in earlier]
