"""The three bad sequences of issue 7: each published the wrong thing when seeding the working copy was the
CLI's job instead of the job's own. Each road here must start from the published file and nothing else."""

import shutil

import duckdb
import pytest

from pipelines.runner import RunFailed
from tests.conftest import AS_OF, run_small_org
from tests.roads import (
    LATER,
    blocked_config,
    dagster_job_execute,
    materialize_partition,
    published_tables,
    snapshot_dates,
)

pytestmark = pytest.mark.slow


def test_a_dagster_run_starts_from_the_published_file_so_earlier_snapshots_stay(tmp_path):
    # (a) A published file holding 2026-11-20, alone in its folder (restored from a backup, or copied to the
    # server that runs Dagster); a run of 2026-11-24 through Dagster must add to it, not replace it.
    built = tmp_path / "built" / "orghealth.duckdb"
    built.parent.mkdir()
    run_small_org(built, as_of=AS_OF)
    db = tmp_path / "server" / "orghealth.duckdb"
    db.parent.mkdir()
    shutil.copyfile(built, db)
    dagster_job_execute(db.parent, str(db), as_of=LATER)
    for table in ("raw.hris_people", "core.people", "marts.team_size", "marts.org_health"):
        assert snapshot_dates(db, table) == ["2026-11-20", "2026-11-24"], table


def test_a_blocked_run_leaves_nothing_that_a_later_dagster_run_publishes(tmp_path):
    # (b) 2026-11-20 is published; a CLI run of 2026-11-24 is blocked by the gate; then a Dagster run of
    # 2026-11-20 publishes. Nothing of the blocked run may be in the published file.
    db = tmp_path / "orghealth.duckdb"
    run_small_org(db, as_of=AS_OF)
    with pytest.raises(RunFailed, match="quality gate stopped publication") as blocked:
        run_small_org(db, as_of=LATER, config=blocked_config(tmp_path))
    assert blocked.value.work_path.exists()  # kept for inspection
    assert materialize_partition(db, as_of=AS_OF).success

    assert snapshot_dates(db, "raw.hris_people") == ["2026-11-20"]
    assert snapshot_dates(db, "quality.expectation_results") == ["2026-11-20"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw.rejected_rows WHERE as_of = $d", {"d": LATER}).fetchall() == [(0,)]
        assert con.execute(
            "SELECT count(*) FROM quality.expectation_results WHERE severity = 'error' AND NOT success"
        ).fetchall() == [(0,)]
    finally:
        con.close()


def test_a_table_left_in_a_working_copy_never_reaches_the_published_file(tmp_path):
    # (c) Anything left beside the published file by an earlier run (a crashed run's copy, or the working
    # file of earlier versions) must not be published by the next run, whichever road it takes.
    db = tmp_path / "orghealth.duckdb"
    run_small_org(db, as_of=AS_OF)
    leftovers = [tmp_path / ".orghealth.work.duckdb", tmp_path / ".orghealth.runs" / "crashed-run.duckdb"]
    for leftover in leftovers:
        shutil.copyfile(db, leftover)
        with duckdb.connect(str(leftover)) as con:
            con.execute("CREATE TABLE marts.left_behind AS SELECT 1 AS x")
            con.execute("DELETE FROM core.people")
    assert materialize_partition(db, as_of=LATER).success  # the roads share the seeding: test (a) runs another
    tables = published_tables(db)
    assert "marts.left_behind" not in tables
    assert snapshot_dates(db, "core.people") == ["2026-11-20", "2026-11-24"]
