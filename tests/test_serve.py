"""`make serve` on a fresh clone, then a run launched through the webserver's GraphQL API, as the UI launches it.

The clone is a copy of the files git tracks (no .venv, no data/, no dagster_home/), started with an environment
that has no ORGHEALTH_* variable and no DAGSTER_HOME: the road a new user takes. The run uses the resource's
defaults (the embedded sample org, data/orghealth.duckdb in the clone) and the sample's as_of as its partition.
Expected values come from the sample's own files (the HRIS CSV read with the csv module, and planted.json).
"""

import contextlib
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "orghealth" / "sample_org" / "data"
UV = str(REPO / ".tools" / "bin" / "uv") if (REPO / ".tools" / "bin" / "uv").exists() else shutil.which("uv") or "uv"
JOB = "orghealth"
PARTITION_TAG = "dagster/partition"
START_TIMEOUT = 240  # uv sync (warm cache) + dagster dev + loading the code location
RUN_TIMEOUT = 300
STOP_TIMEOUT = 20


def sample_facts() -> tuple[str, set[str]]:
    """The sample's as_of and the employee ids that must reach core.people (all but the one planted bad row)."""
    config = yaml.safe_load((SAMPLE / "orghealth.yaml").read_text(encoding="utf-8"))
    planted = json.loads((SAMPLE / "planted.json").read_text(encoding="utf-8"))
    with (SAMPLE / config["hris"]["path"]).open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        ids = [row[header.index("Employee ID")] for row in reader if any(cell.strip() for cell in row)]
    assert len(ids) == planted["people"] == len(set(ids))
    assert planted["malformed_hris_employee"] in ids
    return str(config["as_of"]), set(ids) - {planted["malformed_hris_employee"]}


def fresh_clone(dest: Path) -> Path:
    """Copy the files git tracks (as they are in the working tree) into dest, like a fresh clone."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():  # listed but deleted in the working tree: a clone of the next commit would lack it too
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    assert (dest / "Makefile").is_file() and not (dest / "data").exists()
    return dest


def untracked_files() -> list[str]:
    """Files in the working tree that git neither tracks nor ignores: a fresh clone lacks them."""
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    return listed.stdout.split()


def clean_env() -> dict[str, str]:
    """The caller's environment without ORGHEALTH_*, DAGSTER_HOME, or anything pointing at this repository."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DAGSTER_HOME", "UV_PROJECT_ENVIRONMENT"}
    drop |= {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}  # when the suite itself runs under make
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("ORGHEALTH_")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(REPO)))
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    clone: Path
    log: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        assert not answer.get("errors"), f"GraphQL errors: {answer['errors']}"
        return answer["data"]


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole process group (make, uv, dagster dev and its children), then SIGKILL what is left."""
    pgid = process.pid  # start_new_session: the leader's pid is the group id
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        process.poll()  # reap make, so that it does not stay in the group as a zombie
        if not group_alive(pgid):
            return
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    process.wait(timeout=30)


def wait_until_up(server: Server, deadline: float) -> None:
    while True:
        assert server.process.poll() is None, (
            f"make serve exited with {server.process.returncode}:\n{server.log_tail()}"
        )
        try:
            with urllib.request.urlopen(f"{server.url}/server_info", timeout=5) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        assert time.monotonic() < deadline, f"no answer on {server.url} in {START_TIMEOUT}s:\n{server.log_tail()}"
        time.sleep(1)
    # The webserver answers before the code location has loaded.
    while True:
        data = server.graphql(
            """{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
                   locationOrLoadError { __typename ... on PythonError { message stack } } } } } }"""
        )
        entries = data["workspaceOrError"]["locationEntries"]
        if entries and all(e["loadStatus"] == "LOADED" for e in entries):
            errors = [
                e["locationOrLoadError"]
                for e in entries
                if e["locationOrLoadError"]["__typename"] != "RepositoryLocation"
            ]
            assert not errors, (
                f"the code location failed to load: {errors}\n"
                f"(untracked files, which the clone lacks: {untracked_files() or 'none'})"
            )
            return
        assert time.monotonic() < deadline, (
            f"code location not loaded in {START_TIMEOUT}s: {entries}\n{server.log_tail()}"
        )
        time.sleep(1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    clone = fresh_clone(tmp_path / "repo")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "serve", f"PORT={port}", f"UV={UV}"],
            cwd=clone,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that teardown reaches every child
        )
    try:
        yield Server(url=f"http://127.0.0.1:{port}", clone=clone, log=log, process=process)
    finally:
        stop(process)
        # Whatever the test got to: nothing it started may outlive it (make serve-stop escalates to SIGKILL).
        subprocess.run(["make", "serve-stop"], cwd=clone, env=clean_env(), capture_output=True, timeout=60)


def run_events(server: Server, run_id: str) -> str:
    """The run's event log in words: every message, and the error (with its stack) of every failure."""
    data = server.graphql(
        """query($id: ID!) { logsForRun(runId: $id) { __typename
             ... on EventConnection { events { __typename
               ... on MessageEvent { message level stepKey }
               ... on ExecutionStepFailureEvent { error { message stack cause { message stack } } }
               ... on RunFailureEvent { pipelineName }
               ... on EngineEvent { error { message stack } } } }
             ... on PythonError { message stack } } }""",
        {"id": run_id},
    )["logsForRun"]
    if data["__typename"] != "EventConnection":
        return json.dumps(data, indent=1)
    messages, failures = [], []
    for e in data["events"]:
        messages.append(f"{e.get('level')} {e['__typename']} {e.get('stepKey') or ''}: {e.get('message')}")
        error = e.get("error")
        if error or e.get("level") == "ERROR":
            failures.append(f"{e['__typename']} {e.get('stepKey') or ''}: {e.get('message')}")
        while error:
            failures.append(error["message"] + "".join(error.get("stack") or []))
            error = error.get("cause")
    return "\n".join(["errors:", *failures, "", "last events:", *messages[-60:]])


@pytest.mark.slow
def test_make_serve_launches_a_partitioned_run_through_graphql(server: Server) -> None:
    as_of, people = sample_facts()
    wait_until_up(server, time.monotonic() + START_TIMEOUT)

    # The job's assets are daily-partitioned by as_of, and the sample's as_of is one of the partitions.
    node = server.graphql(
        """query($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) { __typename ... on AssetNode {
             partitionDefinition { type fmt description }
             partitionKeysByDimension { name partitionKeys } } } }""",
        {"key": {"path": ["core", "people"]}},
    )["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    definition = node["partitionDefinition"]
    assert definition["type"] == "TIME_WINDOW" and definition["fmt"] == "%Y-%m-%d", definition
    assert "Daily" in definition["description"], definition
    (dimension,) = node["partitionKeysByDimension"]
    keys = dimension["partitionKeys"]
    assert as_of in keys
    assert keys[0] == "2020-01-01"
    days = [date.fromisoformat(k) for k in keys]
    assert all(b - a == timedelta(days=1) for a, b in zip(days, days[1:], strict=False)), "partitions are not daily"

    partition_sets = server.graphql(
        """{ partitionSetsOrError(repositorySelector: {repositoryLocationName: "orghealth",
               repositoryName: "__repository__"}, pipelineName: "orghealth") { __typename
             ... on PartitionSets { results { name partitionsOrError { __typename
               ... on Partitions { results { name } } } } } ... on PythonError { message } } }"""
    )["partitionSetsOrError"]
    assert partition_sets["__typename"] == "PartitionSets", partition_sets
    (partition_set,) = partition_sets["results"]
    assert as_of in {p["name"] for p in partition_set["partitionsOrError"]["results"]}

    # Launch the job for that partition, with the run config the launchpad starts from (the defaults).
    launched = server.graphql(
        """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) { __typename
             ... on LaunchRunSuccess { run { runId } }
             ... on RunConfigValidationInvalid { errors { message } }
             ... on PythonError { message stack }
             ... on Error { message } } }""",
        {
            "params": {
                "selector": {"repositoryLocationName": "orghealth", "repositoryName": "__repository__", "jobName": JOB},
                "runConfigData": {},
                "executionMetadata": {"tags": [{"key": PARTITION_TAG, "value": as_of}]},
            }
        },
    )["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        run = server.graphql(
            """query($id: ID!) { runOrError(runId: $id) { __typename ... on Run { status tags { key value } } } }""",
            {"id": run_id},
        )["runOrError"]
        if run.get("status") in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        if time.monotonic() > deadline:
            pytest.fail(f"run {run_id} still {run} after {RUN_TIMEOUT}s:\n{run_events(server, run_id)}")
        time.sleep(2)
    assert run["status"] == "SUCCESS", (
        f"run {run_id} ended {run['status']}; its events:\n{run_events(server, run_id)}\n"
        f"--- make serve:\n{server.log_tail()}"
    )
    assert {"key": PARTITION_TAG, "value": as_of} in run["tags"]

    # The run materialized the partition of core/people and of the published database.
    for key in (["core", "people"], ["published"]):
        materialized = server.graphql(
            """query($key: AssetKeyInput!, $p: [String!]) { assetNodeOrError(assetKey: $key) { __typename
                 ... on AssetNode { assetMaterializations(partitions: $p) { partition runId } } } }""",
            {"key": {"path": key}, "p": [as_of]},
        )["assetNodeOrError"]["assetMaterializations"]
        assert {"partition": as_of, "runId": run_id} in materialized, (key, materialized)

    # The published file is where the defaults put it, in the clone, and holds that as_of.
    published = server.clone / "data" / "orghealth.duckdb"
    assert published.is_file(), f"no published database at {published}"
    con = duckdb.connect(str(published), read_only=True)
    try:
        loaded = {r[0] for r in con.execute("SELECT employee_id FROM core.people WHERE as_of = ?", [as_of]).fetchall()}
        assert len(loaded) == len(people)
        assert loaded == people
        (leaders,) = con.execute("SELECT count(*) FROM marts.leader_focus WHERE as_of = ?", [as_of]).fetchone()
        assert leaders > 0
    finally:
        con.close()

    # `make serve-stop` stops make serve and every process it started, and says so.
    stopped = subprocess.run(
        ["make", "serve-stop"], cwd=server.clone, env=clean_env(), capture_output=True, text=True, timeout=60
    )
    assert stopped.returncode == 0 and "make serve stopped" in stopped.stdout, stopped.stdout + stopped.stderr
    server.process.wait(timeout=30)  # make serve itself returns
    deadline = time.monotonic() + 20
    while (leftovers := _processes_of(server.clone)) and time.monotonic() < deadline:
        time.sleep(0.5)  # processes killed a moment ago may still be on their way out
    assert leftovers == [], leftovers


def _processes_of(clone: Path) -> list[str]:
    return [
        cmdline
        for proc in Path("/proc").iterdir()
        if proc.name.isdigit()
        for cmdline in [_cmdline(proc)]
        if str(clone) in cmdline
    ]


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
