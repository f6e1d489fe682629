"""`orghealth backfill`: a range of dates, one snapshot each, as the nightly run would have built them."""

from datetime import date, timedelta

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import SMALL_ORG

pytestmark = pytest.mark.slow

CONFIG = str(SMALL_ORG / "orghealth.yaml")


def backfill(db, *args: str):
    return CliRunner().invoke(app, ["backfill", "--config", CONFIG, "--db", str(db), *args])


def snapshots(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT as_of::VARCHAR, count(*), (SELECT count(*) FROM marts.org_health o WHERE o.as_of = p.as_of) "
            "FROM core.people p GROUP BY as_of ORDER BY as_of"
        ).fetchall()
    finally:
        con.close()


def test_two_weeks_give_one_snapshot_per_date_and_a_rerun_replaces(tmp_path):
    db = tmp_path / "orghealth.duckdb"
    result = backfill(db, "--start", "2026-11-07", "--end", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    days = [(date(2026, 11, 7) + timedelta(days=i)).isoformat() for i in range(14)]
    assert result.stderr.splitlines() == [f"backfill {d} ({i} of 14): published" for i, d in enumerate(days, 1)]
    assert result.stdout == f"backfill: 14 of 14 dates published to {db}\n"
    # The small org has 11 people in its HRIS (one row of 12 is rejected) on every date; one org_health row each.
    assert snapshots(db) == [(d, 11, 1) for d in days]

    again = backfill(db, "--start", "2026-11-10", "--end", "2026-11-20", "--every", "week")  # the 10th and 17th
    assert again.exit_code == 0 and again.stdout == f"backfill: 2 of 2 dates published to {db}\n"
    assert snapshots(db) == [(d, 11, 1) for d in days]  # replaced, not duplicated


def test_a_date_that_fails_is_reported_and_the_others_are_kept(tmp_path):
    db = tmp_path / "orghealth.duckdb"
    result = backfill(db, "--start", "2019-12-31", "--end", "2020-01-01")  # the first is before the partitions
    assert result.exit_code == 1
    assert "backfill 2019-12-31 (1 of 2): failed: as_of 2019-12-31 is not a date orghealth keeps" in result.stderr
    assert "backfill 2020-01-01 (2 of 2): published" in result.stderr
    assert result.stdout == f"backfill: 1 of 2 dates published to {db}; failed: 2019-12-31\n"
    assert backfill(db, "--start", "2026-11-20", "--end", "2026-11-19").stderr.strip() == (
        "orghealth: --start 2026-11-20 is after --end 2026-11-19"
    )
