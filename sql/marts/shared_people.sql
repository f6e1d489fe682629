-- One row per active engineer with work in the window per as_of: over how many work streams their work spreads.
-- materialized: snapshot
-- An engineer split across two or more streams is the "part-time job" the STL model warns about.
-- column as_of: The date the metrics window ends on.
-- column employee_id: The engineer.
-- column name: Their name.
-- column team_id: Their team at as_of.
-- column items: Their work items in the window.
-- column weight: Their weight.
-- column streams_worked: Mapped work streams they worked on in the window.
-- column top_stream: Their stream with the most weight (ties: listed first in the config); NULL without mapped work.
-- column top_share: Top stream's weight / their mapped weight (unmapped excluded); NULL without mapped work.
-- column unmapped_share: Unmapped weight / all their weight.
-- column is_split: streams_worked is 2 or more.
WITH stream_weights AS (
    SELECT w.assignee_employee_id AS employee_id, w.stream_id, count(*) AS items, sum(w.weight) AS weight
    FROM core.window_items AS w
    JOIN core.people AS p ON p.as_of = w.as_of AND p.employee_id = w.assignee_employee_id
    WHERE w.as_of = $as_of AND p.is_engineer AND w.attribution IN ('team', 'no_team')
    GROUP BY ALL
),
totals AS (
    SELECT
        employee_id,
        sum(items)::BIGINT AS items,
        sum(weight) AS weight,
        sum(weight) FILTER (WHERE stream_id <> 'unmapped') AS mapped_weight,
        coalesce(sum(weight) FILTER (WHERE stream_id = 'unmapped'), 0) AS unmapped_weight
    FROM stream_weights
    GROUP BY employee_id
),
top AS (
    SELECT
        sw.employee_id,
        count(*) AS streams_worked,
        arg_max(sw.stream_id, (sw.weight, -s.position)) AS top_stream,
        max(sw.weight) AS top_weight
    FROM stream_weights AS sw
    JOIN core.work_streams AS s ON s.as_of = $as_of AND s.stream_id = sw.stream_id
    GROUP BY sw.employee_id
)
SELECT
    $as_of::DATE AS as_of,
    t.employee_id,
    p.name,
    p.team_id,
    t.items,
    t.weight,
    coalesce(x.streams_worked, 0) AS streams_worked,
    x.top_stream,
    x.top_weight / t.mapped_weight AS top_share,
    t.unmapped_weight / t.weight AS unmapped_share,
    coalesce(x.streams_worked, 0) >= 2 AS is_split
FROM totals AS t
JOIN core.people AS p ON p.as_of = $as_of AND p.employee_id = t.employee_id
LEFT JOIN top AS x ON x.employee_id = t.employee_id
