-- One row per snapshot that has an earlier one: what changed since the snapshot just before it, in counts.
-- The rules are sql/changes.sql's, which `orghealth diff` applies too. Counts only: who joined, left or moved
-- stays in the published database, for `orghealth diff`; this file never holds a row per person.
-- column as_of: The snapshot.
-- column previous_as_of: The snapshot just before it, which it is compared with.
-- column joiners: People active at as_of and not at previous_as_of (absent from that snapshot, or inactive in it).
-- column leavers: People active at previous_as_of and not at as_of (terminated, or gone from the export).
-- column movers: People active at both whose team (core.people.team_id) differs; in manager mode, a new manager.
-- column stl_changes: stream_stl_changes + single_threaded_flips: the rows of marts.stl_changes for as_of.
-- column stream_stl_changes: Streams whose STL changed: replaced, named, removed, no longer or now an active employee, or a stream added to or removed from the config.
-- column single_threaded_flips: Leaders whose single-threaded status (marts.leader_focus) differs; someone who is not a leader counts as not single-threaded.
-- column findings_new: Org-health findings (failed warning-severity expectations) of as_of's last run that previous_as_of's last run did not have; NULL when either has no quality run recorded.
-- column findings_resolved: Findings of previous_as_of's last run that as_of's last run does not have; NULL likewise.
-- column headcount_before: Active people at previous_as_of.
-- column headcount_after: Active people at as_of.
-- column single_threaded_leaders_before: marts.org_health.single_threaded_leaders at previous_as_of.
-- column single_threaded_leaders_after: The same at as_of.
-- column teams_within_pizza_before: marts.org_health.teams_within_pizza at previous_as_of.
-- column teams_within_pizza_after: The same at as_of.
-- column cross_team_links_before: marts.org_health.cross_team_links at previous_as_of.
-- column cross_team_links_after: The same at as_of.
WITH pairs AS (
    SELECT previous_as_of, as_of FROM consecutive_snapshots('src') WHERE previous_as_of IS NOT NULL
)
SELECT * FROM snapshot_change_counts('src', pairs)
