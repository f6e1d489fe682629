"""marts.team_dependencies: which team waits on which, from core.dependency_links, built alone.

The dependency links of the metrics org (tests/models/metrics_org.py) at 2026-11-20, as core.dependency_links
scopes them (teams M1 Payments, M2 Web, M3 Moe's team; a link from A that blocks B makes B's team depend
on A's team), plus PAY-7 (M2, pay) → PAY-5 (M1, pay), a link within one stream.
"""

from tests.models import metrics_org as org
from tests.models.metrics_org import AS_OF, LATER

TEAMS = "team_id team_name"
METRICS_ORG_TEAMS = org.TEAMS.select(TEAMS)  # L1, D1, M1 Payments, M2 Web, M3 Moe's team
LINKS = "blocking_issue_key blocked_issue_key blocking_team dependent_team blocking_stream blocked_stream is_open scope"
# The org's links (PAY-1 → WEB-1, PAY-4 → WEB-1, WEB-2 → PAY-6, PAY-2 → PAY-3 inside M1, EXT-9 → PAY-3
# external) and two more for this mart's cases:
# fmt: off
METRICS_ORG_LINKS = org.LINKS.select(LINKS) + [
    ("PAY-7", "PAY-5", "M2", "M1", "pay",    "pay",  False, "cross_team"),    # one stream on both ends
    ("OLD-1", "PAY-3", None, "M1", "legacy", "pay",  False, "unattributed"),  # OLD-1's assignee has left
]
# fmt: on

SELECT = (
    "SELECT dependent_team, dependent_team_name, blocking_team, blocking_team_name, links, open_links, "
    "streams_crossed FROM marts.team_dependencies WHERE as_of = $as_of ORDER BY dependent_team, blocking_team"
)


def test_metrics_org(db):
    db.table("core.teams", TEAMS, METRICS_ORG_TEAMS)
    db.table("core.dependency_links", LINKS, METRICS_ORG_LINKS)
    assert db.build("marts.team_dependencies") == 2  # only cross-team links; internal, external and
    assert db.rows(SELECT, {"as_of": AS_OF}) == [  # unattributed ones are left to the summary
        # WEB-2 (mig) blocks PAY-6 (pay), still open; PAY-7 (pay) blocks PAY-5 (pay), resolved: same stream.
        ("M1", "Payments", "M2", "Web", 2, 1, 1),
        # PAY-1 and PAY-4 (pay) block WEB-1 (web), resolved in the window.
        ("M2", "Web", "M1", "Payments", 2, 0, 2),
    ]


def test_a_team_waiting_on_several(db):
    db.table("core.teams", TEAMS, [("A", "Team A"), ("B", "Team B"), ("C", "Team C")])
    db.table(
        "core.dependency_links",
        LINKS,
        [
            ("B-1", "A-1", "B", "A", "web", "pay", True, "cross_team"),
            ("B-2", "A-1", "B", "A", "web", "pay", True, "cross_team"),
            ("C-1", "A-2", "C", "A", "unmapped", "unmapped", False, "cross_team"),  # both unmapped: one "stream"
            ("A-3", "C-2", "A", "C", "pay", "ops", True, "cross_team"),
        ],
    )
    db.build("marts.team_dependencies")
    assert db.rows(SELECT, {"as_of": AS_OF}) == [
        ("A", "Team A", "B", "Team B", 2, 2, 2),
        ("A", "Team A", "C", "Team C", 1, 0, 0),
        ("C", "Team C", "A", "Team A", 1, 1, 1),  # the opposite direction is a pair of its own
    ]


def test_two_snapshots_and_a_rerun(db):
    db.table("core.teams", TEAMS, METRICS_ORG_TEAMS)
    db.table("core.dependency_links", LINKS, METRICS_ORG_LINKS)
    # On 2026-12-20 M2's team is named "Storefront", and only WEB-2 → PAY-6 still counts (PAY-6 open).
    db.table("core.teams", TEAMS, [(t, "Storefront" if t == "M2" else n) for t, n in METRICS_ORG_TEAMS], as_of=LATER)
    db.table("core.dependency_links", LINKS, [METRICS_ORG_LINKS[2]], as_of=LATER)
    db.build("marts.team_dependencies")
    db.build("marts.team_dependencies", as_of=LATER)
    db.build("marts.team_dependencies", as_of=LATER)  # a re-run replaces its own rows
    assert db.rows(
        "SELECT as_of, dependent_team, blocking_team, blocking_team_name, links, open_links "
        "FROM marts.team_dependencies ORDER BY ALL"
    ) == [
        (AS_OF, "M1", "M2", "Web", 2, 1),
        (AS_OF, "M2", "M1", "Payments", 2, 0),
        (LATER, "M1", "M2", "Storefront", 1, 1),  # the team's name at that as_of
    ]
