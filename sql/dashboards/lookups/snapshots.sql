-- One row per snapshot the dashboard file holds (an as_of of marts.org_health): what the dashboard's Snapshot filter lists.
-- column as_of: The snapshot's date.
-- column snapshot: The same date as text (YYYY-MM-DD), as the filter shows it and hands it to the charts' SQL.
SELECT DISTINCT as_of, strftime(as_of, '%Y-%m-%d') AS snapshot
FROM src.marts.org_health
