"""Publish: copy the working database over the published one, atomically, once everything upstream passed.

Dagster's blocking checks stop the assets downstream of a failed check but not the checked asset's own
write, so the working database may hold a failed run's tables; the published copy never does, because
this asset runs only when every upstream asset and blocking check succeeded.
"""

import os
import shutil

import dagster as dg

from assets.model.sql_models import load_models
from pipelines.resources import OrgHealthResource


@dg.asset(
    key=["published"],
    group_name="publish",
    kinds={"duckdb"},
    deps=[dg.AssetKey(m.table.split(".")) for m in load_models() if m.materialized != "ddl"],
    description="The published DuckDB file that dashboards and analysts read: a copy of the working database, "
    "swapped in whole only after every table was built and every blocking expectation passed.",
)
def published(orghealth: OrgHealthResource) -> dg.MaterializeResult:
    settings = orghealth.settings
    with orghealth.connect() as con:
        con.execute("CHECKPOINT")  # fold the write-ahead log into the file before copying it
    staging = settings.db_path.with_name(f".{settings.db_path.name}.publishing")
    shutil.copyfile(settings.work_path, staging)
    os.replace(staging, settings.db_path)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.db_path)),
            "bytes": settings.db_path.stat().st_size,
            "as_of": settings.as_of.isoformat(),
            "data_docs": dg.MetadataValue.path(str(settings.docs_dir / "index.html")),
        }
    )
