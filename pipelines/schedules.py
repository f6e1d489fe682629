"""Unattended runs: the nightly schedule and the new-export sensor, both for the org config the code location
loads (ORGHEALTH_CONFIG, else the embedded sample org). The Dagster daemon evaluates them (`make serve`).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orghealth.config import load_config
from orghealth.errors import OrgHealthError
from orghealth.exports import drop_as_of, fingerprint, watched_files
from orghealth.settings import resolve_settings


def nightly_schedule(
    job: dg.UnresolvedAssetJobDefinition, config_path: Path, *, running: bool = True
) -> dg.ScheduleDefinition:
    """Runs `job` on the config's cron, in its time zone, for the day before (that day's partition)."""
    schedule = load_config(config_path).schedule
    zone = ZoneInfo(schedule.timezone)

    @dg.schedule(
        name="nightly",
        job=job,
        cron_schedule=schedule.cron,
        execution_timezone=schedule.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING if running else dg.DefaultScheduleStatus.STOPPED,
        description=f"Runs the job at '{schedule.cron}' ({schedule.timezone}) for the day before.",
    )
    def nightly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = (context.scheduled_execution_time.astimezone(zone) - timedelta(days=1)).date().isoformat()
        return dg.RunRequest(run_key=f"nightly-{day}", partition_key=day, tags={"orghealth/trigger": "schedule"})

    return nightly


def new_export_sensor(
    job: dg.UnresolvedAssetJobDefinition, config_path: Path, *, running: bool = True
) -> dg.SensorDefinition:
    """Launches one run per new set of export files in the watched folders, for the date of the newest HRIS
    export, once the drop has settled (no file changed for schedule.settle_seconds)."""

    @dg.sensor(
        name="new_exports",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED,
        description="Runs the job when a new export lands in hris.path or jira.paths.",
    )
    def new_exports(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        try:
            settings = resolve_settings(config_path, require_exports=False)
            files = watched_files(settings.hris_location, settings.jira_paths)
            if not files or settings.hris_location is None:
                return dg.SkipReason("no export files in hris.path and jira.paths")
            seen = fingerprint(files)
            if seen == context.cursor:
                return dg.SkipReason("no new export since the last run")
            settle = settings.config.schedule.settle_seconds
            if time.time() - max(p.stat().st_mtime for p in files) < settle:
                return dg.SkipReason(f"an export changed in the last {settle} s: waiting for the drop to settle")
            as_of = drop_as_of(settings.hris_location, today=datetime.now(UTC).date()).isoformat()
        except OrgHealthError as exc:
            return dg.SkipReason(f"cannot read the exports: {exc}")
        request = dg.RunRequest(run_key=seen, partition_key=as_of, tags={"orghealth/trigger": "new_exports"})
        return dg.SensorResult(run_requests=[request], cursor=seen)

    return new_exports
