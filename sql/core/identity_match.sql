-- One row per as_of: how much of the Jira work could be tied to HRIS people.
-- materialized: snapshot
-- column as_of: The run's as_of date.
-- column assignees: Distinct Jira identities that are assignees of at least one issue.
-- column matched_assignees: Those matched to an HRIS employee.
-- column match_rate: matched_assignees / assignees; NULL when there are no assignees.
-- column assigned_items: Issues with an assignee.
-- column matched_items: Issues whose assignee is matched.
-- column item_match_rate: matched_items / assigned_items; NULL when no issue is assigned.
-- column unmatched_identities: Jira identities (assignees or reporters) with no HRIS match; listed in core.identity_map.
WITH counts AS (
    SELECT
        count(*) FILTER (WHERE assigned_items > 0) AS assignees,
        count(*) FILTER (WHERE assigned_items > 0 AND employee_id IS NOT NULL) AS matched_assignees,
        coalesce(sum(assigned_items), 0)::BIGINT AS assigned_items_total,
        coalesce(sum(assigned_items) FILTER (WHERE employee_id IS NOT NULL), 0)::BIGINT AS matched_items,
        count(*) FILTER (WHERE employee_id IS NULL) AS unmatched_identities
    FROM core.identity_map
    WHERE as_of = $as_of
)
SELECT
    $as_of::DATE AS as_of,
    assignees,
    matched_assignees,
    matched_assignees / nullif(assignees, 0) AS match_rate,
    assigned_items_total AS assigned_items,
    matched_items,
    matched_items / nullif(assigned_items_total, 0) AS item_match_rate,
    unmatched_identities
FROM counts
