"""The run log (orghealth/run_log.py): every run, on every road and whatever its outcome, in NAME-runlog.duckdb
and in the dashboard file's ops.run_log. Expected rows are worked out by hand from tests/fixtures/small_org."""

import shutil
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from typer.testing import CliRunner

from orghealth import dashboard_file, locking, run_log
from orghealth.alerts.messages import blocked_alert, run_failed_alert, trial_alert
from orghealth.config import AlertsConfig
from orghealth.quality.validate import Outcome
from orghealth.recording import record
from orghealth.run_log import RunRecord
from pipelines.cli import app
from pipelines.definitions import JOB_NAME, defs
from tests.conftest import AS_OF, SMALL_ORG
from tests.roads import published_tables

T0 = datetime(2026, 11, 21, 2, 0, 0)
T1 = datetime(2026, 11, 21, 2, 0, 9)


def entry(run_id: str | None, status: str = "published", **fields) -> RunRecord:
    return RunRecord(run_id=run_id, road=fields.pop("road", "cli"), as_of=fields.pop("as_of", AS_OF),
                     started_at=T0, ended_at=fields.pop("ended_at", T1), status=status, **fields)  # fmt: skip


def small_org(tmp_path: Path) -> Path:
    org = tmp_path / "org"
    shutil.copytree(SMALL_ORG, org)
    return org / "orghealth.yaml"


def log_rows(path: Path) -> list[tuple]:
    """(road, as_of, status, data_errors, findings, reason) of each run, oldest first."""
    return [(r.road, r.as_of.isoformat(), r.status, r.data_errors, r.findings, r.reason) for r in run_log.read(path)]


def dashboard_log_rows(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT road, as_of::VARCHAR, status, data_errors, findings, reason FROM ops.run_log ORDER BY ended_at"
        ).fetchall()


def other_tables(dashboard: Path) -> dict[str, list[tuple]]:
    return {t: rows for t, rows in published_tables(dashboard).items() if t != "ops.run_log"}


# --- what the reason column says ---


@pytest.mark.parametrize(
    ("tags", "road"),
    [
        ({"orghealth/road": "demo", "dagster/partition": "2026-11-20"}, "demo"),
        ({"dagster/schedule_name": "nightly"}, "schedule"),
        ({"dagster/sensor_name": "new_exports"}, "sensor"),
        ({"dagster/backfill": "abcdefgh"}, "backfill"),
        ({"dagster/partition": "2026-11-20"}, "dagster"),  # the UI's launchpad, `dagster job execute`
    ],
)
def test_the_road_comes_from_the_run_tags(tags, road):
    assert run_log.road(tags) == road


def test_a_blocked_reason_names_each_data_error_in_words():
    errors = [
        ("raw_jira_issues", "expect_column_values_to_be_between", "rejected_share", 2, None),
        ("raw_hris_ids", "expect_column_values_to_be_unique", "employee_id", 3, None),
        ("core_identity_match", "expect_column_values_to_be_between", "match_rate", None, "[0.875]"),
    ]
    assert run_log.blocked_reason(errors) == (
        "blocked: 3 data errors — core_identity_match: match_rate is out of range (observed 0.875); "
        "raw_hris_ids: employee_id is not unique (3 rows); raw_jira_issues: rejected_share is out of range (2 rows)"
    )
    # Five errors: three named (alphabetically), two counted.
    many = [(f"suite_{n}", "expect_row_count_not_to_drop", None, None, None) for n in "abcde"]
    assert run_log.blocked_reason(many) == (
        "blocked: 5 data errors — suite_a: the row count dropped; suite_b: the row count dropped; "
        "suite_c: the row count dropped; and 2 more"
    )


def test_a_reason_is_one_short_line_without_emails_or_folders():
    error = "cannot read /srv/exports/people.csv: owner ana@x.example\nTraceback ..."
    assert run_log.failed_reason("raw_hris_people", error) == (
        "failed in step raw_hris_people: cannot read people.csv: owner <email>"
    )
    long = run_log.refused_reason("x" * 400)
    assert len(long) == 300 and long.startswith("refused: xxx") and long.endswith("…")


def test_how_a_run_ended():
    failure = [("raw_hris_people", "boom")]
    error = [("raw_hris_ids", "expect_column_values_to_be_unique", "employee_id", 2, None)]
    assert run_log.ending(published=True, refused=None, failures=[], errors=[]) == ("published", None)
    # A run refused the database's lock also has the failed step that tried to take it: refused says more.
    assert run_log.ending(published=False, refused="busy", failures=failure, errors=[]) == ("refused", "refused: busy")
    assert run_log.ending(published=False, refused=None, failures=failure, errors=error) == (
        "failed", "failed in step raw_hris_people: boom")  # fmt: skip
    assert run_log.ending(published=False, refused=None, failures=[], errors=error) == (
        "blocked", "blocked: 1 data error — raw_hris_ids: employee_id is not unique (2 rows)")  # fmt: skip
    assert run_log.ending(published=False, refused=None, failures=[], errors=[]) is None


# --- the file ---


def test_the_log_appends_once_per_run_and_reads_newest_first(tmp_path):
    path = tmp_path / "org-runlog.duckdb"
    assert run_log.read(path) == []
    assert run_log.append(path, entry("r1"))
    assert not run_log.append(path, entry("r1", "failed", reason="again"))  # Dagster set the run up twice
    assert run_log.append(path, entry(None, "refused", reason="refused: x", ended_at=datetime(2026, 11, 22)))
    assert run_log.append(path, entry(None, "refused", reason="refused: y", ended_at=datetime(2026, 11, 23)))
    assert [(r.run_id, r.reason) for r in run_log.read(path)] == [("r1", None), (None, "refused: x"),
                                                                 (None, "refused: y")]  # fmt: skip
    assert [r.reason for r in run_log.read(path, newest_first=True, limit=2)] == ["refused: y", "refused: x"]
    with duckdb.connect(str(path), read_only=True) as con:
        comments = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() "
                                    "WHERE table_name = 'run_log'").fetchall())  # fmt: skip
    assert comments["status"].startswith("published, blocked")
    with pytest.raises(duckdb.ConstraintException), duckdb.connect(str(path)) as con:
        con.execute("INSERT INTO ops.run_log VALUES ('r9', 'cli', DATE '2026-11-20', now(), now(), 'ok', 0, 0, NULL)")


def test_a_write_waits_while_another_process_has_the_log_open(tmp_path):
    path = tmp_path / "org-runlog.duckdb"
    run_log.append(path, entry("r1"))
    holder = subprocess.Popen(  # another process keeps the file open for writing for a second
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("open", flush=True)
            time.sleep(1.0)
            con.close()
        """)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "open"
    started = time.monotonic()
    assert run_log.append(path, entry("r2"))
    waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert 0.3 < waited < run_log.RETRY_SECONDS, waited  # it waited for the holder, then wrote
    assert [r.run_id for r in run_log.read(path)] == ["r1", "r2"]


def test_a_refresh_replaces_the_run_log_table_alone(tmp_path):
    from tests.test_dashboard_file import config, make_source

    source = make_source(tmp_path / "published.duckdb")
    target, log = tmp_path / "published-dashboards.duckdb", tmp_path / "published-runlog.duckdb"
    run_log.append(log, entry("r1"))
    with dashboard_file.staged(source, target, config(), None, log=log) as counts:
        pass
    assert counts["ops.run_log"] == 1
    before = other_tables(target)
    assert record(entry("r2", "blocked", data_errors=1, reason="blocked: 1 data error — x"), log, target) == []
    assert dashboard_log_rows(target) == [
        ("cli", "2026-11-20", "published", 0, 0, None),
        ("cli", "2026-11-20", "blocked", 1, 0, "blocked: 1 data error — x"),
    ]
    assert other_tables(target) == before
    with duckdb.connect(str(target), read_only=True) as con:
        ((comment,),) = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'run_log'").fetchall()
    assert comment.startswith("One row per run of the job")


def test_without_a_dashboard_file_a_refresh_makes_one_holding_the_log(tmp_path):
    target, log = tmp_path / "org-dashboards.duckdb", tmp_path / "org-runlog.duckdb"
    assert record(entry(None, "refused", reason="refused: x"), log, target) == []
    assert list(published_tables(target)) == ["ops.run_log"]
    assert dashboard_log_rows(target) == [("cli", "2026-11-20", "refused", 0, 0, "refused: x")]


def test_a_log_that_cannot_be_written_is_a_warning(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    warnings = record(entry("r1"), blocker / "org-runlog.duckdb", tmp_path / "org-dashboards.duckdb")
    assert len(warnings) == 1 and warnings[0].startswith(f"run log {blocker}/org-runlog.duckdb not written")


# --- where people see it ---


def test_orghealth_runs_prints_the_log_newest_first(tmp_path):
    db = tmp_path / "org.duckdb"
    log = tmp_path / "org-runlog.duckdb"
    run_log.append(log, entry("r1", ended_at=datetime(2026, 11, 21, 2, 0, 9)))
    run_log.append(log, entry("r2", "blocked", road="schedule", as_of=date(2026, 11, 21), data_errors=2,
                              reason="blocked: 2 data errors", ended_at=datetime(2026, 11, 22, 2, 0, 9)))  # fmt: skip
    run_log.append(log, entry(None, "refused", as_of=date(2026, 11, 22), reason="refused: hris.csv: no id column",
                              ended_at=datetime(2026, 11, 23, 2, 0, 9)))  # fmt: skip
    result = CliRunner().invoke(app, ["runs", "--db", str(db), "--limit", "2"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[2][:6] == ["2026-11-23", "02:00:09", "cli", "2026-11-22", "refused", "0"]
    assert lines[3][:7] == ["2026-11-22", "02:00:09", "schedule", "2026-11-21", "blocked", "2", "0"]
    assert f"run log: {log} (newest 2 shown)" in result.stdout and "published" not in result.stdout
    empty = CliRunner().invoke(app, ["runs", "--db", str(tmp_path / "other.duckdb")])
    assert empty.exit_code == 0 and "no run recorded" in empty.stdout


def test_a_run_the_cli_refuses_is_logged_with_its_road(tmp_path):
    # The HRIS export's id column renamed: no header for employee_id, so the run cannot start (no Dagster run).
    config = small_org(tmp_path)
    hris = config.parent / "hris.csv"
    hris.write_text(hris.read_text(encoding="utf-8-sig").replace("Employee #", "Staff"), encoding="utf-8")
    db = tmp_path / "db" / "org.duckdb"
    run = CliRunner().invoke(app, ["run", "--config", str(config), "--db", str(db), "--as-of", "2026-11-21"])
    fill = CliRunner().invoke(app, ["backfill", "--config", str(config), "--db", str(db), "--start", "2026-11-01",
                                    "--end", "2026-11-02"])  # fmt: skip
    assert run.exit_code == fill.exit_code == 1
    assert len(run.stderr.strip().splitlines()) == 1  # the error alone: the log was written
    reason = "refused: hris.csv: required field employee_id not found; looked for headers"
    rows = log_rows(tmp_path / "db" / "org-runlog.duckdb")
    # as_of: --as-of for run, --end for backfill (the date it would have finished on).
    assert [(road, as_of, status, e, f) for road, as_of, status, e, f, _ in rows] == [
        ("cli", "2026-11-21", "refused", 0, 0), ("backfill", "2026-11-02", "refused", 0, 0)]  # fmt: skip
    assert all(r[5].startswith(reason) for r in rows)
    assert [r[2] for r in dashboard_log_rows(tmp_path / "db" / "org-dashboards.duckdb")] == ["refused", "refused"]
    assert not db.exists()


def test_every_alert_links_the_dashboard_when_one_is_configured():
    url = "https://superset.example.com/superset/dashboard/stl-org-health/"
    assert AlertsConfig(dashboard_url=url).dashboard_url == url and AlertsConfig().dashboard_url is None
    error = Outcome("raw_hris_ids", "raw.hris_people", "expect_column_values_to_be_unique", "employee_id", "error",
                    False, None, 2, None, "why")  # fmt: skip
    common = {"as_of": AS_OF, "run_id": "r1", "dagster_url": "http://dagster"}
    alerts = [
        blocked_alert([error], **common, dashboard_url=url),
        run_failed_alert("setup", "boom", **common, dashboard_url=url),
        trial_alert("http://dagster", url),
    ]
    for alert in alerts:
        assert ("Dashboard", url) in alert.links() and f"Dashboard: {url}" in alert.text()
    assert "Dashboard" not in run_failed_alert("setup", "boom", **common).text()


# --- every road, end to end ---


@pytest.mark.slow
def test_published_blocked_and_refused_cli_runs_are_logged_and_shown(tmp_path):
    """Starts the whole job twice through `orghealth run` (in process): the log is written by the job's own
    resource when a run publishes or is blocked, which nothing short of a real run exercises."""
    config = small_org(tmp_path)
    db = tmp_path / "db" / "org.duckdb"
    dashboards, log = db.with_name("org-dashboards.duckdb"), db.with_name("org-runlog.duckdb")

    def cli_run(as_of: str) -> int:
        return CliRunner().invoke(app, ["run", "--config", str(config), "--db", str(db), "--as-of", as_of]).exit_code

    # 1. Published. Five org-health findings (failed warning expectations) in the small org: a team outside the
    # pizza band (E8's, 1 engineer); leaders below the focus threshold (E3 at 2/3, E8 at 1/2); a stream with no
    # STL (migration); a departed STL (legacy: Gus left on 2026-09-30); streams whose STL is below focus
    # (checkout, infra).
    assert cli_run("2026-11-20") == 0
    published = [("cli", "2026-11-20", "published", 0, 5, None)]
    assert log_rows(log) == dashboard_log_rows(dashboards) == published
    published_bytes, shown = db.read_bytes(), other_tables(dashboards)

    # 2. Blocked: E4 again on a new line 14 of the export: employee_id is not unique (lines 5 and 14, 2 rows). The
    # gate stops the run at the raw layer, so no mart is built and no org-health finding is checked.
    hris = config.parent / "hris.csv"
    with hris.open("a", encoding="utf-8") as export:
        export.write("E4,Dev Again,dev2@x.example,E3,Software Engineer,Engineering,,Paris,Full-time,07/01/2019,,"
                     "Active\n")  # fmt: skip
    assert cli_run("2026-11-21") == 1
    blocked = ("cli", "2026-11-21", "blocked", 1, 0,
               "blocked: 1 data error — raw_hris_ids: employee_id is not unique (2 rows)")  # fmt: skip
    assert log_rows(log) == dashboard_log_rows(dashboards) == [*published, blocked]
    assert db.read_bytes() == published_bytes and other_tables(dashboards) == shown

    # 3. Refused: the export's id column renamed, so the run cannot start.
    hris.write_text(hris.read_text(encoding="utf-8-sig").replace("Employee #", "Staff"), encoding="utf-8")
    assert cli_run("2026-11-22") == 1
    rows = log_rows(log)
    assert rows[:2] == [*published, blocked] and rows[2][:5] == ("cli", "2026-11-22", "refused", 0, 0)
    assert rows[2][5].startswith("refused: hris.csv: required field employee_id not found")
    assert dashboard_log_rows(dashboards) == rows
    assert db.read_bytes() == published_bytes and other_tables(dashboards) == shown
    runs = CliRunner().invoke(app, ["runs", "--config", str(config), "--db", str(db)])
    rows_shown = [line.split() for line in runs.stdout.splitlines() if line.startswith("20")]  # not wrapped reasons
    assert [row[4] for row in rows_shown] == ["refused", "blocked", "published"]


@pytest.mark.slow
def test_dagster_roads_record_their_road_and_refusals(tmp_path):
    """Starts the job from Dagster (as the daemon does, tags and all) once to publish: only a real run records
    its road from Dagster's own tags. The two refused runs stop at setup and at the first step."""
    config = small_org(tmp_path)
    db = tmp_path / "org.duckdb"
    job = defs.resolve_job_def(JOB_NAME)

    def launch(tags: dict[str, str], config_path: Path = config) -> dg.ExecuteInProcessResult:
        resource = {"config_path": str(config_path), "database": str(db)}
        return job.execute_in_process(
            partition_key=AS_OF.isoformat(), tags=tags, instance=dg.DagsterInstance.ephemeral(),
            run_config={"resources": {"orghealth": {"config": resource}}}, raise_on_error=False,
        )  # fmt: skip

    # Refused at setup: the sensor's run reads an export whose id column is gone.
    broken = small_org(tmp_path / "broken")
    hris = broken.parent / "hris.csv"
    hris.write_text(hris.read_text(encoding="utf-8-sig").replace("Employee #", "Staff"), encoding="utf-8")
    sensed = launch({"dagster/sensor_name": "new_exports"}, broken)
    # Refused at the first step: another run holds the database's lock.
    locking.acquire(db, "another-run")
    filled = launch({"dagster/backfill": "bkfl"})
    locking.release(db, "another-run")
    nightly = launch({"dagster/schedule_name": "nightly"})
    assert (sensed.success, filled.success, nightly.success) == (False, False, True)

    found = run_log.read(db.with_name("org-runlog.duckdb"))
    assert [(r.run_id, r.road, r.status, r.findings) for r in found] == [
        (sensed.run_id, "sensor", "refused", 0), (filled.run_id, "backfill", "refused", 0),
        (nightly.run_id, "schedule", "published", 5),  # the five findings of the test above
    ]  # fmt: skip
    assert found[0].reason.startswith("refused: hris.csv: required field employee_id not found")
    assert found[1].reason.startswith("refused: org.duckdb is being written by run another-run")
    assert found[2].started_at < found[2].ended_at
    assert dashboard_log_rows(db.with_name("org-dashboards.duckdb"))[2][:3] == ("schedule", "2026-11-20", "published")
