"""core.work_item_placement on a hand-made hierarchy deeper than the sample's: which epic an issue belongs to,
which stream it counts towards, with cycles and the ten-level limit. Every expected value is worked out by
hand in the comments; plain DuckDB, no Dagster.

The hierarchy (child -> parent), issue types in brackets, Epic Links in braces:

    S [Sub-task] -> T [Task] -> E2 [Epic] -> I [Initiative]
    U [Story] -> V [Task] {LNK-1} -> W [Epic]
    X [Sub-task] -> Y [Story] -> Z [Story] {LNK-2}
    C1 [Task] -> C2 [Task] -> C1                        (a cycle)
    D12 -> D11 -> ... -> D2 -> D1 [Epic]                 (twelve levels, all Tasks but D1)
    M [Task] -> GONE                                    (a parent outside the export)
"""

from datetime import date

import duckdb
import pytest

from orghealth.sql_models import build, load_macros, model

ISSUES = [
    # key, type, parent key, epic link
    ("S", "Sub-task", "T", None),
    ("T", "Task", "E2", None),
    ("E2", "Epic", "I", None),
    ("I", "Initiative", None, None),
    ("U", "Story", "V", None),
    ("V", "Task", "W", "LNK-1"),
    ("W", "Epic", None, None),
    ("X", "Sub-task", "Y", None),
    ("Y", "Story", "Z", None),
    ("Z", "Story", None, "LNK-2"),
    ("C1", "Task", "C2", None),
    ("C2", "Task", "C1", None),
    *((f"D{n}", "Task", f"D{n - 1}", None) for n in range(2, 13)),
    ("D1", "Epic", None, None),
    ("M", "Task", "GONE", None),
]
STREAMS = [
    # stream, position, epics it is matched by
    ("alpha", 1, ["W"]),
    ("beta", 2, ["C2"]),
    ("deep", 3, ["D1"]),
    ("initiative", 4, ["I"]),
]


@pytest.fixture(scope="module")
def placement():
    con = duckdb.connect()
    load_macros(con)
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA core")
    con.execute(
        "CREATE TABLE staging.jira_issues (issue_key VARCHAR, issue_id VARCHAR, issue_type VARCHAR, "
        "is_subtask BOOLEAN, parent_key VARCHAR, parent_id VARCHAR, epic_key VARCHAR, project_key VARCHAR, "
        "labels VARCHAR[], components VARCHAR[])"
    )
    con.executemany(
        "INSERT INTO staging.jira_issues VALUES (?, NULL, ?, ?, ?, NULL, ?, 'P', [], [])",
        [(key, kind, kind == "Sub-task", parent, link) for key, kind, parent, link in ISSUES],
    )
    con.execute(
        "CREATE TABLE staging.work_streams (stream_id VARCHAR, position INTEGER, match_epics VARCHAR[], "
        "match_components VARCHAR[], match_labels VARCHAR[], match_projects VARCHAR[])"
    )
    con.executemany("INSERT INTO staging.work_streams VALUES (?, ?, ?, [], [], [])", STREAMS)
    build(con, model("core.work_item_placement"), {"as_of": date(2026, 11, 20)})
    rows = con.execute(
        "SELECT issue_key, parent_key, parent_in_export, epic_key, stream_id, stream_rule, stream_from_parent "
        "FROM core.work_item_placement"
    ).fetchall()
    con.close()
    return {key: rest for key, *rest in rows}


def test_every_issue_is_placed_once(placement):
    assert len(placement) == len(ISSUES)


def test_the_nearest_epic_above_an_issue_is_its_epic(placement):
    assert placement["E2"][2] == "E2"  # an Epic is its own
    assert placement["T"][2] == "E2"  # its parent
    assert placement["S"][2] == "E2"  # its grandparent, through a Task
    assert placement["I"][2] is None  # nothing above an Initiative


def test_an_epic_above_outranks_a_nearer_epic_link(placement):
    # U's parent V carries Epic Link LNK-1, but V's parent W is an Epic: Epics in the hierarchy come first.
    assert placement["U"][2] == "W"
    assert placement["V"][2] == "LNK-1"  # V's own link comes before its parent


def test_an_epic_link_two_levels_up_is_found(placement):
    assert placement["X"][2] == "LNK-2"  # neither X nor Y has a link; Z, two levels up, does
    assert placement["Y"][2] == "LNK-2"


def test_a_cycle_ends_and_both_issues_see_each_other(placement):
    # C1 and C2 are each other's parent: both are in the export, neither has an epic, and an epic rule on C2
    # places both (C2 is an ancestor of C1, and itself).
    assert placement["C1"] == ["C2", True, None, "beta", "epic", False]
    assert placement["C2"] == ["C1", True, None, "beta", "epic", False]


def test_the_walk_stops_after_ten_levels(placement):
    # D11's tenth ancestor is D1, the Epic; D12's tenth is D2, so D1 is out of its reach.
    assert placement["D11"][2:5] == ["D1", "deep", "epic"]
    assert placement["D12"][2:5] == [None, "unmapped", None]
    assert placement["D2"][2:5] == ["D1", "deep", "epic"]


def test_sub_tasks_take_their_parents_stream(placement):
    # S's parent T is under E2, under I: the initiative stream's epic rule reaches T through its ancestors.
    assert placement["T"][3:6] == ["initiative", "epic", False]
    assert placement["S"][3:6] == ["initiative", "epic", True]
    assert placement["X"][3:6] == ["unmapped", None, True]  # it takes Y's, and Y is placed nowhere


def test_a_parent_outside_the_export(placement):
    assert placement["M"] == ["GONE", False, None, "unmapped", None, False]
    assert placement["I"][:2] == [None, None]  # no parent at all: not known whether it is in the export
