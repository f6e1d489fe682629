-- One row per work stream per as_of: who owns it, who works on it, and the STL anti-patterns it shows.
-- materialized: snapshot
-- column as_of: The date the metrics window ends on.
-- column stream_id: The work stream.
-- column stream_name: Its name.
-- column kind: program, product or project.
-- column stl: The single-threaded leader's email as configured; NULL when the stream has none.
-- column stl_id: The STL's employee id; NULL when there is none or the email is not in the HRIS.
-- column stl_active: Whether the STL is an active employee at as_of.
-- column items: Work items of the stream resolved in the window.
-- column weight: Their weight.
-- column contributing_teams: Distinct teams with work on the stream in the window.
-- column top_team: The team with the most of the stream's weight (ties: lowest team id); NULL when no team has any.
-- column top_team_share: The top team's weight / all the stream's weight in the window (work counted for no team included).
-- column first_created: When the stream's earliest item was created: the age of the work.
-- column age_days: Days from first_created to as_of.
-- column open_items: The stream's items created by as_of and not resolved at as_of.
-- column no_stl: The stream has no STL.
-- column stl_not_in_hris: An STL is configured but their email matches nobody in the HRIS snapshot: a typo, an alias, or someone who never worked here.
-- column stl_departed: The STL is in the HRIS but no longer active at as_of (left, or not yet started): the stream is owned by nobody.
-- column stl_owns_multiple: The STL is the STL of more than one stream.
-- column stl_below_focus: The STL is a leader whose owned_focus (marts.leader_focus) is below metrics.focus_threshold. An STL without reports has no org, and is never flagged here.
-- column project_outlived: A project-kind stream older than metrics.project_max_days with open work: a project that became a program unnoticed.
WITH window_work AS (
    SELECT * FROM core.window_items WHERE as_of = $as_of AND stream_id <> 'unmapped'
),
team_weights AS (
    SELECT stream_id, team_id, sum(weight) AS weight
    FROM window_work
    WHERE team_id IS NOT NULL
    GROUP BY ALL
),
work AS (
    SELECT stream_id, count(*) AS items, sum(weight) AS weight FROM window_work GROUP BY stream_id
),
top AS (
    SELECT
        stream_id,
        count(*) AS contributing_teams,
        arg_max(team_id, (weight, -rank)) AS top_team,
        max(weight) AS top_weight
    FROM (SELECT *, dense_rank() OVER (ORDER BY team_id) AS rank FROM team_weights)
    GROUP BY stream_id
),
history AS (
    SELECT
        stream_id,
        min(created_at) AS first_created,
        count(*) FILTER (WHERE open_at(created_at, resolved_at, $as_of)) AS open_items
    FROM core.work_items
    WHERE created_at::DATE <= $as_of::DATE
    GROUP BY stream_id
),
stl_streams AS (
    SELECT stl_email, count(*) AS streams FROM core.work_streams WHERE as_of = $as_of AND stl_email IS NOT NULL
    GROUP BY stl_email
)
SELECT
    $as_of::DATE AS as_of,
    s.stream_id,
    s.stream_name,
    s.kind,
    s.stl_email AS stl,
    s.stl_employee_id AS stl_id,
    s.stl_active,
    coalesce(w.items, 0) AS items,
    coalesce(w.weight, 0) AS weight,
    coalesce(t.contributing_teams, 0) AS contributing_teams,
    t.top_team,
    t.top_weight / w.weight AS top_team_share,
    h.first_created,
    $as_of::DATE - h.first_created::DATE AS age_days,
    coalesce(h.open_items, 0) AS open_items,
    s.stl_email IS NULL AS no_stl,
    s.stl_email IS NOT NULL AND s.stl_employee_id IS NULL AS stl_not_in_hris,
    s.stl_employee_id IS NOT NULL AND NOT s.stl_active AS stl_departed,
    coalesce(c.streams > 1, false) AS stl_owns_multiple,
    coalesce(f.owned_focus < $focus_threshold, false) AS stl_below_focus,
    s.kind = 'project' AND coalesce($as_of::DATE - h.first_created::DATE > $project_max_days, false)
        AND coalesce(h.open_items, 0) > 0 AS project_outlived
FROM core.work_streams AS s
LEFT JOIN work AS w ON w.stream_id = s.stream_id
LEFT JOIN top AS t ON t.stream_id = s.stream_id
LEFT JOIN history AS h ON h.stream_id = s.stream_id
LEFT JOIN stl_streams AS c ON c.stl_email = s.stl_email
LEFT JOIN marts.leader_focus AS f ON f.as_of = $as_of AND f.leader_id = s.stl_employee_id
WHERE s.as_of = $as_of
