"""`orghealth superset publish` and `check`: the bundle into Superset, then every chart's data through the API."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from orghealth.superset.bundle import build_bundle
from orghealth.superset.client import Superset, SupersetError
from orghealth.superset.definitions import Dashboard, dashboard_tables, default_files, load_dashboards
from orghealth.superset.naming import Org

USER_ENV, PASSWORD_ENV = "SUPERSET_USERNAME", "SUPERSET_PASSWORD"


def credentials() -> tuple[str, str]:
    """The Superset user and password, from the environment only: never from a file or a flag."""
    missing = [name for name in (USER_ENV, PASSWORD_ENV) if not os.environ.get(name)]
    if missing:
        raise SupersetError(
            f"set {' and '.join(missing)} in the environment: the Superset user (allowed to import dashboards) "
            "and its password that publish and check log in with"
        )
    return os.environ[USER_ENV], os.environ[PASSWORD_ENV]


def definitions(path: Path | None = None) -> list[Dashboard]:
    """The dashboards to publish: one YAML file, a folder of them, or (None) the ones orghealth ships."""
    if path is None:
        files = default_files()
    elif path.is_dir():
        files = sorted(path.glob("*.yaml"))
    else:
        files = [path]
    if not files:
        raise SupersetError(f"no dashboard file (*.yaml) in {path}")
    return load_dashboards(files, dashboard_tables())


def publish(superset: Superset, dashboards: list[Dashboard], dashboard_file: Path, org: Org) -> list[str]:
    """Import the org's dashboards over its dashboard file; return their URLs. Publishing the same org again
    overwrites its objects; another org's are left alone."""
    superset.import_bundle(build_bundle(dashboards, dashboard_file, org))
    if any(d.filters for d in dashboards) and not superset.renders_templates(superset.dataset_id(
        org.dataset_name("thresholds"))):  # fmt: skip
        raise SupersetError(
            f"Superset at {superset.url} does not render Jinja in SQL, which the dashboards' filters need: set "
            "FEATURE_FLAGS = {'ENABLE_TEMPLATE_PROCESSING': True} in its superset_config.py and restart it "
            "(the dashboards are imported; their charts fail until then)"
        )
    found = [superset.dashboard(org.dashboard_slug(d.slug)) for d in dashboards]
    for dashboard in found:
        scope_filters(superset, dashboard["id"])
    return [d["url"] for d in found]


def scope_filters(superset: Superset, dashboard_id: int) -> None:
    """Name the charts each native filter applies to (chartsInScope), by the ids the import gave them.

    Superset's front end sends a filter's value only to the charts its chartsInScope lists; the import maps a
    filter's excluded charts to their new ids but not that list, which the bundle cannot know before."""
    metadata, position = superset.dashboard_layout(dashboard_id)
    filters = metadata.get("native_filter_configuration") or []
    if not filters:
        return
    charts = sorted(n["meta"]["chartId"] for n in position.values() if isinstance(n, dict) and n.get("type") == "CHART")
    for native in filters:
        excluded = set(native.get("scope", {}).get("excluded", []))
        native["chartsInScope"] = [c for c in charts if c not in excluded]
    superset.update_dashboard_metadata(dashboard_id, metadata)


@dataclass(frozen=True)
class ChartCheck:
    dashboard: str
    chart_id: int
    title: str
    viz: str
    rows: list[int]  # one count per query of the chart (a mixed chart has two)
    error: str | None = None


def check(superset: Superset, dashboards: list[Dashboard], org: Org) -> list[ChartCheck]:
    """Ask every chart of the org's dashboards for its data with its saved query_context; count the rows."""
    checks = []
    for dashboard in dashboards:
        slug = org.dashboard_slug(dashboard.slug)
        found = superset.dashboard(slug)
        for chart in superset.dashboard_charts(found["id"]):
            rows, error = [], "no saved query_context"
            if chart["query_context"]:
                try:
                    rows, error = [r["rowcount"] for r in superset.chart_rows(json.loads(chart["query_context"]))], None
                except SupersetError as exc:
                    error = str(exc)
            checks.append(ChartCheck(slug, chart["id"], chart["slice_name"], chart["viz_type"], rows, error))
    return checks
