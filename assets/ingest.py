"""Ingest: export files and the org config → the raw layer, with bad rows quarantined in raw.rejected_rows."""

from datetime import UTC, datetime

import dagster as dg
import duckdb
import polars as pl

from assets.partitions import as_of_partitions
from assets.resources import OrgHealthResource
from assets.tables import asset_key, partitions_of
from orghealth.errors import OrgHealthError
from orghealth.readers.extract import Extract
from orghealth.readers.hris import read_hris
from orghealth.readers.jira import load_jira
from orghealth.render import markdown_table
from orghealth.settings import RunSettings
from orghealth.sql_models import ensure_tables, model, quarantine_query, query_frame

# Written by the ingest assets as a side effect; lineage runs through the asset that wrote them.
SIDE_TABLES = frozenset({"raw.rejected_rows", "raw.hris_snapshots", "raw.ingest_files"})


def _replace_rows(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, *, stamp: dict | None = None, **key: object
) -> None:
    """Replace the rows of `table` that have the `key` values (all rows when no key) by `frame`, with the key
    and the `stamp` columns added to each row."""
    where = " AND ".join(f"{column} = ${column}" for column in key) or "true"
    con.execute(f"DELETE FROM {table} WHERE {where}", key or None)
    con.register("incoming", frame)
    added = key | (stamp or {})
    added_columns = "".join(f"${column} AS {column}, " for column in added)
    con.execute(f"INSERT INTO {table} BY NAME SELECT {added_columns}* FROM incoming", added or None)
    con.unregister("incoming")


def _bookkeeping_scope(settings: RunSettings, table: str) -> tuple[dict, dict]:
    """(rows replaced, columns stamped) for the rejects and file counts of raw.<table>: per as_of for the
    HRIS snapshot; for the Jira export, which every run replaces whole, all of them, stamped with the run's as_of."""
    if partitions_of(f"raw.{table}") is not None:
        return {"as_of": settings.as_of, "source_table": table}, {}
    return {"source_table": table}, {"as_of": settings.as_of}


def _quarantine(
    con: duckdb.DuckDBPyConnection, settings: RunSettings, table: str, extract: Extract, params: dict
) -> tuple[pl.DataFrame, dict[str, float]]:
    """Record the extract's structural rejects and the typed problems SQL finds; return them and each file's
    rejected share.

    HRIS rejects are kept per as_of, beside the snapshot they belong to. The Jira export is replaced whole
    by every run, so its rejects are too; they carry the as_of of the run that read them.
    """
    typed = query_frame(con, quarantine_query(table), params)
    typed = (
        typed.join(extract.column_names(), on=["source_file", "field"], how="left")
        .with_columns(pl.coalesce("column_name", "field").alias("column_name"))
        .select("source_file", "source_line", "column_name", "value", "reason", pl.col("record").cast(pl.String))
    )
    rejects = pl.concat([extract.rejects_frame(), typed]).sort("source_file", "source_line")
    key, stamp = _bookkeeping_scope(settings, table)
    _replace_rows(con, "raw.rejected_rows", rejects, stamp=stamp, **key)
    shares = _record_files(con, settings, table, extract, rejects)
    return rejects, shares


def _record_files(
    con: duckdb.DuckDBPyConnection, settings: RunSettings, table: str, extract: Extract, rejects: pl.DataFrame
) -> dict[str, float]:
    """Write each file's rejected share to raw.ingest_files, where the quality gate judges it."""
    rejected = dict(rejects.group_by("source_file").agg(pl.col("source_line").n_unique()).iter_rows())
    files = pl.DataFrame(
        [
            {
                "source_file": name,
                "rows_read": read,
                "lines_read": extract.lines_read.get(name),
                "rows_rejected": rejected.get(name, 0),
                "rejected_share": rejected.get(name, 0) / read if read else 0.0,
            }
            for name, read in extract.rows_read.items()
        ],
        schema={
            "source_file": pl.String,
            "rows_read": pl.Int64,
            "lines_read": pl.Int64,
            "rows_rejected": pl.Int64,
            "rejected_share": pl.Float64,
        },
    )
    key, stamp = _bookkeeping_scope(settings, table)
    _replace_rows(con, "raw.ingest_files", files, stamp=stamp, **key)
    return dict(files.select("source_file", "rejected_share").iter_rows())


def _fail_clearly(exc: OrgHealthError) -> dg.Failure:
    return dg.Failure(description=str(exc), allow_retries=False)


@dg.asset(
    key=["raw", "hris_people"],
    group_name="raw",
    partitions_def=as_of_partitions,
    kinds={"duckdb", "csv"},
    description=model("raw.hris_people").description,
)
def raw_hris_people(orghealth: OrgHealthResource) -> dg.MaterializeResult:
    settings = orghealth.settings
    try:
        extract = read_hris(settings.hris_path, settings.config.hris)
        with orghealth.connect() as con:
            ensure_tables(con, "raw.hris_people", "raw.hris_snapshots", "raw.rejected_rows", "raw.ingest_files")
            con.begin()
            _replace_rows(con, "raw.hris_people", extract.rows, as_of=settings.as_of)
            date_formats = extract.notes["date_formats"]
            params = {
                "as_of": settings.as_of,
                "date_formats": date_formats,
                "date_format_label": extract.notes["date_format_label"],
            }
            rejects, shares = _quarantine(con, settings, "hris_people", extract, params)
            export = settings.hris_export
            snapshot = {
                "export_date": export.dated if export else None,
                "export_age_days": export.age_days(settings.as_of) if export else None,
                "source_file": str(settings.hris_path),
                "loaded_at": datetime.now(UTC).replace(tzinfo=None),
                "encoding": extract.notes["encoding"],
                "delimiter": extract.notes["delimiter"],
                "date_formats": date_formats,
                "column_map": ", ".join(f"{f} <- {h!r}" for f, h in extract.headers.items()),
            }
            _replace_rows(con, "raw.hris_snapshots", pl.DataFrame([snapshot]), as_of=settings.as_of)
            con.commit()
    except OrgHealthError as exc:
        raise _fail_clearly(exc) from exc
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": extract.rows.height - rejects["source_line"].n_unique(),
            "as_of": settings.as_of.isoformat(),
            "file": str(settings.hris_path),
            "export_date": str(export.dated) if export else "a single file, not a folder of dated exports",
            "export_age_days": export.age_days(settings.as_of) if export else 0,
            "encoding": extract.notes["encoding"],
            "date_formats": ", ".join(extract.notes["date_formats"]),
            "rejected_rows": rejects.height,
            "rejected_share": max(shares.values(), default=0.0),
            "rejected_examples": dg.MetadataValue.md(_rejects_table(rejects.head(10))),
        }
    )


def _raw_spec(table: str, source_kind: str) -> dg.AssetSpec:
    """A raw table written by one of the multi-assets below, described by its SQL file's header."""
    return dg.AssetSpec(
        asset_key(table), group_name="raw", kinds={"duckdb", source_kind}, description=model(table).description
    )


@dg.multi_asset(specs=[_raw_spec("raw.jira_issues", "jira"), _raw_spec("raw.jira_issue_links", "jira")])
def raw_jira(orghealth: OrgHealthResource):
    settings = orghealth.settings
    try:
        with orghealth.connect() as con:
            ensure_tables(con, "raw.jira_issues", "raw.jira_issue_links", "raw.rejected_rows", "raw.ingest_files")
            con.execute("DELETE FROM raw.jira_issues")  # every run replaces the Jira tables whole
            con.execute("DELETE FROM raw.jira_issue_links")
            # Outside a transaction: a file DuckDB's reader refuses is handed to the Python reader, and a refused
            # statement would abort an open transaction. A step that fails leaves only the run's working copy,
            # which is never published.
            extract = load_jira(con, settings.jira_paths, settings.config.jira,
                                issues_table="raw.jira_issues", links_table="raw.jira_issue_links")  # fmt: skip
            con.begin()
            rejects, shares = _quarantine(con, settings, "jira_issues", extract, {"as_of": settings.as_of})
            con.commit()
    except OrgHealthError as exc:
        raise _fail_clearly(exc) from exc
    yield dg.MaterializeResult(
        asset_key=["raw", "jira_issues"],
        metadata={
            "dagster/row_count": extract.row_count,
            "files": dg.MetadataValue.json(extract.rows_read),
            "readers": dg.MetadataValue.json(extract.notes["readers"]),
            "rejected_rows": rejects.height,
            "rejected_share": max(shares.values(), default=0.0),
            "rejected_examples": dg.MetadataValue.md(_rejects_table(rejects.head(10))),
        },
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "jira_issue_links"], metadata={"dagster/row_count": extract.notes["links"]}
    )


@dg.multi_asset(specs=[_raw_spec("raw.config_work_streams", "yaml"), _raw_spec("raw.config_identity_aliases", "yaml")])
def raw_org_config(orghealth: OrgHealthResource):
    settings = orghealth.settings
    streams = pl.DataFrame(
        [
            {
                "position": position,
                "stream_id": s.id,
                "name": s.name,
                "kind": s.kind,
                "stl": s.stl,
                "match_projects": s.match.projects,
                "match_epics": s.match.epics,
                "match_labels": s.match.labels,
                "match_components": s.match.components,
            }
            for position, s in enumerate(settings.config.work_streams, start=1)
        ],
        schema={"position": pl.Int32, "stream_id": pl.String, "name": pl.String, "kind": pl.String, "stl": pl.String}
        | {f"match_{k}": pl.List(pl.String) for k in ("projects", "epics", "labels", "components")},
    )
    aliases = pl.DataFrame(
        [{"jira_identity": k, "employee_id": v} for k, v in settings.config.identity.aliases.items()],
        schema={"jira_identity": pl.String, "employee_id": pl.String},
    )
    with orghealth.connect() as con:
        ensure_tables(con, "raw.config_work_streams", "raw.config_identity_aliases")
        con.begin()
        _replace_rows(con, "raw.config_work_streams", streams)
        _replace_rows(con, "raw.config_identity_aliases", aliases)
        con.commit()
    yield dg.MaterializeResult(asset_key=["raw", "config_work_streams"], metadata={"dagster/row_count": streams.height})
    yield dg.MaterializeResult(
        asset_key=["raw", "config_identity_aliases"], metadata={"dagster/row_count": aliases.height}
    )


def _rejects_table(frame: pl.DataFrame) -> str:
    shown = frame.select("source_file", "source_line", "column_name", "value", "reason")
    return markdown_table(shown.columns, shown.iter_rows())
