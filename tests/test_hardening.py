"""What a hostile tester broke (issue 8), each pinned where the whole job has to run to show it."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.runner import RunFailed
from tests.conftest import AS_OF, SMALL_ORG, run_small_org

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


def strict_org(tmp_path: Path) -> Path:
    """The small org with a 1% rejected-share limit: its one bad HRIS row of 12 blocks publication."""
    org = tmp_path / "strict_org"
    shutil.copytree(SMALL_ORG, org)
    config = org / "orghealth.yaml"
    config.write_text(config.read_text().replace("max_rejected_share: 0.5", "max_rejected_share: 0.01"))
    return config


def test_a_failed_run_leaves_the_published_bytes_and_their_log_untouched(tmp_path):
    db = tmp_path / "orghealth.duckdb"
    wal = db.with_name(db.name + ".wal")
    run_small_org(db)
    leave_a_write_ahead_log(db)
    before = digest(db), digest(wal)
    with pytest.raises(RunFailed, match="quality gate stopped publication"):
        run_small_org(db, config=strict_org(tmp_path))
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
