-- One row per issue link as listed on an issue in the Jira exports (Jira lists a link on both its issues).
-- materialized: ddl
-- column source_file: Path of the export the link was read from.
-- column source_line: Line (CSV) or position (JSON) of the issue that lists the link.
-- column issue_key: The issue that lists the link.
-- column link_type: Link type name, e.g. Blocks or Relates.
-- column direction: outward (this issue blocks the other) or inward (the other issue blocks this one).
-- column linked_issue_key: Key of the issue at the other end.
CREATE TABLE IF NOT EXISTS raw.jira_issue_links (
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,
    issue_key VARCHAR NOT NULL,
    link_type VARCHAR NOT NULL,
    direction VARCHAR NOT NULL,
    linked_issue_key VARCHAR NOT NULL
);
