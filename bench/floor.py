"""The floor: DuckDB alone reads the same export files into tables, in one fresh process, on a file database.

    python bench/floor.py DB TABLES.json [MEMORY_LIMIT]

TABLES.json lists (table, "csv" or "json", files): ``[["hris_people", "csv", ["/.../hris_people.csv"]], ...]``.

Run as a script, not as ``-m bench.floor``, and it imports nothing but duckdb: the floor is what any
DuckDB-based loader must pay (interpreter, duckdb, parsing, writing), so nothing else may add to it.
Every reader auto-detects (delimiter, header, JSON structure), as a first native reader would; CSV columns are
read as text (`all_varchar`), as the pipeline's raw layer keeps them: typed detection from a sample fails on
the planted bad values of large orgs (an HRIS date that is not a date, past the sampled rows). A CSV file is
one table; the JSON pages of a folder are one table of one row per page (``read_json`` over the list
of files, which DuckDB reads in parallel), their issues parsed into nested structs but not unnested.
Prints one JSON line: the seconds spent reading (imports excluded) and the rows of each table.
MEMORY_LIMIT ("1GB") holds DuckDB to the same cap as the pipeline (`bench.run --floor-memory-limit`); without it,
DuckDB's default (80% of the machine's memory) applies, which is the floor the targets are stated against.
"""

import json
import sys
import time

import duckdb


def main() -> None:
    # The file list comes in a file: at 5M issues the JSON pages' paths exceed what one argument may hold (128 KiB).
    db = sys.argv[1]
    with open(sys.argv[2], encoding="utf-8") as spec:
        tables = json.load(spec)
    t0 = time.monotonic()
    rows = {}
    config = {"memory_limit": sys.argv[3]} if len(sys.argv) > 3 else {}
    with duckdb.connect(db, config=config) as con:
        for name, kind, files in tables:
            reader = "read_csv($files, all_varchar = true)" if kind == "csv" else "read_json($files)"
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {reader}', {"files": files})
            rows[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        con.execute("CHECKPOINT")  # the pipeline's tables are on disk when it ends: so are these
    print(json.dumps({"read_s": time.monotonic() - t0, "rows": rows}))


if __name__ == "__main__":
    main()
