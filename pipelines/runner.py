"""Run the whole job in process, writing to a copy of the database and swapping it in only on success.

A failed run therefore leaves the previous database exactly as it was, and readers of the file never see
a half-built one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import build_definitions
from pipelines.errors import OrgHealthError
from pipelines.resources import OrgHealthResource, RunSettings


class RunFailed(OrgHealthError):
    """The Dagster run failed; the message says which step and why."""


@dataclass(frozen=True)
class RunResult:
    db_path: Path
    run_id: str
    settings: RunSettings


def _building_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.building")


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            return data.user_failure_data.description
        error = data.error
        while error is not None and error.cause is not None and error.cls_name.startswith("Dagster"):
            error = error.cause
        detail = error.message.strip() if error is not None else "unknown error"
        return f"step {event.step_key} failed: {detail}"
    return "the run failed before any step ran"


def run_pipeline(settings: RunSettings, *, log_level: str = "CRITICAL") -> RunResult:
    """Materialise every asset for `settings`; raise RunFailed with a readable message on failure."""
    target = settings.db_path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    building = _building_path(target)
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if target.exists():
        _checkpoint(target)
        shutil.copy2(target, building)

    resource = OrgHealthResource(
        config_path=str(settings.config_path),
        db_path=str(building),
        as_of=settings.as_of.isoformat(),
        hris_path=str(settings.hris_path),
        jira_paths=[str(p) for p in settings.jira_paths],
    )
    job = build_definitions(resource).resolve_job_def("orghealth")
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    try:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            tags={"orghealth/as_of": settings.as_of.isoformat()},
        )
        if not result.success:
            raise RunFailed(_failure_message(result))
        os.replace(building, target)
    finally:
        building.unlink(missing_ok=True)
        building.with_name(building.name + ".wal").unlink(missing_ok=True)
    return RunResult(db_path=target, run_id=result.run_id, settings=settings)


def _checkpoint(path: Path) -> None:
    """Fold a leftover write-ahead log into the file so that copying the file copies everything."""
    if path.with_name(path.name + ".wal").exists():
        con = duckdb.connect(str(path))
        con.execute("CHECKPOINT")
        con.close()
