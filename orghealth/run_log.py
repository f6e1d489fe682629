"""The run log: one row per run, on every road and whatever its outcome, where every reader can see it.

Only a published run changes the published database and the dashboard file's tables, so they alone cannot
say that last night's run was blocked: a dashboard would show the day before as if all were well. The log is
a small DuckDB file beside the published database (`NAME-runlog.duckdb`), appended to when a run ends:

- published: the run moved its working copy over the published database;
- blocked: the quality gate stopped it (data_errors blocking expectations failed);
- failed: a step raised (the reason names the step and its error);
- refused: the run could not start (an export without a required column, another run holding the database's
  lock, ...). A config that cannot be loaded names no database, so such a run is not recorded anywhere but in
  its own error.

Each write is one short transaction on its own connection. DuckDB lets one process at a time open a file for
writing, and a reader (`orghealth runs`) holds it for milliseconds: a write that finds the file held is
retried for a few seconds (tenacity) before it gives up with RunLogUnavailable. The dashboard file carries a
copy of the whole log as `ops.run_log` (orghealth/dashboard_file.py), so Superset reads it too.

Times are UTC, stored as TIMESTAMP (no time zone), like quality.expectation_results.checked_at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import astuple, dataclass, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import duckdb
from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential

from orghealth.errors import OrgHealthError
from orghealth.sql_models import SQL_DIR, apply_comments, parse_model

Status = Literal["published", "blocked", "failed", "refused"]
ROAD_TAG = "orghealth/road"  # the run tag the CLI sets: cli, demo or backfill
# Dagster's own tags on the runs it starts, in the order they are asked (a backfill's runs carry no schedule).
DAGSTER_ROAD_TAGS = (("dagster/backfill", "backfill"), ("dagster/schedule_name", "schedule"),
                     ("dagster/sensor_name", "sensor"))  # fmt: skip
DEFAULT_ROAD = "dagster"  # the UI's launchpad, "Materialize", `dagster job execute`
MAX_REASON = 300
MAX_LISTED_ERRORS = 3
RETRY_SECONDS = 10.0
EMAIL = re.compile(r"[^\s@'\"<>]+@[^\s@'\"<>]+")
FOLDERS = re.compile(r"(?<![\w.~])/(?:[^\s/:'\"]+/)+")  # /srv/exports/people.csv -> people.csv

COLUMNS_SQL = """
    run_id VARCHAR,
    road VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('published', 'blocked', 'failed', 'refused')),
    data_errors INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    reason VARCHAR
"""
DDL = f"CREATE SCHEMA IF NOT EXISTS ops; CREATE TABLE IF NOT EXISTS ops.run_log ({COLUMNS_SQL});"
DASHBOARD_MODEL = SQL_DIR / "dashboards" / "ops" / "run_log.sql"  # the dashboard file's copy, and the columns' words


class RunLogUnavailable(OrgHealthError):
    """The run log could not be written or read (held by another process for too long, or not writable)."""


def error_reason(exc: BaseException) -> str:
    """Why a file could not be written or read, in one line: the OS's words (`Read-only file system`), else the
    first line of the error."""
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]


@dataclass(frozen=True)
class RunRecord:
    """One run's row in the log. Times are UTC without a time zone."""

    run_id: str | None  # None for a run the CLI refused before Dagster gave it an id
    road: str
    as_of: date
    started_at: datetime
    ended_at: datetime
    status: Status
    data_errors: int = 0
    findings: int = 0
    reason: str | None = None  # None when published


COLUMNS = tuple(f.name for f in fields(RunRecord))


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def run_log_path(db_path: Path) -> Path:
    """The run log beside the published database: NAME-runlog.duckdb."""
    return db_path.with_name(f"{db_path.stem}-runlog{db_path.suffix or '.duckdb'}")


def road(tags: Mapping[str, str]) -> str:
    """Which road started a run, from its tags: the CLI's own tag, else Dagster's, else `dagster`."""
    if tags.get(ROAD_TAG):
        return tags[ROAD_TAG]
    return next((name for tag, name in DAGSTER_ROAD_TAGS if tags.get(tag)), DEFAULT_ROAD)


# --- what a leader reads in the reason column ---

PHRASES = {
    "expect_column_values_to_be_unique": "{column} is not unique",
    "expect_column_values_to_not_be_null": "{column} is blank",
    "expect_column_values_to_be_between": "{column} is out of range",
    "expect_column_values_to_be_in_set": "{column} has an unexpected value",
    "expect_column_values_to_not_be_in_set": "{column} has a value it must not have",
    "expect_column_pair_values_a_to_be_greater_than_b": "{column} in the wrong order",
    "expect_row_count_not_to_drop": "the row count dropped",
    "expect_table_row_count_to_be_between": "the row count is out of range",
}
NUMBER = re.compile(r"^[\[\]()\d.,\s%eE+-]{1,40}$")


def short(text: str) -> str:
    """One line of at most MAX_REASON characters, emails masked, files named without their folders (the
    dashboard's readers need the file, not the server's layout)."""
    line = " ".join(FOLDERS.sub("", EMAIL.sub("<email>", text)).split())
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1].rstrip() + "…"


def describe_error(suite: str, expectation: str, column: str | None, rows: int | None, observed: str | None) -> str:
    """`raw_hris_ids: employee_id is not unique (2 rows)`: a failed expectation in words, with its size."""
    phrase = PHRASES.get(expectation)
    if phrase is None or (column is None and "{column}" in phrase):
        what = expectation.removeprefix("expect_").replace("_", " ") + (f" ({column})" if column else "")
    else:
        what = phrase.format(column=column)
    if rows:
        what += f" ({rows} row{'s' if rows != 1 else ''})"
    elif observed is not None and NUMBER.match(observed):
        what += f" (observed {observed.strip('[]')})"
    return f"{suite}: {what}"


def blocked_reason(errors: Iterable[tuple[str, str, str | None, int | None, str | None]]) -> str:
    """`blocked: 2 data errors — a; b`, from (suite, expectation, column, unexpected rows, observed value) of
    each failed blocking expectation; the first few are named, the rest counted."""
    described = sorted({describe_error(*e) for e in errors})
    count = len(described)
    named = described[:MAX_LISTED_ERRORS]
    more = f"; and {count - len(named)} more" if count > len(named) else ""
    return short(f"blocked: {count} data error{'s' if count != 1 else ''} — " + "; ".join(named) + more)


def failed_reason(step: str, error: str) -> str:
    first = (error.strip().splitlines() or ["unknown error"])[0]
    return short(f"failed in step {step}: {first}")


def refused_reason(error: str) -> str:
    first = (error.strip().splitlines() or ["unknown error"])[0]
    return short(f"refused: {first}")


def ending(
    *, published: bool, refused: str | None, failures: list[tuple[str, str]],
    errors: list[tuple[str, str, str | None, int | None, str | None]],
) -> tuple[Status, str | None] | None:  # fmt: skip
    """How a run that started ended, and why in words: published; refused (`refused`: why it could not take
    the database); failed (`failures`: (step, error) of each step that raised, the gate's own left out);
    blocked (`errors`: the failed blocking expectations, as blocked_reason takes them). None when none of
    these holds: the run ended before publishing without an error (stopped, or a selection without the
    `published` asset), which the caller decides about."""
    if published:
        return "published", None
    if refused is not None:
        return "refused", refused_reason(refused)
    if failures:
        return "failed", failed_reason(*failures[0])
    if errors:
        return "blocked", blocked_reason(errors)
    return None


# --- the file ---


def _held(exc: BaseException) -> bool:
    """DuckDB's error when another process has the file open for writing (or this one is writing it)."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


_retry_while_held = retry(
    retry=retry_if_exception(_held),
    stop=stop_after_delay(RETRY_SECONDS),
    wait=wait_exponential(multiplier=0.02, max=0.5),
    reraise=True,
)


@_retry_while_held
def _append(path: Path, record: RunRecord) -> bool:
    with duckdb.connect(str(path)) as con:
        con.begin()
        for statement in duckdb.extract_statements(DDL):
            con.execute(statement)
        _comment(con)
        values = ", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))
        added = con.execute(
            f"INSERT INTO ops.run_log SELECT * FROM (VALUES ({values})) "
            "WHERE $1::VARCHAR IS NULL OR NOT EXISTS (SELECT 1 FROM ops.run_log WHERE run_id = $1::VARCHAR) "
            "RETURNING 1",
            list(astuple(record)),
        ).fetchall()
        con.commit()
    return bool(added)


def _comment(con: duckdb.DuckDBPyConnection) -> None:
    """The log file's table documents itself; its columns in the words of the dashboard file's copy."""
    description = ("One row per run of the job, on every road and whatever its outcome, appended when the run "
                   "ends (orghealth/run_log.py). The dashboard file carries a copy of it as ops.run_log.")  # fmt: skip
    apply_comments(con, replace(parse_model(DASHBOARD_MODEL), description=description))


def load_rows(con: duckdb.DuckDBPyConnection, table: str, records: Iterable[RunRecord]) -> None:
    """A temporary table `table` of the connection holding `records`, typed as the log is."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({COLUMNS_SQL})")
    rows = [list(astuple(r)) for r in records]
    if rows:
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(COLUMNS))})", rows)


def append(path: Path, record: RunRecord) -> bool:
    """Add `record` to the log at `path` (created if missing); False when its run is recorded already (Dagster
    may set a run's resources up more than once)."""
    created = not path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _append(path, record)
    except (OSError, duckdb.Error) as exc:
        if created:  # a file begun on a full or read-only disk would be a broken log for every later run
            for leftover in (path, path.with_name(path.name + ".wal")):
                with suppress(OSError):  # a read-only file system refuses even to say it is not there
                    leftover.unlink()
        raise RunLogUnavailable(f"run log {path} not written: {error_reason(exc)}") from exc


@_retry_while_held
def _read(path: Path, newest_first: bool, limit: int | None) -> list[RunRecord]:
    order = "DESC" if newest_first else "ASC"
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM ops.run_log ORDER BY ended_at {order}, started_at {order} "
            + ("LIMIT $limit" if limit is not None else ""),
            {"limit": limit} if limit is not None else None,
        ).fetchall()
    return [RunRecord(*row) for row in rows]


def read(path: Path, *, newest_first: bool = False, limit: int | None = None) -> list[RunRecord]:
    """The runs recorded at `path`, oldest first (or the newest `limit` first); none when there is no log yet."""
    if not path.exists():
        return []
    try:
        return _read(path, newest_first, limit)
    except duckdb.CatalogException:
        return []  # a file created but never written: no run recorded yet
    except (OSError, duckdb.Error) as exc:
        raise RunLogUnavailable(f"run log {path} cannot be read: {error_reason(exc)}") from exc
