"""Model: one Dagster asset per SQL file under sql/staging, sql/core and sql/marts, built by a single factory."""

import dagster as dg

from assets.ingest import SIDE_TABLES
from assets.resources import OrgHealthResource
from assets.tables import asset_key, partitions_of
from orghealth.sql_models import SqlModel, build, load_models


def sql_model_asset(m: SqlModel) -> dg.AssetsDefinition:
    """An asset that (re)builds the model's table and reports its row count for the run."""

    @dg.asset(
        key=asset_key(m.table),
        group_name=m.schema,
        deps=[asset_key(t) for t in m.upstream if t not in SIDE_TABLES],
        partitions_def=partitions_of(m.table),
        kinds={"duckdb", "sql"},
        description=m.description,
        metadata={
            "sql": dg.MetadataValue.path(str(m.path)),
            "grain": m.grain,
            "materialized": m.materialized,
            "dagster/table_name": m.table,
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(name, "?", description=text) for name, text in m.columns.items()]
            ),
        },
    )
    def _build(orghealth: OrgHealthResource) -> dg.MaterializeResult:
        settings = orghealth.settings
        with orghealth.connect() as con:
            rows = build(con, m, settings.model_params(con))
        return dg.MaterializeResult(metadata={"dagster/row_count": rows, "as_of": settings.as_of.isoformat()})

    return _build


model_assets = [sql_model_asset(m) for m in load_models() if m.materialized != "ddl"]
