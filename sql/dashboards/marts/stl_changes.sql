-- One row per change of single-threaded leadership per as_of, against the snapshot just before it: a stream
-- whose STL changed, or a leader whose single-threaded status flipped (sql/changes.sql has the rules).
-- Leaders and STLs are named roles: they keep their names unless publish.named_roles says otherwise, when
-- they appear by pseudonym. The STL's email stays in the published database.
-- column as_of: The snapshot.
-- column previous_as_of: The snapshot just before it, which it is compared with.
-- column change: stream (the stream's STL changed) or leader (the leader's single-threaded status flipped).
-- column stream_id: The stream, for a stream change.
-- column stream_name: Its name.
-- column previous_stl_id: The stream's STL at previous_as_of (employee id or pseudonym); NULL when none or not in the HRIS.
-- column previous_stl_name: Their name or pseudonym.
-- column stl_id: The stream's STL at as_of (employee id or pseudonym); NULL when none or not in the HRIS.
-- column stl_name: Their name or pseudonym.
-- column leader_id: The leader (employee id or pseudonym), for a leader change.
-- column leader_name: Their name or pseudonym.
-- column was_single_threaded: For a leader change: single-threaded at previous_as_of (not a leader counts as false).
-- column is_single_threaded: For a leader change: single-threaded at as_of.
-- column reason: What changed, in words: "STL replaced", "STL no longer an active employee", "no longer single-threaded: owns 2 streams (pay, legacy)"...
WITH pairs AS (
    SELECT previous_as_of, as_of FROM consecutive_snapshots('src') WHERE previous_as_of IS NOT NULL
)
SELECT
    as_of,
    previous_as_of,
    change,
    stream_id,
    stream_name,
    shown_person(previous_stl_id) AS previous_stl_id,
    shown_name(previous_stl_id, previous_stl_name) AS previous_stl_name,
    shown_person(stl_id) AS stl_id,
    shown_name(stl_id, stl_name) AS stl_name,
    shown_person(leader_id) AS leader_id,
    shown_name(leader_id, leader_name) AS leader_name,
    was_single_threaded,
    is_single_threaded,
    reason
FROM stl_changes('src', pairs)
