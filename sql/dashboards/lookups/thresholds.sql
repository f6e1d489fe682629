-- One row: the thresholds the metrics were judged by, from the config, for charts to draw.
-- column focus_threshold: metrics.focus_threshold: a leader owning one stream is single-threaded at or above it.
-- column alignment_threshold: metrics.alignment_threshold: a team is aligned to its top stream at or above it.
-- column team_min_engineers: metrics.team_min_engineers: the pizza band's lower bound.
-- column team_max_engineers: metrics.team_max_engineers: the pizza band's upper bound.
-- column team_max_headcount: metrics.team_max_headcount: the most people a team may have, its manager included.
-- column min_group_size: publish.min_group_size: the smallest group whose HR-derived numbers are shown.
-- column pseudonymised: Whether people outside publish.named_roles are shown as pseudonyms.
SELECT
    $focus_threshold::DOUBLE AS focus_threshold,
    $alignment_threshold::DOUBLE AS alignment_threshold,
    $team_min_engineers::INTEGER AS team_min_engineers,
    $team_max_engineers::INTEGER AS team_max_engineers,
    $team_max_headcount::INTEGER AS team_max_headcount,
    $min_group_size::INTEGER AS min_group_size,
    $pseudonymised::BOOLEAN AS pseudonymised
