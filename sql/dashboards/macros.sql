-- Helpers every dashboard query uses to show a person or a team: through the run's labels, which are the
-- names and ids themselves unless publish.pseudonymise replaces them (see orghealth/dashboard_file.py).
-- people_labels(employee_id, name, person_id, person_name) and team_labels(team_id, manager_name,
-- team_id_shown, manager_name_shown) are temporary tables of the writing connection, never written.
CREATE OR REPLACE TEMP MACRO shown_person(id) AS
    coalesce((SELECT l.person_id FROM people_labels AS l WHERE l.employee_id = id), id);
CREATE OR REPLACE TEMP MACRO shown_name(id, original) AS
    coalesce((SELECT l.person_name FROM people_labels AS l WHERE l.employee_id = id), original);
CREATE OR REPLACE TEMP MACRO shown_team(id) AS
    coalesce((SELECT l.team_id_shown FROM team_labels AS l WHERE l.team_id = id), id);
CREATE OR REPLACE TEMP MACRO shown_team_name(id, original) AS
    coalesce((SELECT replace(original, l.manager_name, l.manager_name_shown) FROM team_labels AS l
              WHERE l.team_id = id AND l.manager_name IS NOT NULL), original);
-- The groups (as_of, group_id) whose HR-derived or per-person numbers must not be shown, from a table
-- sizes(as_of, group_id, people): every group of fewer than k people, and as many of the next smallest
-- groups of the date as it takes for the hidden ones to hold k people together. So a total, however
-- obtained, minus the shown groups yields the hidden ones together (k people or more), never one small group.
CREATE OR REPLACE TEMP MACRO groups_to_hide(sizes, k) AS TABLE
    WITH groups AS (
        SELECT as_of, group_id, people, people < k AS small FROM query_table(sizes)
    ),
    small_people AS (
        SELECT as_of, coalesce(sum(people) FILTER (WHERE small), 0) AS people FROM groups GROUP BY as_of
    ),
    next_smallest AS (
        SELECT as_of, group_id, sum(people) OVER (PARTITION BY as_of ORDER BY people, group_id) - people AS before
        FROM groups
        WHERE NOT small
    )
    SELECT as_of, group_id FROM groups WHERE small
    UNION ALL
    SELECT n.as_of, n.group_id
    FROM next_smallest AS n JOIN small_people AS s USING (as_of)
    WHERE s.people > 0 AND s.people + n.before < k;
