-- One row per work stream per as_of: its STL and the anti-patterns (marts.stream_ownership), without the
-- STL's email: the dashboard shows the STL by name (or pseudonym).
-- column stl_id: The STL's employee id, or their pseudonym; NULL when there is none or they are not in the HRIS.
-- column stl_name: The STL's name, or their pseudonym; NULL when there is no STL or they are not in the HRIS.
-- column top_team: The team with the most of the stream's weight.
SELECT
    * EXCLUDE (stl) REPLACE (shown_person(stl_id) AS stl_id, shown_team(top_team) AS top_team),
    shown_name(stl_id, (SELECT l.name FROM people_labels AS l WHERE l.employee_id = stl_id)) AS stl_name
FROM src.marts.stream_ownership
