"""SQL models: one `.sql` file per table under sql/<schema>/, its header documenting the table.

A file's header (the leading `--` lines) carries what DuckDB's COMMENTs and Dagster's asset descriptions
show:

    -- One row per person per as_of: typed and trimmed from raw.hris_people.   (the grain, first line)
    -- materialized: snapshot                                                   (table | snapshot | ddl)
    -- Any further free text is part of the description.
    -- column employee_id: HRIS employee id, trimmed.

`table` replaces the table each run; `snapshot` replaces only the rows of this run's as_of, so history
accumulates; `ddl` is a CREATE TABLE IF NOT EXISTS for a table that Python code fills (the raw layer).
Dependencies are read from the body: every `schema.table` it names in another layer file is upstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from orghealth.files import package_dir

SQL_DIR = package_dir("sql")
LAYERS = ("raw", "staging", "core", "marts", "quality")  # the schemas, in the order data flows through them
_TABLE_REF = re.compile(r"\b(" + "|".join(LAYERS) + r")\.([a-z_][a-z0-9_]*)\b")


@dataclass(frozen=True)
class SqlModel:
    schema: str
    name: str
    path: Path
    grain: str
    materialized: str
    description: str
    columns: dict[str, str]
    body: str
    upstream: tuple[str, ...] = field(default=())

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.name}"


def parse_model(path: Path) -> SqlModel:
    schema, name = path.parent.name, path.stem
    header: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and lines[0].startswith("--"):
        header.append(lines.pop(0)[2:].strip())
    body = "\n".join(lines).strip()
    if not header:
        raise ValueError(f"{path}: starts with no header comment stating the table's grain")
    grain, materialized, columns, text = header[0], "table", {}, []
    for line in header[1:]:
        if m := re.match(r"materialized:\s*(table|snapshot|ddl)\s*$", line):
            materialized = m[1]
        elif m := re.match(r"column\s+([a-z_][a-z0-9_]*):\s*(.+)$", line):
            columns[m[1]] = m[2]
        elif line:
            text.append(line)
    own = f"{schema}.{name}"
    upstream = sorted({f"{s}.{t}" for s, t in _TABLE_REF.findall(re.sub(r"--[^\n]*", "", body))} - {own})
    return SqlModel(schema, name, path, grain, materialized, " ".join([grain, *text]), columns, body,
                    tuple(upstream))  # fmt: skip


@cache
def load_models(sql_dir: Path = SQL_DIR) -> tuple[SqlModel, ...]:
    """Every model in sql/<layer>/, in layer order, then by name. Dagster orders the builds by lineage."""
    return tuple(parse_model(path) for layer in LAYERS for path in sorted((sql_dir / layer).glob("*.sql")))


def model(table: str) -> SqlModel:
    """The model that builds `schema.table`."""
    found = [m for m in load_models() if m.table == table]
    if not found:
        raise KeyError(f"no SQL model builds {table}")
    return found[0]


def quarantine_query(table: str) -> str:
    """The query under sql/quarantine/ that finds the rows of raw.<table> that cannot be typed."""
    return (SQL_DIR / "quarantine" / f"{table}.sql").read_text(encoding="utf-8")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _params_for(statement: duckdb.Statement, params: dict[str, Any]) -> dict[str, Any] | None:
    needed = statement.named_parameters
    missing = needed - params.keys()
    if missing:
        raise KeyError(f"SQL needs parameter(s) {sorted(missing)} that the run does not provide")
    return {k: params[k] for k in needed} if needed else None


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> None:
    """Run each statement of `sql`, passing it only the named parameters it uses."""
    for statement in duckdb.extract_statements(sql):
        con.execute(statement, _params_for(statement, params))


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pl.DataFrame:
    """The result of a single SELECT as a polars frame."""
    (statement,) = duckdb.extract_statements(sql)
    return con.sql(statement.query, params=_params_for(statement, params)).pl()


def apply_comments(con: duckdb.DuckDBPyConnection, m: SqlModel) -> None:
    con.execute(f"COMMENT ON TABLE {m.table} IS {_quote(m.description)}")
    for column, text in m.columns.items():
        con.execute(f"COMMENT ON COLUMN {m.table}.{column} IS {_quote(text)}")


def build(con: duckdb.DuckDBPyConnection, m: SqlModel, params: dict[str, Any]) -> int:
    """Create or refresh the model's table inside one transaction; return its row count for this run."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {m.schema}")
    con.begin()
    try:
        if m.materialized == "ddl":
            execute(con, m.body, params)
        elif m.materialized == "table":
            execute(con, f"CREATE OR REPLACE TABLE {m.table} AS\n{m.body}", params)
        else:
            _create_or_evolve(con, m, params)
            con.execute(f"DELETE FROM {m.table} WHERE as_of = $as_of", {"as_of": params["as_of"]})
            execute(con, f"INSERT INTO {m.table} BY NAME\n{m.body}", params)
        apply_comments(con, m)
        con.commit()
    except Exception:
        con.rollback()
        raise
    where = as_of_filter(con, m.table)
    # fetchall, not fetchone: duckdb 2 keeps a result open until a fetch comes back empty.
    ((rows,),) = con.execute(
        f"SELECT count(*) FROM {m.table}{where}", {"as_of": params["as_of"]} if where else None
    ).fetchall()
    return rows


def ensure_tables(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    """Create the `ddl` tables Python code fills (raw.*, quality.*) if missing, with their comments."""
    for table in tables:
        m = model(table)
        execute(con, m.body, {})
        _add_missing_columns(con, m)
        apply_comments(con, m)


def _add_missing_columns(con: duckdb.DuckDBPyConnection, m: SqlModel) -> None:
    """A table an earlier version created gains the columns its DDL has added since (NULL in the old rows)."""
    with duckdb.connect() as shape:  # the DDL's own shape, built in memory
        shape.execute(f"CREATE SCHEMA {m.schema}")
        execute(shape, m.body, {})
        wanted = _columns(shape, m.schema, m.name)
    present = {name for name, _ in _columns(con, m.schema, m.name)}
    for name, data_type in wanted:
        if name not in present:
            con.execute(f'ALTER TABLE {m.table} ADD COLUMN "{name}" {data_type}')


def has_as_of(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `schema.table` keeps one snapshot per as_of."""
    schema, name = table.split(".")
    return any(column == "as_of" for column, _ in _columns(con, schema, name))


def as_of_filter(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """` WHERE as_of = $as_of` for a table kept per as_of, else nothing: the rows of one run's date."""
    return " WHERE as_of = $as_of" if has_as_of(con, table) else ""


def _columns(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, *, temporary: bool = False
) -> list[tuple[str, str]]:
    """(name, type) of each column; `temporary` looks in the connection's temp catalog instead of the file."""
    return con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $s AND table_name = $t "
        "AND (table_catalog = 'temp') = $temporary ORDER BY ordinal_position",
        {"s": schema, "t": table, "temporary": temporary},
    ).fetchall()


def _create_or_evolve(con: duckdb.DuckDBPyConnection, m: SqlModel, params: dict[str, Any]) -> None:
    """Create a snapshot table, or bring an existing one to the model's current columns, keeping its history.

    When a model gains, loses or retypes a column, the earlier snapshots are copied into the new shape
    (a new column is NULL in them), so a database that has accumulated history survives an upgrade.
    """
    shape = f"{m.name}__shape"
    execute(con, f"CREATE OR REPLACE TEMP TABLE {shape} AS (\n{m.body}\n) WITH NO DATA", params)
    wanted = _columns(con, "main", shape, temporary=True)
    existing = _columns(con, m.schema, m.name)
    if not existing:
        con.execute(f"CREATE TABLE {m.table} AS SELECT * FROM {shape}")
    elif existing != wanted:
        kept = ", ".join(name for name, _ in existing if name in {n for n, _ in wanted})
        con.execute(f"CREATE TABLE {m.table}__evolved AS SELECT * FROM {shape}")
        con.execute(f"INSERT INTO {m.table}__evolved BY NAME SELECT {kept} FROM {m.table}")
        con.execute(f"DROP TABLE {m.table}")
        con.execute(f"ALTER TABLE {m.table}__evolved RENAME TO {m.name}")
    con.execute(f"DROP TABLE {shape}")


def load_macros(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    con.execute((sql_dir / "macros.sql").read_text(encoding="utf-8"))


def load_change_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The temporary table macros of sql/changes.sql (what changed between snapshots), into this connection."""
    con.execute((SQL_DIR / "changes.sql").read_text(encoding="utf-8"))
