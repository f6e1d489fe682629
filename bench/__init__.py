"""`make bench`: the scale benchmark of issue 11 (python -m bench.run --help).

Nothing in the package imports this folder; it only starts the package's CLI in fresh processes and reads
what those runs leave behind (Dagster's event log, the DuckDB file).
"""
