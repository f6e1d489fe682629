"""What a hostile tester broke (issue 8), each pinned where the whole job has to run to show it."""

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orghealth import run_log
from orghealth.database import open_working, writer_config
from pipelines.cli import app
from pipelines.runner import RunFailed
from tests.conftest import AS_OF, SMALL_ORG, run_small_org
from tests.roads import LATER, ROOT, blocked_config, clean_env

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leave_a_write_ahead_log(db: Path) -> None:
    """An analyst's session that wrote to the published file and died before DuckDB folded its log in."""
    script = (
        "import duckdb, os, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute('PRAGMA disable_checkpoint_on_shutdown')\n"
        "con.execute(\"SET wal_autocheckpoint = '1TB'\")\n"
        "con.execute('CREATE TABLE main.analyst_notes AS SELECT 42 AS answer')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db)], check=True, timeout=60)
    assert db.with_name(db.name + ".wal").exists()


def test_a_failed_run_leaves_the_published_bytes_and_their_log_untouched(tmp_path):
    db = tmp_path / "orghealth.duckdb"
    wal = db.with_name(db.name + ".wal")
    run_small_org(db)
    leave_a_write_ahead_log(db)
    before = digest(db), digest(wal)
    with pytest.raises(RunFailed, match="quality gate stopped publication"):
        run_small_org(db, config=blocked_config(tmp_path))
    assert (digest(db), digest(wal)) == before
    # What the log holds is part of the published content: the next good run starts from it and keeps it.
    run_small_org(db)
    assert not wal.exists()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT answer FROM main.analyst_notes").fetchall() == [(42,)]
        assert con.execute("SELECT DISTINCT as_of FROM core.people").fetchall() == [(AS_OF,)]
    finally:
        con.close()


class Worker:
    """A process of tests/run_worker.py: warm, it runs the job whenever asked."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.run_worker"], cwd=ROOT, env=clean_env(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.pid = json.loads(self.process.stdout.readline())["pid"]

    def start(self, db: Path, as_of: date) -> None:
        self.process.stdin.write(json.dumps({"db": str(db), "as_of": as_of.isoformat()}) + "\n")
        self.process.stdin.flush()

    def answer(self) -> dict:
        line = self.process.stdout.readline()
        assert line, f"worker {self.pid} died"
        return json.loads(line)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def wait_for(path: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def published_dates(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [d for (d,) in con.execute("SELECT DISTINCT as_of::VARCHAR FROM core.people ORDER BY 1").fetchall()]
    finally:
        con.close()


ROUNDS = 4


def test_two_runs_on_one_database_one_publishes_and_the_other_refuses(tmp_path):
    """Two warm processes race ROUNDS times on one database, taking turns to go first. The second starts
    while the first holds the lock: it refuses at once, naming the holder, and leaves nothing; the published
    file holds exactly the winners' snapshots (each round's winner writes a date of its own, each loser
    another), never anything of a loser."""
    db = tmp_path / "orghealth.duckdb"
    lock = tmp_path / ".orghealth.duckdb.lock"
    workers = [Worker(), Worker()]
    won: list[str] = []
    try:
        for round_ in range(ROUNDS):
            first, second = workers[round_ % 2], workers[1 - round_ % 2]
            winner_date, loser_date = date(2026, 11, 1 + round_), date(2026, 10, 1 + round_)
            first.start(db, winner_date)
            wait_for(lock)
            second.start(db, loser_date)
            refused, published = second.answer(), first.answer()
            assert published == {"published": True, "pid": first.pid}, published
            message = refused["error"]
            assert not refused["published"] and message.startswith(f"{db} is being written by run "), refused
            assert f"(process {first.pid} on " in message and "this run changed nothing" in message
            won.append(winner_date.isoformat())
            assert published_dates(db) == won  # exactly the winners' results
            assert not lock.exists()  # released by the run that held it
    finally:
        for worker in workers:
            worker.stop()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".orghealth-dashboards.duckdb.lock",  # taken in turn by the runs recording themselves in ops.run_log
        ".orghealth.runs",
        "orghealth-dashboards.duckdb",
        "orghealth-data-docs",
        "orghealth-runlog.duckdb",
        "orghealth.duckdb",
    ]
    assert list((tmp_path / ".orghealth.runs").iterdir()) == []  # the refused runs made no working copy
    # Each round: the winner published its date, the loser was refused for the loser's date.
    logged = sorted((r.as_of.isoformat(), r.status) for r in run_log.read(tmp_path / "orghealth-runlog.duckdb"))
    assert logged == sorted([(d, "published") for d in won] + [(date(2026, 10, 1 + n).isoformat(), "refused")
                                                               for n in range(ROUNDS)])  # fmt: skip


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path):
    db = tmp_path / "orghealth.duckdb"
    run_small_org(db)
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.kill()
    killed.wait()
    lock = tmp_path / ".orghealth.duckdb.lock"
    lock.write_text(
        json.dumps({"run_id": "killed-run", "pid": killed.pid, "host": socket.gethostname(),
                    "process_start": None, "since": "2026-11-26T01:00:00+00:00"}),
        encoding="utf-8",
    )  # fmt: skip
    run_small_org(db, as_of=LATER)
    assert not lock.exists()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT DISTINCT as_of FROM core.people ORDER BY 1").fetchall() == [(AS_OF,), (LATER,)]
    finally:
        con.close()


def test_an_unbalanced_quote_in_the_hris_is_a_rejected_row_and_the_lines_are_counted(tmp_path):
    org = tmp_path / "org"
    shutil.copytree(SMALL_ORG, org)
    hris = org / "hris.csv"
    lines = hris.read_text(encoding="utf-8-sig").splitlines()
    assert lines[11].startswith("E11,") and lines[11].endswith(",Active")  # line 12 of the file
    lines[11] = lines[11].removesuffix("Active") + '"Active'  # the quote is never closed: E12 is swallowed
    hris.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "orghealth.duckdb"
    result = CliRunner().invoke(app, ["run", "--config", str(org / "orghealth.yaml"), "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    # 11 records on 12 lines: E1-E10, then E11 holding E12's line. One rejected row names both lines.
    row = next(line.split() for line in result.stdout.splitlines() if line.startswith("hris.csv "))
    assert row == ["hris.csv", "11", "12", "1"]
    assert "hris.csv: 1 (first, line 12: the row runs from line 12 to line 13" in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM core.people").fetchall() == [(10,)]
        ((record,),) = con.execute(
            "SELECT record FROM raw.rejected_rows WHERE source_table = 'hris_people' AND source_line = 12"
        ).fetchall()
        assert "E12" in json.loads(record)["Status"]  # the swallowed person is kept, in the rejected row
    finally:
        con.close()


def test_duckdb_keeps_within_the_memory_limit_the_environment_sets(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGHEALTH_DUCKDB_MEMORY_LIMIT", "300MB")
    con = open_working(tmp_path / "work.duckdb")
    try:
        # DuckDB reports the limit in its own units: 300 MB is 286.1 MiB.
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"
    finally:
        con.close()
    monkeypatch.delenv("ORGHEALTH_DUCKDB_MEMORY_LIMIT")
    assert writer_config() == {"memory_limit": "1GB"}


def test_a_run_that_needs_more_memory_than_duckdbs_limit_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGHEALTH_DUCKDB_MEMORY_LIMIT", "1MB")  # too little to load even the small org's HRIS
    db = tmp_path / "orghealth.duckdb"
    with pytest.raises(RunFailed) as failure:
        run_small_org(db)
    message = str(failure.value)
    assert message.startswith("DuckDB needed more memory than its limit of 1MB (Out of Memory Error")
    assert f"set ORGHEALTH_DUCKDB_MEMORY_LIMIT higher (e.g. 4GB) and run again. {db} is unchanged" in message
    assert not db.exists()
