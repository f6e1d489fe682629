-- One row per distinct issue link, direction made explicit: Jira lists each link on both of its issues,
-- and the two listings fold into one row here.
-- Issue keys are upper-cased: Jira treats ops-1 and OPS-1 as one issue, and so do we.
-- column link_type: Link type name (Blocks, Relates, ...).
-- column from_issue_key: The issue on the link's outward side; for Blocks, the issue that blocks.
-- column to_issue_key: The issue on the link's inward side; for Blocks, the issue that is blocked.
SELECT DISTINCT
    link_type,
    upper(trim(CASE direction WHEN 'outward' THEN issue_key ELSE linked_issue_key END)) AS from_issue_key,
    upper(trim(CASE direction WHEN 'outward' THEN linked_issue_key ELSE issue_key END)) AS to_issue_key
FROM raw.jira_issue_links
