"""Where `orghealth run`, `demo` and `backfill` record their runs: the Dagster instance `make serve` shows.

The rule (pipelines/runner.py, instance_home): DAGSTER_HOME when set; else dagster_home/dagster.yaml in the working
directory (what `make serve` and `make demo` make); else an ephemeral instance. The fast tests check the rule and its
errors without running the job; the slow one runs the real CLI into a dagster_home made as `make serve` makes it and
asks the real webserver, over GraphQL, which partitions its assets show as materialized; another runs the CLI into
the PostgreSQL instance on a real PostgreSQL server.
"""

import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from orghealth.errors import OrgHealthError
from pipelines.runner import InstanceChoice, instance_home, open_instance
from tests.conftest import AS_OF, SMALL_ORG
from tests.roads import LATER
from tests.test_instance import (
    BIN,
    INSTANCE_YAML,
    POSTGRES_YAML,
    REPO,
    Postgres,
    dagster_home,
    postgres,  # noqa: F401 - the PostgreSQL server fixture, used by name
)
from tests.test_serve import START_TIMEOUT, Server, clean_env, free_port, stop, wait_until_up

CONFIG = SMALL_ORG / "orghealth.yaml"
# Every variable instance/dagster-postgres.yaml reads ({env: ...}), sorted as the error lists them.
PG_VARIABLES = ["DAGSTER_PG_DB", "DAGSTER_PG_HOST", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_PORT", "DAGSTER_PG_USER"]


def orghealth_run(
    cwd: Path, as_of: date, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The real CLI, as a user types it, from `cwd`, with no DAGSTER_HOME unless `env` has one."""
    return subprocess.run(
        [str(BIN / "orghealth"), "run", "--config", str(CONFIG), "--db", str(cwd / "orghealth.duckdb"),
         "--as-of", as_of.isoformat(), *extra],
        cwd=cwd, env=env or clean_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip


# ------------------------------------------------------------------------------------ the rule, without a run


def test_dagster_home_wins_over_the_working_directory(tmp_path: Path) -> None:
    dagster_home(tmp_path / "dagster_home", INSTANCE_YAML)
    elsewhere = dagster_home(tmp_path / "elsewhere", INSTANCE_YAML)
    choice = instance_home({"DAGSTER_HOME": str(elsewhere)}, tmp_path)
    assert choice == InstanceChoice(elsewhere, "DAGSTER_HOME")


def test_dagster_home_folder_in_the_working_directory_is_used_without_dagster_home(tmp_path: Path) -> None:
    home = dagster_home(tmp_path / "dagster_home", INSTANCE_YAML)
    choice = instance_home({}, tmp_path)
    assert choice.home == home and choice.home.is_absolute()
    assert choice.reason == "dagster_home/dagster.yaml in the working directory"


def test_no_instance_anywhere_means_an_ephemeral_one(tmp_path: Path) -> None:
    assert instance_home({}, tmp_path).home is None
    (tmp_path / "dagster_home").mkdir()  # a folder without the dagster.yaml `make serve` copies is not an instance
    assert instance_home({}, tmp_path).home is None
    assert instance_home({"DAGSTER_HOME": ""}, tmp_path).home is None  # set but empty: as Dagster, not set


def test_a_dagster_home_dagster_cannot_use_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(OrgHealthError, match=r"^DAGSTER_HOME dagster_home must be an absolute path"):
        instance_home({"DAGSTER_HOME": "dagster_home"}, tmp_path)
    missing = tmp_path / "nowhere"
    with pytest.raises(OrgHealthError, match=rf"^DAGSTER_HOME {missing} is not a folder"):
        instance_home({"DAGSTER_HOME": str(missing)}, tmp_path)


def test_the_postgresql_instance_without_its_variables_names_the_missing_ones(tmp_path: Path) -> None:
    home = dagster_home(tmp_path / "dagster_home", POSTGRES_YAML)
    choice = instance_home({}, tmp_path)
    with pytest.raises(OrgHealthError) as raised, open_instance(choice, {}):
        pass
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"the Dagster instance {home / 'dagster.yaml'} (dagster_home/dagster.yaml in the")
    assert f"reads {', '.join(PG_VARIABLES)} from the environment" in message
    # Only the ones not set are named.
    only_password_missing = {v: "x" for v in PG_VARIABLES if v != "DAGSTER_PG_PASSWORD"}
    pattern = r"reads DAGSTER_PG_PASSWORD from the environment, and it is not set"
    with pytest.raises(OrgHealthError, match=pattern), open_instance(choice, only_password_missing):
        pass


def test_an_instance_dagster_refuses_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("storage:\n  nonsense: {}\n")
    with pytest.raises(OrgHealthError) as raised, open_instance(instance_home({}, tmp_path), {}):
        pass
    assert str(raised.value) == (
        f"the Dagster instance in {home} (dagster_home/dagster.yaml in the working directory) cannot be opened: "
        "Errors whilst loading dagster instance config at dagster.yaml. Error 1: Received unexpected config entry "
        '"nonsense" at path root:storage.'
    )


def test_the_cli_says_the_postgresql_variables_are_missing_in_one_line(tmp_path: Path) -> None:
    """A real `orghealth run` (a process, no run: it stops before Dagster starts the job)."""
    dagster_home(tmp_path / "dagster_home", POSTGRES_YAML)
    result = orghealth_run(tmp_path, AS_OF)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("orghealth: the Dagster instance ") and ", ".join(PG_VARIABLES) in lines[0]
    assert not (tmp_path / "orghealth.duckdb").exists()  # nothing was built


# ------------------------------------------------------------------- the UI sees the CLI's runs, per partition


def materialized_dates(status: dict) -> set[str]:
    """The dates of an asset's TimePartitionStatuses ranges marked MATERIALIZED, each range expanded day by day."""
    assert status["__typename"] == "TimePartitionStatuses", status
    dates = set()
    for piece in status["ranges"]:
        if piece["status"] == "MATERIALIZED":
            day, end = date.fromisoformat(piece["startKey"]), date.fromisoformat(piece["endKey"])
            while day <= end:
                dates.add(day.isoformat())
                day += timedelta(days=1)
    return dates


@pytest.mark.slow
def test_the_webserver_shows_every_date_the_cli_ran(tmp_path: Path) -> None:
    """Needs a real webserver: the question is what Dagster's UI shows, and the UI reads the instance through it.

    `orghealth run` from a working directory holding dagster_home/dagster.yaml (SQLite, as `make serve` makes it),
    with no DAGSTER_HOME: once before the webserver starts, once while it is up (two processes on one SQLite
    instance, as with `make serve` and a CLI run). The UI must then show exactly those two dates."""
    home = dagster_home(tmp_path / "dagster_home", INSTANCE_YAML)
    ran = {AS_OF.isoformat(), LATER.isoformat()}  # 2026-11-20 and 2026-11-24: two single-day ranges in the UI

    first = orghealth_run(tmp_path, AS_OF, "--verbose")
    assert first.returncode == 0, first.stderr[-3000:]
    # --verbose says where the run went (before Dagster's own log); without it the CLI does not say.
    said = f"orghealth: this run is recorded in the Dagster instance {home} (dagster_home/dagster.yaml in the"
    assert said in first.stderr

    port = free_port()
    log = tmp_path / "webserver.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "dagster-webserver"), "-w", str(REPO / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
            cwd=tmp_path, env=clean_env() | {"DAGSTER_HOME": str(home)}, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,  # its own process group, so that stop() reaches all
        )  # fmt: skip
    server = Server(url=f"http://127.0.0.1:{port}", clone=tmp_path, log=log, process=process)
    try:
        wait_until_up(server, time.monotonic() + START_TIMEOUT)
        second = orghealth_run(tmp_path, LATER)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "Dagster instance" not in second.stdout + second.stderr

        runs = server.graphql(
            """{ runsOrError(filter: {pipelineName: "orghealth"}) { __typename
                 ... on Runs { results { runId status tags { key value } } } } }"""
        )["runsOrError"]["results"]
        assert [r["status"] for r in runs] == ["SUCCESS", "SUCCESS"], runs
        partitions = {t["value"] for r in runs for t in r["tags"] if t["key"] == "dagster/partition"}
        assert partitions == ran
        run_ids = {r["runId"] for r in runs}

        nodes = server.graphql(
            """{ assetNodes { assetKey { path } jobNames isPartitioned
                 partitionStats { numMaterialized numFailed }
                 assetPartitionStatuses { __typename
                   ... on TimePartitionStatuses { ranges { startKey endKey status } } }
                 assetMaterializations { runId } } }"""
        )["assetNodes"]
        in_job = [n for n in nodes if "orghealth" in n["jobNames"]]
        partitioned = {"/".join(n["assetKey"]["path"]): n for n in in_job if n["isPartitioned"]}
        assert {"published", "core/people", "marts/leader_focus"} <= set(partitioned)
        for name, node in partitioned.items():
            assert materialized_dates(node["assetPartitionStatuses"]) == ran, (name, node)
            assert node["partitionStats"] == {"numMaterialized": 2, "numFailed": 0}, (name, node)
        # The Jira tables are not per date: each run replaced them once.
        for node in in_job:
            if not node["isPartitioned"]:
                assert sorted(m["runId"] for m in node["assetMaterializations"]) == sorted(run_ids), node
    finally:
        stop(process)


@pytest.mark.slow
def test_a_cli_run_from_a_postgresql_dagster_home_is_stored_in_postgresql(
    tmp_path: Path,
    postgres: Postgres,  # noqa: F811 - pytest passes the fixture imported above
) -> None:
    """Needs a real PostgreSQL server (started by the fixture): the instance's storage is that server.

    dagster_home/dagster.yaml is the PostgreSQL one, as `make serve` copies it when DAGSTER_PG_HOST is set, and the
    CLI has the DAGSTER_PG_* variables: its run is in PostgreSQL's runs table, with its partition."""
    dagster_home(tmp_path / "dagster_home", POSTGRES_YAML)
    result = orghealth_run(tmp_path, AS_OF, env=clean_env() | postgres.env())
    assert result.returncode == 0, result.stderr[-3000:]
    rows = postgres.query("SELECT pipeline_name, status FROM runs")
    assert rows == [["orghealth", "SUCCESS"]]
    tags = postgres.query("SELECT key, value FROM run_tags WHERE key = 'dagster/partition'")
    assert tags == [["dagster/partition", AS_OF.isoformat()]]
