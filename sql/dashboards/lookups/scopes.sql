-- One row per member of a scope per as_of: what the dashboard's "Leader's org or team" filter narrows the charts to.
-- A scope is a leader's org ("Org: Dan Dir": every team whose manager is in it, and every leader in it, the leader
-- included) or one team ("Team: Checkout Core": the team and its manager). Names and ids as the other tables of
-- this file show them (pseudonyms when publish.pseudonymise is on).
-- column as_of: The date the snapshot describes.
-- column scope: The filter's value, as a person reads it.
-- column team_id: A team in the scope; NULL on a leader's row.
-- column leader_id: A leader in the scope; NULL on a team's row.
WITH leaders AS (  -- active people with an active direct report, as core.people's is_leader
    SELECT DISTINCT m.as_of, m.leader_id, p.name
    FROM src.core.org_members AS m
    JOIN src.core.people AS p ON p.as_of = m.as_of AND p.employee_id = m.leader_id
    WHERE m.levels_below = 1 AND m.member_active AND p.is_active
),
orgs AS (
    SELECT m.as_of, 'Org: ' || shown_name(l.leader_id, l.name) AS scope, m.employee_id AS member_id
    FROM src.core.org_members AS m
    JOIN leaders AS l ON l.as_of = m.as_of AND l.leader_id = m.leader_id
    WHERE m.member_active
),
teams AS (
    SELECT as_of, team_id, 'Team: ' || shown_team_name(team_id, team_name) AS scope, manager_id
    FROM src.core.teams
)
SELECT o.as_of, o.scope, shown_team(t.team_id) AS team_id, NULL::VARCHAR AS leader_id
FROM orgs AS o
JOIN teams AS t ON t.as_of = o.as_of AND t.manager_id = o.member_id
UNION ALL
SELECT o.as_of, o.scope, NULL, shown_person(o.member_id)
FROM orgs AS o
JOIN leaders AS l ON l.as_of = o.as_of AND l.leader_id = o.member_id
UNION ALL
SELECT as_of, scope, shown_team(team_id), NULL FROM teams
UNION ALL
SELECT as_of, scope, NULL, shown_person(manager_id) FROM teams WHERE manager_id IS NOT NULL
