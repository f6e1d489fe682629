"""Alerts at the end of every run, on every road (CLI, UI, `dagster job execute`, schedules): the run's
resource calls `after_run` from its teardown, once the steps are done and the lock is released.

- blocked: the quality gate failed (one alert listing every failed data error);
- new_finding: the run published, and an org-health finding failed that the last snapshot did not have;
- run_failed: a step raised (not the gate), read from the run's step-failure events in Dagster's log; or the
  run failed to start (its settings could not be resolved): orghealth.alerts.failed_start, called from the
  resource's setup and from the CLI before it starts Dagster.

Delivery is retried and logged by orghealth.alerts.channels and never raises: a run's result is what its
steps decided, whatever happens to its notifications.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import dagster as dg

from orghealth.alerts.channels import deliver_once, undelivered
from orghealth.alerts.findings import Finding, new_findings
from orghealth.alerts.messages import Alert, blocked_alert, findings_alert, run_failed_alert
from orghealth.quality.suites import load_suites
from orghealth.quality.validate import Outcome
from orghealth.settings import RunSettings

if TYPE_CHECKING:
    from dagster_shared.error import SerializableErrorInfo

log = logging.getLogger("orghealth.alerts")
GATE_ERROR = "DagsterAssetCheckFailedError"  # the step failure a failed blocking check raises: the gate's, not a crash


def step_failures(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, str]]:
    """(step key, what went wrong) for each step that raised, the quality gate's own failures left out."""
    failures = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        event = entry.dagster_event
        data = event.step_failure_data if event else None
        if data is None:
            continue
        if data.user_failure_data is not None and data.user_failure_data.description:
            failures.append((event.step_key or "?", data.user_failure_data.description))
            continue
        if data.error is not None and data.error.cls_name == GATE_ERROR:
            continue
        failures.append((event.step_key or "?", error_message(data.error)))
    return failures


def error_message(error: SerializableErrorInfo | None) -> str:
    """What a failed step's own code raised: Dagster wraps it in errors of its own, whose causes lead to it."""
    while error is not None and error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    return error.message.strip() if error is not None else "unknown error"


def run_alerts(
    settings: RunSettings, run_id: str, outcomes: list[Outcome], earlier: tuple[date | None, set[Finding]] | None,
    published: bool, failures: list[tuple[str, str]],
) -> list[Alert]:  # fmt: skip
    """What a finished run has to say: a blocked gate, new findings (only once published), a failed step."""
    alerts = settings.config.alerts
    common = {"as_of": settings.as_of, "run_id": run_id, "dagster_url": alerts.dagster_url,
              "docs_dir": settings.docs_dir, "dashboard_url": alerts.dashboard_url}  # fmt: skip
    keys = {suite.suite: suite.keys for suite in load_suites()}
    found: list[Alert | None] = [blocked_alert(outcomes, suite_keys=keys, **common)]
    if published and earlier is not None:
        since, before = earlier
        found.append(findings_alert(new_findings(outcomes, before), since=since, suite_keys=keys, **common))
    if failures:
        step, error = failures[0]
        found.append(run_failed_alert(step, error, **common))
    return [a for a in found if a is not None]


def after_run(
    context: dg.InitResourceContext, settings: RunSettings | None, run_id: str | None, outcomes: list[Outcome],
    earlier: tuple[date | None, set[Finding]] | None, published: bool, *, warn: Callable[[str], None],
) -> None:  # fmt: skip
    """Send the run's alerts through every configured channel; `warn` tells people of a channel that failed."""
    if settings is None or run_id is None or not settings.config.alerts.channels:
        return
    try:
        failures = step_failures(context.instance, run_id) if context.instance else []
        for alert in run_alerts(settings, run_id, outcomes, earlier, published, failures):
            for warning in undelivered(alert, deliver_once(alert, settings.config.alerts)):
                warn(warning)
    except Exception:  # noqa: BLE001 (an alert never fails the run)
        log.exception("alerts for run %s could not be prepared", run_id)
