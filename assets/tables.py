"""From a table's SQL model to its Dagster asset: the key, and whether it is kept per as_of."""

import dagster as dg

from assets.partitions import as_of_partitions
from orghealth.sql_models import model


def asset_key(table: str) -> dg.AssetKey:
    """`schema.table` -> the asset key [schema, table]."""
    return dg.AssetKey(table.split("."))


def partitions_of(table: str) -> dg.PartitionsDefinition | None:
    """A table with an as_of column keeps one snapshot per date, so its asset is partitioned by as_of;
    the others (the latest Jira export and org config) are replaced whole by every run."""
    return as_of_partitions if "as_of" in model(table).columns else None
