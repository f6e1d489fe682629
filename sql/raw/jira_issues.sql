-- One row per issue in the Jira exports of the latest run, as exported (text; multi-valued fields as lists).
-- materialized: ddl
-- Jira exports describe the present, so each run replaces this table; dates inside it carry the history.
-- column source_file: Path of the Jira export (CSV, or a JSON search page) the issue was read from.
-- column source_line: Line where the row starts (CSV, header = line 1) or position in the page's issues array (JSON, from 1).
-- column issue_key: Issue key, e.g. PAY-12.
-- column issue_id: Jira's numeric issue id.
-- column summary: Issue summary.
-- column issue_type: Issue type name (Epic, Story, Task, Bug, Sub-task, ...).
-- column is_subtask: 'true'/'false' where the export says whether the type is a sub-task (JSON only).
-- column status: Workflow status name.
-- column status_category: Status category (To Do, In Progress, Done).
-- column project_key: Project key.
-- column project_name: Project name.
-- column priority: Priority name.
-- column resolution: Resolution name (empty while unresolved).
-- column assignee_name: Assignee display name.
-- column assignee_account_id: Assignee accountId (Cloud) or user name (Data Center).
-- column assignee_email: Assignee email, where the export carries it.
-- column reporter_name: Reporter display name.
-- column reporter_account_id: Reporter accountId or user name.
-- column reporter_email: Reporter email, where the export carries it.
-- column created: Created date as exported.
-- column updated: Updated date as exported.
-- column resolved: Resolution date as exported (empty while unresolved).
-- column parent: The CSV's Parent column: a parent issue key, or its numeric id in newer exports.
-- column parent_key: Parent issue key, where the export names it.
-- column parent_id: Parent numeric issue id, where the export names it.
-- column epic_link: Epic key from the Epic Link custom field (older company-managed projects).
-- column story_points: Story points from the first non-empty configured story-point field.
-- column labels: Labels (the CSV repeats the Labels column once per label).
-- column components: Components.
-- column sprints: Sprint names.
-- column fix_versions: Fix versions.
CREATE TABLE IF NOT EXISTS raw.jira_issues (
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,
    issue_key VARCHAR,
    issue_id VARCHAR,
    summary VARCHAR,
    issue_type VARCHAR,
    is_subtask VARCHAR,
    status VARCHAR,
    status_category VARCHAR,
    project_key VARCHAR,
    project_name VARCHAR,
    priority VARCHAR,
    resolution VARCHAR,
    assignee_name VARCHAR,
    assignee_account_id VARCHAR,
    assignee_email VARCHAR,
    reporter_name VARCHAR,
    reporter_account_id VARCHAR,
    reporter_email VARCHAR,
    created VARCHAR,
    updated VARCHAR,
    resolved VARCHAR,
    parent VARCHAR,
    parent_key VARCHAR,
    parent_id VARCHAR,
    epic_link VARCHAR,
    story_points VARCHAR,
    labels VARCHAR[],
    components VARCHAR[],
    sprints VARCHAR[],
    fix_versions VARCHAR[]
);
