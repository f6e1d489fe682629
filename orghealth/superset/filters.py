"""The dashboard's filters: which snapshot every chart shows, and which leader's org or team it narrows to.

Superset's native filters hand their values to each chart's query. A filter on a column that a chart's dataset
lacks is left out of that query, so the views of a dashboard read the values themselves, in Jinja (Superset's
template processing: `ENABLE_TEMPLATE_PROCESSING`), and fall back to the whole picture when nothing is picked.
A view's SQL (dashboards/*.yaml) writes two placeholders, which the bundle expands:

    :snapshot(marts.team_size)            the as_of of marts.team_size the Snapshot filter picked, else its latest
    :in_scope(team, t.team_id, t.as_of)   the team (or leader) is in the scope picked on that date, else true

A scope is a row of lookups.scopes (sql/dashboards/lookups/scopes.sql): "Org: Dan Dir", "Team: Checkout Core".
With no filter at all (the API, reports, `orghealth superset check`) every chart shows the latest snapshot of
the whole org, so a saved query never mixes dates. To describe a view's columns the bundle runs the same SQL with
the placeholders at those defaults (`expand(sql, jinja=False)`; a scope's condition is then true, naming its columns).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from orghealth.superset.definitions import Dashboard

SNAPSHOT_COLUMN = "snapshot"  # lookups.snapshots: the as_of as text, what the Snapshot filter lists
SCOPE_COLUMN = "scope"  # lookups.scopes
SNAPSHOT = re.compile(r":snapshot\(\s*([a-z_]+\.[a-z_]+)\s*\)")
IN_SCOPE = re.compile(r":in_scope\(\s*(team|leader)\s*,\s*([\w.]+)\s*,\s*([\w.]+)\s*\)")


def _picked(column: str) -> str:
    return f"filter_values('{column}')"


def _snapshot(table: str, jinja: bool) -> str:
    latest = f"(SELECT max(as_of) FROM {table})"
    if not jinja:
        return latest
    picked = (
        f"(SELECT max(as_of) FROM {table} WHERE strftime(as_of, '%Y-%m-%d') IN "
        f"{{{{ {_picked(SNAPSHOT_COLUMN)}|where_in }}}})"
    )
    return f"{{% if {_picked(SNAPSHOT_COLUMN)} %}}{picked}{{% else %}}{latest}{{% endif %}}"


def _in_scope(kind: str, member: str, as_of: str, jinja: bool) -> str:
    if not jinja:  # true, naming the columns, so that describing the view finds a wrong one
        return f"(({member} IS NULL OR {member} IS NOT NULL) AND ({as_of} IS NULL OR {as_of} IS NOT NULL))"
    member_column = "team_id" if kind == "team" else "leader_id"
    exists = (
        f"EXISTS (SELECT 1 FROM lookups.scopes AS picked_scope WHERE picked_scope.scope IN "
        f"{{{{ {_picked(SCOPE_COLUMN)}|where_in }}}} AND picked_scope.as_of = {as_of} "
        f"AND picked_scope.{member_column} = {member})"
    )
    return f"{{% if {_picked(SCOPE_COLUMN)} %}}{exists}{{% else %}}true{{% endif %}}"


def expand(sql: str, *, jinja: bool) -> str:
    """A view's SQL with its placeholders expanded: for Superset (jinja=True), or at their defaults (the latest
    snapshot, the whole org) as plain SQL DuckDB runs."""
    sql = SNAPSHOT.sub(lambda m: _snapshot(m[1], jinja), sql)
    return IN_SCOPE.sub(lambda m: _in_scope(m[1], m[2], m[3], jinja), sql)


def native_filters(
    dashboard: Dashboard, dataset_uuid: Callable[[str], str], chart_ids: dict[str, int]
) -> list[dict[str, Any]]:
    """Superset's native_filter_configuration for the dashboard's `filters:`: select filters over a lookup table's
    column, the charts they do not apply to left out of their scope (chart ids as the bundle numbers them, which
    the import maps to Superset's)."""
    return [
        {
            "id": f"NATIVE_FILTER-{f.id}",
            "name": f.name,
            "description": f.description,
            "type": "NATIVE_FILTER",
            "filterType": "filter_select",
            "targets": [{"datasetUuid": dataset_uuid(f.dataset), "column": {"name": f.column}}],
            "controlValues": {
                "enableEmptyFilter": f.first_by_default,  # a snapshot is always picked: the latest, or another
                "defaultToFirstItem": f.first_by_default,
                "multiSelect": False,
                "searchAllOptions": False,
                "inverseSelection": False,
                "sortAscending": not f.descending,
            },
            "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
            "cascadeParentIds": [],
            "scope": {"rootPath": ["ROOT_ID"], "excluded": [chart_ids[c] for c in f.excluded]},
            "tabsInScope": [],
        }
        for f in dashboard.filters
    ]
