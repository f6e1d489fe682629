"""The published DuckDB file and the working copies a run builds in.

A run never writes the published file while it builds. It starts from a private working copy of the
published file (`.NAME.runs/<run id>.duckdb` beside it), builds and checks everything there, and only its
last step moves that working copy over the published file with one atomic rename. A run that fails or
is killed leaves its working copy behind for inspection, and since every run seeds its own copy from the
published file, nothing a failed run wrote can reach a later publication.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orghealth.errors import OrgHealthError
from orghealth.sql_models import LAYERS, load_macros

KEEP_FAILED_COPIES = 3  # working copies of failed runs kept for inspection; older ones are removed
# DuckDB's buffer for a run's writes: past it, DuckDB spills to `<database>.tmp/` beside the file instead of
# growing (its default is 80% of the machine's memory). ORGHEALTH_DUCKDB_MEMORY_LIMIT sets another ("4GB").
DEFAULT_MEMORY_LIMIT = "1GB"
MEMORY_LIMIT_ENV = "ORGHEALTH_DUCKDB_MEMORY_LIMIT"


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def check_location(db_path: Path, *, must_exist: bool = False) -> None:
    """Say clearly what is wrong with where the database is to be, before anything starts.

    A folder, a parent that is a file, or a file that is not a DuckDB database (an empty file, another
    program's database, which DuckDB would otherwise try to open with an extension it downloads).
    """
    for parent in db_path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OrgHealthError(f"cannot use {db_path}: {parent} is a file, not a folder")
            break
    if not db_path.exists():
        if must_exist:
            raise OrgHealthError(f"no database at {db_path}: run `orghealth run` first, or pass --db")
        return
    if db_path.is_dir():
        raise OrgHealthError(f"cannot use {db_path}: it is a folder; give the path of a .duckdb file in it")
    if not db_path.is_file():
        raise OrgHealthError(f"cannot use {db_path}: it is not a regular file")
    try:
        with db_path.open("rb") as handle:
            head = handle.read(12)
    except OSError as exc:
        raise OrgHealthError(f"cannot read {db_path}: {exc.strerror}") from exc
    if head[8:12] != DUCKDB_MAGIC:
        what = "empty" if not head else "not a DuckDB database"
        raise OrgHealthError(f"{db_path} is {what}: orghealth publishes to a DuckDB file of its own; "
                             "give another path, or move that file away")  # fmt: skip


def runs_dir(db_path: Path) -> Path:
    """The folder beside the published file that holds the working copies of runs."""
    return db_path.with_name(f".{db_path.stem}.runs")


def working_copy(db_path: Path, run_id: str) -> Path:
    """The working database of one run."""
    return runs_dir(db_path) / f"{run_id}{db_path.suffix or '.duckdb'}"


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def discard(path: Path) -> None:
    """Remove a database file and its write-ahead log."""
    for file in (path, _wal(path)):
        file.unlink(missing_ok=True)


def seed_working_copy(db_path: Path, run_id: str) -> Path:
    """Start this run's working copy from the published file (or from nothing); return its path.

    Seeding twice for one run keeps the copy it has, so a step that sets up again does not lose the
    tables earlier steps built.
    """
    work = working_copy(db_path, run_id)
    if work.exists():
        return work
    check_location(db_path)
    try:
        work.parent.mkdir(parents=True, exist_ok=True)
        _prune_failed_copies(work.parent, keep=work)
        if db_path.exists():
            shutil.copyfile(db_path, work)
            # A write-ahead log left beside the published file (by a reader that wrote, or a crash) is part of
            # its content: copy it too, so the working copy replays it, and the published bytes stay untouched.
            if _wal(db_path).exists():
                shutil.copyfile(_wal(db_path), _wal(work))
    except OSError as exc:
        discard(work)
        raise OrgHealthError(f"cannot prepare a working copy of {db_path} in {work.parent}: {exc.strerror}") from exc
    _require_opens(work, db_path)
    return work


def _require_opens(work: Path, db_path: Path) -> None:
    """Open the fresh copy once, so a damaged published file is reported under its own name (not the copy's)
    before any step builds on it."""
    try:
        duckdb.connect(str(work)).close()
    except duckdb.Error as exc:
        discard(work)
        reason = str(exc).splitlines()[0].replace(str(work), str(db_path))
        raise OrgHealthError(
            f"{db_path} is a DuckDB file that cannot be opened ({reason}); this run changed nothing. "
            "Restore it from a backup, or move it away to start a new database"
        ) from exc


OUT_OF_SPACE = ("No space left on device", "Disk quota exceeded")  # how the OS words a full disk, as DuckDB relays it


def is_out_of_space(exc: BaseException) -> bool:
    """Whether DuckDB failed because the file system is full (DuckDB reports it as text, not as an errno)."""
    return any(what in str(exc) for what in OUT_OF_SPACE)


def is_unwritable(text: str) -> bool:
    """Whether an error (its text) says the file system refuses writes: full, over quota, or read-only."""
    return any(what in text for what in (*OUT_OF_SPACE, "Read-only file system"))


def _prune_failed_copies(folder: Path, keep: Path) -> None:
    copies = sorted(
        (p for p in folder.iterdir() if p.suffix != ".wal" and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in copies[KEEP_FAILED_COPIES:]:
        discard(old)


def writer_config() -> dict[str, str]:
    """How every read-write connection of a run opens DuckDB: within a memory limit, spilling beyond it."""
    return {"memory_limit": os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT}


def open_working(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a working database read-write, with the schemas present and the shared macros loaded."""
    con = duckdb.connect(str(path), config=writer_config())
    try:
        for schema in LAYERS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        load_macros(con)
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A working database opened for one block (see `open_working`), closed after it."""
    con = open_working(path)
    try:
        yield con
    finally:
        con.close()


def publish(work: Path, db_path: Path) -> None:
    """Move the working copy over the published file, whole and atomically (it sits beside it, on the same
    file system, so the move is one rename and the database is never copied twice)."""
    with duckdb.connect(str(work)) as con:
        con.execute("CHECKPOINT")  # fold the write-ahead log into the file before moving it
    # A log beside the published file belongs to the file being replaced; DuckDB would replay it on the new one.
    _wal(db_path).unlink(missing_ok=True)
    os.replace(work, db_path)
    _wal(work).unlink(missing_ok=True)


def query_read_only(db_path: Path, query: str, limit: int) -> tuple[list[str], list[tuple], int]:
    """Run one query on the database opened read-only; return its columns, its first `limit` rows, and the
    number of rows it has."""
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            result = con.sql(query)
            if result is None:
                raise OrgHealthError("the SQL returned no rows to show (orghealth sql runs queries only)")
            # Stream the count and fetch only the rows shown: a query over millions of rows stays small in memory.
            ((total,),) = result.aggregate("count(*)").fetchall()
            return list(result.columns), result.limit(limit).fetchall(), total
    except duckdb.Error as exc:
        raise OrgHealthError(f"{db_path}: {str(exc).splitlines()[0]}") from exc
