-- One row per team per as_of: how many people and engineers it has, against the two-pizza bounds.
-- materialized: snapshot
-- column as_of: The date the snapshot describes.
-- column team_id: The team's id (its manager's employee id, or the HRIS team name).
-- column team_name: Readable team name.
-- column manager_id: The team's manager.
-- column manager_name: The manager's name.
-- column headcount: Active people in the team: the manager and their direct reports.
-- column engineers: Of those, people whose title matches hris.engineer_titles (contractors included).
-- column contractors: Of those, people whose employment type matches hris.contractor_types.
-- column pizza_status: too_large when engineers > metrics.team_max_engineers (8) or headcount > metrics.team_max_headcount (15); else too_small when engineers < metrics.team_min_engineers (3); else ok.
-- column engineering_team: The team has at least one engineer; only these count in marts.org_health's pizza share.
-- column span_of_control: The manager's active direct reports (in column mode, across teams).
-- column depth: The manager's layer from the top of the reporting tree, the top being 1.
WITH teams AS (
    SELECT * FROM core.teams WHERE as_of = $as_of
),
people AS (
    SELECT * FROM core.people WHERE as_of = $as_of AND is_active
),
in_team AS (
    SELECT t.team_id, p.employee_id, p.is_engineer, p.is_contractor
    FROM teams AS t
    JOIN people AS p
        ON p.team_id = t.team_id OR ($team_source = 'manager' AND p.employee_id = t.manager_id)
),
depths AS (
    SELECT employee_id, count(*) AS depth FROM core.org_members WHERE as_of = $as_of GROUP BY employee_id
),
counts AS (
    SELECT
        team_id,
        count(DISTINCT employee_id) AS headcount,
        count(DISTINCT employee_id) FILTER (WHERE is_engineer) AS engineers,
        count(DISTINCT employee_id) FILTER (WHERE is_contractor) AS contractors
    FROM in_team
    GROUP BY team_id
)
SELECT
    $as_of::DATE AS as_of,
    t.team_id,
    t.team_name,
    t.manager_id,
    t.manager_name,
    c.headcount,
    c.engineers,
    c.contractors,
    CASE
        WHEN c.engineers > $team_max_engineers OR c.headcount > $team_max_headcount THEN 'too_large'
        WHEN c.engineers < $team_min_engineers THEN 'too_small'
        ELSE 'ok'
    END AS pizza_status,
    c.engineers > 0 AS engineering_team,
    m.direct_reports AS span_of_control,
    d.depth
FROM teams AS t
JOIN counts AS c ON c.team_id = t.team_id
LEFT JOIN people AS m ON m.employee_id = t.manager_id
LEFT JOIN depths AS d ON d.employee_id = t.manager_id
