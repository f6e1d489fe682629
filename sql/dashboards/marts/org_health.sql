-- One row per as_of: the headline numbers, as marts.org_health has them.
-- The split-engineer counts are hidden (NULL) on a date with fewer than publish.min_group_size engineers
-- with work: over so few people they would describe individuals.
SELECT
    * REPLACE (
        CASE WHEN engineers_with_work >= $min_group_size THEN split_engineers END AS split_engineers,
        CASE WHEN engineers_with_work >= $min_group_size THEN split_engineer_share END AS split_engineer_share
    )
FROM src.marts.org_health
