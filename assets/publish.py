"""Publish: move the run's working database over the published one, atomically, once everything upstream
passed, and with it the dashboard file built from it (orghealth/dashboard_file.py).

Dagster's blocking checks stop the assets downstream of a failed check but not the checked asset's own
write, so a run's working copy may hold tables that failed their checks; the published file never does,
because this asset runs only when every upstream asset and blocking check succeeded.
"""

import dagster as dg

from assets.partitions import as_of_partitions
from assets.resources import OrgHealthResource
from assets.tables import asset_key
from orghealth import changes
from orghealth.sql_models import load_models


@dg.asset(
    key=["published"],
    group_name="publish",
    kinds={"duckdb"},
    partitions_def=as_of_partitions,
    deps=[asset_key(m.table) for m in load_models() if m.materialized != "ddl"],
    description="The published DuckDB file that dashboards and analysts read: the run's working copy, "
    "swapped in whole only after every table was built and every blocking expectation passed.",
)
def published(orghealth: OrgHealthResource) -> dg.MaterializeResult:
    settings = orghealth.settings
    # Read from the run's own copy before it is moved: the published file may be open in another process.
    with orghealth.connect() as con:
        since_previous = changes.one_line(con, settings.as_of)
    dashboard_rows = orghealth.publish()
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.db_path)),
            "bytes": settings.db_path.stat().st_size,
            "dashboard_file": dg.MetadataValue.path(str(settings.dashboard_path)),
            "dashboard_rows": dg.MetadataValue.json(dashboard_rows),
            "as_of": settings.as_of.isoformat(),
            "changes": since_previous,
            "data_docs": dg.MetadataValue.path(str(settings.docs_dir / "index.html")),
        }
    )
