-- One row per Jira issue: raw.jira_issues typed, quarantined rows (and duplicate copies) left out.
-- column source_file: Jira export the issue came from.
-- column source_line: Line (CSV) or position in the issues array (JSON) of the issue.
-- column issue_key: Issue key, upper-cased (Jira treats ops-1 and OPS-1 as one issue).
-- column issue_id: Jira's numeric issue id.
-- column summary: Summary.
-- column issue_type: Issue type name.
-- column is_subtask: True for sub-tasks (from the JSON's issuetype.subtask, else from the type name).
-- column status: Workflow status.
-- column status_category: To Do, In Progress or Done (Done assumed for a resolved issue when not exported).
-- column project_key: Project key.
-- column project_name: Project name.
-- column priority: Priority.
-- column resolution: Resolution name.
-- column assignee_name: Assignee display name.
-- column assignee_account_id: Assignee accountId or user name.
-- column assignee_email: Assignee email, lower case, where exported.
-- column reporter_name: Reporter display name.
-- column reporter_account_id: Reporter accountId or user name.
-- column reporter_email: Reporter email, lower case, where exported.
-- column created_at: When the issue was created (UTC for JSON; the exporting user's zone for CSV).
-- column updated_at: When the issue was last updated.
-- column resolved_at: When the issue was resolved; NULL while open.
-- column parent_key: Parent issue key where the export names it (the CSV's Parent column when it holds a key).
-- column parent_id: Parent numeric id where the export gives one (the CSV's Parent column in newer exports).
-- column epic_key: Epic key from the Epic Link field, where exported.
-- column story_points: Story points.
-- column labels: Labels.
-- column components: Components.
-- column sprints: Sprints.
-- column fix_versions: Fix versions.
SELECT
    i.source_file,
    i.source_line,
    upper(trim(i.issue_key)) AS issue_key,
    i.issue_id,
    i.summary,
    i.issue_type,
    coalesce(
        try_cast(i.is_subtask AS BOOLEAN),
        lower(replace(i.issue_type, ' ', '')) IN ('sub-task', 'subtask', 'sub-bug', 'sub-test')
    ) AS is_subtask,
    i.status,
    coalesce(i.status_category, CASE WHEN i.resolved IS NOT NULL THEN 'Done' END) AS status_category,
    i.project_key,
    i.project_name,
    i.priority,
    i.resolution,
    i.assignee_name,
    i.assignee_account_id,
    lower(i.assignee_email) AS assignee_email,
    i.reporter_name,
    i.reporter_account_id,
    lower(i.reporter_email) AS reporter_email,
    jira_timestamp(i.created) AS created_at,
    jira_timestamp(i.updated) AS updated_at,
    jira_timestamp(i.resolved) AS resolved_at,
    upper(trim(coalesce(i.parent_key, CASE WHEN NOT regexp_full_match(i.parent, '\d+') THEN i.parent END)))
        AS parent_key,
    coalesce(i.parent_id, CASE WHEN regexp_full_match(i.parent, '\d+') THEN i.parent END) AS parent_id,
    upper(trim(i.epic_link)) AS epic_key,
    i.story_points::DOUBLE AS story_points,
    coalesce(i.labels, []) AS labels,
    coalesce(i.components, []) AS components,
    coalesce(i.sprints, []) AS sprints,
    coalesce(i.fix_versions, []) AS fix_versions
FROM raw.jira_issues AS i
WHERE NOT EXISTS (
    SELECT 1
    FROM raw.rejected_rows AS r
    WHERE r.source_table = 'jira_issues'
        AND r.source_file = i.source_file
        AND r.source_line = i.source_line
)
