"""Start the orghealth job from the command line: the same job, definitions and steps as every other road.

The CLI only chooses the partition (as_of) and the resource's run config; the job itself seeds its working
copy from the published file, builds, checks and publishes.

The run is recorded in the Dagster instance `make serve` shows, when there is one (`instance_home`), so the UI's
partition status and run list hold the CLI's runs beside its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import yaml

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


# The folder `make serve` and `make demo` keep their Dagster instance in, in the repository (the working directory).
LOCAL_INSTANCE = Path("dagster_home")


@dataclass(frozen=True)
class InstanceChoice:
    home: Path | None  # the persistent instance's folder; None: an ephemeral instance, gone when the run ends
    reason: str  # why this one, in words for --verbose


def instance_home(environ: Mapping[str, str], cwd: Path) -> InstanceChoice:
    """The Dagster instance a CLI run records into: $DAGSTER_HOME when set (as every Dagster command reads it), else
    dagster_home/ in the working directory when it holds a dagster.yaml (what `make serve` and `make demo` make),
    else none: an ephemeral instance, so that a run from any folder still works."""
    if home := environ.get("DAGSTER_HOME"):
        path = Path(home).expanduser()
        if not path.is_absolute():
            raise OrgHealthError(f"DAGSTER_HOME {home} must be an absolute path, as Dagster requires")
        if not path.is_dir():
            raise OrgHealthError(f"DAGSTER_HOME {home} is not a folder: create it, or unset DAGSTER_HOME")
        return InstanceChoice(path, "DAGSTER_HOME")
    local = cwd / LOCAL_INSTANCE
    if (local / "dagster.yaml").is_file():
        return InstanceChoice(local.absolute(), f"{LOCAL_INSTANCE}/dagster.yaml in the working directory")
    return InstanceChoice(None, f"no DAGSTER_HOME and no {LOCAL_INSTANCE}/dagster.yaml in {cwd}")


def _env_names(node: object) -> Iterator[str]:
    """The environment variables a dagster.yaml reads ({env: NAME} anywhere in it)."""
    if isinstance(node, dict):
        if set(node) == {"env"} and isinstance(node["env"], str):
            yield node["env"]
        for value in node.values():
            yield from _env_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _env_names(value)


def missing_instance_env(home: Path, environ: Mapping[str, str]) -> list[str]:
    """The variables the instance's dagster.yaml reads that are not set (the PostgreSQL one reads DAGSTER_PG_*)."""
    config = home / "dagster.yaml"
    if not config.is_file():
        return []  # Dagster's default: SQLite files in the folder
    try:
        parsed = yaml.safe_load(config.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise OrgHealthError(f"the Dagster instance's {config} cannot be read: {str(exc).splitlines()[0]}") from None
    return sorted({name for name in _env_names(parsed) if not environ.get(name)})


def _first_line(exc: BaseException) -> str:
    """What went wrong, in one line, from the error at the bottom of the chain: dagster-postgres says "too many
    retries for DB connection", the psycopg2 error under it says which server refused; a config error says what is
    wrong on its "Error 1:" line, before a long "Expected: ..."."""
    while (below := exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)) is not None:
        exc = below
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
    detail = next((line for line in lines if line.startswith("Error 1:")), None)
    return f"{lines[0]} {detail.split(' Expected')[0]}" if detail else lines[0]


@contextmanager
def open_instance(choice: InstanceChoice, environ: Mapping[str, str]) -> Iterator[dg.DagsterInstance]:
    """The chosen instance, opened; OrgHealthError in one line when it cannot be (a variable its yaml reads is not
    set, its database cannot be reached), instead of Dagster's traceback."""
    if choice.home is None:
        with dg.DagsterInstance.ephemeral() as instance:
            yield instance
        return
    config = choice.home / "dagster.yaml"
    if missing := missing_instance_env(choice.home, environ):
        raise OrgHealthError(
            f"the Dagster instance {config} ({choice.reason}) reads {', '.join(missing)} from the environment, and "
            f"{'it is' if len(missing) == 1 else 'they are'} not set: set {'it' if len(missing) == 1 else 'them'} "
            "as for `make serve` (docs/operations.md)"
        )
    try:
        instance = dg.DagsterInstance.from_config(str(choice.home))
    except Exception as exc:  # noqa: BLE001 - any failure to open the instance is reported in one line
        raise OrgHealthError(
            f"the Dagster instance in {choice.home} ({choice.reason}) cannot be opened: {_first_line(exc)}"
        ) from None
    with instance:
        yield instance


def run_pipeline(settings: RunSettings, *, log_level: str = "CRITICAL", road: str = "cli") -> RunResult:
    """Run the job for `settings` (as_of is the partition); raise RunFailed with a readable message on failure.
    `road` is the command that started it (cli, demo, backfill), as the run log records it.

    The run is recorded in the instance `instance_home` chooses; with a log level below CRITICAL (--verbose) it
    says which on stderr."""
    partition_key = _partition_key(settings)
    choice = instance_home(os.environ, Path.cwd())
    if log_level != "CRITICAL":
        where = f"recorded in the Dagster instance {choice.home}" if choice.home else "not kept after it ends"
        print(f"orghealth: this run is {where} ({choice.reason})", file=sys.stderr)
    with open_instance(choice, os.environ) as instance:
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
