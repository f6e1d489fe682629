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
-- column epic_key: The epic the issue belongs to: its Epic Link, or the nearest Epic among itself and its parents.
-- column stream_id: Work stream id from the org config (staging.work_streams), or 'unmapped'.
-- column stream_rule: The kind of rule that placed it: epic, component, label or project; NULL when unmapped.
-- column stream_from_parent: True when a sub-task took its parent's stream.
WITH RECURSIVE hierarchy AS (
    SELECT
        i.issue_key,
        i.issue_type,
        i.epic_key,
        i.is_subtask,
        i.parent_id,
        coalesce(i.parent_key, by_id.issue_key) AS resolved_parent_key
    FROM staging.jira_issues AS i
    LEFT JOIN (SELECT issue_id, issue_key FROM staging.jira_issues) AS by_id ON by_id.issue_id = i.parent_id
),
ancestry(issue_key, ancestor_key, depth) AS (
    SELECT issue_key, resolved_parent_key, 1 FROM hierarchy WHERE resolved_parent_key IS NOT NULL
    UNION ALL
    SELECT a.issue_key, p.resolved_parent_key, a.depth + 1
    FROM ancestry AS a
    JOIN hierarchy AS p ON p.issue_key = a.ancestor_key
    WHERE p.resolved_parent_key IS NOT NULL AND a.depth < 10
),
lineage AS (
    -- The issue's ancestors, nearest first, with the issue types of those in the export. Each list is
    -- collected as (depth, key) pairs and sorted after: an aggregate with ORDER BY cannot spill to disk, and
    -- at millions of issues it does not fit in memory.
    SELECT
        a.issue_key,
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
    LEFT JOIN hierarchy AS p ON p.issue_key = a.ancestor_key
    GROUP BY a.issue_key
),
item_lineage AS (
    SELECT
        h.issue_key,
        h.resolved_parent_key,
        coalesce(
            h.epic_key,
            CASE WHEN h.issue_type = 'Epic' THEN h.issue_key END,
            l.epic_ancestors[1],
            l.ancestor_epic_links[1]
        ) AS effective_epic_key,
        list_distinct(list_concat([h.issue_key], coalesce(l.ancestors, []), [h.epic_key],
                                  coalesce(l.ancestor_epic_links, []))) AS lineage_keys
    FROM hierarchy AS h
    LEFT JOIN lineage AS l ON l.issue_key = h.issue_key
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
    SELECT issue_key, 'epic' AS rule, lower(unnest(lineage_keys)) AS value FROM item_lineage
    UNION ALL
    SELECT issue_key, 'component', lower(unnest(components)) FROM staging.jira_issues
    UNION ALL
    SELECT issue_key, 'label', lower(unnest(labels)) FROM staging.jira_issues
    UNION ALL
    SELECT issue_key, 'project', lower(project_key) FROM staging.jira_issues
),
candidates AS (
    SELECT v.issue_key, r.stream_id, r.rule, r.rule_rank, r.position
    FROM item_values AS v
    JOIN rules AS r ON r.rule = v.rule AND r.value = v.value
),
own_best AS (
    -- Each issue's winning rule, the lowest (rule rank, stream position), packed into one integer so that the
    -- aggregate is a plain min: arg_min over a (rank, position) key could not spill at millions of issues.
    SELECT issue_key, min(rule_rank * 1000000 + position) AS best
    FROM candidates
    GROUP BY issue_key
),
own_stream AS (
    SELECT
        b.issue_key,
        s.stream_id,
        CASE b.best // 1000000 WHEN 1 THEN 'epic' WHEN 2 THEN 'component' WHEN 3 THEN 'label' ELSE 'project' END
            AS rule
    FROM own_best AS b
    JOIN staging.work_streams AS s ON s.position = b.best % 1000000
)
SELECT
    h.issue_key,
    h.resolved_parent_key AS parent_key,
    CASE WHEN h.resolved_parent_key IS NOT NULL OR h.parent_id IS NOT NULL THEN parent.issue_key IS NOT NULL END
        AS parent_in_export,
    il.effective_epic_key AS epic_key,
    CASE
        WHEN h.is_subtask AND parent.issue_key IS NOT NULL THEN coalesce(parent_stream.stream_id, 'unmapped')
        ELSE coalesce(own.stream_id, 'unmapped')
    END AS stream_id,
    CASE WHEN h.is_subtask AND parent.issue_key IS NOT NULL THEN parent_stream.rule ELSE own.rule END AS stream_rule,
    coalesce(h.is_subtask AND parent.issue_key IS NOT NULL, false) AS stream_from_parent
FROM hierarchy AS h
JOIN item_lineage AS il ON il.issue_key = h.issue_key
LEFT JOIN hierarchy AS parent ON parent.issue_key = h.resolved_parent_key
LEFT JOIN own_stream AS own ON own.issue_key = h.issue_key
LEFT JOIN own_stream AS parent_stream ON parent_stream.issue_key = h.resolved_parent_key
