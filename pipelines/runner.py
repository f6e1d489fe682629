"""Start the orghealth job from the command line: the same job, definitions and steps as every other road.

The CLI only chooses the partition (as_of) and the resource's run config; the job itself seeds its working
copy from the published file, builds, checks and publishes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from assets.alerting import error_message
from assets.partitions import PARTITIONS_START, as_of_partitions
from assets.resources import WARNING_PREFIX
from orghealth.database import working_copy
from orghealth.errors import OrgHealthError
from orghealth.run_log import ROAD_TAG
from orghealth.settings import RunSettings
from orghealth.sql_models import LAYERS
from pipelines.definitions import JOB_NAME, defs


class RunFailed(OrgHealthError):
    """The Dagster run failed; the message says which step or expectation, and why."""

    def __init__(self, message: str, *, run_id: str, work_path: Path) -> None:
        super().__init__(message)
        self.run_id = run_id
        self.work_path = work_path  # the failed run's working copy, kept for inspection


@dataclass(frozen=True)
class RunResult:
    db_path: Path
    run_id: str
    settings: RunSettings
    warnings: list[str]  # what the run logged as a warning for people (e.g. Data Docs it could not write)


def _warnings(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The warnings orghealth's resource logged for people, in the order they were logged."""
    return [
        entry.user_message.removeprefix(WARNING_PREFIX)
        for entry in instance.all_logs(run_id)
        if entry.dagster_event is None and entry.user_message.startswith(WARNING_PREFIX)
    ]


def _failed_gate(result: dg.ExecuteInProcessResult) -> list[str]:
    """The blocking checks that failed, the earliest layer first: an empty HRIS export is said before the
    identity-match failure it causes."""
    failures = []
    evaluations = sorted(result.get_asset_check_evaluations(), key=lambda e: _layer_rank(e.asset_key))
    for evaluation in evaluations:
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        detail = evaluation.metadata.get("failed_expectations")
        failures.append(detail.value if detail is not None else evaluation.check_name)
    return failures


def _layer_rank(key: dg.AssetKey) -> int:
    schema = key.path[0]
    return LAYERS.index(schema) if schema in LAYERS else len(LAYERS)


def _failure_message(result: dg.ExecuteInProcessResult, settings: RunSettings, work: Path) -> str:
    gate = _failed_gate(result)
    if gate:
        return (
            f"the quality gate stopped publication ({settings.db_path} is unchanged): "
            + " ".join(gate)
            + f" The run's tables and quality.expectation_results are in {work}; Data Docs in {settings.docs_dir}."
        )
    for failure in result.get_step_failure_events():
        data = failure.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            return data.user_failure_data.description
        return f"step {failure.step_key} failed: {error_message(data.error)}"
    return "the run failed before any step ran"


def _partition_key(settings: RunSettings) -> str:
    key = settings.as_of.isoformat()
    if not as_of_partitions.has_partition_key(key):
        raise OrgHealthError(
            f"as_of {key} is not a date orghealth keeps snapshots for: it must be between {PARTITIONS_START} and today"
        )
    return key


def run_pipeline(settings: RunSettings, *, log_level: str = "CRITICAL", road: str = "cli") -> RunResult:
    """Run the job for `settings` (as_of is the partition); raise RunFailed with a readable message on failure.
    `road` is the command that started it (cli, demo, backfill), as the run log records it."""
    partition_key = _partition_key(settings)
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def(JOB_NAME).execute_in_process(
        instance=instance,
        partition_key=partition_key,
        raise_on_error=False,
        tags={ROAD_TAG: road},
        run_config={
            "resources": {"orghealth": {"config": settings.run_config()}},
            "loggers": {"console": {"config": {"log_level": log_level}}},
        },
    )
    warnings = _warnings(instance, result.run_id)
    if not result.success:
        work = working_copy(settings.db_path, result.run_id)
        message = " ".join([_failure_message(result, settings, work), *warnings])
        raise RunFailed(message, run_id=result.run_id, work_path=work)
    return RunResult(db_path=settings.db_path, run_id=result.run_id, settings=settings, warnings=warnings)
