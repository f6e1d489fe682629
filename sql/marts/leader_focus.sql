-- One row per leader per as_of: how the recent work of the leader's org spreads over work streams.
-- materialized: snapshot
-- A leader is an active person with at least one active direct report; their org is themselves and
-- everyone below them. The org's work is the window's items assigned to its active members.
-- column as_of: The date the metrics window ends on.
-- column leader_id: The leader's employee id.
-- column leader_name: The leader's name.
-- column org_size: Active people in the org, the leader included.
-- column items: Work items of the org in the window.
-- column weight: Their weight (items, or story points).
-- column streams_touched: Mapped work streams with work of the org in the window.
-- column top_stream: The stream with the most weight (ties: the stream listed first in the config); NULL without mapped work.
-- column focus_ratio: Top stream's weight / the org's mapped weight (unmapped work excluded); NULL without mapped work.
-- column unmapped_share: Unmapped weight / all the org's weight; NULL without work.
-- column effective_streams: 1 / sum of squared stream shares of mapped weight: 1.0 is single-threaded, n is n equal streams; NULL without mapped work.
-- column owned_streams: Streams whose STL is this leader.
-- column owned_focus: Share of the org's mapped weight on the streams the leader owns; NULL when they own none or the org has no mapped work.
-- column single_threaded: Owns exactly one stream and owned_focus is at least metrics.focus_threshold.
-- column top_owned_stream: Of the streams the leader owns, the one with the most of the org's mapped weight (ties: the stream listed first in the config); NULL when they own none.
-- column top_owned_focus: That stream's share of the org's mapped weight; NULL when they own none or the org has no mapped work.
-- column not_single_threaded_reason: Why the leader is not single-threaded, in words ("owns 2 streams (Checkout, Search); focus 38% on Checkout, under 80%"); NULL when they are.
WITH leaders AS (
    SELECT employee_id AS leader_id, name AS leader_name
    FROM core.people
    WHERE as_of = $as_of AND is_active AND is_leader
),
org_size AS (
    SELECT leader_id, count(*) FILTER (WHERE member_active) AS org_size
    FROM core.org_members
    WHERE as_of = $as_of
    GROUP BY leader_id
),
stream_weights AS (
    SELECT o.leader_id, w.stream_id, count(*) AS items, sum(w.weight) AS weight
    FROM core.org_members AS o
    JOIN core.window_items AS w
        ON w.as_of = o.as_of AND w.assignee_employee_id = o.employee_id AND w.attribution IN ('team', 'no_team')
    WHERE o.as_of = $as_of
    GROUP BY ALL
),
totals AS (
    SELECT
        leader_id,
        sum(items)::BIGINT AS items,
        sum(weight) AS weight,
        sum(weight) FILTER (WHERE stream_id <> 'unmapped') AS mapped_weight,
        sum(weight) FILTER (WHERE stream_id = 'unmapped') AS unmapped_weight
    FROM stream_weights
    GROUP BY leader_id
),
shares AS (
    SELECT sw.leader_id, sw.stream_id, s.position, sw.weight / t.mapped_weight AS share
    FROM stream_weights AS sw
    JOIN totals AS t ON t.leader_id = sw.leader_id
    JOIN core.work_streams AS s ON s.as_of = $as_of AND s.stream_id = sw.stream_id
),
focus AS (
    SELECT
        leader_id,
        count(*) AS streams_touched,
        arg_max(stream_id, (share, -position)) AS top_stream,
        max(share) AS focus_ratio,
        1 / sum(share * share) AS effective_streams
    FROM shares
    GROUP BY leader_id
),
owned AS (
    SELECT
        l.leader_id,
        count(s.stream_id) AS owned_streams,
        sum(sh.share) AS owned_share,
        string_agg(s.stream_name, ', ' ORDER BY s.position) AS owned_names,
        arg_max(s.stream_name, (coalesce(sh.share, 0), -s.position)) AS top_owned_stream,
        max(sh.share) AS top_owned_share
    FROM leaders AS l
    LEFT JOIN core.work_streams AS s ON s.as_of = $as_of AND s.stl_employee_id = l.leader_id
    LEFT JOIN shares AS sh ON sh.leader_id = l.leader_id AND sh.stream_id = s.stream_id
    GROUP BY l.leader_id
),
judged AS (
    SELECT
        o.*,
        CASE WHEN o.owned_streams > 0 AND t.mapped_weight > 0 THEN coalesce(o.owned_share, 0) END AS owned_focus,
        CASE WHEN o.owned_streams > 0 AND t.mapped_weight > 0 THEN coalesce(o.top_owned_share, 0) END
            AS top_owned_focus,
        o.owned_streams = 1 AND coalesce(o.owned_share >= $focus_threshold, false) AS single_threaded
    FROM owned AS o
    LEFT JOIN totals AS t ON t.leader_id = o.leader_id
)
SELECT
    $as_of::DATE AS as_of,
    l.leader_id,
    l.leader_name,
    coalesce(z.org_size, 1) AS org_size,
    coalesce(t.items, 0) AS items,
    coalesce(t.weight, 0) AS weight,
    coalesce(f.streams_touched, 0) AS streams_touched,
    f.top_stream,
    f.focus_ratio,
    coalesce(t.unmapped_weight, 0) / t.weight AS unmapped_share,
    f.effective_streams,
    o.owned_streams,
    o.owned_focus,
    o.single_threaded,
    o.top_owned_stream,
    o.top_owned_focus,
    -- The reasons, joined: several can hold at once (two streams, and too little focus on the first).
    CASE WHEN NOT o.single_threaded THEN concat_ws('; ',
        CASE WHEN o.owned_streams = 0 THEN 'owns no stream' END,
        CASE WHEN o.owned_streams > 1 THEN 'owns ' || o.owned_streams || ' streams (' || o.owned_names || ')' END,
        CASE WHEN o.owned_streams > 0 AND o.top_owned_focus IS NULL THEN 'no mapped work in the window' END,
        CASE WHEN o.top_owned_focus < $focus_threshold
            THEN 'focus ' || round(o.top_owned_focus * 100)::INTEGER || '% on ' || o.top_owned_stream
                 || ', under ' || round($focus_threshold * 100)::INTEGER || '%' END
    ) END AS not_single_threaded_reason
FROM leaders AS l
LEFT JOIN org_size AS z ON z.leader_id = l.leader_id
LEFT JOIN totals AS t ON t.leader_id = l.leader_id
LEFT JOIN focus AS f ON f.leader_id = l.leader_id
LEFT JOIN judged AS o ON o.leader_id = l.leader_id
