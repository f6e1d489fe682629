-- One row per team per as_of: whether the team's recent work is organised around a program or a project.
-- materialized: snapshot
-- column as_of: The date the metrics window ends on.
-- column team_id: The team's id.
-- column team_name: Readable team name.
-- column items: Work items of the team in the window.
-- column weight: Their weight.
-- column program_share: Weight on program streams / all the team's weight.
-- column product_share: Weight on product streams / all the team's weight.
-- column project_share: Weight on project streams / all the team's weight.
-- column unmapped_share: Unmapped weight / all the team's weight.
-- column top_stream: The stream with the most weight (ties: listed first in the config); NULL without mapped work.
-- column top_stream_kind: program, product or project.
-- column top_share: Top stream's weight / the team's mapped weight (unmapped excluded).
-- column alignment: program_aligned (top stream a program or product with top_share >= metrics.alignment_threshold), project_aligned (the same with a project), fragmented (no stream reaches it) or idle (no items).
WITH teams AS (
    SELECT * FROM core.teams WHERE as_of = $as_of
),
stream_weights AS (
    SELECT team_id, stream_id, any_value(stream_kind) AS stream_kind, count(*) AS items, sum(weight) AS weight
    FROM core.window_items
    WHERE as_of = $as_of AND team_id IS NOT NULL
    GROUP BY team_id, stream_id
),
totals AS (
    SELECT
        team_id,
        sum(items)::BIGINT AS items,
        sum(weight) AS weight,
        sum(weight) FILTER (WHERE stream_id <> 'unmapped') AS mapped_weight,
        coalesce(sum(weight) FILTER (WHERE stream_kind = 'program'), 0) AS program_weight,
        coalesce(sum(weight) FILTER (WHERE stream_kind = 'product'), 0) AS product_weight,
        coalesce(sum(weight) FILTER (WHERE stream_kind = 'project'), 0) AS project_weight,
        coalesce(sum(weight) FILTER (WHERE stream_kind = 'unmapped'), 0) AS unmapped_weight
    FROM stream_weights
    GROUP BY team_id
),
top AS (
    SELECT
        sw.team_id,
        arg_max(sw.stream_id, (sw.weight, -s.position)) AS top_stream,
        arg_max(sw.stream_kind, (sw.weight, -s.position)) AS top_stream_kind,
        max(sw.weight) AS top_weight
    FROM stream_weights AS sw
    JOIN core.work_streams AS s ON s.as_of = $as_of AND s.stream_id = sw.stream_id
    GROUP BY sw.team_id
),
measured AS (
    SELECT
        t.team_id,
        t.team_name,
        coalesce(w.items, 0) AS items,
        coalesce(w.weight, 0) AS weight,
        w.program_weight / w.weight AS program_share,
        w.product_weight / w.weight AS product_share,
        w.project_weight / w.weight AS project_share,
        w.unmapped_weight / w.weight AS unmapped_share,
        p.top_stream,
        p.top_stream_kind,
        p.top_weight / w.mapped_weight AS top_share
    FROM teams AS t
    LEFT JOIN totals AS w ON w.team_id = t.team_id
    LEFT JOIN top AS p ON p.team_id = t.team_id
)
SELECT
    $as_of::DATE AS as_of,
    *,
    CASE
        WHEN items = 0 THEN 'idle'
        WHEN top_share >= $alignment_threshold AND top_stream_kind IN ('program', 'product') THEN 'program_aligned'
        WHEN top_share >= $alignment_threshold AND top_stream_kind = 'project' THEN 'project_aligned'
        ELSE 'fragmented'
    END AS alignment
FROM measured
