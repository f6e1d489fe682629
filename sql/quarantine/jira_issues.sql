-- Rows of raw.jira_issues that cannot be typed, one row per problem found. Of two copies of one issue
-- key (overlapping JSON pages, or an issue in both a CSV and a JSON export) the most recently updated is
-- kept, then the first read.
WITH ranked AS (
    SELECT
        *,
        row_number() OVER same_key AS occurrence,
        first_value(source_file || ' line ' || source_line) OVER same_key AS kept
    FROM raw.jira_issues
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
