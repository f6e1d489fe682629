-- One row per dependency link that counts at as_of, with the teams and streams at its two ends.
-- materialized: snapshot
-- A link of a dependency type (jira.dependency_link_types) from issue A that blocks issue B makes B's team
-- depend on A's team. It counts at as_of when B is open then (created, not yet resolved) or was resolved
-- within the metrics window; when one end is outside the export, the end that is in it decides.
-- column as_of: The date the snapshot describes.
-- column blocking_issue_key: Issue A, which blocks.
-- column blocked_issue_key: Issue B, which is blocked.
-- column blocking_team: A's team at as_of; NULL when A is outside the export or has no team.
-- column dependent_team: B's team at as_of; NULL when B is outside the export or has no team.
-- column blocking_stream: A's work stream.
-- column blocked_stream: B's work stream.
-- column is_open: B is not resolved at as_of.
-- column scope: cross_team (two different teams), internal (one team), external (an end outside the export: reported, not counted) or unattributed (an end without a team).
WITH items AS (
    SELECT
        w.issue_key,
        w.stream_id,
        w.created_at,
        w.resolved_at,
        CASE WHEN p.is_active THEN p.team_id END AS team_id,
        open_at(w.created_at, w.resolved_at, $as_of) AS is_open,
        resolved_in_window(w.resolved_at, $as_of, $window_days) AS resolved_in_window
    FROM core.work_items AS w
    LEFT JOIN core.identity_map AS m ON m.as_of = $as_of AND m.identity_key = w.assignee_identity
    LEFT JOIN core.people AS p ON p.as_of = $as_of AND p.employee_id = m.employee_id
),
links AS (
    SELECT
        l.from_issue_key AS blocking_issue_key,
        l.to_issue_key AS blocked_issue_key,
        a.issue_key IS NOT NULL AS a_in_export,
        b.issue_key IS NOT NULL AS b_in_export,
        a.team_id AS blocking_team,
        b.team_id AS dependent_team,
        a.stream_id AS blocking_stream,
        b.stream_id AS blocked_stream,
        CASE
            WHEN b.issue_key IS NOT NULL THEN b.is_open OR b.resolved_in_window
            ELSE a.is_open OR a.resolved_in_window
        END AS counts_at_as_of,
        b.is_open
    FROM core.issue_links AS l
    LEFT JOIN items AS a ON a.issue_key = l.from_issue_key
    LEFT JOIN items AS b ON b.issue_key = l.to_issue_key
    WHERE l.is_dependency
)
SELECT
    $as_of::DATE AS as_of,
    blocking_issue_key,
    blocked_issue_key,
    blocking_team,
    dependent_team,
    blocking_stream,
    blocked_stream,
    coalesce(is_open, false) AS is_open,
    CASE
        WHEN NOT (a_in_export AND b_in_export) THEN 'external'
        WHEN blocking_team IS NULL OR dependent_team IS NULL THEN 'unattributed'
        WHEN blocking_team = dependent_team THEN 'internal'
        ELSE 'cross_team'
    END AS scope
FROM links
WHERE counts_at_as_of AND (a_in_export OR b_in_export)
