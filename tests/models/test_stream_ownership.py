"""marts.stream_ownership: who owns each stream, who works on it, and the STL anti-patterns, built alone.

The streams of the metrics org (tests/models/metrics_org.py), in config order, with their STL:
pay (program, M1 Mia), web (product, M2 Max), mig (project, D1 Dan), legacy (project, X1 Xan, who left
2026-10-01), ops (program, D1 Dan), docs (program, no STL). as_of 2026-11-20.
"""

from pytest import approx

from tests.models import metrics_org as org
from tests.models.metrics_org import AS_OF, LATER

STREAMS = "position stream_id stream_name kind stl_email stl_employee_id stl_active"
METRICS_ORG_STREAMS = org.STREAMS.select(STREAMS)  # pay, web, mig, legacy, ops, docs
WINDOW = "issue_key stream_id weight team_id attribution"
# The window's 12 items, each of weight 1: M1's PAY-1,2,3,5 and MISC-1, M2's PAY-7 and WEB-1,2,3; OLD-1,
# MISC-2, MISC-3 count for no team.
METRICS_ORG_WINDOW = org.WINDOW.select(WINDOW, weight=1)
# fmt: off
# Every issue of the export (core.work_items has no as_of): when it was created and resolved.
ISSUES = "issue_key stream_id created_at resolved_at"
METRICS_ORG_ISSUES = [
    ("PAY-1",  "pay",      "2026-09-01 09:00", "2026-10-01 10:00"),
    ("PAY-2",  "pay",      "2026-09-01 09:00", "2026-10-02 10:00"),
    ("PAY-3",  "pay",      "2026-09-01 09:00", "2026-11-20 23:00"),
    ("PAY-4",  "pay",      "2026-07-01 09:00", "2026-08-22 09:00"),  # pay's oldest; resolved before the window
    ("PAY-5",  "pay",      "2026-09-01 09:00", "2026-09-15 09:00"),
    ("PAY-6",  "pay",      "2026-10-01 09:00", None),                # open
    ("PAY-7",  "pay",      "2026-10-01 09:00", "2026-10-10 09:00"),
    ("PAY-8",  "pay",      "2026-11-25 09:00", None),                # created after as_of: not yet there
    ("WEB-1",  "web",      "2026-09-01 09:00", "2026-10-05 09:00"),
    ("WEB-4",  "web",      "2026-11-01 09:00", "2026-11-25 09:00"),  # resolved after as_of: open at as_of
    ("WEB-2",  "mig",      "2026-10-01 09:00", "2026-10-20 09:00"),
    ("WEB-3",  "ops",      "2026-10-01 09:00", "2026-10-21 09:00"),
    ("OLD-1",  "legacy",   "2026-03-01 09:00", "2026-09-20 09:00"),
    ("OLD-2",  "legacy",   "2026-01-05 09:00", None),                # open since January
    ("MISC-1", "unmapped", "2026-09-01 09:00", "2026-10-01 09:00"),
    ("MISC-2", "unmapped", "2026-09-01 09:00", "2026-10-01 09:00"),
]
# marts.leader_focus as it reads (tests/models/test_leader_focus.py): the leaders' owned_focus.
FOCUS = "leader_id owned_streams owned_focus single_threaded"
METRICS_ORG_FOCUS = [
    ("L1", 0, None, False),
    ("D1", 2, 0.25, False),  # mig + ops: 2 of 8 mapped items
    ("M1", 1, 1.0,  True),
    ("M2", 1, 0.25, False),  # web: 1 of 4
    ("M3", 0, None, False),
]
# fmt: on

SELECT = (
    "SELECT stream_id, kind, stl_id, stl_active, items, contributing_teams, top_team, top_team_share, "
    "first_created::DATE::VARCHAR, age_days, open_items, no_stl, stl_owns_multiple, stl_below_focus, "
    "project_outlived FROM marts.stream_ownership WHERE as_of = $as_of"
)


def metrics_org(db):
    db.table("core.work_streams", STREAMS, METRICS_ORG_STREAMS)
    db.table("core.window_items", WINDOW, METRICS_ORG_WINDOW)
    db.table("core.work_items", ISSUES, METRICS_ORG_ISSUES)
    db.table("marts.leader_focus", FOCUS, METRICS_ORG_FOCUS)


def test_metrics_org(db):
    metrics_org(db)
    # Another day's leader_focus must not be read: M1 below focus on 2026-12-20 does not flag pay today.
    db.table("marts.leader_focus", FOCUS, [("M1", 1, 0.1, False)], as_of=LATER)
    assert db.build("marts.stream_ownership") == 6
    got = db.by_key(SELECT, {"as_of": AS_OF})
    # pay: PAY-1,2,3,5 (M1) and PAY-7 (M2): top M1 4/5. Its oldest item PAY-4 was created 2026-07-01,
    # 142 days before as_of (30 + 31 + 30 + 31 + 20); PAY-6 is open (PAY-8 does not exist yet at as_of).
    assert got["pay"] == ["program", "M1", True, 5, 2, "M1", 0.8, "2026-07-01", 142, 1,
                          False, False, False, False]  # fmt: skip
    # web: WEB-1; WEB-4 is open at as_of. M2 owns it, but only a quarter of M2's work is on it (< 0.8).
    # 2026-09-01 → 2026-11-20: 29 + 31 + 20 = 80 days.
    assert got["web"] == ["product", "M2", True, 1, 1, "M2", 1.0, "2026-09-01", 80, 1, False, False, True, False]
    # mig and ops: D1 owns two streams, at 0.25 focus; a 50-day-old project (30 + 20) is not outlived.
    assert got["mig"] == ["project", "D1", True, 1, 1, "M2", 1.0, "2026-10-01", 50, 0, False, True, True, False]
    assert got["ops"] == ["program", "D1", True, 1, 1, "M2", 1.0, "2026-10-01", 50, 0, False, True, True, False]
    # legacy: its STL has left (no leader_focus row, not flagged below focus); OLD-1 counts for no team.
    # OLD-2 (created 2026-01-05: 26 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 20 = 319 days ago) is
    # open: a project older than 180 days with open work.
    assert got["legacy"] == ["project", "X1", False, 1, 0, None, None, "2026-01-05", 319, 1,
                             False, False, False, True]  # fmt: skip
    # docs: no STL, no items at all.
    assert got["docs"] == ["program", None, False, 0, 0, None, None, None, None, 0, True, False, False, False]
    assert db.rows("SELECT stream_name, stl, weight FROM marts.stream_ownership WHERE stream_id = 'pay'") == [
        ("Payments", "mia@m.example", 5.0)
    ]


def test_top_team_ties_and_work_counted_for_no_team(db):
    db.table("core.work_streams", STREAMS, [(1, "pay", "Payments", "program", "mia@m.example", "M1", True)])
    # Story points: T2 and T1 3 each, 2 unassigned.
    db.table(
        "core.window_items",
        WINDOW,
        [
            ("PAY-1", "pay", 3, "T2", "team"),
            ("PAY-2", "pay", 1, "T1", "team"),
            ("PAY-3", "pay", 2, "T1", "team"),
            ("PAY-4", "pay", 2, None, "unassigned"),
        ],
    )
    db.table("core.work_items", ISSUES, [(f"PAY-{i}", "pay", "2026-10-01", "2026-10-02") for i in range(1, 5)])
    db.table("marts.leader_focus", FOCUS, [])
    db.build("marts.stream_ownership", effort="story_points")
    # A tie at 3 goes to the lowest team id; the share is of all 8 points, the unassigned 2 included.
    assert db.rows(
        "SELECT items, weight, contributing_teams, top_team, top_team_share FROM marts.stream_ownership"
    ) == [(4, 8.0, 2, "T1", approx(3 / 8))]


def test_project_outlived_after_project_max_days_with_open_work(db):
    # 180 days before 2026-11-20 is 2026-05-24 (7 + 30 + 31 + 31 + 30 + 31 + 20).
    # fmt: off
    db.table("core.work_streams", STREAMS, [
        (1, "p180",   "180 days old",   "project", None, None, False),
        (2, "p181",   "181 days old",   "project", None, None, False),
        (3, "done",   "Old, all done",  "project", None, None, False),
        (4, "forever", "A program",     "program", None, None, False),
    ])
    db.table("core.work_items", ISSUES, [
        ("A-1", "p180",    "2026-05-24 09:00", None),
        ("B-1", "p181",    "2026-05-23 09:00", "2026-06-01 09:00"),
        ("B-2", "p181",    "2026-11-01 09:00", None),  # the open work need not be the oldest item
        ("C-1", "done",    "2026-01-01 09:00", "2026-11-20 10:00"),  # resolved on as_of: not open
        ("D-1", "forever", "2025-01-01 09:00", None),
    ])
    # fmt: on
    db.table("core.window_items", WINDOW, [("C-1", "done", 1, None, "unassigned")])
    db.table("marts.leader_focus", FOCUS, [])
    db.build("marts.stream_ownership")
    assert db.by_key("SELECT stream_id, age_days, open_items, project_outlived FROM marts.stream_ownership") == {
        "p180": [180, 1, False],  # not older than 180 days
        "p181": [181, 1, True],
        "done": [323, 0, False],  # 2026-01-01 → 2026-11-20; no open work
        "forever": [688, 1, False],  # 365 + 323: a program may live forever
    }
    db.build("marts.stream_ownership", project_max_days=179)
    assert db.by_key("SELECT stream_id, project_outlived FROM marts.stream_ownership") == {
        "p180": [True],
        "p181": [True],
        "done": [False],
        "forever": [False],
    }


def test_two_snapshots_and_a_rerun(db):
    metrics_org(db)
    # On 2026-12-20 the window has lost PAY-5 and OLD-1; web has a new STL, W1, not a leader.
    db.table(
        "core.work_streams",
        STREAMS,
        [
            (2, "web", "Web shop", "product", "wes@m.example", "W1", True) if s[1] == "web" else s
            for s in METRICS_ORG_STREAMS
        ],
        as_of=LATER,
    )
    db.table(
        "core.window_items", WINDOW, [r for r in METRICS_ORG_WINDOW if r[0] not in ("PAY-5", "OLD-1")], as_of=LATER
    )
    db.table("marts.leader_focus", FOCUS, METRICS_ORG_FOCUS, as_of=LATER)
    db.build("marts.stream_ownership")
    db.build("marts.stream_ownership", as_of=LATER)
    db.build("marts.stream_ownership", as_of=LATER)  # a re-run replaces its own rows
    got = db.rows(
        "SELECT as_of, stream_id, stl_id, items, age_days, open_items, stl_below_focus FROM marts.stream_ownership "
        "WHERE stream_id IN ('pay', 'web', 'legacy') ORDER BY as_of, stream_id"
    )
    assert got == [
        (AS_OF, "legacy", "X1", 1, 319, 1, False),
        (AS_OF, "pay", "M1", 5, 142, 1, False),
        (AS_OF, "web", "M2", 1, 80, 1, True),
        (LATER, "legacy", "X1", 0, 349, 1, False),  # OLD-1 left the window; 30 days older
        (LATER, "pay", "M1", 4, 172, 2, False),  # PAY-6 and PAY-8 (created 2026-11-25) are open
        (LATER, "web", "W1", 1, 110, 0, False),  # WEB-4 resolved; W1 leads no org: never below focus
    ]
    assert db.rows("SELECT as_of, count(*) FROM marts.stream_ownership GROUP BY 1 ORDER BY 1") == [
        (AS_OF, 6),
        (LATER, 6),
    ]


def test_an_stl_not_in_the_hris_and_an_stl_who_left_are_findings(db):
    db.table("core.work_streams", STREAMS, [
        (1, "pay",    "Payments", "program", "mia@m.example",   "M1", True),
        (2, "legacy", "Legacy",   "project", "xan@m.example",   "X1", False),  # in the HRIS, but has left
        (3, "web",    "Web shop", "product", "max@typo.example", None, False),  # the email matches nobody
        (4, "docs",   "Docs",     "program", None,               None, False),  # no STL at all
    ])  # fmt: skip
    db.table("core.window_items", WINDOW, [])
    db.table("core.work_items", ISSUES, [])
    db.table("marts.leader_focus", FOCUS, [])
    db.build("marts.stream_ownership")
    assert db.rows(
        "SELECT stream_id, no_stl, stl_not_in_hris, stl_departed FROM marts.stream_ownership "
        "WHERE as_of = $as_of ORDER BY stream_id",
        {"as_of": AS_OF},
    ) == [
        ("docs", True, False, False),
        ("legacy", False, False, True),
        ("pay", False, False, False),
        ("web", False, True, False),
    ]
