"""The Superset import bundle (orghealth/superset/bundle.py) built from dashboards/*.yaml, without a server.

The dashboard file here is made by hand: the thirteen tables the real one holds (docs/configuration.md, "The dashboard
file"), each with the columns the charts read and a COMMENT, and a thresholds row whose focus threshold (0.75) is
not the config's default, so that the annotation can only have come from the file. The bundle is built for the org
"Acme" (slug acme); a second org, "Müller & Söhne" (slug muller-sohne), must get names and uuids of its own.
"""

import io
import json
import uuid
import zipfile
from pathlib import Path

import duckdb
import pytest
import yaml

from orghealth.errors import ConfigError
from orghealth.settings import resolve_settings
from orghealth.superset.bundle import BundleError, build_bundle
from orghealth.superset.definitions import DashboardDefinitionError, dashboard_tables, default_files, load_dashboards
from orghealth.superset.naming import NAMESPACE, Org, org_of

ROOT = "orghealth_superset"
ACME = Org.named("Acme")
DATABASE = "orghealth-acme"  # the org's database name, and its folder of datasets in the bundle
DASHBOARD = "acme-stl-org-health"  # the org's dashboard slug, and its folder of charts
TABLES = {
    "lookups.streams": "position INTEGER, stream_id VARCHAR, stream_name VARCHAR, kind VARCHAR",
    "lookups.snapshots": "as_of DATE, snapshot VARCHAR",
    "lookups.scopes": "as_of DATE, scope VARCHAR, team_id VARCHAR, leader_id VARCHAR",
    "lookups.thresholds": (
        "focus_threshold DOUBLE, alignment_threshold DOUBLE, team_min_engineers INTEGER, "
        "team_max_engineers INTEGER, team_max_headcount INTEGER, min_group_size INTEGER, "
        "pseudonymised BOOLEAN"
    ),
    "marts.leader_focus": (
        "as_of DATE, leader_id VARCHAR, leader_name VARCHAR, owned_streams BIGINT, owned_focus DOUBLE, "
        "single_threaded BOOLEAN, top_owned_stream VARCHAR, top_owned_focus DOUBLE, "
        "effective_streams DOUBLE, not_single_threaded_reason VARCHAR"
    ),
    "marts.org_health": (
        "as_of DATE, single_threaded_share DOUBLE, pizza_share DOUBLE, program_aligned_share DOUBLE, "
        "split_engineer_share DOUBLE, active_stl_share DOUBLE, links_per_team DOUBLE"
    ),
    "marts.shared_people_by_team": (
        "as_of DATE, team_id VARCHAR, team_name VARCHAR, engineers BIGINT, split_engineers BIGINT"
    ),
    "marts.stream_ownership": (
        "as_of DATE, stream_name VARCHAR, kind VARCHAR, stl_id VARCHAR, stl_name VARCHAR, "
        "top_team VARCHAR, no_stl BOOLEAN, stl_owns_multiple BOOLEAN, stl_below_focus BOOLEAN, "
        "project_outlived BOOLEAN, stl_departed BOOLEAN, stl_not_in_hris BOOLEAN, age_days BIGINT"
    ),
    "marts.team_alignment": (
        "as_of DATE, team_id VARCHAR, team_name VARCHAR, items BIGINT, program_share DOUBLE, "
        "product_share DOUBLE, project_share DOUBLE, unmapped_share DOUBLE"
    ),
    "marts.team_dependencies": (
        "as_of DATE, dependent_team VARCHAR, dependent_team_name VARCHAR, blocking_team VARCHAR, "
        "blocking_team_name VARCHAR, links BIGINT, open_links BIGINT"
    ),
    "marts.team_dependency_summary": "as_of DATE, team_name VARCHAR, depends_on_links BIGINT",
    "marts.snapshot_changes": (
        "as_of DATE, previous_as_of DATE, joiners BIGINT, leavers BIGINT, movers BIGINT, "
        "stl_changes BIGINT, stream_stl_changes BIGINT, single_threaded_flips BIGINT, "
        "findings_new BIGINT, findings_resolved BIGINT, headcount_before BIGINT, "
        "headcount_after BIGINT, single_threaded_leaders_before BIGINT, "
        "single_threaded_leaders_after BIGINT, teams_within_pizza_before BIGINT, "
        "teams_within_pizza_after BIGINT, cross_team_links_before BIGINT, "
        "cross_team_links_after BIGINT"
    ),
    "marts.stl_changes": (
        "as_of DATE, previous_as_of DATE, change VARCHAR, stream_id VARCHAR, stream_name VARCHAR, "
        "previous_stl_id VARCHAR, previous_stl_name VARCHAR, stl_id VARCHAR, stl_name VARCHAR, "
        "leader_id VARCHAR, leader_name VARCHAR, reason VARCHAR"
    ),
    "marts.team_size": (
        "as_of DATE, team_id VARCHAR, team_name VARCHAR, engineers BIGINT, headcount BIGINT, "
        "pizza_status VARCHAR, engineering_team BOOLEAN"
    ),
    "marts.work_attribution": "as_of DATE, attribution VARCHAR, items BIGINT",
    "ops.run_log": (
        "run_id VARCHAR, road VARCHAR, as_of DATE, started_at TIMESTAMP, ended_at TIMESTAMP, "
        "status VARCHAR, data_errors INTEGER, findings INTEGER, reason VARCHAR"
    ),
    "quality.expectation_results": (
        "as_of DATE, run_id VARCHAR, checked_at TIMESTAMP, suite VARCHAR, expectation VARCHAR, "
        "column_name VARCHAR, severity VARCHAR, success BOOLEAN, observed_value VARCHAR, "
        "unexpected_count BIGINT, why VARCHAR"
    ),
}
# The charts of dashboards/stl_org_health.yaml, and the views (virtual datasets) they read.
CHARTS = [
    "single_threaded_share", "pizza_share", "program_aligned_share", "split_engineer_share", "active_stl_share",
    "links_per_team", "stl_verdicts", "team_pizza", "dependency_ranking", "dependency_network", "dependency_pairs",
    "team_alignment", "shared_people", "stream_problems", "what_changed", "stl_changes", "run_status", "recent_runs",
    "quality_findings",
]  # fmt: skip
VIEWS = [
    "quality_last_run",
    "stl_verdicts", "team_pizza", "dependency_ranking", "dependency_pairs", "stream_problems", "latest_changes",
    "latest_stl_changes", "run_status", "recent_runs", "headline", "team_alignment_shown", "shared_people_shown",
    "dependency_links_shown",
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


def bundle_of(dashboard_file: Path, org: Org) -> dict[str, dict]:
    """The org's bundle's YAML files, path below the root folder -> parsed content."""
    dashboards = load_dashboards(default_files(), dashboard_tables())
    with zipfile.ZipFile(io.BytesIO(build_bundle(dashboards, dashboard_file, org))) as bundle:
        assert all(name.startswith(f"{ROOT}/") for name in bundle.namelist())
        return {name.removeprefix(f"{ROOT}/"): yaml.safe_load(bundle.read(name)) for name in bundle.namelist()}


@pytest.fixture(scope="module")
def files(dashboard_file: Path) -> dict[str, dict]:
    return bundle_of(dashboard_file, ACME)


def test_the_hand_made_file_has_the_tables_the_dashboard_file_has():
    assert sorted(dashboard_tables()) == sorted(TABLES)


def test_the_zip_holds_exactly_the_expected_files(files):
    tables = [t.split(".")[1] for t in TABLES]
    expected = {
        "metadata.yaml",
        f"databases/{DATABASE}.yaml",
        *(f"datasets/{DATABASE}/acme__{name}.yaml" for name in tables + VIEWS),
        *(f"charts/{DASHBOARD}/{chart}.yaml" for chart in CHARTS),
        f"dashboards/{DASHBOARD}.yaml",
    }
    assert set(files) == expected
    assert files["metadata.yaml"]["type"] == "assets" and files["metadata.yaml"]["version"] == "1.0.0"


def test_the_database_is_the_dashboard_file_opened_read_only(files, dashboard_file):
    database = files[f"databases/{DATABASE}.yaml"]
    assert database["database_name"] == DATABASE
    assert database["sqlalchemy_uri"] == f"duckdb:///{dashboard_file}?access_mode=read_only"
    assert database["sqlalchemy_uri"].startswith("duckdb:////")  # an absolute path
    assert database["allow_dml"] is False and database["allow_ctas"] is False and database["allow_cvas"] is False


def test_every_table_has_a_virtual_dataset_named_for_the_org_with_its_columns_and_comments(files):
    database_uuid = files[f"databases/{DATABASE}.yaml"]["uuid"]
    for table, columns in TABLES.items():
        name = table.split(".")[1]
        dataset = files[f"datasets/{DATABASE}/acme__{name}.yaml"]
        # Virtual: a physical dataset would have to be named team_size, which a second org's would clash with.
        assert (dataset["schema"], dataset["table_name"], dataset["sql"]) == (None, f"acme__{name}",
                                                                              f"SELECT * FROM {table}")  # fmt: skip
        assert dataset["description"] == f"About {table}."
        assert dataset["database_uuid"] == database_uuid
        names = [c.split()[0] for c in columns.split(", ")]
        assert [c["column_name"] for c in dataset["columns"]] == names
        first = dataset["columns"][0]
        assert first["description"] == f"The {names[0]} of {table}."
        assert all(c["description"] is None for c in dataset["columns"][1:])
        assert dataset["main_dttm_col"] == ("as_of" if "as_of" in names else None)
    as_of = files[f"datasets/{DATABASE}/acme__team_size.yaml"]["columns"][0]
    assert (as_of["type"], as_of["is_dttm"]) == ("DATE", True)
    checked_at = files[f"datasets/{DATABASE}/acme__expectation_results.yaml"]["columns"][2]
    assert (checked_at["column_name"], checked_at["is_dttm"]) == ("checked_at", True)


def test_views_read_the_filters_in_jinja_and_inherit_descriptions(files):
    view = files[f"datasets/{DATABASE}/acme__team_alignment_shown.yaml"]
    assert (view["schema"], view["table_name"]) == (None, "acme__team_alignment_shown")
    # :snapshot(marts.team_alignment) and :in_scope(team, t.team_id, t.as_of), expanded for Superset's Jinja.
    assert view["sql"] == (
        "SELECT * FROM marts.team_alignment AS t\n"
        "WHERE as_of = {% if filter_values('snapshot') %}(SELECT max(as_of) FROM marts.team_alignment WHERE "
        "strftime(as_of, '%Y-%m-%d') IN {{ filter_values('snapshot')|where_in }}){% else %}(SELECT max(as_of) FROM "
        "marts.team_alignment){% endif %} AND items > 0 AND {% if filter_values('scope') %}EXISTS (SELECT 1 FROM "
        "lookups.scopes AS picked_scope WHERE picked_scope.scope IN {{ filter_values('scope')|where_in }} AND "
        "picked_scope.as_of = t.as_of AND picked_scope.team_id = t.team_id){% else %}true{% endif %}"
    )
    assert view["columns"][0] == {**view["columns"][0], "column_name": "as_of",
                                  "description": "The as_of of marts.team_alignment."}  # fmt: skip
    last_run = files[f"datasets/{DATABASE}/acme__quality_last_run.yaml"]
    assert "arg_max(run_id, checked_at)" in last_run["sql"]


def test_latest_keeps_a_tables_latest_as_of(tmp_path, dashboard_file):
    path = write_definition(tmp_path, lambda d: chart_of(d, "dependency_network").update(
        dataset="marts.team_dependencies", latest=True))  # fmt: skip
    with zipfile.ZipFile(
        io.BytesIO(build_bundle(load_dashboards([path], dashboard_tables()), dashboard_file, ACME))
    ) as z:
        view = yaml.safe_load(z.read(f"{ROOT}/datasets/{DATABASE}/acme__team_dependencies_latest.yaml"))
    assert view["sql"] == (
        "SELECT * FROM marts.team_dependencies WHERE as_of = (SELECT max(as_of) FROM marts.team_dependencies)"
    )


def test_the_filters_are_native_filters_over_the_lookups(files):
    dashboard = files[f"dashboards/{DASHBOARD}.yaml"]
    snapshot, scope = dashboard["metadata"]["native_filter_configuration"]
    datasets = {f["uuid"]: f["table_name"] for path, f in files.items() if path.startswith("datasets/")}
    assert (snapshot["id"], snapshot["name"], snapshot["filterType"]) == ("NATIVE_FILTER-snapshot", "Snapshot",
                                                                          "filter_select")  # fmt: skip
    assert [(datasets[t["datasetUuid"]], t["column"]["name"]) for t in snapshot["targets"]] == [
        ("acme__snapshots", "snapshot")
    ]
    assert [(datasets[t["datasetUuid"]], t["column"]["name"]) for t in scope["targets"]] == [("acme__scopes", "scope")]
    # The latest snapshot first, and picked unless another is; a scope is picked only by a person.
    assert (snapshot["controlValues"]["defaultToFirstItem"], snapshot["controlValues"]["sortAscending"]) == (
        True,
        False,
    )
    assert (scope["controlValues"]["defaultToFirstItem"], scope["controlValues"]["multiSelect"]) == (False, False)
    # Excluded charts by the numbers the position gives them: the runs for both, the whole org's numbers for scope.
    ids = {n["meta"]["uuid"]: n["meta"]["chartId"] for n in dashboard["position"].values()
           if isinstance(n, dict) and n.get("type") == "CHART"}  # fmt: skip
    chart_id = {c: ids[files[f"charts/{DASHBOARD}/{c}.yaml"]["uuid"]] for c in CHARTS}
    assert sorted(snapshot["scope"]["excluded"]) == sorted(chart_id[c] for c in ("run_status", "recent_runs",
                                                                                 "quality_findings"))  # fmt: skip
    assert chart_id["stl_verdicts"] not in scope["scope"]["excluded"]
    assert chart_id["what_changed"] in scope["scope"]["excluded"]


def test_every_chart_reads_a_dataset_of_the_bundle_and_has_a_query_context(files):
    datasets = {f["uuid"]: f for path, f in files.items() if path.startswith("datasets/")}
    for chart_id in CHARTS:
        chart = files[f"charts/{DASHBOARD}/{chart_id}.yaml"]
        assert chart["dataset_uuid"] in datasets, chart_id
        context = json.loads(chart["query_context"])
        assert context["form_data"] == chart["params"]
        assert context["form_data"]["viz_type"] == chart["viz_type"]
        assert context["queries"] and all("columns" in q and "extras" in q for q in context["queries"])
    big = json.loads(files[f"charts/{DASHBOARD}/single_threaded_share.yaml"]["query_context"])
    (query,) = big["queries"]
    assert query["columns"] == [{"columnType": "BASE_AXIS", "sqlExpression": "as_of", "label": "as_of",
                                 "expressionType": "SQL", "timeGrain": "P1D", "isColumnReference": True}]  # fmt: skip
    assert [m["sqlExpression"] for m in query["metrics"]] == ["MAX(single_threaded_share)"]
    findings = json.loads(files[f"charts/{DASHBOARD}/quality_findings.yaml"]["query_context"])
    assert findings["queries"][0]["extras"]["where"] == "(NOT success)"
    assert datasets[files[f"charts/{DASHBOARD}/dependency_network.yaml"]["dataset_uuid"]]["table_name"] == (
        "acme__dependency_links_shown"
    )
    network = json.loads(files[f"charts/{DASHBOARD}/dependency_network.yaml"]["query_context"])
    assert network["queries"][0]["columns"] == ["blocking_team_name", "dependent_team_name"]
    assert [m["label"] for m in network["queries"][0]["metrics"]] == ["Links"]


def test_thresholds_are_drawn_from_the_file(files):
    # The focus column turns red under the file's focus threshold (0.75, not the config's default 0.8).
    formats = files[f"charts/{DASHBOARD}/stl_verdicts.yaml"]["params"]["conditional_formatting"]
    assert formats[0] == {"column": "top_owned_focus", "operator": "<", "targetValue": 0.75, "colorScheme": "#E04355"}


def test_views_carry_the_column_names_a_person_reads(files):
    dataset = files[f"datasets/{DATABASE}/acme__stl_verdicts.yaml"]
    verdicts = {c["column_name"]: c["verbose_name"] for c in dataset["columns"]}
    assert verdicts["not_single_threaded_reason"] == "Why not" and verdicts["leader_name"] == "Leader"
    assert verdicts["single_threaded"] is None  # a column without a label keeps its name


def test_every_chart_is_placed_once_with_its_chart_id_and_uuid(files):
    dashboard = files[f"dashboards/{DASHBOARD}.yaml"]
    tiles = [v for v in dashboard["position"].values() if isinstance(v, dict) and v.get("type") == "CHART"]
    by_uuid = {t["meta"]["uuid"]: t for t in tiles}
    assert len(tiles) == len(by_uuid) == len(CHARTS)
    chart_ids = [t["meta"]["chartId"] for t in tiles]
    assert len(set(chart_ids)) == len(CHARTS) and all(isinstance(i, int) for i in chart_ids)
    for chart_id in CHARTS:
        chart = files[f"charts/{DASHBOARD}/{chart_id}.yaml"]
        tile = by_uuid[chart["uuid"]]
        assert tile["meta"]["sliceName"] == chart["slice_name"]
        row = dashboard["position"][tile["parents"][-1]]
        assert tile["id"] in row["children"] and row["id"] in dashboard["position"]["GRID_ID"]["children"]
    assert dashboard["slug"] == DASHBOARD and dashboard["dashboard_title"] == "STL org health · Acme"
    assert dashboard["position"]["HEADER_ID"]["meta"]["text"] == "STL org health · Acme"


def test_uuids_are_stable_for_one_org_and_two_builds_are_identical(dashboard_file, tmp_path, files):
    dashboards = load_dashboards(default_files(), dashboard_tables())
    assert build_bundle(dashboards, dashboard_file, ACME) == build_bundle(dashboards, dashboard_file, Org.named("Acme"))
    # The uuids derive from the org and the names only: the same org from another file (another path) gets the same
    # ones, so publishing it again overwrites.
    other = bundle_of(make_dashboard_file(tmp_path / "elsewhere.duckdb"), ACME)
    assert {p: f.get("uuid") for p, f in other.items()} == {p: f.get("uuid") for p, f in files.items()}
    assert files[f"dashboards/{DASHBOARD}.yaml"]["uuid"] == str(uuid.uuid5(NAMESPACE, "dashboard/acme-stl-org-health"))
    assert files[f"datasets/{DATABASE}/acme__team_size.yaml"]["uuid"] == str(
        uuid.uuid5(NAMESPACE, "dataset/acme__team_size")
    )
    assert files[f"databases/{DATABASE}.yaml"]["uuid"] == str(uuid.uuid5(NAMESPACE, "database/orghealth-acme"))
    assert files[f"charts/{DASHBOARD}/stl_verdicts.yaml"]["uuid"] == str(
        uuid.uuid5(NAMESPACE, "chart/acme-stl-org-health/stl_verdicts")
    )


def names_and_uuids(files: dict[str, dict]) -> tuple[set[str], set[str]]:
    """The Superset names (database, datasets, dashboard slug) and the uuids of every object of a bundle."""
    names = {f.get("database_name") or f.get("table_name") or f.get("slug") for f in files.values()} - {None}
    uuids = {f["uuid"] for f in files.values() if "uuid" in f}
    return names, uuids


def test_two_orgs_share_no_name_and_no_uuid(dashboard_file, files):
    second = bundle_of(dashboard_file, Org.named("Müller & Söhne"))  # the same file: only the org differs
    assert second["databases/orghealth-muller-sohne.yaml"]["database_name"] == "orghealth-muller-sohne"
    assert second["datasets/orghealth-muller-sohne/muller-sohne__team_size.yaml"]["table_name"] == (
        "muller-sohne__team_size"
    )
    dashboard = second["dashboards/muller-sohne-stl-org-health.yaml"]
    assert (dashboard["slug"], dashboard["dashboard_title"]) == ("muller-sohne-stl-org-health",
                                                                 "STL org health · Müller & Söhne")  # fmt: skip
    acme_names, acme_uuids = names_and_uuids(files)
    second_names, second_uuids = names_and_uuids(second)
    # 1 database + a dataset per table and view + 1 dashboard named; + the charts with a uuid
    assert len(acme_names) == len(second_names) == 1 + len(TABLES) + len(VIEWS) + 1
    assert len(acme_uuids) == len(second_uuids) == 1 + len(TABLES) + len(VIEWS) + 1 + len(CHARTS)
    assert not acme_names & second_names and not acme_uuids & second_uuids
    # Each chart reads its own org's dataset, each dataset its own org's database.
    for bundle in (files, second):
        own = {f["uuid"] for p, f in bundle.items() if p.startswith("datasets/")}
        assert all(f["dataset_uuid"] in own for p, f in bundle.items() if p.startswith("charts/"))
        database = next(f for p, f in bundle.items() if p.startswith("databases/"))
        assert {f["database_uuid"] for p, f in bundle.items() if p.startswith("datasets/")} == {database["uuid"]}


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Acme", "acme"), ("Acme Corp.", "acme-corp"), ("Müller & Söhne GmbH", "muller-sohne-gmbh"),
     ("R&D / EMEA 2", "r-d-emea-2")],
)  # fmt: skip
def test_an_org_name_slugs_to_lowercase_ascii_and_hyphens(name, slug):
    assert Org.named(name) == Org(name, slug)


def write_config(folder: Path, text: str) -> Path:
    path = folder / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_org_is_the_configs_org_name_else_the_database_files_stem(tmp_path):
    named = write_config(tmp_path, "org_name: Acme Corp.\n")
    assert org_of(resolve_settings(named, db_path=tmp_path / "x.duckdb", require_exports=False)) == Org(
        "Acme Corp.", "acme-corp"
    )
    unnamed = write_config(tmp_path, "as_of: 2026-11-20\n")
    default = resolve_settings(unnamed, db_path=tmp_path / "data" / "orghealth.duckdb", require_exports=False)
    assert org_of(default) == Org("orghealth", "orghealth")
    nameless = resolve_settings(unnamed, db_path=tmp_path / "__.duckdb", require_exports=False)
    with pytest.raises(ConfigError, match=r"database file __\.duckdb gives no org name to publish under: set org_name"):
        org_of(nameless)


def test_an_org_name_without_a_letter_or_digit_is_a_config_error(tmp_path):
    path = write_config(tmp_path, "org_name: '* / *'\n")
    with pytest.raises(ConfigError) as raised:
        resolve_settings(path, require_exports=False)
    message = str(raised.value)
    assert "org_name" in message and "has no letter or digit to make a slug of" in message


def chart_of(definition: dict, chart_id: str) -> dict:
    return next(c for c in definition["charts"] if c["id"] == chart_id)


def write_definition(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(default_files()[0].read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "dashboard.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_chart_naming_an_unknown_table_is_an_error_naming_it(tmp_path):
    path = write_definition(tmp_path, lambda d: chart_of(d, "dependency_network").update(dataset="marts.leader_focuss"))
    with pytest.raises(DashboardDefinitionError) as raised:
        load_dashboards([path], dashboard_tables())
    message = str(raised.value)
    assert f"dashboard file {path}: chart dependency_network: dataset 'marts.leader_focuss' is not a table" in message
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
    path = write_definition(tmp_path, lambda d: chart_of(d, "team_pizza")["params"].update(x_axis="team"))
    with pytest.raises(BundleError, match="chart team_pizza: dataset team_pizza has no column team"):
        build_bundle(load_dashboards([path], dashboard_tables()), dashboard_file, ACME)
    path = write_definition(tmp_path, lambda d: d["views"]["quality_last_run"].update(sql="SELECT nope FROM x.y"))
    with pytest.raises(BundleError, match="view quality_last_run: its SQL fails on the dashboard file"):
        build_bundle(load_dashboards([path], dashboard_tables()), dashboard_file, ACME)


def test_a_missing_dashboard_file_is_named(tmp_path):
    dashboards = load_dashboards(default_files(), dashboard_tables())
    with pytest.raises(Exception, match=f"no database at {tmp_path / 'none.duckdb'}"):
        build_bundle(dashboards, tmp_path / "none.duckdb", ACME)
