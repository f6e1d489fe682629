"""The metrics org as rows of the tables the marts read: the inputs the per-model tests share.

The small org of tests/fixtures/metrics_org, worked by hand through the real job in tests/test_marts.py,
at as_of 2026-11-20 (window: resolved in (2026-08-22, 2026-11-20], 90 days):

    L1 Lena Root (CEO)
    ├── D1 Dan Dir (Director of Engineering; STL of mig and ops)
    │   ├── M1 Mia Pay (EM; STL of pay): E1 Eli, E2 Eva, E3 Eon (contractor),
    │   │                                X1 Xan (left 2026-10-01; STL of legacy)
    │   └── M2 Max Web (EM; STL of web): W1 Wes (Frontend Developer)    <- a team of one
    └── M3 Moe Idle (EM): I1 Ida, I2 Ian                                <- a leader with no items

People (core.people): the twelve above; E*, X1, W1, I* are engineers, the managers are not.
Teams (core.teams, a team per manager, its id the manager's): L1 Lena's team, D1 Dan's team, M1 Payments,
M2 Web, M3 Moe's team.
Streams (core.work_streams), in config order: pay (program, STL M1), web (product, M2), mig (project, D1),
legacy (project, X1, who has left), ops (program, D1), docs (program, no STL).
The window's 12 items (core.window_items), with the stream and the team they count for:
    M1's team: PAY-1, PAY-2 and MISC-1 (unmapped) by Eli, PAY-3 by Eva, PAY-5 by Eon
    M2's team: PAY-7 (pay), WEB-1 (web), WEB-2 (mig), WEB-3 (ops), all by Wes
    no team:   OLD-1 (legacy; Xan has left), MISC-2 (unassigned), MISC-3 (Zed Vendor, not in the HRIS)
The dependency links (core.dependency_links, as it scopes them; a link from A that blocks B makes B's team
depend on A's team): PAY-1 → WEB-1 and PAY-4 → WEB-1 (M2 waits on M1), WEB-2 → PAY-6 (M1 waits on M2; PAY-6
open), PAY-2 → PAY-3 (inside M1), EXT-9 → PAY-3 (EXT-9 is not in the export).

Each table holds every column a test of tests/models gives it; a test takes the ones it needs by name,
`STREAMS.select("position stream_id kind")`. Rows a test adds, leaves out or changes for its own case are
written in that test's file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

AS_OF = date(2026, 11, 20)  # the as_of every row gets unless a test says otherwise (conftest.AS_OF)
LATER = date(2026, 12, 20)  # a second snapshot, 30 days on


class Rows:
    """The rows of one table of the metrics org, in the space-separated `columns`."""

    def __init__(self, columns: str, rows: list[tuple]) -> None:
        self.columns = columns.split()
        self.rows = rows
        for row in rows:
            if len(row) != len(self.columns):
                raise ValueError(f"row {row} does not have the {len(self.columns)} values of {self.columns}")

    def select(self, columns: str, **every: Any) -> list[tuple]:
        """Every row's values of `columns` (space-separated), in that order; a column named in `every` takes
        that value in every row (e.g. weight=1)."""
        names = columns.split()
        unknown = [c for c in [*names, *every] if c not in self.columns]
        if unknown or not every.keys() <= set(names):
            raise KeyError(f"not a selected column of {self.columns}: {unknown or sorted(every.keys() - set(names))}")
        index = [self.columns.index(c) for c in names]
        return [tuple(every.get(c, row[i]) for c, i in zip(names, index, strict=True)) for row in self.rows]


# fmt: off
PEOPLE = Rows("employee_id name manager_id team_id title is_active is_engineer is_contractor direct_reports "
              "is_leader", [
    ("L1", "Lena Root", None, None, "Chief Executive Officer", True,  False, False, 2, True),
    ("D1", "Dan Dir",   "L1", "L1", "Director of Engineering", True,  False, False, 2, True),
    ("M1", "Mia Pay",   "D1", "D1", "Engineering Manager",     True,  False, False, 3, True),
    ("E1", "Eli Ek",    "M1", "M1", "Software Engineer",       True,  True,  False, 0, False),
    ("E2", "Eva Em",    "M1", "M1", "Software Engineer",       True,  True,  False, 0, False),
    ("E3", "Eon Ex",    "M1", "M1", "Software Engineer",       True,  True,  True,  0, False),
    ("X1", "Xan Gone",  "M1", "M1", "Software Engineer",       False, True,  False, 0, False),
    ("M2", "Max Web",   "D1", "D1", "Engineering Manager",     True,  False, False, 1, True),
    ("W1", "Wes Wu",    "M2", "M2", "Frontend Developer",      True,  True,  False, 0, False),
    ("M3", "Moe Idle",  "L1", "L1", "Engineering Manager",     True,  False, False, 2, True),
    ("I1", "Ida Ito",   "M3", "M3", "Software Engineer",       True,  True,  False, 0, False),
    ("I2", "Ian Ivo",   "M3", "M3", "Software Engineer",       True,  True,  False, 0, False),
])
# fmt: on
# The reporting tree, employee -> manager (None at the top): what core.org_members is built from.
MANAGERS: dict[str, str | None] = dict(PEOPLE.select("employee_id manager_id"))

# The team names the tests of the team marts assert (test_team_size.py gives core.teams rows of its own).
TEAMS = Rows("team_id team_name", [
    ("L1", "Lena's team"),
    ("D1", "Dan's team"),
    ("M1", "Payments"),
    ("M2", "Web"),
    ("M3", "Moe's team"),
])  # fmt: skip

# fmt: off
STREAMS = Rows("position stream_id stream_name kind stl_email stl_employee_id stl_active", [
    (1, "pay",    "Payments",       "program", "mia@m.example", "M1", True),
    (2, "web",    "Web shop",       "product", "max@m.example", "M2", True),
    (3, "mig",    "Page migration", "project", "dan@m.example", "D1", True),
    (4, "legacy", "Legacy reports", "project", "xan@m.example", "X1", False),
    (5, "ops",    "Operations",     "program", "dan@m.example", "D1", True),
    (6, "docs",   "Documentation",  "program", None,            None, False),
])

# The weights are the story points core.window_items gives when effort is story_points: PAY-3, MISC-1, WEB-2
# and the unassigned/unmatched items have none and take the window's median, 2 (weight_imputed). With effort
# items every item weighs 1: a test that counts items selects weight=1.
WINDOW = Rows("issue_key stream_id stream_kind weight weight_imputed assignee_employee_id team_id attribution", [
    # key      stream      kind       points imputed assignee team  attribution
    ("PAY-1",  "pay",      "program",  3,    False,  "E1",    "M1", "team"),
    ("PAY-2",  "pay",      "program",  5,    False,  "E1",    "M1", "team"),
    ("PAY-3",  "pay",      "program",  2,    True,   "E2",    "M1", "team"),
    ("PAY-5",  "pay",      "program",  1,    False,  "E3",    "M1", "team"),
    ("MISC-1", "unmapped", "unmapped", 2,    True,   "E1",    "M1", "team"),
    ("PAY-7",  "pay",      "program",  2,    False,  "W1",    "M2", "team"),
    ("WEB-1",  "web",      "product",  3,    False,  "W1",    "M2", "team"),
    ("WEB-2",  "mig",      "project",  2,    True,   "W1",    "M2", "team"),
    ("WEB-3",  "ops",      "program",  1,    False,  "W1",    "M2", "team"),
    ("OLD-1",  "legacy",   "project",  2,    False,  "X1",    None, "inactive_assignee"),  # Xan, in M1's tree, has left
    ("MISC-2", "unmapped", "unmapped", 2,    True,   None,    None, "unassigned"),
    ("MISC-3", "unmapped", "unmapped", 2,    True,   None,    None, "unmatched"),  # Zed Vendor is not in the HRIS
])

LINKS = Rows("blocking_issue_key blocked_issue_key blocking_team dependent_team blocking_stream blocked_stream is_open "
             "scope", [
    # PAY-1 and PAY-4 block WEB-1, resolved in the window: M2 waits on M1.
    ("PAY-1", "WEB-1", "M1", "M2", "pay",    "web",  False, "cross_team"),
    ("PAY-4", "WEB-1", "M1", "M2", "pay",    "web",  False, "cross_team"),
    ("WEB-2", "PAY-6", "M2", "M1", "mig",    "pay",  True,  "cross_team"),    # M1 waits on M2; PAY-6 still open
    ("PAY-2", "PAY-3", "M1", "M1", "pay",    "pay",  False, "internal"),
    ("EXT-9", "PAY-3", None, "M1", None,     "pay",  False, "external"),      # EXT-9 is not in the export
])
# fmt: on
