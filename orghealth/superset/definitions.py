"""Dashboards as code: one YAML file per dashboard under dashboards/, read and checked here.

A file lists the dashboard's charts (a stable id, a title, a Superset viz type, the dataset it reads and the
chart's Superset params, kept to what differs from Superset's defaults) and its layout (rows of the 12-column
grid). A chart reads a table of the dashboard file (`marts.team_size`), the same table at its latest as_of
(`latest: true`), or a view the file defines (SQL over the dashboard file's tables). A name that is none of
these is an error naming the file, the chart and the names it could have meant.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from orghealth.config import format_validation_error
from orghealth.dashboard_file import dashboard_models
from orghealth.errors import ConfigError
from orghealth.files import package_dir

DASHBOARDS_DIR = package_dir("dashboards")
GRID_COLUMNS = 12  # Superset's dashboard grid
_NAME = r"^[a-z][a-z0-9_]*$"


class DashboardDefinitionError(ConfigError):
    """A dashboard file under dashboards/ cannot be used: bad YAML, a wrong key, an unknown dataset."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class View(_Strict):
    """A virtual dataset: SQL over the dashboard file's tables, for what one table alone cannot show."""

    description: str
    sql: str
    labels: dict[str, str] = {}  # column -> the name a person reads (Superset's verbose_name: table headers, tooltips)


class Annotation(_Strict):
    """A horizontal line across a bar chart at a value: a number, or `{column}` of lookups.thresholds (the value
    is read when publishing)."""

    name: str
    value: str
    color: str | None = None


class Filter(_Strict):
    """A native filter of the dashboard: a select over a column of a lookup table of the dashboard file, whose value
    the views read (orghealth/superset/filters.py)."""

    id: str = Field(pattern=_NAME)
    name: str
    dataset: str  # `schema.table` of the dashboard file, whose column lists the values
    column: str
    description: str = ""
    first_by_default: bool = False  # a value is always picked: the first, in the order below (the latest snapshot)
    descending: bool = False
    excluded: list[str] = []  # charts the filter does not narrow (their answers are about the whole org, or the runs)


class Chart(_Strict):
    id: str = Field(pattern=_NAME)  # the chart's identity: its uuid derives from it, so the title may change
    title: str
    viz: str  # Superset's viz_type
    dataset: str  # `schema.table` of the dashboard file, or a view of this file
    latest: bool = False  # only the rows of the table's latest as_of
    description: str = ""
    where: list[str] = []  # SQL conditions, ANDed
    annotations: list[Annotation] = []
    params: dict[str, Any] = {}  # Superset form data; metrics may be written `SQL` or {label, sql}


class Row(_Strict):
    height: int = Field(default=50, ge=8)  # in Superset's grid units (8 px)
    charts: dict[str, int]  # chart id -> width in grid columns, left to right

    @field_validator("charts")
    @classmethod
    def _fits(cls, charts: dict[str, int]) -> dict[str, int]:
        if not charts:
            raise ValueError("a row needs at least one chart")
        if sum(charts.values()) > GRID_COLUMNS or min(charts.values()) < 1:
            raise ValueError(f"widths {list(charts.values())} must be at least 1 and add up to at most {GRID_COLUMNS}")
        return charts


class Dashboard(_Strict):
    title: str
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    views: dict[str, View] = {}
    label_colors: dict[str, str] = {}  # a series or category label -> its colour on every chart (red for offenders)
    filters: list[Filter] = []
    charts: list[Chart]
    layout: list[Row]

    @model_validator(mode="after")
    def _layout_places_every_chart_once(self) -> Dashboard:
        ids = [c.id for c in self.charts]
        if duplicated := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"chart ids {duplicated} are used twice")
        placed = [name for row in self.layout for name in row.charts]
        if unknown := sorted(set(placed) - set(ids)):
            raise ValueError(f"layout names {unknown}, which are not charts of this file")
        if twice := sorted({p for p in placed if placed.count(p) > 1}):
            raise ValueError(f"layout places {twice} more than once")
        if missing := [i for i in ids if i not in placed]:
            raise ValueError(f"layout does not place {missing}")
        for found in self.filters:
            if unknown := sorted(set(found.excluded) - set(ids)):
                raise ValueError(f"filter {found.id} excludes {unknown}, which are not charts of this file")
        return self

    def chart(self, chart_id: str) -> Chart:
        return next(c for c in self.charts if c.id == chart_id)


def latest_view_name(table: str) -> str:
    """The dataset of `table`'s latest as_of: marts.team_size -> team_size_latest."""
    return f"{table.split('.')[-1]}_latest"


def latest_view(table: str) -> View:
    return View(
        description=f"{table} at its latest as_of.",
        sql=f"SELECT * FROM {table} WHERE as_of = (SELECT max(as_of) FROM {table})",
    )


def default_files() -> list[Path]:
    """The dashboards shipped with orghealth: dashboards/*.yaml."""
    return sorted(DASHBOARDS_DIR.glob("*.yaml"))


def dashboard_tables() -> list[str]:
    """The tables of the dashboard file, from the queries that build it (sql/dashboards/)."""
    return [m.table for m in dashboard_models()]


def load_dashboard(path: Path, tables: Collection[str]) -> Dashboard:
    """Read and check one dashboard file; every chart's dataset must be one of `tables` or a view of the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DashboardDefinitionError(f"cannot read dashboard file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise DashboardDefinitionError(f"dashboard file {path} is not valid YAML: {exc}".replace("\n", " ")) from exc
    try:
        dashboard = Dashboard.model_validate(data)
    except ValidationError as exc:
        raise DashboardDefinitionError(format_validation_error(path, exc, "dashboard file")) from exc
    _check_datasets(path, dashboard, tables)
    return dashboard


def load_dashboards(paths: list[Path], tables: Collection[str]) -> list[Dashboard]:
    dashboards = [load_dashboard(p, tables) for p in paths]
    slugs = [d.slug for d in dashboards]
    if twice := sorted({s for s in slugs if slugs.count(s) > 1}):
        raise DashboardDefinitionError(f"dashboard slug(s) {twice} used by more than one file of {paths}")
    return dashboards


def _check_datasets(path: Path, dashboard: Dashboard, tables: Collection[str]) -> None:
    for found in dashboard.filters:
        if found.dataset not in tables:
            raise DashboardDefinitionError(
                f"dashboard file {path}: filter {found.id}: dataset {found.dataset!r} is not a table of the "
                f"dashboard file ({', '.join(sorted(tables))})"
            )
    for chart in dashboard.charts:
        if chart.dataset not in tables and chart.dataset not in dashboard.views:
            views = f"; views of this file: {', '.join(sorted(dashboard.views))}" if dashboard.views else ""
            raise DashboardDefinitionError(
                f"dashboard file {path}: chart {chart.id}: dataset {chart.dataset!r} is not a table of the "
                f"dashboard file ({', '.join(sorted(tables))}){views}"
            )
        if chart.latest and chart.dataset not in tables:
            raise DashboardDefinitionError(
                f"dashboard file {path}: chart {chart.id}: `latest` applies to a table of the dashboard file, "
                f"not to the view {chart.dataset!r}"
            )
    for name in dashboard.views:
        if not re.match(_NAME, name) or name in {t.split(".")[-1] for t in tables}:
            raise DashboardDefinitionError(
                f"dashboard file {path}: view {name!r} needs a lowercase name of its own, not a table's name"
            )
