"""The Dagster code location: `dagster dev -w workspace.yaml` loads `defs` from here."""

import dagster as dg

from assets.ingest.assets import raw_hris_people, raw_jira, raw_org_config
from assets.model.assets import model_assets
from assets.publish import published
from assets.quality.assets import quality_checks
from pipelines.resources import OrgHealthResource

ALL_ASSETS = [raw_hris_people, raw_jira, raw_org_config, *model_assets, published]

# One process, one step at a time: a DuckDB file open read-write in one process cannot be opened by
# another, so the default multiprocess executor would make parallel steps fail on the file lock.
orghealth_job = dg.define_asset_job(
    "orghealth", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
    description="Load the exports, build every table for one as_of, check them, and publish if the checks pass.",
)  # fmt: skip


def build_definitions(resource: OrgHealthResource) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=quality_checks,
        jobs=[orghealth_job],
        resources={"orghealth": resource},
        executor=dg.in_process_executor,
    )


defs = build_definitions(OrgHealthResource.from_env())
