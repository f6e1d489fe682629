"""Per-model SQL tests: hand-made rows in, one model built on an in-memory DuckDB, rows out.

Each test fills only the upstream tables its model reads (`model(...).upstream`), builds that one model
with `orghealth.sql_models.build` (no Dagster, no other model), and compares the output with values
worked by hand from the inputs.

    def test_something(db):
        db.table("core.window_items", "issue_key stream_id weight attribution", [("PAY-1", "pay", 1, "team")])
        db.build("marts.work_attribution")
        assert db.rows("SELECT attribution, items FROM marts.work_attribution") == [("team", 1)]

An upstream table is created on first use with every column its SQL header documents (`-- column`), typed
as the core model builds it (TYPES); the columns a test does not give are NULL. Rows of a table with an
`as_of` column get `as_of = AS_OF` unless the test says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import duckdb
import pytest

from orghealth.sql_models import build, load_macros, model

AS_OF = date(2026, 11, 20)  # the window is resolved in (2026-08-22, 2026-11-20]

# The run parameters of RunSettings.model_params, with the defaults of the config (orghealth/config.py).
DEFAULT_PARAMS: dict[str, Any] = {
    "as_of": AS_OF,
    "date_formats": ["%Y-%m-%d"],
    "engineer_titles": r"(?i)\b(engineer|developer|sre|architect|programmer)\b",
    "contractor_types": r"(?i)contract|consult|freelanc|agency|temp",
    "team_source": "manager",
    "dependency_link_types": ["Blocks"],
    "window_days": 90,
    "effort": "items",
    "focus_threshold": 0.8,
    "alignment_threshold": 0.7,
    "project_max_days": 180,
    "team_min_engineers": 3,
    "team_max_engineers": 8,
    "team_max_headcount": 15,
}


def params(**overrides: Any) -> dict[str, Any]:
    """The run parameters with the config's defaults, some overridden (a misspelt name is an error)."""
    unknown = overrides.keys() - DEFAULT_PARAMS.keys()
    if unknown:
        raise KeyError(f"not a run parameter: {sorted(unknown)}")
    return {**DEFAULT_PARAMS, **overrides}


# Column types of the tables the marts read, as the models that build them produce them. A documented
# column not listed here is VARCHAR.
TYPES: dict[str, dict[str, str]] = {
    "core.people": {
        "as_of": "DATE", "hire_date": "DATE", "termination_date": "DATE", "is_active": "BOOLEAN",
        "is_engineer": "BOOLEAN", "is_contractor": "BOOLEAN", "direct_reports": "BIGINT", "is_leader": "BOOLEAN",
        "source_line": "BIGINT",
    },
    "core.teams": {"as_of": "DATE", "manager_active": "BOOLEAN", "members": "BIGINT", "headcount": "BIGINT"},
    "core.org_members": {"as_of": "DATE", "levels_below": "INTEGER", "member_active": "BOOLEAN"},
    "core.window_items": {
        "as_of": "DATE", "weight": "DOUBLE", "weight_imputed": "BOOLEAN", "resolved_at": "TIMESTAMP",
    },
    "core.work_items": {
        "is_subtask": "BOOLEAN", "is_resolved": "BOOLEAN", "created_at": "TIMESTAMP", "resolved_at": "TIMESTAMP",
        "parent_in_export": "BOOLEAN", "story_points": "DOUBLE", "labels": "VARCHAR[]", "components": "VARCHAR[]",
        "stream_from_parent": "BOOLEAN", "source_line": "BIGINT",
    },
    "core.work_streams": {
        "as_of": "DATE", "position": "INTEGER", "stl_active": "BOOLEAN", "match_projects": "VARCHAR[]",
        "match_epics": "VARCHAR[]", "match_labels": "VARCHAR[]", "match_components": "VARCHAR[]",
    },
    "core.dependency_links": {"as_of": "DATE", "is_open": "BOOLEAN"},
    "core.identity_match": {
        "as_of": "DATE", "assignees": "BIGINT", "matched_assignees": "BIGINT", "match_rate": "DOUBLE",
        "assigned_items": "BIGINT", "matched_items": "BIGINT", "item_match_rate": "DOUBLE",
        "unmatched_identities": "BIGINT",
    },
    "marts.leader_focus": {
        "as_of": "DATE", "org_size": "BIGINT", "items": "BIGINT", "weight": "DOUBLE", "streams_touched": "BIGINT",
        "focus_ratio": "DOUBLE", "unmapped_share": "DOUBLE", "effective_streams": "DOUBLE",
        "owned_streams": "BIGINT", "owned_focus": "DOUBLE", "single_threaded": "BOOLEAN",
        "top_owned_stream": "VARCHAR", "top_owned_focus": "DOUBLE", "not_single_threaded_reason": "VARCHAR",
    },
    "marts.team_size": {
        "as_of": "DATE", "headcount": "BIGINT", "engineers": "BIGINT", "contractors": "BIGINT",
        "engineering_team": "BOOLEAN", "span_of_control": "BIGINT", "depth": "BIGINT",
    },
    "marts.team_alignment": {
        "as_of": "DATE", "items": "BIGINT", "weight": "DOUBLE", "program_share": "DOUBLE", "product_share": "DOUBLE",
        "project_share": "DOUBLE", "unmapped_share": "DOUBLE", "top_share": "DOUBLE",
    },
    "marts.team_dependencies": {
        "as_of": "DATE", "links": "BIGINT", "open_links": "BIGINT", "streams_crossed": "BIGINT",
    },
    "marts.stream_ownership": {
        "as_of": "DATE", "stl_active": "BOOLEAN", "items": "BIGINT", "weight": "DOUBLE",
        "contributing_teams": "BIGINT", "top_team_share": "DOUBLE", "first_created": "TIMESTAMP",
        "age_days": "BIGINT", "open_items": "BIGINT", "no_stl": "BOOLEAN", "stl_owns_multiple": "BOOLEAN",
        "stl_below_focus": "BOOLEAN", "project_outlived": "BOOLEAN",
    },
    "marts.shared_people": {
        "as_of": "DATE", "items": "BIGINT", "weight": "DOUBLE", "streams_worked": "BIGINT", "top_share": "DOUBLE",
        "unmapped_share": "DOUBLE", "is_split": "BOOLEAN",
    },
}  # fmt: skip


def reporting_pairs(managers: dict[str, str | None]) -> list[tuple[str, str, int]]:
    """(leader_id, employee_id, levels_below) for every person and each person at or above them.

    `managers` maps each employee to their manager (None at the top): the rows core.org_members holds.
    """
    pairs = []
    for employee in managers:
        leader, levels = employee, 0
        while leader is not None:
            pairs.append((leader, employee, levels))
            leader, levels = managers[leader], levels + 1
    return pairs


class ModelDb:
    """An in-memory DuckDB with the shared macros, holding hand-made upstream tables of the model under test."""

    def __init__(self) -> None:
        self.con = duckdb.connect()
        load_macros(self.con)
        self.created: set[str] = set()

    def table(self, name: str, columns: str, rows: Iterable[tuple], **same: Any) -> None:
        """Add `rows` (tuples in the order of the space-separated `columns`) to an upstream table.

        `same` gives a value every row shares (e.g. as_of=date(...)). The table is created on first use with
        all its documented columns; the ones not given are NULL.
        """
        documented = list(model(name).columns)
        given = columns.split()
        if "as_of" in documented and "as_of" not in given:
            same.setdefault("as_of", AS_OF)
        names = given + list(same)
        unknown = [c for c in names if c not in documented]
        if unknown or len(set(names)) != len(names):
            raise KeyError(f"{name} documents no column(s) {unknown}, or a column is given twice: {names}")
        if name not in self.created:
            schema = name.split(".")[0]
            types = TYPES.get(name, {})
            self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            self.con.execute(
                f"CREATE TABLE {name} (" + ", ".join(f"{c} {types.get(c, 'VARCHAR')}" for c in documented) + ")"
            )
            self.created.add(name)
        values = [tuple(row) + tuple(same.values()) for row in rows]
        for row in values:
            if len(row) != len(names):
                raise ValueError(f"{name}: row {row} does not have the {len(names)} values of {names}")
        if values:  # one statement for all rows: much faster than executemany
            row = "(" + ", ".join("?" for _ in names) + ")"
            self.con.execute(
                f"INSERT INTO {name} ({', '.join(names)}) VALUES " + ", ".join(row for _ in values),
                [value for row_values in values for value in row_values],
            )

    def org_members(self, managers: dict[str, str | None], inactive: Iterable[str] = (), **same: Any) -> None:
        """core.org_members for a reporting tree given as employee -> manager; `inactive` have left."""
        gone = set(inactive)
        self.table(
            "core.org_members",
            "leader_id employee_id levels_below member_active",
            [
                (leader, employee, levels, employee not in gone)
                for leader, employee, levels in reporting_pairs(managers)
            ],
            **same,
        )

    def build(self, table: str, **overrides: Any) -> int:
        """Build one model from the tables the test made; return its row count for the run's as_of."""
        m = model(table)
        inputs = self.created - {table}
        assert inputs <= set(m.upstream), f"{table} does not read {sorted(inputs - set(m.upstream))}"
        return build(self.con, m, params(**overrides))

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        return self.con.execute(sql, params).fetchall()

    def by_key(self, sql: str, params: dict[str, Any] | None = None) -> dict[Any, list]:
        """First column -> the other columns as a list; the first column must be unique."""
        result = self.rows(sql, params)
        keyed = {key: list(rest) for key, *rest in result}
        assert len(keyed) == len(result), f"first column repeats: {result}"
        return keyed


@pytest.fixture
def db() -> Iterable[ModelDb]:
    database = ModelDb()
    yield database
    database.con.close()
