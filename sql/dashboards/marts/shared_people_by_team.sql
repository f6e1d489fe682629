-- One row per team (or pool of small teams) per as_of: how many of its engineers split their work across
-- streams. marts.shared_people has one row per person; the dashboard file never does.
-- Teams with fewer than publish.min_group_size engineers with work are pooled into one row (team_id NULL),
-- together with as many of the next smallest teams as it takes for the pool to hold that many; a date with
-- fewer engineers than that in all shows its pool with every measure hidden. Rows add up to
-- marts.org_health's engineers_with_work and split_engineers, so subtracting shown rows from the totals
-- yields the pool, never one small team.
-- column as_of: The date the metrics window ends on.
-- column team_id: The team's id; NULL for the pool of small teams.
-- column team_name: Readable team name, or "small teams (pooled)".
-- column pooled_teams: Teams in this row (1, or the pool's count).
-- column engineers: Engineers with work in the window.
-- column split_engineers: Of those, engineers whose work spreads over two or more streams.
-- column split_share: split_engineers / engineers.
-- column avg_streams_worked: Mean number of streams an engineer worked on.
-- column avg_top_share: Mean share of an engineer's mapped weight on their top stream.
WITH people AS (
    SELECT as_of, coalesce(team_id, '(no team)') AS team_id, streams_worked, top_share, is_split
    FROM src.marts.shared_people
),
sizes AS (
    SELECT as_of, team_id AS group_id, count(*) AS people FROM people GROUP BY ALL
),
pooled AS (
    SELECT as_of, group_id AS team_id FROM groups_to_hide(sizes, $min_group_size)
),
grouped AS (
    SELECT
        p.as_of,
        CASE WHEN pl.team_id IS NULL THEN p.team_id END AS team_id,
        count(DISTINCT p.team_id) AS pooled_teams,
        count(*) AS engineers,
        count(*) FILTER (WHERE p.is_split) AS split_engineers,
        avg(p.streams_worked) AS avg_streams_worked,
        avg(p.top_share) AS avg_top_share
    FROM people AS p
    LEFT JOIN pooled AS pl ON pl.as_of = p.as_of AND pl.team_id = p.team_id
    GROUP BY ALL
)
SELECT
    g.as_of,
    shown_team(g.team_id) AS team_id,
    CASE WHEN g.team_id IS NULL THEN 'small teams (pooled)'
         ELSE shown_team_name(g.team_id, coalesce(t.team_name, g.team_id)) END AS team_name,
    g.pooled_teams,
    g.engineers,
    CASE WHEN g.engineers >= $min_group_size THEN g.split_engineers END AS split_engineers,
    CASE WHEN g.engineers >= $min_group_size THEN g.split_engineers / g.engineers END AS split_share,
    CASE WHEN g.engineers >= $min_group_size THEN g.avg_streams_worked END AS avg_streams_worked,
    CASE WHEN g.engineers >= $min_group_size THEN g.avg_top_share END AS avg_top_share
FROM grouped AS g
LEFT JOIN src.core.teams AS t ON t.as_of = g.as_of AND t.team_id = g.team_id
