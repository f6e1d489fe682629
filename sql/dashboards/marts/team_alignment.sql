-- One row per team per as_of: how the team's work splits across program, product and project streams.
-- column team_id: The team's id, or its manager's pseudonym.
-- column team_name: Readable team name.
SELECT * REPLACE (shown_team(team_id) AS team_id, shown_team_name(team_id, team_name) AS team_name)
FROM src.marts.team_alignment
