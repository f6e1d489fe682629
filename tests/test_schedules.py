"""The nightly schedule and the new-export sensor, evaluated the way the daemon does (build_*_context)."""

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import defs, orghealth_job
from pipelines.schedules import new_export_sensor, nightly_schedule
from tests.conftest import SMALL_ORG


def org_with_drop(tmp_path: Path, schedule: str = "") -> Path:
    """The small org with its HRIS export in a drop folder as people-2026-11-20.csv, plus a schedule section."""
    org = tmp_path / "org"
    shutil.copytree(SMALL_ORG, org)
    (org / "drop").mkdir()
    shutil.move(org / "hris.csv", org / "drop" / "people-2026-11-20.csv")
    config = org / "orghealth.yaml"
    config.write_text(config.read_text().replace("path: hris.csv", "path: drop") + schedule)
    return config


def repository(*, schedules=(), sensors=()) -> dg.RepositoryDefinition:
    """The code location as the daemon loads it, with these schedules and sensors for the test's config."""
    return dg.Definitions(
        assets=defs.assets, asset_checks=defs.asset_checks, jobs=[orghealth_job], schedules=list(schedules),
        sensors=list(sensors), resources=defs.resources, executor=defs.executor,
    ).get_repository_def()  # fmt: skip


@pytest.mark.parametrize(
    ("timezone", "tick", "as_of"),
    [
        ("UTC", datetime(2026, 11, 21, 2, 0, tzinfo=UTC), "2026-11-20"),
        # 05:00 UTC on the 21st is 21:00 on the 20th in Los Angeles: the day before there is the 19th.
        ("America/Los_Angeles", datetime(2026, 11, 21, 5, 0, tzinfo=UTC), "2026-11-19"),
    ],
)
def test_the_nightly_schedule_runs_the_day_before_in_its_time_zone(tmp_path, timezone, tick, as_of):
    config = org_with_drop(tmp_path, f"schedule:\n  cron: '0 2 * * *'\n  timezone: {timezone}\n")
    schedule = nightly_schedule(orghealth_job, config)
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", timezone)
    with dg.build_schedule_context(
        scheduled_execution_time=tick, repository_def=repository(schedules=[schedule])
    ) as context:
        request = schedule.evaluate_tick(context).run_requests[0]
    assert (request.partition_key, request.run_key) == (as_of, f"nightly-{as_of}")


def test_the_sensor_starts_one_run_per_new_set_of_exports_once_it_settled(tmp_path):
    config = org_with_drop(tmp_path, "schedule:\n  settle_seconds: 0\n")
    sensor = new_export_sensor(orghealth_job, config)

    def tick(cursor: str | None):
        with dg.build_sensor_context(cursor=cursor, repository_def=repository(sensors=[sensor])) as context:
            return sensor.evaluate_tick(context)

    first = tick(None)
    assert [r.partition_key for r in first.run_requests] == ["2026-11-20"]  # the newest HRIS export's date
    again = tick(first.cursor)
    assert again.run_requests == [] and "no new export" in again.skip_message
    # A new drop: the next day's HRIS export and a new Jira page, two files, one run.
    drop = config.parent / "drop"
    shutil.copy(drop / "people-2026-11-20.csv", drop / "people-2026-11-21.csv")
    shutil.copy(config.parent / "jira" / "ops-page-001.json", config.parent / "jira" / "ops-page-003.json")
    second = tick(first.cursor)
    assert [r.partition_key for r in second.run_requests] == ["2026-11-21"]
    assert second.cursor != first.cursor and second.run_requests[0].run_key == second.cursor


def test_the_sensor_waits_while_a_drop_is_being_copied(tmp_path):
    config = org_with_drop(tmp_path, "schedule:\n  settle_seconds: 3600\n")
    os.utime(config.parent / "drop" / "people-2026-11-20.csv")  # just written: the copy may still be going on
    sensor = new_export_sensor(orghealth_job, config)
    repo = repository(sensors=[sensor])
    with dg.build_sensor_context(cursor=None, repository_def=repo) as context:
        result = sensor.evaluate_tick(context)
    assert result.run_requests == [] and "waiting for the drop to settle" in result.skip_message
    # An hour later (file times set back), the same files start a run.
    past = time.time() - 7200
    for path in (config.parent / "drop").iterdir():
        os.utime(path, (past, past))
    for path in (config.parent / "jira").iterdir():
        os.utime(path, (past, past))
    with dg.build_sensor_context(cursor=None, repository_def=repo) as context:
        assert [r.partition_key for r in sensor.evaluate_tick(context).run_requests] == ["2026-11-20"]
