-- One row per team per as_of: how entangled the team is with others through dependency links.
-- materialized: snapshot
-- column as_of: The date the snapshot describes.
-- column team_id: The team's id.
-- column team_name: Readable team name.
-- column depends_on_links: Cross-team links where this team's issue is blocked.
-- column depended_on_by_links: Cross-team links where this team's issue blocks another team's.
-- column partner_teams: Distinct other teams on either side of this team's cross-team links.
-- column internal_links: Links between two issues of this team, kept apart from the cross-team counts.
-- column external_links: Links from or to this team's issues whose other end is not in the export: reported, not counted above.
WITH links AS (
    SELECT * FROM core.dependency_links WHERE as_of = $as_of
),
sides AS (
    SELECT dependent_team AS team_id, blocking_team AS partner, 'depends_on' AS side FROM links WHERE scope = 'cross_team'
    UNION ALL
    SELECT blocking_team, dependent_team, 'depended_on_by' FROM links WHERE scope = 'cross_team'
    UNION ALL
    SELECT dependent_team, NULL, 'internal' FROM links WHERE scope = 'internal'
    UNION ALL
    SELECT coalesce(dependent_team, blocking_team), NULL, 'external' FROM links WHERE scope = 'external'
)
SELECT
    $as_of::DATE AS as_of,
    t.team_id,
    t.team_name,
    count(*) FILTER (WHERE s.side = 'depends_on') AS depends_on_links,
    count(*) FILTER (WHERE s.side = 'depended_on_by') AS depended_on_by_links,
    count(DISTINCT s.partner) AS partner_teams,
    count(*) FILTER (WHERE s.side = 'internal') AS internal_links,
    count(*) FILTER (WHERE s.side = 'external') AS external_links
FROM core.teams AS t
LEFT JOIN sides AS s ON s.team_id = t.team_id
WHERE t.as_of = $as_of
GROUP BY t.team_id, t.team_name
