-- Rows of raw.hris_people for this as_of that cannot be typed, one row per problem found.
-- Parsed with the same $date_formats as staging.hris_people, so quarantine and staging never disagree.
WITH snapshot AS (
    SELECT * FROM raw.hris_people WHERE as_of = $as_of
),
ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY employee_id ORDER BY source_file, source_line) AS occurrence,
        first_value(source_line) OVER (PARTITION BY employee_id ORDER BY source_file, source_line) AS first_line
    FROM snapshot
)
SELECT source_file, source_line, 'name' AS field, name AS value, 'name is blank' AS reason, to_json(ranked) AS record
FROM ranked WHERE name IS NULL
UNION ALL
SELECT source_file, source_line, 'hire_date', hire_date, 'hire date is blank', to_json(ranked)
FROM ranked WHERE hire_date IS NULL
UNION ALL
SELECT source_file, source_line, 'hire_date', hire_date,
       'hire date is not a date in the form ' || $date_format_label,
       to_json(ranked)
FROM ranked WHERE hire_date IS NOT NULL AND try_strptime(hire_date, $date_formats) IS NULL
UNION ALL
SELECT source_file, source_line, 'termination_date', termination_date,
       'termination date is not a date in the form ' || $date_format_label,
       to_json(ranked)
FROM ranked WHERE termination_date IS NOT NULL AND try_strptime(termination_date, $date_formats) IS NULL
UNION ALL
SELECT source_file, source_line, 'employee_id', employee_id,
       'duplicate employee id ' || employee_id || ': the row on line ' || first_line || ' is kept',
       to_json(ranked)
FROM ranked WHERE occurrence > 1
