"""Every road into the job gives the same published tables, and no road publishes what another run left behind.

The roads: the CLI (`orghealth run`), `dagster job execute` with only the documented environment variables,
and a materialisation of one partition of every asset, as the UI's "Materialize all" launches it. The three
bad sequences at the end each published the wrong thing when seeding the working copy was the CLI's job
instead of the job's own.
"""

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import defs
from pipelines.runner import RunFailed
from tests.conftest import AS_OF, SMALL_ORG, run_small_org

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CONFIG = SMALL_ORG / "orghealth.yaml"
LATER = date(2026, 11, 24)
# Columns that name the run or the moment, not the data: they differ between any two runs.
RUN_COLUMNS = {"run_id", "checked_at", "loaded_at"}


def published_tables(db: Path) -> dict[str, list[tuple]]:
    """Every table of the published file, its rows sorted, without the columns that name the run."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY ALL"
        ).fetchall()
        out = {}
        for schema, table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = $s AND table_name = $t "
                    "ORDER BY column_index",
                    {"s": schema, "t": table},
                ).fetchall()
                if c not in RUN_COLUMNS
            ]
            select = ", ".join(f'"{c}"::VARCHAR' for c in columns)
            out[f"{schema}.{table}"] = sorted(
                con.execute(f"SELECT {select} FROM {schema}.{table}").fetchall(), key=lambda r: [str(v) for v in r]
            )
        return out
    finally:
        con.close()


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORGHEALTH_", "DAGSTER_"))}
    return env | extra


def cli_run(db: Path, as_of: date = AS_OF, config: Path = CONFIG) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--config", str(config), "--db", str(db),
         "--as-of", as_of.isoformat()],
        cwd=db.parent, env=clean_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def dagster_job_execute(cwd: Path, db: str, as_of: date = AS_OF, config: Path = CONFIG) -> None:
    """The README's command, with the environment variables it documents and nothing else."""
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "job", "execute", "-m", "pipelines.definitions", "-j", "orghealth",
         "--tags", json.dumps({"dagster/partition": as_of.isoformat()})],
        cwd=cwd, env=clean_env(ORGHEALTH_CONFIG=str(config), ORGHEALTH_DB=db),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def materialize_partition(db: Path, as_of: date = AS_OF, config: Path = CONFIG) -> dg.ExecuteInProcessResult:
    """What the UI launches for "Materialize all" on one partition: the asset job over every asset and check."""
    job = defs.resolve_implicit_global_asset_job_def()
    return job.execute_in_process(
        partition_key=as_of.isoformat(),
        run_config={"resources": {"orghealth": {"config": {"config_path": str(config), "database": str(db)}}}},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


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


def snapshot_dates(db: Path, table: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [d for (d,) in con.execute(f"SELECT DISTINCT as_of::VARCHAR FROM {table} ORDER BY 1").fetchall()]
    finally:
        con.close()


def test_a_dagster_run_starts_from_the_published_file_so_earlier_snapshots_stay(tmp_path):
    # (a) A published file holding 2026-11-20, alone in its folder (restored from a backup, or copied to the
    # server that runs Dagster); a run of 2026-11-24 through Dagster must add to it, not replace it.
    built = tmp_path / "built" / "orghealth.duckdb"
    built.parent.mkdir()
    run_small_org(built, as_of=AS_OF)
    db = tmp_path / "server" / "orghealth.duckdb"
    db.parent.mkdir()
    shutil.copyfile(built, db)
    dagster_job_execute(db.parent, str(db), as_of=LATER)
    for table in ("raw.hris_people", "core.people", "marts.team_size", "marts.org_health"):
        assert snapshot_dates(db, table) == ["2026-11-20", "2026-11-24"], table


def blocked_config(tmp_path: Path) -> Path:
    """The small org with a stricter rejected-share limit: its one bad HRIS row (1 of 12) blocks publication."""
    org = tmp_path / "blocked_org"
    shutil.copytree(SMALL_ORG, org)
    config = org / "orghealth.yaml"
    config.write_text(config.read_text().replace("max_rejected_share: 0.5", "max_rejected_share: 0.01"))
    return config


def test_a_blocked_run_leaves_nothing_that_a_later_dagster_run_publishes(tmp_path):
    # (b) 2026-11-20 is published; a CLI run of 2026-11-24 is blocked by the gate; then a Dagster run of
    # 2026-11-20 publishes. Nothing of the blocked run may be in the published file.
    db = tmp_path / "orghealth.duckdb"
    run_small_org(db, as_of=AS_OF)
    with pytest.raises(RunFailed, match="quality gate stopped publication") as blocked:
        run_small_org(db, as_of=LATER, config=blocked_config(tmp_path))
    assert blocked.value.work_path.exists()  # kept for inspection
    assert materialize_partition(db, as_of=AS_OF).success

    assert snapshot_dates(db, "raw.hris_people") == ["2026-11-20"]
    assert snapshot_dates(db, "quality.expectation_results") == ["2026-11-20"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw.rejected_rows WHERE as_of = $d", {"d": LATER}).fetchall() == [(0,)]
        assert con.execute(
            "SELECT count(*) FROM quality.expectation_results WHERE severity = 'error' AND NOT success"
        ).fetchall() == [(0,)]
    finally:
        con.close()


def test_a_table_left_in_a_working_copy_never_reaches_the_published_file(tmp_path):
    # (c) Anything left beside the published file by an earlier run (a crashed run's copy, or the working
    # file of earlier versions) must not be published by the next run, whichever road it takes.
    db = tmp_path / "orghealth.duckdb"
    run_small_org(db, as_of=AS_OF)
    leftovers = [tmp_path / ".orghealth.work.duckdb", tmp_path / ".orghealth.runs" / "crashed-run.duckdb"]
    for leftover in leftovers:
        shutil.copyfile(db, leftover)
        with duckdb.connect(str(leftover)) as con:
            con.execute("CREATE TABLE marts.left_behind AS SELECT 1 AS x")
            con.execute("DELETE FROM core.people")
    dagster_job_execute(tmp_path, str(db), as_of=LATER)
    assert materialize_partition(db, as_of=LATER).success
    tables = published_tables(db)
    assert "marts.left_behind" not in tables
    assert snapshot_dates(db, "core.people") == ["2026-11-20", "2026-11-24"]


def test_an_as_of_outside_the_partitions_is_a_clear_error(tmp_path):
    result = cli_run(tmp_path / "orghealth.duckdb", as_of=date(2019, 12, 31))
    assert result.returncode == 1
    assert "as_of 2019-12-31 is not a date orghealth keeps snapshots for" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "orghealth.duckdb").exists()
