"""The short account of a run that `orghealth run` and `orghealth demo` print, read from the published file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from orghealth import changes
from orghealth.render import terminal_table
from orghealth.sql_models import as_of_filter, load_models


def summarize(db_path: Path, as_of: date, dashboard_path: Path | None = None) -> str:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        dashboards = [f"dashboards: {dashboard_path} (what Superset reads)"] if dashboard_path else []
        sections = [
            [f"database: {db_path}", f"as_of:    {as_of.isoformat()}", *dashboards],
            _hris_export(con, as_of),
            _row_counts(con, as_of),
            _identity_match(con, as_of),
            _org_health(con, as_of),
            [f"changes {changes.one_line(con, as_of)}"],
            _quality_gate(con, as_of),
            _files_read(con, as_of),
            _rejected_rows(con, as_of),
            _reporting_problems(con, as_of),
        ]
        return "\n\n".join("\n".join(lines) for lines in sections if lines)
    finally:
        con.close()


def _hris_export(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    """Which export of a folder of dated exports stood for as_of, and a warning when it is older."""
    rows = _rows(con, "SELECT source_file, export_date, export_age_days FROM raw.hris_snapshots "
                      "WHERE as_of = $as_of AND export_date IS NOT NULL", as_of)  # fmt: skip
    if not rows:
        return []
    source_file, dated, age = rows[0]
    lines = [f"HRIS export: {Path(source_file).name}, dated {dated}"]
    if age:
        lines.append(f"  warning: no HRIS export is dated {as_of}; the nearest earlier one ({dated}, {age} days "
                     "older) stands in for it")  # fmt: skip
    return lines


def _rows(con: duckdb.DuckDBPyConnection, sql: str, as_of: date) -> list[tuple]:
    return con.execute(sql, {"as_of": as_of} if "$as_of" in sql else None).fetchall()


def _row_counts(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    counts = []
    for m in load_models():
        where = as_of_filter(con, m.table)
        ((count,),) = _rows(con, f"SELECT count(*) FROM {m.table}{where}", as_of)
        counts.append((m.table, f"{count:,}", "this as_of" if where else "latest export"))
    return ["rows per table:", terminal_table(("table", "rows", "kept"), counts, right=("rows",))]


def _identity_match(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    match = _rows(
        con,
        "SELECT matched_assignees, assignees, match_rate, matched_items, assigned_items, item_match_rate "
        "FROM core.identity_match WHERE as_of = $as_of",
        as_of,
    )
    if not match:
        return []
    matched, assignees, rate, matched_items, items, item_rate = match[0]
    unmatched = _rows(
        con,
        "SELECT display_name, assigned_items FROM core.identity_map WHERE as_of = $as_of AND employee_id IS NULL "
        "AND assigned_items > 0 ORDER BY assigned_items DESC, display_name LIMIT 5",
        as_of,
    )
    return [
        f"identity match: {matched} of {assignees} Jira assignees ({_pct(rate)}), "
        f"covering {matched_items:,} of {items:,} assigned issues ({_pct(item_rate)})",
        *(f"  unmatched: {name} ({count} issues)" for name, count in unmatched),
    ]


def _org_health(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    health = _rows(
        con,
        "SELECT single_threaded_leaders, stream_owning_leaders, teams_within_pizza, engineering_teams, "
        "program_aligned_teams, active_teams, cross_team_links, split_engineers, engineers_with_work, "
        "streams_with_active_stl, streams FROM marts.org_health WHERE as_of = $as_of",
        as_of,
    )
    if not health:
        return []
    (st, owners, pizza, eng_teams, aligned, active, links, split, engineers, owned, streams) = health[0]
    unowned = _rows(
        con,
        "SELECT stream_id, CASE WHEN no_stl THEN 'no STL' WHEN stl_not_in_hris THEN 'STL ' || stl || ' is not in the "
        "HRIS' ELSE 'STL ' || stl || ' is not an active employee' END FROM marts.stream_ownership "
        "WHERE as_of = $as_of AND (no_stl OR stl_not_in_hris OR stl_departed) ORDER BY stream_id",
        as_of,
    )
    return [
        "org health (see docs/metrics.md):",
        f"  single-threaded leaders:   {st} of {owners} stream-owning leaders",
        f"  teams of pizza size:       {pizza} of {eng_teams} engineering teams",
        f"  program-aligned teams:     {aligned} of {active} teams with recent work",
        f"  cross-team dependencies:   {links} links",
        f"  engineers split:           {split} of {engineers} engineers with recent work",
        f"  streams with active STL:   {owned} of {streams}",
        *(f"    {stream}: {why}" for stream, why in unowned),
    ]


def _quality_gate(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    gate = _rows(
        con,
        "SELECT severity, count(*), count(*) FILTER (WHERE NOT success), "
        "list(suite || ': ' || coalesce(column_name, expectation) ORDER BY suite) FILTER (WHERE NOT success) "
        "FROM quality.expectation_results WHERE run_id = (SELECT arg_max(run_id, checked_at) "
        "FROM quality.expectation_results WHERE as_of = $as_of) GROUP BY severity ORDER BY severity",
        as_of,
    )
    if not gate:
        return []
    lines = ["quality gate (see quality.expectation_results and the Data Docs):"]
    for severity, total, failed, names in gate:
        if severity == "error":
            lines.append(f"  data errors: {failed} of {total} expectations failed")
        else:
            lines.append(f"  org-health findings: {failed} of {total} checks found something")
        lines += [f"    {name}" for name in names or []]
    return lines


def _files_read(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    files = _rows(
        con,
        "SELECT source_file, rows_read, lines_read, rows_rejected FROM raw.ingest_files WHERE as_of = $as_of "
        "ORDER BY source_table, source_file",
        as_of,
    )
    if not files:
        return []
    shown = [(Path(f).name, f"{rows:,}", "" if lines is None else f"{lines:,}", f"{rejected:,}")
             for f, rows, lines, rejected in files]  # fmt: skip
    return [
        "files read (rows are records; a CSV record may take several lines, an HRIS row never does):",
        terminal_table(("file", "rows", "lines", "rejected"), shown, right=("rows", "lines", "rejected")),
    ]


def _rejected_rows(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    rejected = _rows(
        con,
        "SELECT source_file, count(DISTINCT source_line), "
        "arg_min('line ' || source_line || coalesce(', column ' || column_name, '') || ': ' || reason, "
        "source_line) FROM raw.rejected_rows WHERE as_of = $as_of GROUP BY source_file ORDER BY source_file",
        as_of,
    )
    return [
        f"rejected rows: {sum(r[1] for r in rejected)} (see raw.rejected_rows)",
        *(f"  {Path(f).name}: {n} (first, {first})" for f, n, first in rejected),
    ]


def _reporting_problems(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    problems = _rows(
        con,
        "SELECT employee_id, problem FROM core.reporting_lines WHERE as_of = $as_of AND problem IS NOT NULL "
        "ORDER BY employee_id",
        as_of,
    )
    if not problems:
        return []
    return [
        f"reporting-line problems: {len(problems)} (see core.reporting_lines)",
        *(f"  {employee}: {problem}" for employee, problem in problems[:5]),
    ]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"
