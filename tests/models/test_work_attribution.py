"""marts.work_attribution: the window's work by whom it counts for, built alone from core.window_items."""

from pytest import approx

from tests.models import metrics_org as org
from tests.models.metrics_org import AS_OF, LATER

COLUMNS = "issue_key stream_id weight assignee_employee_id team_id attribution"
# The window of the metrics org (tests/models/metrics_org.py): 12 items, each of weight 1. OLD-1's
# assignee Xan has left; MISC-2 is unassigned; MISC-3's assignee, Zed Vendor, is not in the HRIS.
METRICS_ORG_WINDOW = org.WINDOW.select(COLUMNS, weight=1)

SELECT = "SELECT attribution, items, weight, share_of_weight FROM marts.work_attribution WHERE as_of = $as_of"


def test_work_that_counts_for_no_team_is_kept(db):
    db.table("core.window_items", COLUMNS, METRICS_ORG_WINDOW)
    assert db.build("marts.work_attribution") == 4  # one row per attribution present; no no_team item
    assert db.by_key(SELECT, {"as_of": AS_OF}) == {
        "team": [9, 9.0, approx(9 / 12)],  # PAY-1,2,3,5,7, MISC-1, WEB-1,2,3
        "inactive_assignee": [1, 1.0, approx(1 / 12)],  # OLD-1
        "unassigned": [1, 1.0, approx(1 / 12)],  # MISC-2
        "unmatched": [1, 1.0, approx(1 / 12)],  # MISC-3
    }


def test_shares_are_of_weight_not_items(db):
    # Story points: the weights core.window_items gives (an unestimated item already carries the median, 2).
    # fmt: off
    db.table("core.window_items", COLUMNS + " weight_imputed", [
        ("PAY-1",  "pay",      3, "E1", "M1", "team",       False),
        ("PAY-2",  "pay",      5, "E1", "M1", "team",       False),
        ("L-1",    "ops",      1, "L1", None, "no_team",    False),  # the CEO, at the top of the tree
        ("MISC-2", "unmapped", 2, None, None, "unassigned", True),
    ])
    # fmt: on
    db.build("marts.work_attribution", effort="story_points")
    # All weight: 3 + 5 + 1 + 2 = 11.
    assert db.by_key(SELECT, {"as_of": AS_OF}) == {
        "team": [2, 8.0, approx(8 / 11)],  # 2 of 4 items, but 8 of 11 points
        "no_team": [1, 1.0, approx(1 / 11)],
        "unassigned": [1, 2.0, approx(2 / 11)],
    }


def test_other_snapshots_of_the_window_are_ignored(db):
    db.table("core.window_items", COLUMNS, [("PAY-1", "pay", 1, "E1", "M1", "team")])
    db.table("core.window_items", COLUMNS, [("PAY-9", "pay", 1, None, None, "unassigned")], as_of=LATER)
    assert db.build("marts.work_attribution") == 1
    assert db.rows("SELECT as_of, attribution, items, share_of_weight FROM marts.work_attribution") == [
        (AS_OF, "team", 1, 1.0)  # PAY-9 is in the later window only
    ]


def test_an_empty_window_gives_no_rows(db):
    db.table("core.window_items", COLUMNS, [("PAY-9", "pay", 1, None, None, "unassigned")], as_of=LATER)
    assert db.build("marts.work_attribution") == 0


def test_two_snapshots_accumulate_and_a_rerun_replaces_its_own(db):
    db.table("core.window_items", COLUMNS, METRICS_ORG_WINDOW)
    # On 2026-12-20 the window (2026-09-21, 2026-12-20] has lost PAY-5 and OLD-1 (resolved in September).
    later_window = [row for row in METRICS_ORG_WINDOW if row[0] not in ("PAY-5", "OLD-1")]
    db.table("core.window_items", COLUMNS, later_window, as_of=LATER)
    db.build("marts.work_attribution", as_of=AS_OF)
    db.build("marts.work_attribution", as_of=LATER)
    counts = "SELECT as_of, attribution, items FROM marts.work_attribution ORDER BY as_of, attribution"
    first = [
        (AS_OF, "inactive_assignee", 1),
        (AS_OF, "team", 9),
        (AS_OF, "unassigned", 1),
        (AS_OF, "unmatched", 1),
        (LATER, "team", 8),  # 9 less PAY-5
        (LATER, "unassigned", 1),
        (LATER, "unmatched", 1),  # no inactive_assignee row: OLD-1 left the window
    ]
    assert db.rows(counts) == first

    # The later snapshot's input changes (MISC-3's assignee got an alias) and its run is repeated: only its
    # rows are replaced, the first snapshot stays.
    db.con.execute(
        "UPDATE core.window_items SET attribution = 'team', team_id = 'M1' WHERE as_of = $d AND issue_key = 'MISC-3'",
        {"d": LATER},
    )
    assert db.build("marts.work_attribution", as_of=LATER) == 2
    assert db.rows(counts) == first[:4] + [(LATER, "team", 9), (LATER, "unassigned", 1)]
    assert db.by_key(SELECT, {"as_of": LATER}) == {
        "team": [9, 9.0, approx(9 / 10)],  # 10 items in the later window
        "unassigned": [1, 1.0, approx(1 / 10)],
    }
