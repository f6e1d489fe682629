-- Rows of raw.jira_issues that cannot be typed, one row per problem found. Of two copies of one issue
-- key (overlapping JSON pages, or an issue in both a CSV and a JSON export) the most recently updated is
-- kept, then the first read.
-- Only the keys with a problem are ranked (duplicated, or a date or points that do not parse): ranking every
-- issue by its parsed updated date took most of the ingest of a large export.
WITH checked AS (
    SELECT
        upper(trim(issue_key)) AS folded_key,
        jira_timestamp(created) IS NULL
            OR (resolved IS NOT NULL AND jira_timestamp(resolved) IS NULL)
            OR (updated IS NOT NULL AND jira_timestamp(updated) IS NULL)
            OR (story_points IS NOT NULL AND try_cast(story_points AS DOUBLE) IS NULL) AS untyped
    FROM raw.jira_issues
),
problem_keys AS (
    SELECT folded_key FROM checked GROUP BY folded_key HAVING count(*) > 1 OR bool_or(untyped)
),
ranked AS (
    SELECT
        *,
        row_number() OVER same_key AS occurrence,
        first_value(source_file || ' line ' || source_line) OVER same_key AS kept
    FROM raw.jira_issues
    WHERE upper(trim(issue_key)) IN (SELECT folded_key FROM problem_keys)
    WINDOW same_key AS (
        PARTITION BY upper(trim(issue_key)) ORDER BY jira_timestamp(updated) DESC NULLS LAST, source_file, source_line
    )
)
SELECT source_file, source_line, 'created' AS field, created AS value,
       CASE WHEN created IS NULL THEN 'created date is blank'
            ELSE 'created date is not a date Jira writes' END AS reason,
       to_json(ranked) AS record
FROM ranked WHERE jira_timestamp(created) IS NULL
UNION ALL
SELECT source_file, source_line, 'resolved', resolved, 'resolution date is not a date Jira writes', to_json(ranked)
FROM ranked WHERE resolved IS NOT NULL AND jira_timestamp(resolved) IS NULL
UNION ALL
SELECT source_file, source_line, 'updated', updated, 'updated date is not a date Jira writes', to_json(ranked)
FROM ranked WHERE updated IS NOT NULL AND jira_timestamp(updated) IS NULL
UNION ALL
SELECT source_file, source_line, 'story_points', story_points, 'story points are not a number', to_json(ranked)
FROM ranked WHERE story_points IS NOT NULL AND try_cast(story_points AS DOUBLE) IS NULL
UNION ALL
SELECT source_file, source_line, 'issue_key', issue_key,
       'duplicate issue key ' || issue_key || ': the copy in ' || kept || ' is kept', to_json(ranked)
FROM ranked WHERE occurrence > 1
