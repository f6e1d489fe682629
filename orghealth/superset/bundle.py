"""The Superset import bundle: a ZIP of YAML files built in memory from dashboards/*.yaml and the dashboard file.

For the org `acme` (orghealth/superset/naming.py):

    orghealth_superset/metadata.yaml                                   version 1.0.0, type assets
    orghealth_superset/databases/orghealth-acme.yaml                   the dashboard file, opened read-only
    orghealth_superset/datasets/orghealth-acme/acme__<name>.yaml       one per table of the file, one per view
                                                                       the charts use; all virtual (SQL)
    orghealth_superset/charts/acme-<slug>/<chart id>.yaml              params and query_context
    orghealth_superset/dashboards/acme-<slug>.yaml                     position (a chartId and uuid per tile)

Every uuid is a uuid5 of the object's name, and every name carries the org's slug, so publishing the same org
again overwrites what its last publish made and publishing another org adds its own objects beside them.
Columns, their types and descriptions are read from the dashboard file's COMMENTs; a view's columns take the
description of the same column in the tables it reads. The bundle's bytes depend only on the org, the
definitions and the file: two builds from the same inputs are identical.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import yaml

from orghealth.database import check_location
from orghealth.errors import OrgHealthError
from orghealth.superset import filters
from orghealth.superset.definitions import Chart, Dashboard, View, latest_view, latest_view_name
from orghealth.superset.naming import Org
from orghealth.superset.query_context import form_data, query_context

ROOT = "orghealth_superset"
VERSION = "1.0.0"
TEMPORAL = re.compile(r"^(DATE|TIMESTAMP|TIME)")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class BundleError(OrgHealthError):
    """The bundle cannot be built: the dashboard file is missing, or a view's SQL fails on it."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str | None
    label: str | None = None  # what a person reads instead of the column's name


@dataclass(frozen=True)
class Dataset:
    """A virtual dataset: a table of the dashboard file (`SELECT * FROM marts.team_size`) or a view over them.

    Virtual, not physical, because a physical dataset's table_name must be the table's own (`team_size`), and
    Superset's SQLite metadata allows one dataset of that name across all databases: a second org's would clash.
    """

    name: str  # the table's name or the view's; Superset's table_name is the org's (Org.dataset_name)
    table: str | None  # `schema.table` for a table's dataset, None for a view
    sql: str
    description: str
    columns: tuple[Column, ...]


# --- what the dashboard file holds ---


def database_uri(dashboard_file: Path) -> str:
    """The SQLAlchemy URI of the dashboard file for duckdb-engine, read-only (four slashes: an absolute path)."""
    return f"duckdb:///{dashboard_file.resolve()}?access_mode=read_only"


def _connect(dashboard_file: Path) -> duckdb.DuckDBPyConnection:
    check_location(dashboard_file, must_exist=True)
    try:
        return duckdb.connect(str(dashboard_file), read_only=True)
    except duckdb.Error as exc:
        raise BundleError(f"cannot open dashboard file {dashboard_file}: {str(exc).splitlines()[0]}") from exc


def _tables(con: duckdb.DuckDBPyConnection) -> list[Dataset]:
    rows = con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() "
        "WHERE database_name = current_database() ORDER BY schema_name, table_name"
    ).fetchall()
    return [
        Dataset(name, f"{schema}.{name}", f"SELECT * FROM {schema}.{name}", comment or "", _columns(con, schema, name))
        for schema, name, comment in rows
    ]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> tuple[Column, ...]:
    rows = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = $s AND table_name = $t ORDER BY column_index",
        {"s": schema, "t": table},
    ).fetchall()
    return tuple(Column(*row) for row in rows)


def _view(con: duckdb.DuckDBPyConnection, name: str, view: View, tables: list[Dataset]) -> Dataset:
    try:  # at the filters' defaults: the latest snapshot, the whole org
        described = con.execute(f"DESCRIBE {filters.expand(view.sql, jinja=False)}").fetchall()
    except duckdb.Error as exc:
        raise BundleError(f"view {name}: its SQL fails on the dashboard file: {str(exc).splitlines()[0]}") from exc
    read = [t for t in tables if t.table and t.table in view.sql]
    known = {c.name: c.description for t in reversed(read) for c in t.columns if c.description}
    if unknown := sorted(set(view.labels) - {n for n, *_ in described}):
        raise BundleError(f"view {name}: labels name {', '.join(unknown)}, which its SQL does not return")
    columns = tuple(Column(n, t, known.get(n), view.labels.get(n)) for n, t, *_ in described)
    return Dataset(name, None, filters.expand(view.sql.strip(), jinja=True), view.description, columns)


def _thresholds(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    cursor = con.execute("SELECT * FROM lookups.thresholds")
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else {}


# --- the YAML files ---


def _database_yaml(dashboard_file: Path, org: Org) -> dict[str, Any]:
    return {
        "database_name": org.database_name,
        "sqlalchemy_uri": database_uri(dashboard_file),
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_csv_upload": False,
        "extra": {"allows_virtual_table_explore": True},
        "uuid": org.database_uuid,
        "version": VERSION,
    }


def _column_yaml(column: Column) -> dict[str, Any]:
    return {
        "column_name": column.name,
        "verbose_name": column.label,
        "is_dttm": bool(TEMPORAL.match(column.type)),
        "is_active": True,
        "type": column.type,
        "groupby": True,
        "filterable": True,
        "expression": None,
        "description": column.description,
        "python_date_format": None,
        "extra": {},
    }


def _dataset_yaml(dataset: Dataset, org: Org) -> dict[str, Any]:
    temporal = [c.name for c in dataset.columns if TEMPORAL.match(c.type)]
    return {
        "table_name": org.dataset_name(dataset.name),
        "main_dttm_col": "as_of" if "as_of" in temporal else (temporal[0] if temporal else None),
        "description": dataset.description,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "schema": None,
        "catalog": None,
        "sql": dataset.sql,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": org.dataset_uuid(dataset.name),
        "metrics": [
            {
                "metric_name": "count",
                "verbose_name": "COUNT(*)",
                "metric_type": "count",
                "expression": "COUNT(*)",
                "description": None,
                "d3format": None,
                "extra": {},
                "warning_text": None,
            }
        ],  # fmt: skip
        "columns": [_column_yaml(c) for c in dataset.columns],
        "version": VERSION,
        "database_uuid": org.database_uuid,
    }


def dataset_name(chart: Chart) -> str:
    """The dataset a chart reads: its table's name, its table's latest view, or the view it names."""
    if chart.latest:
        return latest_view_name(chart.dataset)
    return chart.dataset.split(".")[-1]


COLUMN_KEYS = ("x_axis", "groupby", "all_columns", "columns", "source", "target")  # params naming dataset columns


def _named_columns(params: dict[str, Any]) -> list[str]:
    named: list[str] = []
    for key in COLUMN_KEYS:
        value = params.get(key)
        named += [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]
    return named


def _check_columns(chart: Chart, dataset: Dataset) -> None:
    """A chart naming a column its dataset lacks fails here, listing the dataset's columns, not in Superset."""
    known = {c.name for c in dataset.columns}
    if unknown := [c for c in _named_columns(chart.params) if c not in known]:
        raise BundleError(
            f"chart {chart.id}: dataset {dataset.name} has no column {', '.join(unknown)} "
            f"(it has {', '.join(sorted(known))})"
        )


def _chart_yaml(dashboard: Dashboard, chart: Chart, thresholds: dict[str, Any], org: Org) -> dict[str, Any]:
    params = form_data(chart, thresholds)
    context = query_context(params)
    return {
        "slice_name": chart.title,
        "description": chart.description or None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": chart.viz,
        "params": params,
        "query_context": json.dumps(context, sort_keys=True),
        "cache_timeout": None,
        "uuid": org.chart_uuid(dashboard.slug, chart.id),
        "version": VERSION,
        "dataset_uuid": org.dataset_uuid(dataset_name(chart)),
    }


def position(dashboard: Dashboard, chart_ids: dict[str, int], org: Org) -> dict[str, Any]:
    """Superset's position JSON: ROOT > GRID > one ROW per layout row > CHART tiles (chartId, uuid, size)."""
    rows = [f"ROW-{n}" for n in range(1, len(dashboard.layout) + 1)]
    tree: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": rows, "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": org.dashboard_title(dashboard.title)}},
    }
    for row_id, row in zip(rows, dashboard.layout, strict=True):
        tiles = [f"CHART-{name}" for name in row.charts]
        tree[row_id] = {"type": "ROW", "id": row_id, "children": tiles, "parents": ["ROOT_ID", "GRID_ID"],
                        "meta": {"background": "BACKGROUND_TRANSPARENT"}}  # fmt: skip
        for tile, (name, width) in zip(tiles, row.charts.items(), strict=True):
            chart = dashboard.chart(name)
            meta = {"chartId": chart_ids[name], "uuid": org.chart_uuid(dashboard.slug, chart.id),
                    "sliceName": chart.title, "width": width, "height": row.height}  # fmt: skip
            tree[tile] = {"type": "CHART", "id": tile, "children": [], "parents": ["ROOT_ID", "GRID_ID", row_id],
                          "meta": meta}  # fmt: skip
    return tree


def _dashboard_yaml(dashboard: Dashboard, chart_ids: dict[str, int], org: Org) -> dict[str, Any]:
    return {
        "dashboard_title": org.dashboard_title(dashboard.title),
        "description": dashboard.description or None,
        "css": "",
        "slug": org.dashboard_slug(dashboard.slug),
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "uuid": org.dashboard_uuid(dashboard.slug),
        "position": position(dashboard, chart_ids, org),
        "metadata": {
            "color_scheme": "supersetColors",
            "cross_filters_enabled": True,
            "native_filter_configuration": filters.native_filters(
                dashboard, lambda table: org.dataset_uuid(table.split(".")[-1]), chart_ids
            ),
            "refresh_frequency": 0,
            "expanded_slices": {},
            "timed_refresh_immune_slices": [],
            "label_colors": dict(dashboard.label_colors),
            "shared_label_colors": [],
            "color_scheme_domain": [],
            "default_filters": "{}",
            "chart_configuration": {},
            "global_chart_configuration": {},
        },
        "version": VERSION,
    }


# --- the bundle ---


def datasets(dashboards: list[Dashboard], dashboard_file: Path) -> tuple[list[Dataset], dict[str, Any]]:
    """Every table of the dashboard file, then every view the charts read; and lookups.thresholds' row."""
    with _connect(dashboard_file) as con:
        tables = _tables(con)
        names = {t.table for t in tables}
        views: dict[str, View] = {}
        for dashboard in dashboards:
            for chart in dashboard.charts:
                if chart.dataset.count(".") and chart.dataset not in names:
                    raise BundleError(
                        f"chart {chart.id}: table {chart.dataset} is not in dashboard file {dashboard_file}"
                    )
                if chart.latest:
                    views[latest_view_name(chart.dataset)] = latest_view(chart.dataset)
                elif chart.dataset in dashboard.views:
                    views[chart.dataset] = dashboard.views[chart.dataset]
        built = [_view(con, name, view, tables) for name, view in sorted(views.items())]
        return tables + built, _thresholds(con) if "lookups.thresholds" in names else {}


def bundle_files(dashboards: list[Dashboard], dashboard_file: Path, org: Org) -> dict[str, dict[str, Any]]:
    """The org's bundle files, path -> content, before they are written as YAML."""
    found, thresholds = datasets(dashboards, dashboard_file)
    stamp = datetime.fromtimestamp(dashboard_file.stat().st_mtime, UTC).isoformat()
    files: dict[str, dict[str, Any]] = {
        "metadata.yaml": {"version": VERSION, "type": "assets", "timestamp": stamp},
        f"databases/{org.database_name}.yaml": _database_yaml(dashboard_file, org),
    }
    for dataset in found:
        files[f"datasets/{org.database_name}/{org.dataset_name(dataset.name)}.yaml"] = _dataset_yaml(dataset, org)
    by_name = {d.name: d for d in found}
    number = 0
    for dashboard in dashboards:
        chart_ids = {}
        for chart in dashboard.charts:
            _check_columns(chart, by_name[dataset_name(chart)])
            number += 1
            chart_ids[chart.id] = number
            files[f"charts/{org.dashboard_slug(dashboard.slug)}/{chart.id}.yaml"] = _chart_yaml(
                dashboard, chart, thresholds, org
            )
        files[f"dashboards/{org.dashboard_slug(dashboard.slug)}.yaml"] = _dashboard_yaml(dashboard, chart_ids, org)
    return files


def build_bundle(dashboards: list[Dashboard], dashboard_file: Path, org: Org) -> bytes:
    """The org's import ZIP (Superset's assets format), in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path, content in bundle_files(dashboards, dashboard_file, org).items():
            info = zipfile.ZipInfo(f"{ROOT}/{path}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, yaml.safe_dump(content, sort_keys=False, allow_unicode=True))
    return buffer.getvalue()
