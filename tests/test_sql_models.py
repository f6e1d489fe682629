"""The SQL model runner: headers become documentation, snapshots accumulate, and survive a change of columns."""

from datetime import date

import duckdb

from orghealth.sql_models import build, ensure_tables, parse_model

V1 = """-- One row per thing per as_of: a test model.
-- materialized: snapshot
-- A second line of description.
-- column as_of: The date.
-- column thing: The thing.
SELECT $as_of::DATE AS as_of, 'x' AS thing FROM core.people -- core.ignored_in_comments
"""
V2 = V1.replace("-- column thing: The thing.", "-- column thing: The thing.\n-- column size: How big.").replace(
    "'x' AS thing", "'y' AS thing, $size::INTEGER AS size"
)


def write(tmp_path, text):
    path = tmp_path / "marts" / "things.sql"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return parse_model(path)


def test_header_gives_grain_description_columns_and_upstream(tmp_path):
    m = write(tmp_path, V1)
    assert m.table == "marts.things"
    assert m.grain == "One row per thing per as_of: a test model."
    assert m.description == "One row per thing per as_of: a test model. A second line of description."
    assert m.materialized == "snapshot"
    assert m.columns == {"as_of": "The date.", "thing": "The thing."}
    assert m.upstream == ("core.people",)  # a table named only in a comment is not a dependency


def test_snapshots_accumulate_and_survive_a_new_column(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core; CREATE SCHEMA marts; CREATE TABLE core.people AS SELECT 1 AS id")
    d1, d2 = date(2026, 1, 1), date(2026, 2, 1)
    assert build(con, write(tmp_path, V1), {"as_of": d1}) == 1
    assert build(con, write(tmp_path, V1), {"as_of": d1}) == 1  # a re-run replaces its own rows
    # The model gains a column: the earlier snapshot is kept, with NULL in it.
    assert build(con, write(tmp_path, V2), {"as_of": d2, "size": 3}) == 1
    assert con.execute("SELECT as_of, thing, size FROM marts.things ORDER BY as_of").fetchall() == [
        (d1, "x", None),
        (d2, "y", 3),
    ]
    assert con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'things' ORDER BY column_index"
    ).fetchall() == [("as_of", "The date."), ("thing", "The thing."), ("size", "How big.")]


def test_a_ddl_table_of_an_earlier_version_gains_the_columns_added_since():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    con.execute(  # raw.ingest_files as orghealth 0.1 created it, before lines_read
        "CREATE TABLE raw.ingest_files (as_of DATE NOT NULL, source_table VARCHAR NOT NULL, source_file VARCHAR "
        "NOT NULL, rows_read BIGINT NOT NULL, rows_rejected BIGINT NOT NULL, rejected_share DOUBLE NOT NULL)"
    )
    con.execute("INSERT INTO raw.ingest_files VALUES (DATE '2026-11-01', 'hris_people', 'a.csv', 10, 1, 0.1)")
    ensure_tables(con, "raw.ingest_files")
    ensure_tables(con, "raw.ingest_files")  # twice: nothing more to add
    assert con.execute("SELECT source_file, rows_read, lines_read FROM raw.ingest_files").fetchall() == [
        ("a.csv", 10, None)
    ]
    assert (
        con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'ingest_files' AND column_name = 'lines_read'"
        )
        .fetchall()[0][0]
        .startswith("Physical lines after the header")
    )
