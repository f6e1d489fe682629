-- One row per as_of per attribution: how much of the window's work counts for teams, and why the rest does not.
-- materialized: snapshot
-- Work that counts for no team is kept here rather than dropped: unassigned items, items whose assignee
-- is not in the HRIS, items of people who have left, and items of the person at the top of the tree.
-- column as_of: The date the metrics window ends on.
-- column attribution: team, no_team, inactive_assignee, unmatched or unassigned (see core.window_items).
-- column items: Work items resolved in the window with this attribution.
-- column weight: Their weight.
-- column share_of_weight: Their weight / all the window's weight.
SELECT
    $as_of::DATE AS as_of,
    attribution,
    count(*) AS items,
    sum(weight) AS weight,
    sum(weight) / sum(sum(weight)) OVER () AS share_of_weight
FROM core.window_items
WHERE as_of = $as_of
GROUP BY attribution
