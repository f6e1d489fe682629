"""marts.team_size: headcount and engineers per team against the two-pizza bounds, built alone.

The metrics org of tests/models/metrics_org.py at 2026-11-20 (team id = manager id):

    L1 Lena (CEO)
    ├── D1 Dan (Director)
    │   ├── M1 Mia (EM): E1 Eli, E2 Eva, E3 Eon (contractor), X1 Xan (left 2026-10-01)
    │   └── M2 Max (EM): W1 Wes                  <- a team of one
    └── M3 Moe (EM): I1 Ida, I2 Ian
"""

from tests.models import metrics_org as org
from tests.models.metrics_org import AS_OF, LATER, MANAGERS

PEOPLE = "employee_id name manager_id team_id title is_active is_engineer is_contractor direct_reports is_leader"
METRICS_ORG = org.PEOPLE.select(PEOPLE)
# Teams with the names core.teams gives when the HRIS has no team column, "<manager>'s team" (M1 aside): this
# test's own rows, not the names of org.TEAMS.
# fmt: off
TEAMS = "team_id team_name manager_id manager_name manager_active members headcount"
METRICS_ORG_TEAMS = [
    ("L1", "Lena Root's team", "L1", "Lena Root", True, 2, 3),
    ("D1", "Dan Dir's team",   "D1", "Dan Dir",   True, 2, 3),
    ("M1", "Payments",         "M1", "Mia Pay",   True, 3, 4),
    ("M2", "Max Web's team",   "M2", "Max Web",   True, 1, 2),
    ("M3", "Moe Idle's team",  "M3", "Moe Idle",  True, 2, 3),
]
# fmt: on

SELECT = (
    "SELECT team_id, headcount, engineers, contractors, pizza_status, engineering_team, span_of_control, depth "
    "FROM marts.team_size WHERE as_of = $as_of"
)


def metrics_org(db, as_of=AS_OF):
    db.table("core.people", PEOPLE, METRICS_ORG, as_of=as_of)
    db.table("core.teams", TEAMS, METRICS_ORG_TEAMS, as_of=as_of)
    db.org_members(MANAGERS, inactive={"X1"}, as_of=as_of)


def test_metrics_org(db):
    metrics_org(db)
    assert db.build("marts.team_size") == 5
    assert db.by_key(SELECT, {"as_of": AS_OF}) == {
        "L1": [3, 0, 0, "too_small", False, 2, 1],  # L1 + D1 + M3; no engineers; the top: depth 1
        "D1": [3, 0, 0, "too_small", False, 2, 2],  # D1 + M1 + M2
        "M1": [4, 3, 1, "ok", True, 3, 3],  # M1 + E1, E2, E3 (X1 has left); E3 is a contractor; 3 >= 3: ok
        "M2": [2, 1, 0, "too_small", True, 1, 3],  # a team of one: M2 + W1
        "M3": [3, 2, 0, "too_small", True, 2, 2],  # 2 engineers < 3
    }
    assert db.rows("SELECT DISTINCT team_name, manager_name FROM marts.team_size WHERE team_id = 'M1'") == [
        ("Payments", "Mia Pay")
    ]


def test_bounds_come_from_the_run_parameters(db):
    metrics_org(db)
    db.build("marts.team_size", team_min_engineers=1, team_max_engineers=2, team_max_headcount=3)
    got = db.by_key("SELECT team_id, pizza_status FROM marts.team_size")
    # M1 has 3 engineers > 2; M2 (1 engineer) and M3 (2, headcount 3 = the maximum) are within; L1 and D1
    # have no engineer, 0 < 1.
    assert got == {"L1": ["too_small"], "D1": ["too_small"], "M1": ["too_large"], "M2": ["ok"], "M3": ["ok"]}


def test_pizza_bounds_are_inclusive(db):
    # Four teams under one director B0; every member an engineer unless said.
    people = [("B0", None, False)]
    people += [(m, "B0", False) for m in ("A", "B", "C", "D")]  # the four managers
    people += [(f"A{i}", "A", True) for i in range(1, 9)]  # A: 8 engineers
    people += [(f"B{i}", "B", True) for i in range(1, 10)]  # B: 9 engineers
    people += [(f"C{i}", "C", i <= 4) for i in range(1, 15)]  # C: 14 reports, 4 of them engineers
    people += [(f"D{i}", "D", i <= 4) for i in range(1, 16)]  # D: 15 reports, 4 of them engineers
    db.table(
        "core.people",
        "employee_id manager_id team_id is_engineer is_active is_contractor",
        [(e, m, m, eng, True, False) for e, m, eng in people],
    )
    db.table(
        "core.teams",
        "team_id team_name manager_id manager_active",
        [(t, f"Team {t}", t, True) for t in ("B0", "A", "B", "C", "D")],
    )
    db.org_members({e: m for e, m, _ in people})
    db.build("marts.team_size")
    assert db.by_key("SELECT team_id, headcount, engineers, pizza_status FROM marts.team_size") == {
        "B0": [5, 0, "too_small"],  # B0 + 4 managers
        "A": [9, 8, "ok"],  # 8 engineers: not more than 8
        "B": [10, 9, "too_large"],  # 9 > 8
        "C": [15, 4, "ok"],  # C + 14: headcount 15, not more than 15
        "D": [16, 4, "too_large"],  # 16 > 15, though 4 engineers are within bounds
    }


def test_a_departed_manager_leaves_the_team_without_its_manager(db):
    # M1 has left; E1 and E2 still report to M1 in the HRIS, so core.teams keeps team M1 (manager_active false).
    # fmt: off
    db.table("core.people", "employee_id manager_id team_id is_active is_engineer is_contractor direct_reports", [
        ("D1", None, None, True,  False, False, 0),  # M1 has left: D1 has no active report
        ("M1", "D1", "D1", False, False, False, 2),
        ("E1", "M1", "M1", True,  True,  False, 0),
        ("E2", "M1", "M1", True,  True,  True,  0),
    ])
    # fmt: on
    db.table(
        "core.teams",
        "team_id team_name manager_id manager_name manager_active",
        [
            ("M1", "Mia's team", "M1", "Mia", False),
        ],
    )  # fmt: skip
    db.org_members({"D1": None, "M1": "D1", "E1": "M1", "E2": "M1"}, inactive={"M1"})
    db.build("marts.team_size")
    # Headcount 2: E1, E2 (the manager is not active); E2 is a contractor. The manager's depth (2: D1, M1)
    # is still known. (span_of_control is left out: the mart gives NULL for a departed manager, though
    # core.people says M1 still has 2 active direct reports; see the report of tests/models.)
    got = db.by_key(
        "SELECT team_id, headcount, engineers, contractors, pizza_status, engineering_team, depth FROM marts.team_size"
    )
    assert got == {"M1": [2, 2, 1, "too_small", True, 2]}


def test_teams_from_the_hris_team_column(db):
    # team_source column: a team is everyone sharing an HRIS team name, its manager one of its members.
    # fmt: off
    db.table("core.people", "employee_id name manager_id team_id is_active is_engineer is_contractor direct_reports", [
        ("D1", "Dan", None, "Leadership", True, False, False, 1),
        ("M1", "Mia", "D1", "Payments",   True, False, False, 3),
        ("E1", "Eli", "M1", "Payments",   True, True,  False, 0),
        ("E2", "Eva", "M1", "Payments",   True, True,  False, 0),
        ("E3", "Eon", "M1", "Platform",   True, True,  True,  0),  # reports to M1, sits in another team
        ("E4", "Ebb", "M1", "Payments",   False, True, False, 0),  # has left
    ])
    db.table("core.teams", "team_id team_name manager_id manager_name manager_active", [
        ("Leadership", "Leadership", "D1", "Dan", True),
        ("Payments",   "Payments",   "M1", "Mia", True),
        ("Platform",   "Platform",   "E3", "Eon", True),  # its one member's manager is outside it
    ])
    # fmt: on
    db.org_members({"D1": None, "M1": "D1", "E1": "M1", "E2": "M1", "E3": "M1", "E4": "M1"}, inactive={"E4"})
    db.build("marts.team_size", team_source="column", team_min_engineers=1)
    assert db.by_key(SELECT, {"as_of": AS_OF}) == {
        "Leadership": [1, 0, 0, "too_small", False, 1, 1],  # D1 alone: 0 engineers < 1
        "Payments": [3, 2, 0, "ok", True, 3, 2],  # M1, E1, E2 (E3 is in Platform, E4 has left); M1 has 3 reports
        "Platform": [1, 1, 1, "ok", True, 0, 3],  # E3, a contractor, with no reports of their own
    }


def test_two_snapshots_and_a_rerun(db):
    metrics_org(db)
    # On 2026-12-20 I2 has left: M3's team is I1 alone.
    later_people = [row for row in METRICS_ORG if row[0] not in ("M3", "I2")] + [
        ("M3", "Moe Idle", "L1", "L1", "Engineering Manager", True, False, False, 1, True),  # one report left
        ("I2", "Ian Ivo", "M3", "M3", "Software Engineer", False, True, False, 0, False),  # has left
    ]
    db.table("core.people", PEOPLE, later_people, as_of=LATER)
    db.table("core.teams", TEAMS, METRICS_ORG_TEAMS, as_of=LATER)
    db.org_members(MANAGERS, inactive={"X1", "I2"}, as_of=LATER)
    db.build("marts.team_size")
    db.build("marts.team_size", as_of=LATER)
    db.build("marts.team_size", as_of=LATER)  # a re-run replaces its own rows
    assert db.rows("SELECT as_of, count(*) FROM marts.team_size GROUP BY 1 ORDER BY 1") == [(AS_OF, 5), (LATER, 5)]
    assert db.rows("SELECT as_of, headcount, engineers, span_of_control FROM marts.team_size WHERE team_id = 'M3'") == [
        (AS_OF, 3, 2, 2),
        (LATER, 2, 1, 1),  # M3 + I1
    ]
