"""The alert for a run that could not start: its settings could not be resolved (a missing export column, an
unusable database path, no pseudonymise key, ...), so no step ran and no run teardown will send anything.
Called from the resource's setup (runs launched by Dagster) and from the CLI before it starts Dagster."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from orghealth.alerts.channels import deliver, deliver_once, undelivered
from orghealth.alerts.messages import run_failed_alert
from orghealth.config import load_config
from orghealth.errors import OrgHealthError

log = logging.getLogger("orghealth.alerts")
SETUP_STEP = "setup"  # the step name a run that failed before any step reports


def alert_failed_start(config_path: Path, as_of: date | None, run_id: str | None, error: str) -> list[str]:
    """A run_failed alert for a run that stopped before any step (its settings could not be resolved: a missing
    export column, an unusable database path, no pseudonymise key, ...), sent when the config itself loads and
    names channels; nothing is sent when it does not load (its error is the one people see). Returns a warning
    per channel that did not take it. Once per run_id (Dagster may set a resource up more than once per run);
    without a run_id (the CLI, before Dagster starts) every call sends. Never raises."""
    try:
        try:
            config = load_config(Path(config_path).expanduser().absolute())
        except OrgHealthError:
            return []
        alerts = config.alerts
        if not alerts.channels:
            return []
        alert = run_failed_alert(SETUP_STEP, error, as_of=as_of or config.as_of or date.today(), run_id=run_id,
                                 dagster_url=alerts.dagster_url, dashboard_url=alerts.dashboard_url)  # fmt: skip
        deliveries = deliver_once(alert, alerts) if run_id else deliver(alert, alerts)
        return undelivered(alert, deliveries)
    except Exception:  # noqa: BLE001 (an alert never hides the error it reports)
        log.exception("the alert for run %s, which failed to start, could not be prepared", run_id or "(none)")
        return []
