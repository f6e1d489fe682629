-- One row per team per as_of: a manager and their active direct reports (or an HRIS team, when configured).
-- materialized: snapshot
-- With hris.team_source manager (the default) a team's id is its manager's employee id and the manager
-- counts in the headcount; with column, a team is everyone sharing an HRIS team name, and its manager is
-- the one member whose own manager is outside the team (NULL when that is not exactly one person).
-- column as_of: The date the snapshot describes.
-- column team_id: Team id: the manager's employee id, or the HRIS team name.
-- column team_name: Readable name: the HRIS team name more than half the members carry, else "<manager>'s team".
-- column manager_id: The team's manager.
-- column manager_name: The manager's name.
-- column manager_active: Whether the manager is active at as_of (a departed manager whose reports still point at them shows here as false).
-- column members: Active people in the team, the manager not counted in manager mode.
-- column headcount: Members plus the manager when the manager is active and not already a member.
WITH people AS (
    SELECT * FROM core.people WHERE as_of = $as_of
),
members AS (
    SELECT * FROM people WHERE is_active AND team_id IS NOT NULL
),
team_names AS (
    SELECT team_id, hris_team, count(*) AS carriers
    FROM members WHERE hris_team IS NOT NULL
    GROUP BY team_id, hris_team
),
heads AS (
    -- Members whose own manager is not in the same team: in column mode, the team's manager if unique.
    SELECT m.team_id, count(*) AS heads, min(m.employee_id) AS head_id
    FROM members AS m
    LEFT JOIN members AS boss ON boss.employee_id = m.manager_id AND boss.team_id = m.team_id
    WHERE boss.employee_id IS NULL
    GROUP BY m.team_id
),
teams AS (
    SELECT
        m.team_id,
        count(*) AS members,
        CASE
            WHEN $team_source = 'manager' THEN m.team_id
            WHEN any_value(h.heads) = 1 THEN any_value(h.head_id)
        END AS manager_id
    FROM members AS m
    LEFT JOIN heads AS h ON h.team_id = m.team_id
    GROUP BY m.team_id
)
SELECT
    $as_of::DATE AS as_of,
    t.team_id,
    coalesce(
        CASE WHEN $team_source = 'column' THEN t.team_id END,
        n.hris_team,
        m.name || '''s team'
    ) AS team_name,
    t.manager_id,
    m.name AS manager_name,
    coalesce(m.is_active, false) AS manager_active,
    t.members,
    t.members + CASE WHEN $team_source = 'manager' AND m.is_active THEN 1 ELSE 0 END AS headcount
FROM teams AS t
LEFT JOIN people AS m ON m.employee_id = t.manager_id
LEFT JOIN team_names AS n ON n.team_id = t.team_id AND n.carriers * 2 > t.members
