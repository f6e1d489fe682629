-- One row per as_of: the headline figures of the STL model for a dashboard's first row.
-- materialized: snapshot
-- column as_of: The date the metrics window ends on.
-- column stream_owning_leaders: Leaders who are the STL of at least one stream.
-- column single_threaded_leaders: Of those, leaders who are single-threaded (marts.leader_focus).
-- column single_threaded_share: single_threaded_leaders / stream_owning_leaders.
-- column teams: Teams at as_of.
-- column engineering_teams: Teams with at least one engineer (a Finance team, or a director's team of managers, has none).
-- column teams_within_pizza: Engineering teams whose pizza_status is ok (marts.team_size).
-- column pizza_share: teams_within_pizza / engineering_teams.
-- column active_teams: Teams with work in the window (not idle).
-- column program_aligned_teams: Of those, teams whose alignment is program_aligned (marts.team_alignment).
-- column program_aligned_share: program_aligned_teams / active_teams.
-- column cross_team_links: Cross-team dependency links that count at as_of (marts.team_dependencies).
-- column links_per_team: cross_team_links / teams.
-- column streams: Work streams in the config.
-- column streams_with_active_stl: Streams whose STL is an active employee.
-- column active_stl_share: streams_with_active_stl / streams.
-- column engineers_with_work: Active engineers with work in the window (marts.shared_people).
-- column split_engineers: Of those, engineers whose work spreads over two or more streams.
-- column split_engineer_share: split_engineers / engineers_with_work.
-- column identity_match_rate: Jira assignees matched to HRIS people / all Jira assignees (core.identity_match).
WITH leaders AS (
    SELECT
        count(*) FILTER (WHERE owned_streams > 0) AS stream_owning_leaders,
        count(*) FILTER (WHERE single_threaded) AS single_threaded_leaders
    FROM marts.leader_focus WHERE as_of = $as_of
),
sizes AS (
    SELECT
        count(*) AS teams,
        count(*) FILTER (WHERE engineering_team) AS engineering_teams,
        count(*) FILTER (WHERE engineering_team AND pizza_status = 'ok') AS teams_within_pizza
    FROM marts.team_size WHERE as_of = $as_of
),
alignment AS (
    SELECT
        count(*) FILTER (WHERE alignment <> 'idle') AS active_teams,
        count(*) FILTER (WHERE alignment = 'program_aligned') AS program_aligned_teams
    FROM marts.team_alignment WHERE as_of = $as_of
),
dependencies AS (
    SELECT coalesce(sum(links), 0) AS cross_team_links FROM marts.team_dependencies WHERE as_of = $as_of
),
streams AS (
    SELECT count(*) AS streams, count(*) FILTER (WHERE stl_active) AS streams_with_active_stl
    FROM marts.stream_ownership WHERE as_of = $as_of
),
engineers AS (
    SELECT count(*) AS engineers_with_work, count(*) FILTER (WHERE is_split) AS split_engineers
    FROM marts.shared_people WHERE as_of = $as_of
)
SELECT
    $as_of::DATE AS as_of,
    stream_owning_leaders,
    single_threaded_leaders,
    single_threaded_leaders / nullif(stream_owning_leaders, 0) AS single_threaded_share,
    teams,
    engineering_teams,
    teams_within_pizza,
    teams_within_pizza / nullif(engineering_teams, 0) AS pizza_share,
    active_teams,
    program_aligned_teams,
    program_aligned_teams / nullif(active_teams, 0) AS program_aligned_share,
    cross_team_links,
    cross_team_links / nullif(teams, 0) AS links_per_team,
    streams,
    streams_with_active_stl,
    streams_with_active_stl / nullif(streams, 0) AS active_stl_share,
    engineers_with_work,
    split_engineers,
    split_engineers / nullif(engineers_with_work, 0) AS split_engineer_share,
    (SELECT match_rate FROM core.identity_match WHERE as_of = $as_of) AS identity_match_rate
FROM leaders, sizes, alignment, dependencies, streams, engineers
