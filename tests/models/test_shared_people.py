"""marts.shared_people: over how many streams each active engineer's recent work spreads, built alone.

People of the metrics org (tests/models/metrics_org.py): engineers E1 Eli, E2 Eva, E3 Eon (a contractor) in
M1's team, W1 Wes alone in M2's, X1 Xan (left), I1 Ida and I2 Ian in M3's, and the managers L1, D1, M1, M2,
M3, who are not engineers. Streams in config order: pay, web, mig, legacy, ops, docs.
"""

from pytest import approx

from tests.models import metrics_org as org
from tests.models.metrics_org import AS_OF, LATER

PEOPLE = "employee_id name team_id is_active is_engineer"
METRICS_ORG = org.PEOPLE.select(PEOPLE)  # I1 and I2 have no items: not listed
STREAMS = "position stream_id kind"
METRICS_ORG_STREAMS = org.STREAMS.select(STREAMS)
ITEMS = "issue_key stream_id weight assignee_employee_id team_id attribution"
# The window's 12 items, each of weight 1 (OLD-1's X1 has left; MISC-2 and MISC-3 have no one), and one more
# for this mart's case:
METRICS_ORG_ITEMS = org.WINDOW.select(ITEMS, weight=1) + [
    ("M1-1", "docs", 1, "M1", "D1", "team"),  # a manager's item: not an engineer
]

SELECT = (
    "SELECT employee_id, name, team_id, items, weight, streams_worked, top_stream, top_share, unmapped_share, "
    "is_split FROM marts.shared_people WHERE as_of = $as_of"
)


def test_metrics_org(db):
    db.table("core.people", PEOPLE, METRICS_ORG)
    db.table("core.work_streams", STREAMS, METRICS_ORG_STREAMS)
    db.table("core.window_items", ITEMS, METRICS_ORG_ITEMS)
    assert db.build("marts.shared_people") == 4
    assert db.by_key(SELECT, {"as_of": AS_OF}) == {
        # PAY-1, PAY-2 and MISC-1 (unmapped, left out of top_share): 2/2 on pay; 1 of 3 unmapped.
        "E1": ["Eli Ek", "M1", 3, 3.0, 1, "pay", 1.0, approx(1 / 3), False],
        "E2": ["Eva Em", "M1", 1, 1.0, 1, "pay", 1.0, 0.0, False],
        "E3": ["Eon Ex", "M1", 1, 1.0, 1, "pay", 1.0, 0.0, False],  # contractors count
        # pay, web, mig, ops one each: a part-time job four times over; the tie goes to pay, listed first.
        "W1": ["Wes Wu", "M2", 4, 4.0, 4, "pay", 0.25, 0.0, True],
    }


def test_split_by_weight_and_only_unmapped_work(db):
    # fmt: off
    db.table("core.people", PEOPLE, [
        ("A1", "Ada", "T1", True, True),
        ("B1", "Bea", "T1", True, True),
        ("C1", "Cy",  None, True, True),  # at the top of the tree: their items count for no team
    ])
    # fmt: on
    db.table("core.work_streams", STREAMS, METRICS_ORG_STREAMS)
    db.table(
        "core.window_items",
        ITEMS,
        [
            ("PAY-1", "pay", 19, "A1", "T1", "team"),  # story points
            ("WEB-1", "web", 1, "A1", "T1", "team"),
            ("MISC-1", "unmapped", 2, "B1", "T1", "team"),
            ("MISC-2", "unmapped", 3, "B1", "T1", "team"),
            ("OPS-1", "ops", 2, "C1", None, "no_team"),
            ("WEB-2", "web", 2, "C1", None, "no_team"),
        ],
    )
    db.build("marts.shared_people", effort="story_points")
    assert db.by_key(SELECT, {"as_of": AS_OF}) == {
        # 19 of 20 points on pay: split, though barely; read top_share.
        "A1": ["Ada", "T1", 2, 20.0, 2, "pay", 0.95, 0.0, True],
        # Only unmapped work (2 + 3 points): no stream worked, no top stream, all unmapped.
        "B1": ["Bea", "T1", 2, 5.0, 0, None, None, 1.0, False],
        # ops 2, web 2: a tie goes to web, listed before ops in the config.
        "C1": ["Cy", None, 2, 4.0, 2, "web", 0.5, 0.0, True],
    }


def test_only_this_snapshot_counts(db):
    db.table("core.people", PEOPLE, [("E1", "Eli Ek", "M1", True, True)])
    db.table("core.people", PEOPLE, [("E1", "Eli Ek", "M2", True, True)], as_of=LATER)  # E1 moved to M2
    db.table("core.work_streams", STREAMS, METRICS_ORG_STREAMS)
    db.table("core.work_streams", STREAMS, METRICS_ORG_STREAMS, as_of=LATER)
    db.table("core.window_items", ITEMS, [("PAY-1", "pay", 1, "E1", "M1", "team")])
    db.table("core.window_items", ITEMS, [("WEB-1", "web", 1, "E1", "M2", "team")], as_of=LATER)
    db.build("marts.shared_people")
    db.build("marts.shared_people", as_of=LATER)
    db.build("marts.shared_people", as_of=LATER)  # a re-run replaces its own rows
    assert db.rows("SELECT as_of, employee_id, team_id, items, top_stream FROM marts.shared_people ORDER BY as_of") == [
        (AS_OF, "E1", "M1", 1, "pay"),
        (LATER, "E1", "M2", 1, "web"),
    ]
