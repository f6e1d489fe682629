"""`orghealth superset publish` and `check` against a real, throwaway Superset (tests/superset_server.py).

`orghealth demo --weeks 3` writes the dashboard file; publish imports the dashboard over it (the sample org's,
org_name Acme: slug acme-stl-org-health); then, through the REST
API, every chart's saved query_context must return rows, and the headline numbers must equal marts.org_health's
latest row read directly with duckdb. Publishing again must leave the counts of databases, datasets, charts and
dashboards as they were, and a changed chart title must reach the chart itself (not only the dashboard's layout).
"""

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.superset_server import (
    FIXTURE_PASSWORD,
    FIXTURE_USER,
    Superset,
    orghealth_cli,
    running_superset,
    superset_template,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
METRICS_ORG = REPO / "tests" / "fixtures" / "metrics_org"
# The headline metrics (each chart's title adds " · whole org") and the marts.org_health column each shows
# (dashboards/stl_org_health.yaml).
HEADLINES = {
    "Single-threaded STLs": "single_threaded_share",
    "Teams of pizza size": "pizza_share",
    "Program-aligned teams": "program_aligned_share",
    "Engineers split across streams": "split_engineer_share",
    "Streams with an active STL": "active_stl_share",
    "Cross-team links per team": "links_per_team",
}
# What one publish makes: the dashboard's 19 charts; a dataset per table of the dashboard file (17) and per view
# the charts read (the YAML's 14).
CHARTS = 19
DATASETS = 17 + 14


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, superset_template: Path) -> Iterator[Superset]:  # noqa: F811
    """One throwaway Superset for this module, stopped afterwards (tests/superset_server.py)."""
    state = tmp_path_factory.mktemp("superset-publish") / "superset"
    with running_superset(state, username=FIXTURE_USER, password=FIXTURE_PASSWORD, template=superset_template) as s:
        yield s


def published_charts(session) -> list[dict]:
    (dashboard,) = session.get("/api/v1/dashboard/", params={"q": json.dumps({"filters": [
        {"col": "slug", "opr": "eq", "value": "acme-stl-org-health"}]})}).json()["result"]  # fmt: skip
    charts = session.get(f"/api/v1/dashboard/{dashboard['id']}/charts").json()["result"]
    return [session.get(f"/api/v1/chart/{c['id']}").json()["result"] for c in charts]


def counts(session) -> dict[str, int]:
    return {kind: session.get(f"/api/v1/{kind}/").json()["count"] for kind in ("database", "dataset", "chart",
                                                                                "dashboard")}  # fmt: skip


def test_publish_check_and_publish_again(server: Superset, tmp_path: Path):
    db = tmp_path / "org.duckdb"
    demo = orghealth_cli("demo", "--weeks", "3", "--db", str(db))
    assert demo.returncode == 0, demo.stderr
    dashboard_file = tmp_path / "org-dashboards.duckdb"

    first = orghealth_cli("superset", "publish", "--url", server.url, "--db", str(db), env=server.env())
    assert first.returncode == 0, first.stderr + server.log()
    assert f"dashboard: {server.url}/superset/dashboard/acme-stl-org-health/" in first.stdout
    assert f"dashboard file: {dashboard_file}" in first.stdout

    session = server.api()
    charts = published_charts(session)
    assert len(charts) == CHARTS
    rows = {}
    for chart in charts:
        answer = session.post("/api/v1/chart/data", json=json.loads(chart["query_context"]))
        assert answer.status_code == 200, (chart["slice_name"], answer.text)
        rows[chart["slice_name"]] = [r for result in answer.json()["result"] for r in result["data"]]
        assert rows[chart["slice_name"]], f"{chart['slice_name']} returned no rows"

    with duckdb.connect(str(dashboard_file), read_only=True) as con:
        cursor = con.execute("SELECT * FROM marts.org_health ORDER BY as_of DESC LIMIT 1")
        latest, columns = cursor.fetchone(), [d[0] for d in cursor.description]
        snapshots = con.execute("SELECT count(*) FROM marts.org_health").fetchone()[0]
        stls = con.execute("SELECT count(*) FROM marts.leader_focus WHERE owned_streams > 0 "
                       "AND as_of = (SELECT max(as_of) FROM marts.leader_focus)").fetchone()[0]  # fmt: skip
        streams = con.execute("SELECT count(*) FROM lookups.streams").fetchone()[0]
    expected = dict(zip(columns, latest, strict=True))
    assert snapshots == 3  # one point per weekly snapshot on each trendline
    for title, column in HEADLINES.items():
        trend = sorted(rows[f"{title} · whole org"], key=lambda r: r["as_of"])  # the chart's title; the metric's label
        assert len(trend) == 3, title
        assert trend[-1][title] == pytest.approx(expected[column]), title
    assert len(rows["Which leaders are not single-threaded, and why?"]) == stls
    assert len(rows["Which streams lack a real single-threaded owner?"]) == streams
    # The demo's last run published: no failed blocking check, and the first row says it.
    (status,) = rows["Can I trust what I see?"]
    assert status["data_errors"] == 0 and ": published · " in status["status_line"]

    check = orghealth_cli("superset", "check", "--url", server.url, env=server.env())
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"{CHARTS} charts: {CHARTS} answered, 0 failed" in check.stdout

    before = counts(session)
    assert before == {"database": 1, "dataset": DATASETS, "chart": CHARTS, "dashboard": 1}
    again = orghealth_cli("superset", "publish", "--url", server.url, "--db", str(db), env=server.env())
    assert again.returncode == 0, again.stderr
    assert counts(session) == before

    # A change to a chart is a change to its file: the chart itself takes it, and nothing is added.
    definition = yaml.safe_load((REPO / "dashboards" / "stl_org_health.yaml").read_text(encoding="utf-8"))
    headline = next(c for c in definition["charts"] if c["id"] == "single_threaded_share")
    headline["title"] = "Single-threaded leaders (renamed)"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(definition), encoding="utf-8")
    renamed = orghealth_cli("superset", "publish", "--url", server.url, "--db", str(db), "--dashboards", str(changed),
                        env=server.env())  # fmt: skip
    assert renamed.returncode == 0, renamed.stderr
    assert counts(session) == before
    titles = {c["slice_name"] for c in published_charts(session)}
    assert "Single-threaded leaders (renamed)" in titles and "Single-threaded STLs · whole org" not in titles


def test_refused_login_and_unreachable_superset_are_one_line(server: Superset, tmp_path: Path):
    env = {**server.env(), "SUPERSET_PASSWORD": "not the password"}
    dashboards = REPO / "dashboards" / "stl_org_health.yaml"
    refused = orghealth_cli("superset", "check", "--url", server.url, "--dashboards", str(dashboards), env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"orghealth: Superset at {server.url} refused the login of user '{server.username}': \"Not authorized\""
    )
    unreachable = orghealth_cli("superset", "check", "--url", "http://127.0.0.1:9", env=server.env())
    assert unreachable.returncode == 1
    assert unreachable.stderr.startswith("orghealth: Superset at http://127.0.0.1:9 is unreachable: ")
    assert unreachable.stderr.count("\n") == 1
    unset = orghealth_cli("superset", "check", "--url", server.url,
                      env={k: v for k, v in server.env().items() if k != "SUPERSET_USERNAME"})  # fmt: skip
    assert unset.returncode == 1 and "set SUPERSET_USERNAME in the environment" in unset.stderr


def test_a_superset_that_renders_no_jinja_is_told_what_to_set(tmp_path: Path, superset_template: Path):  # noqa: F811
    """The dashboards' filters are read by their views in Jinja: a Superset without ENABLE_TEMPLATE_PROCESSING (its
    default) would import them and fail every chart. Publish says so in one line, naming the setting."""
    db = tmp_path / "org.duckdb"
    done = orghealth_cli("run", "--config", str(METRICS_ORG / "orghealth.yaml"), "--db", str(db))
    assert done.returncode == 0, done.stderr
    no_jinja = {"SUPERSET_TEMPLATE_PROCESSING": "0"}  # superset/superset_config.py: the flag off, Superset's default
    with running_superset(tmp_path / "superset", username=FIXTURE_USER, password=FIXTURE_PASSWORD,
                          template=superset_template, settings=no_jinja) as plain:  # fmt: skip
        refused = orghealth_cli("superset", "publish", "--url", plain.url, "--config",
                                str(METRICS_ORG / "orghealth.yaml"), "--db", str(db), env=plain.env())  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"orghealth: Superset at {plain.url} does not render Jinja in SQL, which the dashboards' filters need: set "
        "FEATURE_FLAGS = {'ENABLE_TEMPLATE_PROCESSING': True} in its superset_config.py and restart it (the dashboards "
        "are imported; their charts fail until then)"
    )
