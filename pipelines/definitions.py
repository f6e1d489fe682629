"""The Dagster code location: `dagster dev -w workspace.yaml` and `dagster job execute` load `defs` from here.

One `Definitions`, built once at import. What differs between runs comes from the run: the partition key
is the as_of date, and the `orghealth` resource's run config names the config file, the exports and the
database (its defaults come from ORGHEALTH_CONFIG and ORGHEALTH_DB when the code location loads).
"""

import os

import dagster as dg

from assets.checks import quality_checks
from assets.ingest import raw_hris_people, raw_jira, raw_org_config
from assets.models import model_assets
from assets.publish import published
from assets.resources import OrgHealthResource, default_config_path
from pipelines.schedules import new_export_sensor, nightly_schedule

JOB_NAME = "orghealth"
# The schedule and the sensor start running by themselves for your own org (ORGHEALTH_CONFIG set); for the
# embedded sample org they start stopped (turn them on in the UI), so `make serve` starts no run unasked.
YOUR_ORG = bool(os.environ.get("ORGHEALTH_CONFIG"))
CONFIG_PATH = default_config_path()

orghealth_job = dg.define_asset_job(
    JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Load the exports, build every table for one as_of (the partition), check them, and publish "
    "the database if every blocking check passed.",
    # The instance's run queue (instance/dagster.yaml) starts runs with this tag one at a time: DuckDB has one writer.
    tags={"orghealth/database": "one-writer"},
)

defs = dg.Definitions(
    assets=[raw_hris_people, raw_jira, raw_org_config, *model_assets, published],
    asset_checks=quality_checks,
    jobs=[orghealth_job],
    schedules=[nightly_schedule(orghealth_job, CONFIG_PATH, running=YOUR_ORG)],
    sensors=[new_export_sensor(orghealth_job, CONFIG_PATH, running=YOUR_ORG)],
    resources={"orghealth": OrgHealthResource.from_env()},
    # One process, one step at a time: a DuckDB file open read-write in one process cannot be opened by
    # another, so the default multiprocess executor would make parallel steps fail on the file lock.
    executor=dg.in_process_executor,
)
