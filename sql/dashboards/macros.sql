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
