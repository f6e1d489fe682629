"""The dashboard file: the only database Superset reads, holding what dashboards need and nothing more.

The published database keeps raw HRIS rows (names, emails, termination dates) for analysts with access to
it; Superset users must not reach those through SQL Lab. So each successful run also writes a second
DuckDB file built from the published tables by the queries in sql/dashboards/, under the `publish:` rules:

- no raw HR records: no emails, termination dates or per-person employment types; no per-person work rows
  (marts.shared_people becomes marts.shared_people_by_team, pooled over small teams; what changed between
  snapshots, marts.snapshot_changes, is counts, by the rules of sql/changes.sql that `orghealth diff` applies);
- HR-derived counts (contractors) hidden for groups under `publish.min_group_size`, with the next smallest
  groups hidden too until the hidden ones hold that many people, so no subtraction yields one group;
- with `publish.pseudonymise`, people outside `publish.named_roles` appear as a keyed hash of their
  employee id (HMAC-SHA256, key from the environment): stable across runs, so trends still join.

The file is written beside its final path and renamed into place, so a reader never sees half of it, and
an open Superset connection (read-only, per query) never blocks the nightly write.

It also carries the run log (`ops.run_log`, orghealth/run_log.py), so a dashboard can say which date it shows
and how the last run ended. A published run builds it into the file it publishes; a blocked, failed or refused
run replaces that one table in a copy of the file and renames the copy into place, the other tables untouched.
Whoever writes the table holds a lock file beside the dashboard file meanwhile (`filelock`) and reads the log
inside it, so of two runs ending together the later writer shows both.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
from filelock import FileLock, Timeout

from orghealth import run_log
from orghealth.config import OrgConfig
from orghealth.database import discard, writer_config
from orghealth.sql_models import SQL_DIR, SqlModel, apply_comments, execute, load_change_macros, model, parse_model

DASHBOARD_SQL = SQL_DIR / "dashboards"
PSEUDONYM_PREFIX = "p-"
RUN_LOG_TABLE = "ops.run_log"
RUN_LOG_ROWS = "run_log_rows"  # the temporary table sql/dashboards/ops/run_log.sql reads
LOCK_SECONDS = 60.0  # another run writing the table takes well under a second; past this, something is stuck


def dashboard_models() -> list[SqlModel]:
    """The tables of the dashboard file, one query each under sql/dashboards/<schema>/."""
    return [parse_model(path) for path in sorted(DASHBOARD_SQL.glob("*/*.sql"))]


def pseudonym(key: bytes, employee_id: str) -> str:
    """A person's stable stand-in: the first 12 hex digits of HMAC-SHA256(key, employee id)."""
    return PSEUDONYM_PREFIX + hmac.new(key, employee_id.encode("utf-8"), hashlib.sha256).hexdigest()[:12]


def _named(con: duckdb.DuckDBPyConnection, roles: list[str]) -> set[str]:
    """Employee ids of the people whose roles keep their names: leaders (anyone who manages a team or heads a
    leader_focus row) and STLs."""
    queries = {
        "leaders": "SELECT leader_id FROM src.marts.leader_focus UNION SELECT manager_id FROM src.core.teams",
        "stls": "SELECT stl_id FROM src.marts.stream_ownership",
    }
    return {i for role in roles for (i,) in con.execute(queries[role]).fetchall() if i is not None}


def _labels(con: duckdb.DuckDBPyConnection, config: OrgConfig, key: bytes | None) -> None:
    """Create the temporary label tables sql/dashboards/macros.sql reads: who is shown as what."""
    people = con.sql("SELECT employee_id, arg_max(name, as_of) AS name FROM src.core.people GROUP BY employee_id").pl()
    if key is None:
        labels = people.with_columns(person_id=pl.col("employee_id"), person_name=pl.col("name"))
    else:
        named = _named(con, config.publish.named_roles)
        token = pl.col("employee_id").map_elements(lambda i: pseudonym(key, i), return_dtype=pl.String)
        kept = pl.col("employee_id").is_in(list(named))
        labels = people.with_columns(
            person_id=pl.when(kept).then(pl.col("employee_id")).otherwise(token),
            person_name=pl.when(kept).then(pl.col("name")).otherwise(token),
        )
    con.register("labels_frame", labels)
    con.execute("CREATE TEMP TABLE people_labels AS SELECT * FROM labels_frame")
    con.unregister("labels_frame")
    # A team is named after its manager in manager mode (its id is theirs); HRIS team names are no one's.
    con.execute(
        """
        CREATE TEMP TABLE team_labels AS
        SELECT DISTINCT l.employee_id AS team_id, l.name AS manager_name,
               l.person_id AS team_id_shown, l.person_name AS manager_name_shown
        FROM people_labels AS l
        WHERE $team_source = 'manager' AND l.employee_id IN (SELECT team_id FROM src.core.teams)
        """,
        {"team_source": config.hris.team_source},
    )


def _with_inherited_comments(con: duckdb.DuckDBPyConnection, m: SqlModel) -> SqlModel:
    """The dashboard table's column comments: its own, else those of the published table of the same name."""
    try:
        inherited = model(m.table).columns
    except KeyError:
        inherited = {}
    present = [c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = $s AND table_name = $t "
        "AND database_name = current_database()", {"s": m.schema, "t": m.name}
    ).fetchall()]  # fmt: skip
    columns = {c: text for c in present if (text := m.columns.get(c) or inherited.get(c))}
    return SqlModel(m.schema, m.name, m.path, m.grain, m.materialized, m.description, columns, m.body)


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def _lock(target: Path) -> FileLock:
    return FileLock(target.with_name(f".{target.name}.lock"), timeout=LOCK_SECONDS)


@contextmanager
def staged(
    source: Path, target: Path, config: OrgConfig, key: bytes | None, *, log: Path | None = None
) -> Iterator[dict[str, int]]:
    """Build the dashboard file for `target` from the database `source`, beside `target`; yield each table's
    row count. It takes `target`'s place when the block succeeds (the block publishes `source`, so the two
    files change together) and is removed when the block fails. With `log`, its ops.run_log is filled from
    that run log once the block has ended (the block records the run there); else that table is empty.

    The log is read after the block, once the database is published: a log that cannot be read then leaves
    the table empty rather than the two files apart (RunLogUnavailable is raised after the rename)."""
    partial = _partial(target)
    discard(partial)
    unavailable = None
    try:
        counts = _build(source, partial, config, key)
        yield counts
        lock = _lock(target)
        try:
            lock.acquire()
        except Timeout as exc:  # the database is published already: its dashboard file must follow it
            held = f"{target} was held by another run for {LOCK_SECONDS:.0f} s (lock {exc.lock_file})"
            lock, unavailable = None, run_log.RunLogUnavailable(held)
        try:
            if log is not None and lock is not None:
                try:
                    counts[RUN_LOG_TABLE] = _write_run_log(partial, run_log.read(log))
                except run_log.RunLogUnavailable as exc:
                    unavailable = exc
            os.replace(partial, target)
        finally:
            if lock is not None:
                lock.release()
    finally:
        discard(partial)
    if unavailable is not None:
        raise unavailable


def refresh_run_log(target: Path, log: Path) -> int:
    """Replace ops.run_log of the dashboard file `target` by the run log `log`, nothing else: in a copy of the
    file, renamed into place. With no dashboard file yet, one holding that table alone. Returns its rows.
    RunLogUnavailable when the log cannot be read, OSError or duckdb.Error when the file cannot be written."""
    partial = _partial(target)
    try:
        with _lock(target):
            discard(partial)
            if target.exists():
                shutil.copyfile(target, partial)
            rows = _write_run_log(partial, run_log.read(log))
            os.replace(partial, target)
    except Timeout as exc:
        raise run_log.RunLogUnavailable(f"{target} is being written by another run (lock {exc.lock_file})") from exc
    finally:
        discard(partial)
    return rows


def _write_run_log(path: Path, records: list[run_log.RunRecord]) -> int:
    (m,) = [m for m in dashboard_models() if m.table == RUN_LOG_TABLE]
    with duckdb.connect(str(path), config=writer_config()) as con:
        run_log.load_rows(con, RUN_LOG_ROWS, records)
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {m.schema}")
        execute(con, f"CREATE OR REPLACE TABLE {m.table} AS\n{m.body}", {})
        apply_comments(con, m)
        con.execute("CHECKPOINT")
    return len(records)


def write_dashboard_file(source: Path, target: Path, config: OrgConfig, key: bytes | None) -> dict[str, int]:
    """Build the dashboard file `target` from the database `source` now; return each table's row count."""
    with staged(source, target, config, key) as counts:
        return counts


def _build(source: Path, path: Path, config: OrgConfig, key: bytes | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    with duckdb.connect(str(path), config=writer_config()) as con:
        con.execute(f"ATTACH '{str(source).replace(chr(39), chr(39) * 2)}' AS src (READ_ONLY)")
        _labels(con, config, key)
        run_log.load_rows(con, RUN_LOG_ROWS, [])  # filled once the run is recorded (staged's `log`)
        execute(con, (DASHBOARD_SQL / "macros.sql").read_text(encoding="utf-8"), {})
        # marts.snapshot_changes and marts.stl_changes compare snapshots as `orghealth diff` does
        load_change_macros(con)
        params = {
            **config.metrics.model_dump(),
            "min_group_size": config.publish.min_group_size,
            "pseudonymised": config.publish.pseudonymise,
        }
        for m in dashboard_models():
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {m.schema}")
            execute(con, f"CREATE TABLE {m.table} AS\n{m.body}", params)
            apply_comments(con, _with_inherited_comments(con, m))
            counts[m.table] = con.execute(f"SELECT count(*) FROM {m.table}").fetchone()[0]
        con.execute("DETACH src")
        con.execute("CHECKPOINT")
    return counts
