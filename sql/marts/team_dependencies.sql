-- One row per ordered pair of different teams per as_of: how many dependency links make one wait on the other.
-- materialized: snapshot
-- From core.dependency_links with scope cross_team: a link from issue A that blocks issue B makes B's
-- team (dependent_team) depend on A's team (blocking_team). Jira lists each link on both issues; it is
-- counted once.
-- column as_of: The date the snapshot describes.
-- column dependent_team: The team whose issue is blocked.
-- column dependent_team_name: Its readable name.
-- column blocking_team: The team whose issue blocks.
-- column blocking_team_name: Its readable name.
-- column links: Dependency links from blocking_team's issues to dependent_team's issues that count at as_of.
-- column open_links: Of those, links whose blocked issue is not resolved at as_of.
-- column streams_crossed: Of those, links whose two issues are in different work streams.
SELECT
    $as_of::DATE AS as_of,
    d.dependent_team,
    dt.team_name AS dependent_team_name,
    d.blocking_team,
    bt.team_name AS blocking_team_name,
    count(*) AS links,
    count(*) FILTER (WHERE d.is_open) AS open_links,
    count(*) FILTER (WHERE d.blocking_stream <> d.blocked_stream) AS streams_crossed
FROM core.dependency_links AS d
LEFT JOIN core.teams AS dt ON dt.as_of = d.as_of AND dt.team_id = d.dependent_team
LEFT JOIN core.teams AS bt ON bt.as_of = d.as_of AND bt.team_id = d.blocking_team
WHERE d.as_of = $as_of AND d.scope = 'cross_team'
GROUP BY ALL
