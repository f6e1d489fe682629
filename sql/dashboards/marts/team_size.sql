-- One row per team per as_of: size and two-pizza status (marts.team_size). Structure is always shown.
-- The contractor count (an HR attribute of people) is hidden for teams of fewer than publish.min_group_size
-- people, and for as many of the next smallest teams as it takes for the hidden teams of a date to hold at
-- least that many people together: so no total, however obtained, minus the shown counts gives one team's.
-- column team_id: The team's id (its manager's id or pseudonym, or the HRIS team name).
-- column team_name: Readable team name.
-- column manager_id: The team's manager, or their pseudonym.
-- column manager_name: The manager's name, or their pseudonym.
-- column contractors: Contractors in the team; NULL when hidden (see contractors_hidden).
-- column contractors_hidden: The team is too small (or one of the smallest) for its contractor count to be shown.
WITH sizes AS (
    SELECT as_of, team_id AS group_id, headcount AS people FROM src.marts.team_size
),
hidden AS (
    SELECT as_of, group_id AS team_id FROM groups_to_hide(sizes, $min_group_size)
)
SELECT
    t.* REPLACE (
        shown_team(t.team_id) AS team_id,
        shown_team_name(t.team_id, t.team_name) AS team_name,
        shown_person(t.manager_id) AS manager_id,
        shown_name(t.manager_id, t.manager_name) AS manager_name,
        CASE WHEN h.team_id IS NULL THEN t.contractors END AS contractors
    ),
    h.team_id IS NOT NULL AS contractors_hidden
FROM src.marts.team_size AS t
LEFT JOIN hidden AS h USING (as_of, team_id)
