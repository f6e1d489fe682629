-- One row per Jira issue: its place in the issue hierarchy, its work stream and its assignee's Jira identity.
-- Built from the latest Jira export and the org config alone, so it is not kept per as_of: who the assignee is
-- in the HRIS depends on the date and is looked up per as_of in core.identity_map. Its place in the hierarchy and
-- its stream come from core.work_item_placement, which says how they are found.
-- column issue_key: Issue key.
-- column issue_id: Jira's numeric issue id.
-- column summary: Summary.
-- column project_key: Project key.
-- column issue_type: Issue type name.
-- column is_subtask: True for sub-tasks.
-- column status: Workflow status.
-- column status_category: To Do, In Progress or Done.
-- column is_resolved: True when the issue has a resolution date.
-- column created_at: When the issue was created.
-- column resolved_at: When it was resolved; NULL while open.
-- column parent_key: Parent issue key (from the key, or the numeric parent id looked up in the export); NULL when unknown.
-- column parent_id: Parent numeric issue id, where the export gives one.
-- column parent_in_export: Whether the parent is in the export; NULL for an issue without a parent.
-- column epic_key: The epic the issue belongs to: its Epic Link, else itself if an Epic, else the nearest Epic above it, else the nearest Epic Link above it (up to ten levels up).
-- column story_points: Story points; NULL when not estimated.
-- column labels: Labels.
-- column components: Components.
-- column assignee_identity: The assignee's key in core.identity_map; NULL when unassigned.
-- column assignee_name: The assignee's Jira display name.
-- column stream_id: Work stream id from the org config (staging.work_streams), or 'unmapped'.
-- column stream_rule: The kind of rule that placed it: epic, component, label or project; NULL when unmapped.
-- column stream_from_parent: True when a sub-task took its parent's stream.
-- column source_file: Export the issue came from.
-- column source_line: Line (CSV) or position (JSON) of the issue there.
SELECT
    i.issue_key,
    i.issue_id,
    i.summary,
    i.project_key,
    i.issue_type,
    i.is_subtask,
    i.status,
    i.status_category,
    i.resolved_at IS NOT NULL AS is_resolved,
    i.created_at,
    i.resolved_at,
    p.parent_key,
    i.parent_id,
    p.parent_in_export,
    p.epic_key,
    i.story_points,
    i.labels,
    i.components,
    CASE WHEN coalesce(i.assignee_account_id, i.assignee_email, i.assignee_name) IS NOT NULL THEN
        jira_identity_key(i.assignee_account_id, i.assignee_email, i.assignee_name)
    END AS assignee_identity,
    i.assignee_name,
    p.stream_id,
    p.stream_rule,
    p.stream_from_parent,
    i.source_file,
    i.source_line
FROM staging.jira_issues AS i
JOIN core.work_item_placement AS p ON p.issue_key = i.issue_key
