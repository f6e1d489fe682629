"""One run at a time per database: a lock file beside the published file, recognised as stale when its run died.

The lock names who holds it (run id, process, host) and since when, so a refused run can say so. A lock left
by a process that no longer exists on this machine (killed, crashed) is stale and taken over; the process is
told apart from a new one that reuses its id by its start time.
"""

from __future__ import annotations

import json
import os
import socket
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from orghealth.errors import OrgHealthError


class DatabaseBusy(OrgHealthError):
    """Another run is writing the same database."""


@dataclass(frozen=True)
class LockHolder:
    run_id: str
    pid: int
    host: str
    process_start: str | None
    since: str

    def describe(self) -> str:
        return f"run {self.run_id} (process {self.pid} on {self.host}) since {self.since}"


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.lock")


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), to tell a reused process id apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(holder: LockHolder) -> bool:
    if holder.host != socket.gethostname():
        return True  # a process on another machine cannot be checked from here
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    start = _process_start(holder.pid)
    return holder.process_start is None or start is None or start == holder.process_start


def _read(path: Path) -> LockHolder | None:
    try:
        return LockHolder(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):
        # Half-written by a process killed while creating it: nobody holds it.
        return LockHolder(run_id="unknown", pid=-1, host=socket.gethostname(), process_start=None, since="?")


def acquire(db_path: Path, run_id: str) -> Path:
    """Take the database's lock for `run_id` (again, if it already holds it); raise DatabaseBusy if another
    live run holds it. Returns the lock file."""
    path = lock_path(db_path)
    mine = LockHolder(
        run_id=run_id,
        pid=os.getpid(),
        host=socket.gethostname(),
        process_start=_process_start(os.getpid()),
        since=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    for _ in range(3):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _read(path)
            if holder is None:
                continue  # released meanwhile: try again
            if holder.run_id == run_id:
                return path
            if _alive(holder) and holder.pid != -1:
                raise DatabaseBusy(
                    f"{db_path} is being written by {holder.describe()}; this run changed nothing. Wait for "
                    f"that run to finish, or, if it is gone, remove {path}"
                ) from None
            with suppress(FileNotFoundError):
                path.unlink()  # stale: its run died without releasing it
            continue
        except OSError as exc:
            raise OrgHealthError(f"cannot create the lock file {path}: {exc.strerror}") from exc
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(mine), handle)
        return path
    raise DatabaseBusy(f"{db_path}: could not take its lock {path}; another run keeps taking it")


def release(db_path: Path, run_id: str) -> None:
    """Give the lock back, if `run_id` holds it."""
    path = lock_path(db_path)
    holder = _read(path)
    if holder is not None and holder.run_id == run_id:
        with suppress(FileNotFoundError):
            path.unlink()
