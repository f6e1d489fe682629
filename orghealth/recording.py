"""A run's end, recorded where every reader sees it: a row in the run log (orghealth/run_log.py), then the
dashboard file's copy of the log (orghealth/dashboard_file.py). A published run records itself while it
publishes (assets/resources.py); every other outcome comes through here.

Nothing here raises: a run's result is what its steps decided, and a log that cannot be written is a warning
for people, like an alert that could not be delivered.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from orghealth import dashboard_file, run_log
from orghealth.config import load_config
from orghealth.database import check_location
from orghealth.errors import OrgHealthError
from orghealth.run_log import RunRecord
from orghealth.settings import database_paths


def record(entry: RunRecord, log: Path, dashboard: Path | None) -> list[str]:
    """Append `entry` to the log, then bring the dashboard file's ops.run_log up to date (unless `dashboard` is
    None); a warning for people per thing that could not be written."""
    try:
        if not run_log.append(log, entry):
            return []  # this run is recorded already
    except OrgHealthError as exc:
        return [str(exc)]
    if dashboard is None:
        return []
    try:
        dashboard_file.refresh_run_log(dashboard, log)
    except (OrgHealthError, OSError, duckdb.Error) as exc:
        return [f"the run log in {dashboard} is not up to date: {run_log.error_reason(exc)}"]
    return []


def record_refused(
    config_path: Path, db_path: Path | None, as_of: date | None, road: str, error: str, run_id: str | None = None
) -> list[str]:
    """Record a run that could not start. Where the config cannot be loaded, nothing can be recorded (it names
    the database), and where the database's own path is what is wrong, nothing is written beside it either."""
    try:
        config = load_config(Path(config_path).expanduser().absolute())
        db, dashboard = database_paths(config, db_path)
        check_location(db)
    except OrgHealthError:
        return []
    now = run_log.utc_now()
    entry = RunRecord(run_id=run_id, road=road, as_of=as_of or config.as_of or date.today(), started_at=now,
                      ended_at=now, status="refused", reason=run_log.refused_reason(error))  # fmt: skip
    usable_dashboard = dashboard if dashboard != db and _usable(dashboard) else None
    return record(entry, run_log.run_log_path(db), usable_dashboard)


def _usable(path: Path) -> bool:
    try:
        check_location(path)
    except OrgHealthError:
        return False
    return True
