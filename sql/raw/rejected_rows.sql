-- One row per quarantined export row per as_of: what could not be loaded, where it is, and why.
-- materialized: ddl
-- A rejected row is left out of staging and everything after it; nothing is dropped silently.
-- column as_of: The run's as_of date.
-- column source_table: The raw table the row was meant for (hris_people, jira_issues).
-- column source_file: Path of the export file holding the row.
-- column source_line: Line where the row starts (CSV, header = line 1) or its position in the issues array (JSON, from 1).
-- column column_name: The export column at fault, when one column is: its header as exported (CSV) or its field path (JSON).
-- column value: The offending value, when there is one.
-- column reason: Why the row was rejected, in words a person can act on.
-- column record: The row as read, as JSON, so it can be repaired without reopening the export.
CREATE TABLE IF NOT EXISTS raw.rejected_rows (
    as_of DATE NOT NULL,
    source_table VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,
    column_name VARCHAR,
    value VARCHAR,
    reason VARCHAR NOT NULL,
    record VARCHAR
);
