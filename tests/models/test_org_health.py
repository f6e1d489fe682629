"""marts.org_health: the headline row, built alone from hand-made rows of the marts it sums up.

The inputs are the metrics org's marts as tests/test_marts.py works them out at 2026-11-20 (leaders L1,
D1, M1, M2, M3; teams of the same ids; streams pay, web, mig, legacy, ops, docs; engineers E1, E2, E3,
W1), written as rows here, not built.
"""

from datetime import date

from pytest import approx

AS_OF = date(2026, 11, 20)
EARLIER = date(2026, 10, 20)


def metrics_org(db, as_of=AS_OF):
    # fmt: off
    db.table("marts.leader_focus", "leader_id owned_streams single_threaded", [
        ("L1", 0, False),
        ("D1", 2, False),  # mig and ops
        ("M1", 1, True),   # pay
        ("M2", 1, False),  # web, a quarter of M2's work
        ("M3", 0, False),
    ], as_of=as_of)
    db.table("marts.team_size", "team_id pizza_status engineering_team", [
        ("L1", "too_small", False),
        ("D1", "too_small", False),
        ("M1", "ok",        True),
        ("M2", "too_small", True),
        ("M3", "too_small", True),
    ], as_of=as_of)
    db.table("marts.team_alignment", "team_id alignment", [
        ("L1", "idle"), ("D1", "idle"), ("M1", "program_aligned"), ("M2", "fragmented"), ("M3", "idle"),
    ], as_of=as_of)
    db.table("marts.team_dependencies", "dependent_team blocking_team links", [
        ("M1", "M2", 1),
        ("M2", "M1", 2),
    ], as_of=as_of)
    db.table("marts.stream_ownership", "stream_id stl_active", [
        ("pay", True), ("web", True), ("mig", True), ("legacy", False), ("ops", True), ("docs", False),
    ], as_of=as_of)
    db.table("marts.shared_people", "employee_id is_split", [
        ("E1", False), ("E2", False), ("E3", False), ("W1", True),
    ], as_of=as_of)
    db.table("core.identity_match", "assignees matched_assignees match_rate", [(6, 5, 5 / 6)], as_of=as_of)
    # fmt: on


def test_metrics_org(db):
    metrics_org(db)
    assert db.build("marts.org_health") == 1
    assert db.rows("SELECT * EXCLUDE (as_of) FROM marts.org_health") == [
        (
            3, 1, approx(1 / 3),  # D1, M1, M2 own streams; M1 is single-threaded
            5, 3, 1, approx(1 / 3),  # 5 teams, 3 with engineers, of which M1 is within pizza size
            2, 1, 0.5,  # M1 and M2 have work; M1 is program-aligned
            3, 0.6,  # 1 + 2 cross-team links over 5 teams
            6, 4, approx(4 / 6),  # pay, web, mig, ops have an active STL; legacy's left, docs has none
            4, 1, 0.25,  # E1, E2, E3, W1 have work; W1 is split
            approx(5 / 6),  # Eli, Eva, Eon, Wes, Xan matched; Zed Vendor not
        )
    ]  # fmt: skip


def test_a_team_without_engineers_is_not_in_the_pizza_share(db):
    metrics_org(db)
    # A finance team within bounds (say team_min_engineers 0): a team, but not an engineering one.
    db.table("marts.team_size", "team_id pizza_status engineering_team", [("F1", "ok", False)])
    db.build("marts.org_health")
    assert db.rows(
        "SELECT teams, engineering_teams, teams_within_pizza, pizza_share, links_per_team FROM marts.org_health"
    ) == [
        (6, 3, 1, approx(1 / 3), 0.5)  # 3 links over 6 teams
    ]


def test_an_empty_org_gives_counts_of_zero_and_no_shares(db):
    # Only another day has data: on as_of every mart is empty and identity_match has no row.
    metrics_org(db, as_of=EARLIER)
    assert db.build("marts.org_health") == 1
    assert db.rows("SELECT * FROM marts.org_health WHERE as_of = $d", {"d": AS_OF}) == [
        (AS_OF, 0, 0, None, 0, 0, 0, None, 0, 0, None, 0, None, 0, 0, None, 0, 0, None, None)
    ]


def test_two_snapshots_and_a_rerun(db):
    metrics_org(db, as_of=EARLIER)
    metrics_org(db)
    db.build("marts.org_health", as_of=EARLIER)
    db.build("marts.org_health")
    headline = "SELECT as_of, single_threaded_leaders, split_engineers, cross_team_links FROM marts.org_health"
    assert db.rows(headline + " ORDER BY as_of") == [(EARLIER, 1, 1, 3), (AS_OF, 1, 1, 3)]
    # W1 stops being split and M2 becomes single-threaded at as_of; its run is repeated.
    db.con.execute("UPDATE marts.shared_people SET is_split = false WHERE as_of = $d", {"d": AS_OF})
    db.con.execute(
        "UPDATE marts.leader_focus SET single_threaded = true WHERE as_of = $d AND leader_id = 'M2'", {"d": AS_OF}
    )
    assert db.build("marts.org_health") == 1
    assert db.rows(headline + " ORDER BY as_of") == [(EARLIER, 1, 1, 3), (AS_OF, 2, 0, 3)]
