"""Run the whole job in process: build in the working database, publish only if every check passed.

The working database (`.<name>.work.duckdb` beside the published file) starts each run as a copy of the
published one, so snapshots accumulate and a failed run's half-built tables never reach a later
publication. The published file is replaced, whole and atomically, by the job's `published` asset; a
failed run leaves it exactly as it was, and its own tables and expectation results stay in the working
database for inspection.
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
    """The Dagster run failed; the message says which step or expectation, and why."""


@dataclass(frozen=True)
class RunResult:
    db_path: Path
    run_id: str
    settings: RunSettings


def _failed_gate(result: dg.ExecuteInProcessResult) -> list[str]:
    failures = []
    for event in result.all_events:
        if event.event_type_value != "ASSET_CHECK_EVALUATION":
            continue
        evaluation = event.event_specific_data
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        detail = evaluation.metadata.get("failed_expectations")
        failures.append(detail.value if detail is not None else evaluation.check_name)
    return failures


def _failure_message(result: dg.ExecuteInProcessResult, settings: RunSettings) -> str:
    gate = _failed_gate(result)
    if gate:
        return (
            f"the quality gate stopped publication ({settings.db_path} is unchanged): "
            + " ".join(gate)
            + f" The run's tables and quality.expectation_results are in {settings.work_path}; "
            f"Data Docs in {settings.docs_dir}."
        )
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


def _seed_working_copy(settings: RunSettings) -> None:
    """Start the working database from the published one (or from nothing)."""
    work = settings.work_path
    for leftover in (work, work.with_name(work.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if settings.db_path.exists():
        if settings.db_path.with_name(settings.db_path.name + ".wal").exists():
            con = duckdb.connect(str(settings.db_path))
            con.execute("CHECKPOINT")
            con.close()
        shutil.copyfile(settings.db_path, work)


def run_pipeline(settings: RunSettings, *, log_level: str = "CRITICAL") -> RunResult:
    """Materialise and check every asset for `settings`; raise RunFailed with a readable message on failure."""
    settings = RunSettings(**{**settings.__dict__, "db_path": settings.db_path.resolve()})
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    _seed_working_copy(settings)
    resource = OrgHealthResource(
        config_path=str(settings.config_path),
        db_path=str(settings.db_path),
        as_of=settings.as_of.isoformat(),
        hris_path=str(settings.hris_path),
        jira_paths=[str(p) for p in settings.jira_paths],
    )
    job = build_definitions(resource).resolve_job_def("orghealth")
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        tags={"orghealth/as_of": settings.as_of.isoformat()},
    )
    if not result.success:
        raise RunFailed(_failure_message(result, settings))
    return RunResult(db_path=settings.db_path, run_id=result.run_id, settings=settings)
