-- One row per person per as_of for every person at or above them in the reporting tree: the tree as pairs.
-- materialized: snapshot
-- A leader's org is the rows with their leader_id: themselves (levels_below 0) and everyone below them.
-- A person's depth (layers from the top, the top being 1) is the number of rows with their employee_id.
-- column as_of: The date the snapshot describes.
-- column leader_id: The person at the top of this org (any person; a leader when someone reports to them).
-- column employee_id: A member of that org.
-- column levels_below: How many reporting steps the member is below the leader (0: the leader themselves).
-- column member_active: Whether the member is active at as_of (orgs count active members only).
WITH RECURSIVE people AS (
    SELECT employee_id, manager_id, is_active FROM core.people WHERE as_of = $as_of
),
chain(leader_id, employee_id, levels_below) AS (
    SELECT employee_id, employee_id, 0 FROM people
    UNION ALL
    SELECT p.manager_id, c.employee_id, c.levels_below + 1
    FROM chain AS c
    JOIN people AS p ON p.employee_id = c.leader_id
    -- Cycles are cut in core.reporting_lines; the bound only guards against a tree deeper than any org.
    WHERE p.manager_id IS NOT NULL AND c.levels_below < 100
)
SELECT
    $as_of::DATE AS as_of,
    c.leader_id,
    c.employee_id,
    c.levels_below,
    m.is_active AS member_active
FROM chain AS c
JOIN people AS m ON m.employee_id = c.employee_id
