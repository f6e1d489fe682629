"""Helpers for the tests that run the job on every road: run it each way, and read what was published."""

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import defs
from tests.conftest import AS_OF, SMALL_ORG

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
    # The test session's own instance (tests/conftest.py), not a dagster_home/ in the checkout.
    return env | {"DAGSTER_HOME": os.environ["DAGSTER_HOME"]} | extra


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


def snapshot_dates(db: Path, table: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [d for (d,) in con.execute(f"SELECT DISTINCT as_of::VARCHAR FROM {table} ORDER BY 1").fetchall()]
    finally:
        con.close()


def blocked_config(tmp_path: Path) -> Path:
    """The small org with a stricter rejected-share limit: its one bad HRIS row (1 of 12) blocks publication."""
    org = tmp_path / "blocked_org"
    shutil.copytree(SMALL_ORG, org)
    config = org / "orghealth.yaml"
    config.write_text(config.read_text().replace("max_rejected_share: 0.5", "max_rejected_share: 0.01"))
    return config
