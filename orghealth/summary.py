"""The short account of a run that `orghealth run` and `orghealth demo` print."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from orghealth.sql_models import has_as_of, load_models


def summarize(db_path: Path, as_of: date) -> str:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        lines = [f"database: {db_path}", f"as_of:    {as_of.isoformat()}", "", "rows per table (this as_of):"]
        for m in load_models():
            where = " WHERE as_of = $as_of" if has_as_of(con, m.table) else ""
            count = con.execute(f"SELECT count(*) FROM {m.table}{where}", {"as_of": as_of} if where else None)
            lines.append(f"  {m.table:<32} {count.fetchall()[0][0]:>9,}")
        match = next(
            iter(
                con.execute(
                    "SELECT matched_assignees, assignees, match_rate, matched_items, assigned_items, item_match_rate "
                    "FROM core.identity_match WHERE as_of = $as_of",
                    {"as_of": as_of},
                ).fetchall()
            ),
            None,
        )
        if match:
            lines += [
                "",
                f"identity match: {match[0]} of {match[1]} Jira assignees ({_pct(match[2])}), "
                f"covering {match[3]:,} of {match[4]:,} assigned issues ({_pct(match[5])})",
            ]
            unmatched = con.execute(
                "SELECT display_name, assigned_items FROM core.identity_map "
                "WHERE as_of = $as_of AND employee_id IS NULL AND assigned_items > 0 "
                "ORDER BY assigned_items DESC, display_name LIMIT 5",
                {"as_of": as_of},
            ).fetchall()
            lines += [f"  unmatched: {name} ({items} issues)" for name, items in unmatched]
        health = con.execute(
            "SELECT single_threaded_leaders, stream_owning_leaders, teams_within_pizza, engineering_teams, "
            "program_aligned_teams, active_teams, cross_team_links, split_engineers, engineers_with_work "
            "FROM marts.org_health WHERE as_of = $as_of",
            {"as_of": as_of},
        ).fetchall()
        if health:
            (st, owners, pizza, eng_teams, aligned, active, links, split, engineers) = health[0]
            lines += [
                "",
                "org health (see docs/metrics.md):",
                f"  single-threaded leaders:   {st} of {owners} stream-owning leaders",
                f"  teams of pizza size:       {pizza} of {eng_teams} engineering teams",
                f"  program-aligned teams:     {aligned} of {active} teams with recent work",
                f"  cross-team dependencies:   {links} links",
                f"  engineers split:           {split} of {engineers} engineers with recent work",
            ]
        gate = con.execute(
            "SELECT severity, count(*), count(*) FILTER (WHERE NOT success), "
            "list(suite || ': ' || coalesce(column_name, expectation) ORDER BY suite) FILTER (WHERE NOT success) "
            "FROM quality.expectation_results WHERE run_id = (SELECT arg_max(run_id, checked_at) "
            "FROM quality.expectation_results WHERE as_of = $as_of) GROUP BY severity ORDER BY severity",
            {"as_of": as_of},
        ).fetchall()
        if gate:
            lines += ["", "quality gate (see quality.expectation_results and the Data Docs):"]
            for severity, total, failed, names in gate:
                if severity == "error":
                    lines.append(f"  data errors: {failed} of {total} expectations failed")
                else:
                    lines.append(f"  org-health findings: {failed} of {total} checks found something")
                lines += [f"    {name}" for name in names or []]
        rejected = con.execute(
            "SELECT source_file, count(DISTINCT source_line), "
            "arg_min('line ' || source_line || coalesce(', column ' || column_name, '') || ': ' || reason, "
            "source_line) FROM raw.rejected_rows WHERE as_of = $as_of GROUP BY source_file ORDER BY source_file",
            {"as_of": as_of},
        ).fetchall()
        lines += ["", f"rejected rows: {sum(r[1] for r in rejected)} (see raw.rejected_rows)"]
        lines += [f"  {Path(f).name}: {n} (first, {first})" for f, n, first in rejected]
        problems = con.execute(
            "SELECT employee_id, problem FROM core.reporting_lines WHERE as_of = $as_of AND problem IS NOT NULL "
            "ORDER BY employee_id",
            {"as_of": as_of},
        ).fetchall()
        if problems:
            lines += ["", f"reporting-line problems: {len(problems)} (see core.reporting_lines)"]
            lines += [f"  {employee}: {problem}" for employee, problem in problems[:5]]
        return "\n".join(lines)
    finally:
        con.close()


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"
