"""The Superset import bundle (orghealth/superset/bundle.py) built from dashboards/*.yaml, without a server.

The dashboard file here is made by hand: the thirteen tables the real one holds (docs/configuration.md, "The dashboard
file"), each with the columns the charts read and a COMMENT, and a thresholds row whose focus threshold (0.75) is
not the config's default, so that the annotation can only have come from the file.
"""

import io
import json
import uuid
import zipfile
from pathlib import Path

import duckdb
import pytest
import yaml

from orghealth.superset.bundle import NAMESPACE, BundleError, build_bundle
from orghealth.superset.definitions import DashboardDefinitionError, dashboard_tables, default_files, load_dashboards

ROOT = "orghealth_superset"
TABLES = {
    "lookups.streams": "position INTEGER, stream_id VARCHAR, stream_name VARCHAR, kind VARCHAR",
    "lookups.thresholds": "focus_threshold DOUBLE, alignment_threshold DOUBLE, team_min_engineers INTEGER, "
    "team_max_engineers INTEGER, team_max_headcount INTEGER, min_group_size INTEGER, pseudonymised BOOLEAN",
    "marts.leader_focus": "as_of DATE, leader_name VARCHAR, owned_streams BIGINT, owned_focus DOUBLE",
    "marts.org_health": "as_of DATE, single_threaded_share DOUBLE, pizza_share DOUBLE, program_aligned_share DOUBLE, "
    "split_engineer_share DOUBLE, active_stl_share DOUBLE, links_per_team DOUBLE",
    "marts.shared_people_by_team": "as_of DATE, team_name VARCHAR, engineers BIGINT, split_engineers BIGINT",
    "marts.stream_ownership": "as_of DATE, stream_name VARCHAR, kind VARCHAR, stl_name VARCHAR, no_stl BOOLEAN, "
    "stl_owns_multiple BOOLEAN, stl_below_focus BOOLEAN, project_outlived BOOLEAN, stl_departed BOOLEAN, "
    "stl_not_in_hris BOOLEAN",
    "marts.team_alignment": "as_of DATE, team_name VARCHAR, items BIGINT, program_share DOUBLE, product_share DOUBLE, "
    "project_share DOUBLE, unmapped_share DOUBLE",
    "marts.team_dependencies": "as_of DATE, dependent_team_name VARCHAR, blocking_team_name VARCHAR, open_links BIGINT",
    "marts.team_dependency_summary": "as_of DATE, team_name VARCHAR, depends_on_links BIGINT",
    "marts.team_size": "as_of DATE, team_name VARCHAR, engineers BIGINT, engineering_team BOOLEAN",
    "marts.work_attribution": "as_of DATE, attribution VARCHAR, items BIGINT",
    "ops.run_log": "run_id VARCHAR, road VARCHAR, as_of DATE, started_at TIMESTAMP, ended_at TIMESTAMP, "
    "status VARCHAR, data_errors INTEGER, findings INTEGER, reason VARCHAR",
    "quality.expectation_results": "as_of DATE, run_id VARCHAR, checked_at TIMESTAMP, suite VARCHAR, "
    "expectation VARCHAR, column_name VARCHAR, severity VARCHAR, success BOOLEAN, observed_value VARCHAR, "
    "unexpected_count BIGINT, why VARCHAR",
}
# The charts of dashboards/stl_org_health.yaml, and the views (virtual datasets) they read.
CHARTS = [
    "single_threaded_share", "pizza_share", "program_aligned_share", "split_engineer_share", "active_stl_share",
    "links_per_team", "leader_focus", "team_size", "team_alignment", "shared_people", "team_dependencies",
    "stream_ownership", "quality_errors", "quality_findings_count", "quality_findings",
]  # fmt: skip
VIEWS = [
    "leader_focus_latest", "team_size_latest", "team_alignment_latest", "shared_people_by_team_latest",
    "team_dependencies_latest", "stream_ownership_latest", "quality_last_run",
]  # fmt: skip


def make_dashboard_file(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        for table, columns in TABLES.items():
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
            con.execute(f"CREATE TABLE {table} ({columns})")
            con.execute(f"COMMENT ON TABLE {table} IS 'About {table}.'")
            first = columns.split()[0]
            con.execute(f"COMMENT ON COLUMN {table}.{first} IS 'The {first} of {table}.'")
        con.execute("INSERT INTO lookups.thresholds VALUES (0.75, 0.7, 3, 8, 15, 3, false)")
    return path


@pytest.fixture(scope="module")
def dashboard_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dashboard_file(tmp_path_factory.mktemp("bundle") / "org-dashboards.duckdb")


@pytest.fixture(scope="module")
def files(dashboard_file: Path) -> dict[str, dict]:
    """The bundle's YAML files, path below the root folder -> parsed content."""
    dashboards = load_dashboards(default_files(), dashboard_tables())
    with zipfile.ZipFile(io.BytesIO(build_bundle(dashboards, dashboard_file))) as bundle:
        assert all(name.startswith(f"{ROOT}/") for name in bundle.namelist())
        return {name.removeprefix(f"{ROOT}/"): yaml.safe_load(bundle.read(name)) for name in bundle.namelist()}


def test_the_hand_made_file_has_the_tables_the_dashboard_file_has():
    assert sorted(dashboard_tables()) == sorted(TABLES)


def test_the_zip_holds_exactly_the_expected_files(files):
    tables = [t.split(".")[1] for t in TABLES]
    expected = {
        "metadata.yaml",
        "databases/orghealth.yaml",
        *(f"datasets/orghealth/{name}.yaml" for name in tables + VIEWS),
        *(f"charts/stl-org-health/{chart}.yaml" for chart in CHARTS),
        "dashboards/stl-org-health.yaml",
    }
    assert set(files) == expected
    assert files["metadata.yaml"]["type"] == "assets" and files["metadata.yaml"]["version"] == "1.0.0"


def test_the_database_is_the_dashboard_file_opened_read_only(files, dashboard_file):
    database = files["databases/orghealth.yaml"]
    assert database["sqlalchemy_uri"] == f"duckdb:///{dashboard_file}?access_mode=read_only"
    assert database["sqlalchemy_uri"].startswith("duckdb:////")  # an absolute path
    assert database["allow_dml"] is False and database["allow_ctas"] is False and database["allow_cvas"] is False


def test_every_table_has_a_dataset_with_its_columns_and_comments(files):
    database_uuid = files["databases/orghealth.yaml"]["uuid"]
    for table, columns in TABLES.items():
        schema, name = table.split(".")
        dataset = files[f"datasets/orghealth/{name}.yaml"]
        assert (dataset["schema"], dataset["table_name"], dataset["sql"]) == (schema, name, None)
        assert dataset["description"] == f"About {table}."
        assert dataset["database_uuid"] == database_uuid
        names = [c.split()[0] for c in columns.split(", ")]
        assert [c["column_name"] for c in dataset["columns"]] == names
        first = dataset["columns"][0]
        assert first["description"] == f"The {names[0]} of {table}."
        assert all(c["description"] is None for c in dataset["columns"][1:])
        assert dataset["main_dttm_col"] == ("as_of" if "as_of" in names else None)
    as_of = files["datasets/orghealth/team_size.yaml"]["columns"][0]
    assert (as_of["type"], as_of["is_dttm"]) == ("DATE", True)
    checked_at = files["datasets/orghealth/expectation_results.yaml"]["columns"][2]
    assert (checked_at["column_name"], checked_at["is_dttm"]) == ("checked_at", True)


def test_latest_views_keep_the_latest_as_of_and_inherit_descriptions(files):
    view = files["datasets/orghealth/team_size_latest.yaml"]
    assert view["schema"] is None
    assert view["sql"] == "SELECT * FROM marts.team_size WHERE as_of = (SELECT max(as_of) FROM marts.team_size)"
    assert view["columns"][0] == {**view["columns"][0], "column_name": "as_of",
                                  "description": "The as_of of marts.team_size."}  # fmt: skip
    last_run = files["datasets/orghealth/quality_last_run.yaml"]
    assert "arg_max(run_id, checked_at)" in last_run["sql"]


def test_every_chart_reads_a_dataset_of_the_bundle_and_has_a_query_context(files):
    datasets = {f["uuid"]: f for path, f in files.items() if path.startswith("datasets/")}
    for chart_id in CHARTS:
        chart = files[f"charts/stl-org-health/{chart_id}.yaml"]
        assert chart["dataset_uuid"] in datasets, chart_id
        context = json.loads(chart["query_context"])
        assert context["form_data"] == chart["params"]
        assert context["form_data"]["viz_type"] == chart["viz_type"]
        assert context["queries"] and all("columns" in q and "extras" in q for q in context["queries"])
    big = json.loads(files["charts/stl-org-health/single_threaded_share.yaml"]["query_context"])
    (query,) = big["queries"]
    assert query["columns"] == [{"columnType": "BASE_AXIS", "sqlExpression": "as_of", "label": "as_of",
                                 "expressionType": "SQL", "timeGrain": "P1D"}]  # fmt: skip
    assert [m["sqlExpression"] for m in query["metrics"]] == ["MAX(single_threaded_share)"]
    findings = json.loads(files["charts/stl-org-health/quality_findings.yaml"]["query_context"])
    assert findings["queries"][0]["extras"]["where"] == "(NOT success)"
    assert datasets[files["charts/stl-org-health/leader_focus.yaml"]["dataset_uuid"]]["table_name"] == (
        "leader_focus_latest"
    )


def test_thresholds_are_drawn_from_the_file(files):
    focus = files["charts/stl-org-health/leader_focus.yaml"]["params"]["annotation_layers"]
    assert [(a["name"], a["annotationType"], a["value"]) for a in focus] == [("Focus threshold", "FORMULA", "0.75")]
    band = files["charts/stl-org-health/team_size.yaml"]["params"]["annotation_layers"]
    assert [a["value"] for a in band] == ["3", "8"]


def test_every_chart_is_placed_once_with_its_chart_id_and_uuid(files):
    dashboard = files["dashboards/stl-org-health.yaml"]
    tiles = [v for v in dashboard["position"].values() if isinstance(v, dict) and v.get("type") == "CHART"]
    by_uuid = {t["meta"]["uuid"]: t for t in tiles}
    assert len(tiles) == len(by_uuid) == len(CHARTS)
    chart_ids = [t["meta"]["chartId"] for t in tiles]
    assert len(set(chart_ids)) == len(CHARTS) and all(isinstance(i, int) for i in chart_ids)
    for chart_id in CHARTS:
        chart = files[f"charts/stl-org-health/{chart_id}.yaml"]
        tile = by_uuid[chart["uuid"]]
        assert tile["meta"]["sliceName"] == chart["slice_name"]
        row = dashboard["position"][tile["parents"][-1]]
        assert tile["id"] in row["children"] and row["id"] in dashboard["position"]["GRID_ID"]["children"]
    assert dashboard["slug"] == "stl-org-health" and dashboard["dashboard_title"] == "STL org health"


def test_uuids_are_stable_and_two_builds_are_identical(dashboard_file, tmp_path, files):
    dashboards = load_dashboards(default_files(), dashboard_tables())
    assert build_bundle(dashboards, dashboard_file) == build_bundle(dashboards, dashboard_file)
    # The uuids derive from names only: another file (another path) gets the same ones, so publishing overwrites.
    elsewhere = make_dashboard_file(tmp_path / "elsewhere.duckdb")
    with zipfile.ZipFile(io.BytesIO(build_bundle(dashboards, elsewhere))) as bundle:
        other = {n.removeprefix(f"{ROOT}/"): yaml.safe_load(bundle.read(n)) for n in bundle.namelist()}
    assert {p: f.get("uuid") for p, f in other.items()} == {p: f.get("uuid") for p, f in files.items()}
    assert files["dashboards/stl-org-health.yaml"]["uuid"] == str(uuid.uuid5(NAMESPACE, "dashboard/stl-org-health"))
    assert files["datasets/orghealth/team_size.yaml"]["uuid"] == str(uuid.uuid5(NAMESPACE, "dataset/team_size"))


def write_definition(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(default_files()[0].read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "dashboard.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_chart_naming_an_unknown_table_is_an_error_naming_it(tmp_path):
    path = write_definition(tmp_path, lambda d: d["charts"][6].update(dataset="marts.leader_focuss"))
    with pytest.raises(DashboardDefinitionError) as raised:
        load_dashboards([path], dashboard_tables())
    message = str(raised.value)
    assert f"dashboard file {path}: chart leader_focus: dataset 'marts.leader_focuss' is not a table" in message
    assert "marts.leader_focus," in message  # the tables it could have meant
    assert "\n" not in message


def test_wrong_keys_and_a_chart_left_out_of_the_layout_are_errors(tmp_path):
    path = write_definition(tmp_path, lambda d: d["charts"][0].update(titel="x"))
    with pytest.raises(DashboardDefinitionError, match=r"charts\.0\.titel: unknown key"):
        load_dashboards([path], dashboard_tables())
    path = write_definition(tmp_path, lambda d: d["layout"][-1]["charts"].pop("quality_findings"))
    with pytest.raises(DashboardDefinitionError, match=r"layout does not place \['quality_findings'\]"):
        load_dashboards([path], dashboard_tables())


def test_a_missing_column_or_a_failing_view_stops_the_build(tmp_path, dashboard_file):
    path = write_definition(tmp_path, lambda d: d["charts"][7]["params"].update(x_axis="team"))
    with pytest.raises(BundleError, match="chart team_size: dataset team_size_latest has no column team"):
        build_bundle(load_dashboards([path], dashboard_tables()), dashboard_file)
    path = write_definition(tmp_path, lambda d: d["views"]["quality_last_run"].update(sql="SELECT nope FROM x.y"))
    with pytest.raises(BundleError, match="view quality_last_run: its SQL fails on the dashboard file"):
        build_bundle(load_dashboards([path], dashboard_tables()), dashboard_file)


def test_a_missing_dashboard_file_is_named(tmp_path):
    dashboards = load_dashboards(default_files(), dashboard_tables())
    with pytest.raises(Exception, match=f"no database at {tmp_path / 'none.duckdb'}"):
        build_bundle(dashboards, tmp_path / "none.duckdb")
