-- One row per Jira issue: where it sits, its parent, its epic and the work stream it counts towards.
-- core.work_items joins it to the issue's own columns. Kept apart from them because this is the hierarchy
-- walk and the stream rules, which read each issue many times: with only keys in hand they stay small enough
-- to run within DuckDB's memory limit at millions of issues, and the one join that adds the wide columns
-- (summaries, lists) builds its hash table on this narrow table rather than on the wide one.
-- An issue's work stream is the first rule that matches, in the order epic (the issue, its parents or its
-- epic is a listed epic), component, label, project; ties go to the stream listed first in the config.
-- A sub-task takes its parent's stream when the parent is in the export. No match: stream_id 'unmapped'.
-- column issue_key: Issue key.
-- column parent_key: Parent issue key (from the key, or the numeric parent id looked up in the export); NULL when unknown.
-- column parent_in_export: Whether the parent is in the export; NULL for an issue without a parent.
-- column epic_key: The epic the issue belongs to: its Epic Link, else itself if an Epic, else the nearest Epic above it, else the nearest Epic Link above it (up to ten levels up).
-- column stream_id: Work stream id from the org config (staging.work_streams), or 'unmapped'.
-- column stream_rule: The kind of rule that placed it: epic, component, label or project; NULL when unmapped.
-- column stream_from_parent: True when a sub-task took its parent's stream.
WITH RECURSIVE hierarchy AS (
    -- Each issue is known by its row id here: the walk up the hierarchy and the stream rules join and group
    -- on integers rather than on keys.
    SELECT
        i.rowid AS item,
        i.issue_key,
        i.issue_type,
        i.epic_key,
        i.is_subtask,
        i.parent_id,
        coalesce(i.parent_key, by_id.issue_key) AS resolved_parent_key
    FROM staging.jira_issues AS i
    LEFT JOIN (SELECT issue_id, issue_key FROM staging.jira_issues) AS by_id ON by_id.issue_id = i.parent_id
),
linked AS (
    -- The parent's row id when the parent is in the export.
    SELECT h.*, parent.item AS parent_item
    FROM hierarchy AS h
    LEFT JOIN (SELECT item, issue_key FROM hierarchy) AS parent ON parent.issue_key = h.resolved_parent_key
),
with_parent AS (
    -- The parent's type, epic link and own parent, when it is in the export: most issues have no ancestor
    -- beyond their parent, so their lineage is read off this row without walking or grouping.
    SELECT
        h.*,
        p.issue_type AS parent_type,
        p.epic_key AS parent_epic_key,
        p.resolved_parent_key AS grandparent_key,
        p.parent_item AS grandparent_item
    FROM linked AS h
    LEFT JOIN linked AS p ON p.item = h.parent_item
),
ancestry(item, ancestor_item, ancestor_key, depth) AS (
    -- The ancestors from the grandparent up (at most ten levels in all).
    SELECT item, grandparent_item, grandparent_key, 2 FROM with_parent WHERE grandparent_key IS NOT NULL
    UNION ALL
    SELECT a.item, p.parent_item, p.resolved_parent_key, a.depth + 1
    FROM ancestry AS a
    JOIN linked AS p ON p.item = a.ancestor_item
    WHERE p.resolved_parent_key IS NOT NULL AND a.depth < 10
),
higher AS (
    -- Those ancestors, nearest first, with the issue types of those in the export. Each list is collected as
    -- (depth, key) pairs and sorted after: an aggregate with ORDER BY cannot spill to disk, and at millions of
    -- issues it does not fit in memory.
    SELECT
        a.item,
        list_transform(list_sort(list({'depth': a.depth, 'key': a.ancestor_key})), lambda x: x.key) AS ancestors,
        list_transform(
            list_sort(list({'depth': a.depth, 'key': a.ancestor_key}) FILTER (WHERE p.issue_type = 'Epic')),
            lambda x: x.key
        ) AS epic_ancestors,
        list_transform(
            list_sort(list({'depth': a.depth, 'key': p.epic_key}) FILTER (WHERE p.epic_key IS NOT NULL)),
            lambda x: x.key
        ) AS ancestor_epic_links
    FROM ancestry AS a
    LEFT JOIN linked AS p ON p.item = a.ancestor_item
    GROUP BY a.item
),
item_lineage AS (
    -- The epic: the issue's own Epic Link, itself if an Epic, the nearest Epic above it, or the nearest Epic
    -- Link above it, in that order. The keys an epic rule can match: itself, its ancestors and their links.
    SELECT
        h.item,
        coalesce(
            h.epic_key,
            CASE WHEN h.issue_type = 'Epic' THEN h.issue_key END,
            CASE WHEN h.parent_type = 'Epic' THEN h.resolved_parent_key END,
            g.epic_ancestors[1],
            h.parent_epic_key,
            g.ancestor_epic_links[1]
        ) AS effective_epic_key,
        list_distinct(list_concat([h.issue_key, h.resolved_parent_key], coalesce(g.ancestors, []),
                                  [h.epic_key, h.parent_epic_key], coalesce(g.ancestor_epic_links, []))) AS lineage_keys
    FROM with_parent AS h
    LEFT JOIN higher AS g ON g.item = h.item
),
rules AS (
    SELECT stream_id, position, 1 AS rule_rank, 'epic' AS rule, lower(unnest(match_epics)) AS value
    FROM staging.work_streams
    UNION ALL
    SELECT stream_id, position, 2, 'component', lower(unnest(match_components)) FROM staging.work_streams
    UNION ALL
    SELECT stream_id, position, 3, 'label', lower(unnest(match_labels)) FROM staging.work_streams
    UNION ALL
    SELECT stream_id, position, 4, 'project', lower(unnest(match_projects)) FROM staging.work_streams
),
item_values AS (
    -- Each value an item can match a rule by, one row each, so that candidates is a hash join on (rule, value)
    -- rather than every item tested against every rule.
    SELECT item, 'epic' AS rule, lower(unnest(lineage_keys)) AS value FROM item_lineage
    UNION ALL
    SELECT rowid, 'component', lower(unnest(components)) FROM staging.jira_issues
    UNION ALL
    SELECT rowid, 'label', lower(unnest(labels)) FROM staging.jira_issues
    UNION ALL
    SELECT rowid, 'project', lower(project_key) FROM staging.jira_issues
),
own_best AS (
    -- Each issue's winning rule, the lowest (rule rank, stream position), packed into one integer so that the
    -- aggregate is a plain min: arg_min over a (rank, position) key could not spill at millions of issues.
    SELECT v.item, min(r.rule_rank * 1000000 + r.position) AS best
    FROM item_values AS v
    JOIN rules AS r ON r.rule = v.rule AND r.value = v.value
    GROUP BY v.item
),
own_stream AS (
    SELECT
        b.item,
        s.stream_id,
        CASE b.best // 1000000 WHEN 1 THEN 'epic' WHEN 2 THEN 'component' WHEN 3 THEN 'label' ELSE 'project' END
            AS rule
    FROM own_best AS b
    JOIN staging.work_streams AS s ON s.position = b.best % 1000000
)
SELECT
    h.issue_key,
    h.resolved_parent_key AS parent_key,
    CASE WHEN h.resolved_parent_key IS NOT NULL OR h.parent_id IS NOT NULL THEN h.parent_item IS NOT NULL END
        AS parent_in_export,
    il.effective_epic_key AS epic_key,
    CASE
        WHEN h.is_subtask AND h.parent_item IS NOT NULL THEN coalesce(parent_stream.stream_id, 'unmapped')
        ELSE coalesce(own.stream_id, 'unmapped')
    END AS stream_id,
    CASE WHEN h.is_subtask AND h.parent_item IS NOT NULL THEN parent_stream.rule ELSE own.rule END AS stream_rule,
    coalesce(h.is_subtask AND h.parent_item IS NOT NULL, false) AS stream_from_parent
FROM linked AS h
JOIN item_lineage AS il ON il.item = h.item
LEFT JOIN own_stream AS own ON own.item = h.item
LEFT JOIN own_stream AS parent_stream ON parent_stream.item = h.parent_item
