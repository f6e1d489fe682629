"""Which org-health findings are new since the last snapshot.

A finding is a failed warning-severity expectation, named by (suite, expectation, column). It is new when
the latest earlier snapshot's results in quality.expectation_results (its latest run) did not fail it.
"""

from __future__ import annotations

from datetime import date

import duckdb

from orghealth.quality.validate import Outcome

Finding = tuple[str, str, str]  # suite, expectation, column ('' for table-level expectations)


def finding(outcome: Outcome) -> Finding:
    return (outcome.suite, outcome.expectation, outcome.column_name or "")


def earlier_findings(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple[date | None, set[Finding]]:
    """The snapshot before `as_of` (None when there is none) and the findings its latest run reported."""
    ((exists,),) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'quality' AND table_name = 'expectation_results' "
        "AND database_name = current_database()"
    ).fetchall()
    if not exists:
        return None, set()
    rows = con.execute(
        "SELECT as_of, arg_max(run_id, checked_at) FROM quality.expectation_results WHERE as_of < $as_of "
        "GROUP BY as_of ORDER BY as_of DESC LIMIT 1",
        {"as_of": as_of},
    ).fetchall()  # all: a result left unfetched blocks the connection's next statement
    if not rows:
        return None, set()
    ((previous, run_id),) = rows
    found = con.execute(
        "SELECT suite, expectation, coalesce(column_name, '') FROM quality.expectation_results "
        "WHERE as_of = $as_of AND run_id = $run AND severity = 'warning' AND NOT success",
        {"as_of": previous, "run": run_id},
    ).fetchall()
    return previous, {tuple(r) for r in found}


def new_findings(outcomes: list[Outcome], earlier: set[Finding]) -> list[Outcome]:
    """This run's failed warning-severity outcomes the earlier snapshot did not have."""
    return [o for o in outcomes if o.severity == "warning" and not o.success and finding(o) not in earlier]
