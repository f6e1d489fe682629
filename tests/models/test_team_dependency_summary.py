"""marts.team_dependency_summary: how entangled each team is through dependency links, built alone.

The dependency links of the metrics org (tests/models/metrics_org.py) at 2026-11-20, as core.dependency_links
scopes them; a link from A that blocks B makes B's team depend on A's team. Teams: L1, D1 (managers'
teams), M1 Payments, M2 Web, M3 Moe's team.
"""

from tests.models import metrics_org as org
from tests.models.metrics_org import AS_OF, LATER

TEAMS = "team_id team_name"
METRICS_ORG_TEAMS = org.TEAMS.select(TEAMS)  # L1, D1, M1 Payments, M2 Web, M3 Moe's team
LINKS = "blocking_issue_key blocked_issue_key blocking_team dependent_team blocking_stream blocked_stream is_open scope"
# The org's links: PAY-1 → WEB-1 and PAY-4 → WEB-1 (M2 waits on M1), WEB-2 → PAY-6 (M1 waits on M2),
# PAY-2 → PAY-3 (internal), EXT-9 → PAY-3 (external); and one whose blocking end has no team:
METRICS_ORG_LINKS = org.LINKS.select(LINKS) + [
    ("OLD-1", "PAY-5", None, "M1", "legacy", "pay", False, "unattributed"),  # OLD-1's assignee has left
]

SELECT = (
    "SELECT team_id, depends_on_links, depended_on_by_links, partner_teams, internal_links, external_links "
    "FROM marts.team_dependency_summary WHERE as_of = $as_of"
)


def test_metrics_org(db):
    db.table("core.teams", TEAMS, METRICS_ORG_TEAMS)
    db.table("core.dependency_links", LINKS, METRICS_ORG_LINKS)
    assert db.build("marts.team_dependency_summary") == 5  # every team, with links or not
    assert db.by_key(SELECT, {"as_of": AS_OF}) == {
        # Waits on M2 once, blocks M2 twice; PAY-2 → PAY-3 is internal; EXT-9 → PAY-3 is reported, not
        # counted; OLD-1 → PAY-5 has an end without a team: left out.
        "M1": [1, 2, 1, 1, 1],
        "M2": [2, 1, 1, 0, 0],
        "L1": [0, 0, 0, 0, 0],
        "D1": [0, 0, 0, 0, 0],
        "M3": [0, 0, 0, 0, 0],
    }
    assert db.rows("SELECT team_name FROM marts.team_dependency_summary WHERE team_id = 'M2'") == [("Web",)]


def test_a_hub_team_and_external_links_on_either_side(db):
    db.table("core.teams", TEAMS, [("H", "Hub"), ("A", "Team A"), ("B", "Team B"), ("C", "Team C")])
    db.table(
        "core.dependency_links",
        LINKS,
        [
            ("H-1", "A-1", "H", "A", "pay", "web", True, "cross_team"),
            ("H-2", "A-1", "H", "A", "pay", "web", True, "cross_team"),
            ("H-1", "B-1", "H", "B", "pay", "ops", True, "cross_team"),
            ("H-3", "C-1", "H", "C", "pay", "pay", False, "cross_team"),
            ("C-2", "H-4", "C", "H", "pay", "pay", True, "cross_team"),
            ("H-1", "EXT-1", "H", None, "pay", None, False, "external"),  # H blocks an issue outside the export
            ("EXT-2", "A-2", None, "A", None, "web", False, "external"),  # A waits on one outside it
            ("A-3", "A-4", "A", "A", "web", "web", True, "internal"),
        ],
    )
    db.build("marts.team_dependency_summary")
    assert db.by_key(SELECT, {"as_of": AS_OF}) == {
        "H": [1, 4, 3, 0, 1],  # waits on C once; blocks A twice, B and C once; partners A, B, C
        "A": [2, 0, 1, 1, 1],
        "B": [1, 0, 1, 0, 0],
        "C": [1, 1, 1, 0, 0],  # C and H wait on each other: still one partner
    }


def test_two_snapshots_and_a_rerun(db):
    db.table("core.teams", TEAMS, METRICS_ORG_TEAMS)
    db.table("core.dependency_links", LINKS, METRICS_ORG_LINKS)
    # On 2026-12-20 M3 is gone and only WEB-2 → PAY-6 still counts.
    db.table("core.teams", TEAMS, METRICS_ORG_TEAMS[:4], as_of=LATER)
    db.table("core.dependency_links", LINKS, [METRICS_ORG_LINKS[2]], as_of=LATER)
    db.build("marts.team_dependency_summary")
    db.build("marts.team_dependency_summary", as_of=LATER)
    db.build("marts.team_dependency_summary", as_of=LATER)  # a re-run replaces its own rows
    assert db.rows("SELECT as_of, count(*) FROM marts.team_dependency_summary GROUP BY 1 ORDER BY 1") == [
        (AS_OF, 5),
        (LATER, 4),
    ]
    assert db.by_key(SELECT, {"as_of": LATER}) == {
        "M1": [1, 0, 1, 0, 0],
        "M2": [0, 1, 1, 0, 0],
        "L1": [0, 0, 0, 0, 0],
        "D1": [0, 0, 0, 0, 0],
    }
