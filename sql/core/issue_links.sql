-- One row per distinct issue link, marked as a dependency or not and with where its two ends are.
-- A link of a type in jira.dependency_link_types (default Blocks) makes to_issue_key depend on from_issue_key.
-- column link_type: Link type name.
-- column from_issue_key: The issue on the outward side; for Blocks, the blocking issue.
-- column to_issue_key: The issue on the inward side; for Blocks, the blocked issue.
-- column is_dependency: Whether the link type is one of jira.dependency_link_types (case does not matter).
-- column from_in_export: Whether the outward issue is in the export (a link may point outside it).
-- column to_in_export: Whether the inward issue is in the export.
-- column dangling_in_export: An end belongs to a project the export covers but is missing from it: the export is incomplete.
WITH projects AS (
    SELECT DISTINCT project_key FROM staging.jira_issues WHERE project_key IS NOT NULL
)
SELECT
    l.link_type,
    l.from_issue_key,
    l.to_issue_key,
    list_contains(list_transform($dependency_link_types::VARCHAR[], lambda t: lower(t)), lower(l.link_type)) AS is_dependency,
    f.issue_key IS NOT NULL AS from_in_export,
    t.issue_key IS NOT NULL AS to_in_export,
    (f.issue_key IS NULL AND split_part(l.from_issue_key, '-', 1) IN (SELECT project_key FROM projects))
        OR (t.issue_key IS NULL AND split_part(l.to_issue_key, '-', 1) IN (SELECT project_key FROM projects))
        AS dangling_in_export
FROM staging.jira_issue_links AS l
LEFT JOIN staging.jira_issues AS f ON f.issue_key = l.from_issue_key
LEFT JOIN staging.jira_issues AS t ON t.issue_key = l.to_issue_key
