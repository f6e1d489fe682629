"""The persistent Dagster instance `make serve` runs (instance/dagster.yaml, instance/dagster-postgres.yaml).

Two instances, each in a temporary DAGSTER_HOME with the committed yaml copied in, as `make serve` copies it:
- on a real PostgreSQL (Debian's package: initdb and pg_ctl under /usr/lib/postgresql/<version>/bin), started by
  the test in a temporary folder and stopped after, a run of the job for one partition is stored in PostgreSQL;
- on disk, the daemon (`dagster-daemon run`) sees a new HRIS export through the new_exports sensor, and the run
  it launches from the queue completes;
- `make serve` on a fresh clone with DAGSTER_PG_* set runs a backfill launched as the UI launches it, one run at
  a time, into the same snapshots `orghealth backfill` builds.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import AS_OF, SMALL_ORG
from tests.roads import clean_env, published_tables, snapshot_dates
from tests.test_serve import START_TIMEOUT, UV, Server, fresh_clone, stop, wait_until_up
from tests.test_serve import clean_env as serve_env

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
INSTANCE_YAML = REPO / "instance" / "dagster.yaml"
POSTGRES_YAML = REPO / "instance" / "dagster-postgres.yaml"
BIN = Path(sys.executable).parent
PARTITION = AS_OF.isoformat()
ONE_WRITER = ("orghealth/database", "one-writer")
PG_USER, PG_PASSWORD, PG_DB = "orghealth", "not-a-secret", "dagster"
RUN_TIMEOUT = 600
# The daemon evaluates a new sensor on its first sensor tick; its runs start from the queue (dequeued every 5 s).
SENSOR_RUN_TIMEOUT = 240
STOP_TIMEOUT = 20


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dagster_home(path: Path, instance_yaml: Path) -> Path:
    """A DAGSTER_HOME with the committed instance yaml, as `make serve` makes dagster_home/."""
    path.mkdir(parents=True)
    shutil.copy(instance_yaml, path / "dagster.yaml")
    return path


# ---------------------------------------------------------------------------------------------------- PostgreSQL


@dataclass
class Postgres:
    host: str
    port: int
    socket_dir: Path

    def env(self) -> dict[str, str]:
        return {
            "DAGSTER_PG_HOST": self.host,
            "DAGSTER_PG_PORT": str(self.port),
            "DAGSTER_PG_USER": PG_USER,
            "DAGSTER_PG_PASSWORD": PG_PASSWORD,
            "DAGSTER_PG_DB": PG_DB,
        }

    def query(self, sql: str) -> list[list[str]]:
        """Rows of `sql` in the Dagster database, read with psql over the unix socket."""
        result = subprocess.run(
            ["psql", "-h", str(self.socket_dir), "-p", str(self.port), "-U", PG_USER, "-d", PG_DB,
             "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return [line.split("\t") for line in result.stdout.splitlines() if line]


def postgres_bin() -> Path:
    found = sorted(
        Path(p).parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl") if (Path(p).parent / "initdb").exists()
    )
    if not found or not shutil.which("psql"):
        pytest.skip("PostgreSQL is not installed: .ci/run installs it")
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port, stopped and removed after.

    PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user (Debian's package
    creates it). The folder is outside pytest's tmp_path, which only root may enter."""
    bin_dir = postgres_bin()
    as_owner: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="orghealth-pg-"))
    if os.geteuid() == 0:
        as_owner = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    data, log, password_file = folder / "data", folder / "postgres.log", folder / "password"
    password_file.write_text(PG_PASSWORD + "\n")
    if as_owner:
        shutil.chown(password_file, "postgres", "postgres")
    port = free_port()

    def pg(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*as_owner, *args], capture_output=True, text=True, timeout=timeout, check=False)

    started = False
    try:
        done = pg(str(bin_dir / "initdb"), "-D", str(data), "-U", PG_USER, f"--pwfile={password_file}",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync")  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        done = pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
        started = True
        assert done.returncode == 0, done.stdout + done.stderr + (log.read_text() if log.exists() else "")
        server = Postgres(host="127.0.0.1", port=port, socket_dir=folder)
        created = subprocess.run(
            ["psql", "-h", str(folder), "-p", str(port), "-U", PG_USER, "-d", "postgres", "-X", "-v",
             "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {PG_DB}"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        yield server
    finally:
        if started:
            stopped = pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop")
            if stopped.returncode != 0 and (data / "postmaster.pid").exists():
                pid = int((data / "postmaster.pid").read_text().split()[0])
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_run_of_the_job_is_stored_in_postgresql(tmp_path: Path, postgres: Postgres) -> None:
    home = dagster_home(tmp_path / "dagster_home", POSTGRES_YAML)
    db = tmp_path / "db" / "orghealth.duckdb"
    env = clean_env(
        DAGSTER_HOME=str(home), ORGHEALTH_CONFIG=str(SMALL_ORG / "orghealth.yaml"), ORGHEALTH_DB=str(db),
        **postgres.env(),
    )  # fmt: skip
    result = subprocess.run(
        [str(BIN / "dagster"), "job", "execute", "-m", "pipelines.definitions", "-j", "orghealth",
         "--tags", json.dumps({"dagster/partition": PARTITION})],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    # The run, as PostgreSQL holds it (Dagster's runs table), and as the instance reads it back.
    rows = postgres.query("SELECT run_id, pipeline_name, status FROM runs")
    assert len(rows) == 1 and rows[0][1:] == ["orghealth", "SUCCESS"], rows
    run_id = rows[0][0]
    (events,) = postgres.query(f"SELECT count(*) FROM event_logs WHERE run_id = '{run_id}'")
    assert int(events[0]) > 0
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            if key.startswith("DAGSTER_"):
                patch.setenv(key, value)
        with dg.DagsterInstance.get() as instance:
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            run = instance.get_run_by_id(run_id)
            assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS
            assert run.tags["dagster/partition"] == PARTITION
            assert run.tags[ONE_WRITER[0]] == ONE_WRITER[1]  # the tag the run queue limits to one at a time
            limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
            assert {"key": ONE_WRITER[0], "limit": 1} in limits

    # The published database holds the partition.
    assert snapshot_dates(db, "core.people") == [PARTITION]


# ------------------------------------------------------------------------------------------- daemon and sensor


def org_with_drop(folder: Path) -> Path:
    """The small org with its HRIS export in a drop folder as people-<as_of>.csv, settled at once."""
    org = folder / "org"
    shutil.copytree(SMALL_ORG, org)
    (org / "drop").mkdir()
    shutil.move(org / "hris.csv", org / "drop" / f"people-{PARTITION}.csv")
    config = org / "orghealth.yaml"
    text = config.read_text().replace("path: hris.csv", "path: drop")
    config.write_text(text + "schedule:\n  settle_seconds: 0\n")
    return config


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process's whole group (the daemon and the run workers it started), then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        process.poll()
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_the_daemon_runs_the_job_when_the_sensor_sees_a_new_export(tmp_path: Path) -> None:
    home = dagster_home(tmp_path / "dagster_home", INSTANCE_YAML)
    config = org_with_drop(tmp_path)
    db = tmp_path / "db" / "orghealth.duckdb"
    # ORGHEALTH_CONFIG set: the schedule and the sensor are RUNNING from the start, as for your own org.
    env = clean_env(DAGSTER_HOME=str(home), ORGHEALTH_CONFIG=str(config), ORGHEALTH_DB=str(db))
    log = tmp_path / "daemon.log"
    with log.open("wb") as out:
        daemon = subprocess.Popen(
            [str(BIN / "dagster-daemon"), "run", "-w", str(REPO / "workspace.yaml")],
            cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: teardown reaches the run workers too
        )  # fmt: skip
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            started = time.monotonic()
            deadline = started + SENSOR_RUN_TIMEOUT
            while True:
                runs = instance.get_runs(filters=dg.RunsFilter(tags={"orghealth/trigger": "new_exports"}))
                if runs and runs[0].is_finished:
                    break
                assert daemon.poll() is None, f"the daemon exited with {daemon.returncode}:\n{tail(log)}"
                assert time.monotonic() < deadline, (
                    f"no finished sensor run in {SENSOR_RUN_TIMEOUT}s: {[(r.run_id, r.status) for r in runs]}\n"
                    f"{tail(log)}"
                )
                time.sleep(2)
            (run,) = runs
            assert run.status == dg.DagsterRunStatus.SUCCESS, f"{run.run_id} ended {run.status}:\n{tail(log)}"
            assert run.job_name == "orghealth"
            assert run.tags["dagster/partition"] == PARTITION  # the date in the export's file name
            assert run.tags[ONE_WRITER[0]] == ONE_WRITER[1]
            print(f"sensor run finished {time.monotonic() - started:.0f}s after the daemon started")
    finally:
        stop_group(daemon)
    assert snapshot_dates(db, "core.people") == [PARTITION]


def tail(path: Path, lines: int = 60) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


# ------------------------------------------------------------------- make serve on PostgreSQL, a backfill from the UI

BACKFILL_DATES = ["2026-11-18", "2026-11-19", PARTITION]
BACKFILL_TIMEOUT = 600


def test_make_serve_on_postgresql_backfills_from_the_ui_one_run_at_a_time(tmp_path: Path, postgres: Postgres) -> None:
    """`make serve` with DAGSTER_PG_* set, on a fresh clone; a three-day backfill launched as the UI launches it
    (launchPartitionBackfill, with the launchpad's run config); the daemon starts its runs one after another, and
    the snapshots equal those `orghealth backfill` builds for the same dates."""
    db = tmp_path / "ui" / "orghealth.duckdb"
    stack = contextlib.ExitStack()  # the CLI's backfill, stopped if the test ends before it does
    with stack, serving(tmp_path, postgres) as server:
        # make serve put the PostgreSQL instance in place.
        assert (server.clone / "dagster_home" / "dagster.yaml").read_text() == POSTGRES_YAML.read_text()
        (partition_set,) = server.graphql(
            """{ partitionSetsOrError(repositorySelector: {repositoryLocationName: "orghealth",
                   repositoryName: "__repository__"}, pipelineName: "orghealth") {
                 ... on PartitionSets { results { name } } } }"""
        )["partitionSetsOrError"]["results"]
        launched = server.graphql(
            """mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
                 __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message stack }
                 ... on Error { message } } }""",
            {"params": {
                "selector": {"partitionSetName": partition_set["name"], "repositorySelector": {
                    "repositoryLocationName": "orghealth", "repositoryName": "__repository__"}},
                "partitionNames": BACKFILL_DATES,
                "runConfigData": {"resources": {"orghealth": {"config": {
                    "config_path": str(SMALL_ORG / "orghealth.yaml"), "database": str(db)}}}},
            }},
        )["launchPartitionBackfill"]  # fmt: skip
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        backfill_id = launched["backfillId"]
        cli = stack.enter_context(cli_backfill(tmp_path / "cli" / "orghealth.duckdb"))

        deadline = time.monotonic() + BACKFILL_TIMEOUT
        while True:
            backfill = server.graphql(
                """query($id: String!) { partitionBackfillOrError(backfillId: $id) {
                     ... on PartitionBackfill { status numPartitions } } }""",
                {"id": backfill_id},
            )["partitionBackfillOrError"]
            runs = server.graphql(
                """query($id: String!) { runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
                     ... on Runs { results { runId status startTime endTime
                                             tags { key value } } } } }""",
                {"id": backfill_id},
            )["runsOrError"]["results"]
            done = [r for r in runs if r["status"] in ("SUCCESS", "FAILURE", "CANCELED")]
            if len(runs) == len(BACKFILL_DATES) and len(done) == len(runs):
                break
            assert time.monotonic() < deadline, f"backfill {backfill} after {BACKFILL_TIMEOUT}s: {runs}"
            time.sleep(2)
        assert backfill["status"] not in ("FAILED", "CANCELED") and backfill["numPartitions"] == 3, backfill
        assert [r["status"] for r in runs] == ["SUCCESS"] * 3, runs
        tags = [{t["key"]: t["value"] for t in r["tags"]} for r in runs]
        assert sorted(t["dagster/partition"] for t in tags) == BACKFILL_DATES
        assert all(t[ONE_WRITER[0]] == ONE_WRITER[1] for t in tags)
        # One writer: each run started after the one before it ended.
        spans = sorted((r["startTime"], r["endTime"]) for r in runs)
        assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)), spans

        # PostgreSQL holds the backfill and its runs.
        assert postgres.query("SELECT count(*) FROM bulk_actions") == [["1"]]
        assert postgres.query("SELECT status, count(*) FROM runs GROUP BY status") == [["SUCCESS", "3"]]

        # The same snapshots as `orghealth backfill` over the same dates (run meanwhile, into a database of its own).
        cli_out, cli_err = cli.communicate(timeout=RUN_TIMEOUT)
        assert cli.returncode == 0, cli_out + cli_err
    assert snapshot_dates(db, "core.people") == BACKFILL_DATES
    assert published_tables(db) == published_tables(tmp_path / "cli" / "orghealth.duckdb")


@contextlib.contextmanager
def cli_backfill(db: Path) -> Iterator[subprocess.Popen]:
    """`orghealth backfill` over BACKFILL_DATES into `db`, in the background; killed on exit if still running."""
    db.parent.mkdir(parents=True)
    process = subprocess.Popen(
        [str(BIN / "orghealth"), "backfill", "--config", str(SMALL_ORG / "orghealth.yaml"), "--db", str(db),
         "--start", BACKFILL_DATES[0], "--end", BACKFILL_DATES[-1]],
        cwd=db.parent, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


@contextlib.contextmanager
def serving(tmp_path: Path, postgres: Postgres) -> Iterator[Server]:
    """`make serve` on a fresh clone, with only the DAGSTER_PG_* variables set (no ORGHEALTH_*: the schedule and
    the sensor stay stopped), up and with its code location loaded; stopped after, whatever happened."""
    clone = fresh_clone(tmp_path / "repo")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "serve", f"PORT={port}", f"UV={UV}"], cwd=clone, env=serve_env() | postgres.env(),
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = Server(url=f"http://127.0.0.1:{port}", clone=clone, log=log, process=process)
    try:
        wait_until_up(server, time.monotonic() + START_TIMEOUT)
        yield server
    finally:
        stop(process)
        subprocess.run(["make", "serve-stop"], cwd=clone, env=serve_env(), capture_output=True, timeout=60)
