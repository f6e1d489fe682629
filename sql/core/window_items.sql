-- One row per work item resolved in the metrics window ending at as_of: its stream, weight, and whom it counts for.
-- materialized: snapshot
-- The window is (as_of - metrics.window_days, as_of], as_of included, on the resolution date. An item counts
-- for its assignee's team (the assignee's manager's team at as_of) and for every org the assignee is in;
-- an item unassigned, unmatched to the HRIS, or assigned to someone not active at as_of counts for no
-- team and no org, and its reason is in `attribution` (summed in marts.work_attribution).
-- column as_of: The date the window ends on.
-- column issue_key: Issue key.
-- column stream_id: The item's work stream, or 'unmapped'.
-- column stream_kind: program, product or project; 'unmapped' for unmapped items.
-- column weight: 1 per item, or its story points when metrics.effort is story_points (the window's median points when it has none).
-- column weight_imputed: True when the item had no story points and took the median.
-- column resolved_at: When the item was resolved.
-- column assignee_employee_id: The assignee's employee id; NULL when unassigned or unmatched.
-- column team_id: The team the item counts for; NULL unless attribution is team.
-- column attribution: team; no_team (an active assignee with no manager, who counts for orgs only); inactive_assignee; unmatched; unassigned.
WITH items AS (
    SELECT w.*, m.employee_id AS assignee_employee_id, coalesce(s.kind, 'unmapped') AS stream_kind
    FROM core.work_items AS w
    LEFT JOIN core.identity_map AS m ON m.as_of = $as_of AND m.identity_key = w.assignee_identity
    LEFT JOIN core.work_streams AS s ON s.as_of = $as_of AND s.stream_id = w.stream_id
    WHERE resolved_in_window(w.resolved_at, $as_of, $window_days)
),
median_points AS (
    SELECT coalesce(median(story_points), 1) AS points FROM items WHERE story_points IS NOT NULL
)
SELECT
    $as_of::DATE AS as_of,
    i.issue_key,
    i.stream_id,
    i.stream_kind,
    CASE WHEN $effort = 'story_points' THEN coalesce(i.story_points, m.points) ELSE 1 END::DOUBLE AS weight,
    $effort = 'story_points' AND i.story_points IS NULL AS weight_imputed,
    i.resolved_at,
    i.assignee_employee_id,
    CASE WHEN p.is_active THEN p.team_id END AS team_id,
    CASE
        WHEN i.assignee_identity IS NULL THEN 'unassigned'
        WHEN i.assignee_employee_id IS NULL THEN 'unmatched'
        WHEN NOT p.is_active THEN 'inactive_assignee'
        WHEN p.team_id IS NULL THEN 'no_team'
        ELSE 'team'
    END AS attribution
FROM items AS i
CROSS JOIN median_points AS m
LEFT JOIN core.people AS p ON p.as_of = $as_of AND p.employee_id = i.assignee_employee_id
