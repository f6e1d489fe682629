-- One row per leader per as_of: how single-threaded each leader's org is (marts.leader_focus).
-- column leader_id: The leader's employee id, or their pseudonym.
-- column leader_name: The leader's name, or their pseudonym.
SELECT * REPLACE (shown_person(leader_id) AS leader_id, shown_name(leader_id, leader_name) AS leader_name)
FROM src.marts.leader_focus
