"""Where the database lives can fail under the run: a read-only folder, a disk too full for the working copy,
for what the run writes, or for the Data Docs. Each gets exit status 1 (or a warning, for the docs) and one
paragraph naming the folder and the cause; the published bytes never change and no copy is left behind.

Root ignores file permissions, so these tests use what binds root too: a real file system mounted read-only
or too small (tmpfs), in a private mount namespace (`unshare -m`) that disappears with the test's shell.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SMALL_ORG

pytestmark = pytest.mark.slow

ORGHEALTH = Path(sys.executable).with_name("orghealth")
MB = 1 << 20


def can_mount() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)  # fmt: skip
    return probe.returncode == 0


requires_mount = pytest.mark.skipif(
    not can_mount(), reason="needs `unshare -m` and the right to mount (root with CAP_SYS_ADMIN, as in CI)"
)


def in_namespace(script: str) -> subprocess.CompletedProcess:
    """Run a shell script in a mount namespace of its own: its mounts vanish when it ends."""
    return subprocess.run(["unshare", "-m", "sh", "-euc", script], capture_output=True, text=True, timeout=300)


def orghealth_run(db: Path) -> str:
    return f"{ORGHEALTH} run --config {SMALL_ORG / 'orghealth.yaml'} --db {db}"


def one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("orghealth: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@requires_mount
def test_a_read_only_folder_is_refused_and_a_published_file_in_it_unchanged(tmp_path, small_org_db):
    folder, db = tmp_path / "published", tmp_path / "published" / "orghealth.duckdb"
    folder.mkdir()
    result = in_namespace(f"""
        mount -t tmpfs tmpfs {folder}
        cp {small_org_db} {db}
        mount -o remount,ro {folder}
        sha256sum {db} > {tmp_path}/before
        {orghealth_run(db)} || echo "exit $?"
        sha256sum {db} > {tmp_path}/after
        ls -A {folder} > {tmp_path}/listing
    """)
    assert result.stdout.strip() == "exit 1", result
    assert one_error(result.stderr) == (
        f"orghealth: cannot create the lock file {folder / '.orghealth.duckdb.lock'}: Read-only file system"
    )
    assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()
    assert (tmp_path / "listing").read_text().split() == ["orghealth.duckdb"]


@requires_mount
def test_a_disk_too_full_for_the_working_copy_leaves_nothing_behind(tmp_path, small_org_db):
    folder, db = tmp_path / "published", tmp_path / "published" / "orghealth.duckdb"
    folder.mkdir()
    size = small_org_db.stat().st_size + MB  # the published file fits; a second copy of it does not
    result = in_namespace(f"""
        mount -t tmpfs -o size={size} tmpfs {folder}
        cp {small_org_db} {db}
        sha256sum {db} > {tmp_path}/before
        {orghealth_run(db)} || echo "exit $?"
        sha256sum {db} > {tmp_path}/after
        ls -A {folder} {folder}/.orghealth.runs > {tmp_path}/listing
        {ORGHEALTH} runs --db {db} > {tmp_path}/runs
    """)
    assert result.stdout.strip() == "exit 1", result
    assert one_error(result.stderr) == (
        f"orghealth: cannot prepare a working copy of {db} in {folder / '.orghealth.runs'}: No space left on device"
    )
    assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()
    listing = (tmp_path / "listing").read_text().split()  # no lock left, and no partial copy in the runs folder
    # The run log (half a megabyte) still fits where the copy did not: the failure is recorded beside the database.
    assert listing == [f"{folder}:", ".orghealth-dashboards.duckdb.lock", ".orghealth.runs", "orghealth-runlog.duckdb",
                       "orghealth.duckdb", f"{folder}/.orghealth.runs:"]  # fmt: skip
    assert "failed in step" in (tmp_path / "runs").read_text()


@requires_mount
def test_a_disk_that_fills_during_the_run_stops_it_with_one_message(tmp_path):
    folder, db = tmp_path / "published", tmp_path / "published" / "orghealth.duckdb"
    folder.mkdir()
    result = in_namespace(f"""
        mount -t tmpfs -o size={2 * MB} tmpfs {folder}
        {orghealth_run(db)} || echo "exit $?"
        ls -A {folder} {folder}/.orghealth.runs > {tmp_path}/listing
        {ORGHEALTH} runs --db {db} > {tmp_path}/runs
    """)
    assert result.stdout.strip() == "exit 1", result
    message = one_error(result.stderr)
    assert message.startswith(f"orghealth: the disk holding {folder / '.orghealth.runs'} is full (")
    assert "No space left on device" in message
    assert message.endswith(f"{db} is unchanged; free some space and run again")
    # The copy that filled the disk is removed (it holds the space); no database was published. The space it
    # held takes the run log, and the dashboard file holding only that log: the failure is on the page.
    assert (tmp_path / "listing").read_text().split() == [
        f"{folder}:", ".orghealth-dashboards.duckdb.lock", ".orghealth.runs", "orghealth-dashboards.duckdb",
        "orghealth-runlog.duckdb", f"{folder}/.orghealth.runs:",
    ]  # fmt: skip
    assert "failed in step" in (tmp_path / "runs").read_text()


@requires_mount
def test_data_docs_that_cannot_be_written_are_a_warning_and_the_run_publishes(tmp_path):
    db, docs = tmp_path / "orghealth.duckdb", tmp_path / "orghealth-data-docs"
    docs.mkdir()
    result = in_namespace(f"""
        mount -t tmpfs -o ro tmpfs {docs}
        {orghealth_run(db)} || echo "exit $?"
    """)
    assert result.stdout.startswith(f"database: {db}\n") and "exit" not in result.stdout, result
    assert one_error(result.stderr) == (
        f"orghealth: warning: Data Docs not written: cannot write the Data Docs in {docs}: Read-only file system"
    )
    assert db.exists() and not (tmp_path / ".orghealth.duckdb.lock").exists()  # published, and the lock released
