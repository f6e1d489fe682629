-- One row per (dependent team, blocking team) per as_of: who blocks whom (marts.team_dependencies).
-- column dependent_team: The team whose issue is blocked.
-- column dependent_team_name: Its readable name.
-- column blocking_team: The team whose issue blocks.
-- column blocking_team_name: Its readable name.
SELECT * REPLACE (
    shown_team(dependent_team) AS dependent_team,
    shown_team_name(dependent_team, dependent_team_name) AS dependent_team_name,
    shown_team(blocking_team) AS blocking_team,
    shown_team_name(blocking_team, blocking_team_name) AS blocking_team_name
)
FROM src.marts.team_dependencies
