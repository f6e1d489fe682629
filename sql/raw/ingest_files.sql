-- One row per export file read per as_of: how many of its rows were read and how many rejected.
-- materialized: ddl
-- column as_of: The run's as_of date.
-- column source_table: The raw table the file fills (hris_people, jira_issues).
-- column source_file: Path of the export file.
-- column rows_read: Data rows (CSV) or issues (JSON) in the file.
-- column rows_rejected: Of those, rows quarantined in raw.rejected_rows.
-- column rejected_share: rows_rejected / rows_read (0 for an empty file); checked against quality.max_rejected_share.
-- column lines_read: Physical lines after the header (CSV; blank lines included; NULL for JSON). More lines than rows shows records that ran over several lines.
CREATE TABLE IF NOT EXISTS raw.ingest_files (
    as_of DATE NOT NULL,
    source_table VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    rejected_share DOUBLE NOT NULL,
    lines_read BIGINT
);
