"""Every road into the job gives the same published tables, and no road publishes what another run left behind.

The roads: the CLI (`orghealth run`), `dagster job execute` with only the documented environment variables,
and a materialisation of one partition of every asset, as the UI's "Materialize all" launches it. The three
bad sequences at the end each published the wrong thing when seeding the working copy was the CLI's job
instead of the job's own.
"""

from datetime import date

import pytest

from tests.roads import cli_run, dagster_job_execute, materialize_partition, published_tables

pytestmark = pytest.mark.slow


def test_the_cli_dagster_job_execute_and_a_ui_materialisation_publish_the_same_tables(tmp_path):
    roads = {name: tmp_path / name for name in ("cli", "job_execute", "ui")}
    for folder in roads.values():
        folder.mkdir()
    cli = cli_run(roads["cli"] / "orghealth.duckdb")
    assert cli.returncode == 0, cli.stderr
    # A relative ORGHEALTH_DB is taken from the working directory, once, before anything runs.
    dagster_job_execute(roads["job_execute"], "orghealth.duckdb")
    assert materialize_partition(roads["ui"] / "orghealth.duckdb").success

    tables = {name: published_tables(folder / "orghealth.duckdb") for name, folder in roads.items()}
    assert tables["cli"]["core.people"] and tables["cli"]["marts.team_size"]  # 11 people, 4 teams
    assert len(tables["cli"]["core.people"]) == 11 and len(tables["cli"]["marts.team_size"]) == 4
    for road in ("job_execute", "ui"):
        assert tables[road].keys() == tables["cli"].keys(), road
        for table in tables["cli"]:
            assert tables[road][table] == tables["cli"][table], f"{road}: {table}"
    for folder in roads.values():  # every road cleaned up its working copy after publishing
        assert list((folder / ".orghealth.runs").iterdir()) == []
    # Every road also wrote the dashboard file Superset reads, the same on each.
    dashboards = {name: published_tables(folder / "orghealth-dashboards.duckdb") for name, folder in roads.items()}
    # ...except the run log, which says which road each run took (and when it ran).
    logs = {name: dashboards[name].pop("ops.run_log") for name in roads}
    roads_taken = {name: [(row[0], row[4]) for row in log] for name, log in logs.items()}
    assert roads_taken == {
        "cli": [("cli", "published")],
        "job_execute": [("dagster", "published")],
        "ui": [("dagster", "published")],
    }
    assert len(dashboards["cli"]["marts.team_size"]) == 4 and "marts.shared_people_by_team" in dashboards["cli"]
    assert dashboards["job_execute"] == dashboards["cli"] and dashboards["ui"] == dashboards["cli"]


def test_an_as_of_outside_the_partitions_is_a_clear_error(tmp_path):
    result = cli_run(tmp_path / "orghealth.duckdb", as_of=date(2019, 12, 31))
    assert result.returncode == 1
    assert "as_of 2019-12-31 is not a date orghealth keeps snapshots for" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "orghealth.duckdb").exists()
