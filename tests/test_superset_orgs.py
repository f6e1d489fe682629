"""Two orgs on one Superset: each publishes its own database, datasets, charts and dashboard, and neither replaces the
other's.

It needs a real Superset (tests/superset_server.py) because what it checks is Superset's: the import matching
objects by uuid, SQLite metadata refusing a second dataset of the same table_name, and each dashboard's charts
answering from their own org's dashboard file. The two orgs:
- Acme: `orghealth demo --weeks 2` (the sample org's config, org_name Acme -> acme-stl-org-health);
- "Metrics & Co": tests/fixtures/metrics_org with that org_name (-> metrics-co-stl-org-health), `orghealth run`.
Their headline numbers differ (metrics_org's single-threaded share is 1 of 3 STLs, tests/test_marts.py), so a chart
reading the other org's file shows a wrong number.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from tests.superset_server import (
    FIXTURE_PASSWORD,
    FIXTURE_USER,
    Superset,
    running_superset,
    superset_template,  # noqa: F401  (a fixture)
)
from tests.test_superset_dashboard import (
    DEFINITION,
    browser,  # noqa: F401  (a fixture)
    expected_big_numbers,
    log_in,
    orghealth,
    published_database_id,
    settled_charts,
    superset_format,
)

pytestmark = pytest.mark.slow

METRICS_ORG = Path(__file__).parent / "fixtures" / "metrics_org"


@dataclass(frozen=True)
class PublishedOrg:
    args: tuple[str, ...]  # --config/--db, as publish and check take them
    dashboard_file: Path
    slug: str  # the dashboard's, worked out by hand from the org_name
    title: str


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory, superset_template: Path) -> Iterator[Superset]:  # noqa: F811
    state = tmp_path_factory.mktemp("superset-orgs") / "superset"
    with running_superset(state, username=FIXTURE_USER, password=FIXTURE_PASSWORD, template=superset_template) as s:
        yield s


@pytest.fixture(scope="module")
def orgs(tmp_path_factory: pytest.TempPathFactory, superset: Superset) -> dict[str, PublishedOrg]:
    """Both orgs run, then published to the one Superset, Acme first."""
    folder = tmp_path_factory.mktemp("orgs")
    acme_db = folder / "acme" / "orghealth.duckdb"
    orghealth("demo", "--weeks", "2", "--db", str(acme_db))
    config = yaml.safe_load((METRICS_ORG / "orghealth.yaml").read_text(encoding="utf-8"))
    config["org_name"] = "Metrics & Co"
    config["hris"]["path"] = str(METRICS_ORG / config["hris"]["path"])
    config["jira"]["paths"] = [str(METRICS_ORG / p) for p in config["jira"]["paths"]]
    metrics_config = folder / "metrics.yaml"
    metrics_config.write_text(yaml.safe_dump(config), encoding="utf-8")
    metrics_db = folder / "metrics" / "orghealth.duckdb"  # the same stem as Acme's: only org_name tells them apart
    orghealth("run", "--config", str(metrics_config), "--db", str(metrics_db))
    published = {
        "acme": PublishedOrg(("--db", str(acme_db)), folder / "acme" / "orghealth-dashboards.duckdb",
                             "acme-stl-org-health", "STL org health · Acme"),
        "metrics": PublishedOrg(("--config", str(metrics_config), "--db", str(metrics_db)),
                                folder / "metrics" / "orghealth-dashboards.duckdb", "metrics-co-stl-org-health",
                                "STL org health · Metrics & Co"),
    }  # fmt: skip
    for org in published.values():
        done = orghealth("superset", "publish", "--url", superset.url, *org.args, env=superset.env())
        assert f"dashboard: {superset.url}/superset/dashboard/{org.slug}/" in done.stdout, done.stdout
    return published


def objects(session: Any, kind: str) -> list[dict[str, Any]]:
    listed = session.get(f"/api/v1/{kind}/", params={"q": "(page_size:100)"}, timeout=30)
    listed.raise_for_status()
    return listed.json()["result"]


def dashboard_charts(session: Any, slug: str) -> list[dict[str, Any]]:
    (dashboard,) = [d for d in objects(session, "dashboard") if d["slug"] == slug]
    charts = session.get(f"/api/v1/dashboard/{dashboard['id']}/charts", timeout=30).json()["result"]
    return [session.get(f"/api/v1/chart/{c['id']}", timeout=30).json()["result"] for c in charts]


def datasets_per_org(definition: dict[str, Any], dashboard_file: Path) -> int:
    """One dataset per table of the dashboard file, and one per view the charts read: a table's latest snapshot
    (`latest: true`) or a view of the definition."""
    with duckdb.connect(str(dashboard_file), read_only=True) as con:
        (tables,) = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchone()
    latest = {c["dataset"] for c in definition["charts"] if c.get("latest")}
    views = {c["dataset"] for c in definition["charts"] if c["dataset"] in definition.get("views", {})}
    return tables + len(latest) + len(views)


def big_numbers_through_the_api(session: Any, slug: str) -> dict[str, str]:
    """chart title -> its big number, from each big-number chart's saved query_context through /api/v1/chart/data:
    the value of the latest as_of, formatted as the chart shows it."""
    shown = {}
    for chart in dashboard_charts(session, slug):
        if not chart["viz_type"].startswith("big_number"):
            continue
        params = json.loads(chart["params"])
        answer = session.post("/api/v1/chart/data", json=json.loads(chart["query_context"]), timeout=60)
        assert answer.status_code == 200, (slug, chart["slice_name"], answer.text)
        rows = answer.json()["result"][0]["data"]
        latest = max(rows, key=lambda r: r.get(params.get("x_axis"), 0))
        shown[chart["slice_name"]] = superset_format(latest[params["metric"]["label"]], params.get("y_axis_format"))
    return shown


def test_two_orgs_keep_their_own_objects_and_republishing_adds_nothing(superset: Superset, orgs):
    session = superset.api()
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    charts, datasets = len(definition["charts"]), datasets_per_org(definition, orgs["acme"].dashboard_file)
    dashboards = {d["slug"]: d["dashboard_title"] for d in objects(session, "dashboard")}
    assert dashboards == {org.slug: org.title for org in orgs.values()}
    databases = sorted(d["database_name"] for d in objects(session, "database"))
    assert databases == ["orghealth-acme", "orghealth-metrics-co"]
    names = [d["table_name"] for d in objects(session, "dataset")]
    assert len(names) == 2 * datasets
    assert sum(n.startswith("acme__") for n in names) == sum(n.startswith("metrics-co__") for n in names) == datasets
    assert len(objects(session, "chart")) == 2 * charts

    # Each org's dashboard has every chart, each querying (its saved query_context's datasource) a dataset of its
    # own org's database: the one that opens its own dashboard file.
    for org in orgs.values():
        database_id = published_database_id(superset, org.dashboard_file)
        placed = dashboard_charts(session, org.slug)
        assert len(placed) == charts, org.slug
        for chart in placed:
            dataset_id = json.loads(chart["query_context"])["datasource"]["id"]
            dataset = session.get(f"/api/v1/dataset/{dataset_id}", timeout=30).json()["result"]
            assert dataset["database"]["id"] == database_id, (org.slug, chart["slice_name"])
            assert dataset["table_name"].startswith(org.slug.removesuffix("-stl-org-health") + "__")

    before = {kind: len(objects(session, kind)) for kind in ("database", "dataset", "chart", "dashboard")}
    again = orghealth("superset", "publish", "--url", superset.url, *orgs["acme"].args, env=superset.env())
    assert "acme-stl-org-health" in again.stdout
    assert {kind: len(objects(session, kind)) for kind in before} == before
    assert {d["slug"] for d in objects(session, "dashboard")} == {org.slug for org in orgs.values()}

    # check finds each org's own dashboard from --config/--db.
    for org in orgs.values():
        check = orghealth("superset", "check", "--url", superset.url, *org.args, env=superset.env())
        assert f"{charts} charts: {charts} answered, 0 failed" in check.stdout
        assert org.slug in check.stdout


def test_each_dashboards_big_numbers_are_its_own_orgs(superset: Superset, orgs):
    session = superset.api()
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    expected = {name: expected_big_numbers(definition, org.dashboard_file) for name, org in orgs.items()}
    assert expected["acme"] != expected["metrics"]  # else a chart reading the other org's file would pass
    for name, org in orgs.items():
        assert big_numbers_through_the_api(session, org.slug) == expected[name], name


def test_each_dashboard_shows_its_own_orgs_big_numbers_in_the_browser(superset: Superset, orgs, browser: Any):  # noqa: F811
    definition = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    log_in(browser, superset)
    for name, org in orgs.items():
        browser.get(f"{superset.url}/superset/dashboard/{org.slug}/?standalone=1")
        charts = settled_charts(browser, len(definition["charts"]))
        assert all(c["state"] == "rendered" for c in charts), (name, {c["name"]: c["state"] for c in charts})
        shown = {c["name"]: c["big_number"] for c in charts if c["viz"].startswith("big_number")}
        assert shown == expected_big_numbers(definition, org.dashboard_file), name
