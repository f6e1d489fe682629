"""`as_of` is a daily partition: one HRIS snapshot and one set of metrics per date.

The partition key is the date (YYYY-MM-DD). Dates run from 2020-01-01 up to today (UTC) included: an HRIS
export describes a day that has happened, so a date in the future is no snapshot.
"""

import dagster as dg

PARTITIONS_START = "2020-01-01"

as_of_partitions = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1)
