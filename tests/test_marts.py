"""The STL metric marts on a small org worked by hand (tests/fixtures/metrics_org), through the real job.

The org at as_of 2026-11-20 (window: resolved in (2026-08-22, 2026-11-20], 90 days):

    L1 Lena (CEO)
    ├── D1 Dan (Director; STL of mig and ops)
    │   ├── M1 Mia (EM; STL of pay): E1 Eli, E2 Eva, E3 Eon (contractor), X1 Xan (left 2026-10-01; STL of legacy)
    │   └── M2 Max (EM; STL of web): W1 Wes                       <- a team of one
    └── M3 Moe (EM): I1 Ida, I2 Ian                                <- a leader with no items

Streams, in config order: pay (program, projects PAY), web (product, projects WEB), mig (project, label
migration), legacy (project, projects OLD), ops (program, component Ops), docs (program, no STL).

Items resolved in the window (12), with their stream and the team they count for:
    PAY-1 Eli pay M1 | PAY-2 Eli pay M1 | PAY-3 Eva pay M1 (resolved 20/Nov 11 PM: as_of is included)
    PAY-5 Eon pay M1 | MISC-1 Eli unmapped M1
    PAY-7 Wes pay M2 (sub-task of PAY-1: its own component Ops does not count) | WEB-1 Wes web M2
    WEB-2 Wes mig M2 (label outranks project) | WEB-3 Wes ops M2 (component outranks project)
    OLD-1 Xan legacy, no team (left) | MISC-2 unassigned | MISC-3 Zed Vendor, not in the HRIS
Not in the window: PAY-4 (resolved 22/Aug: the window's open end), PAY-6 and OLD-2 (open).

Dependency links (Blocks): PAY-1→WEB-1 and PAY-4→WEB-1 (M2 waits on M1; WEB-1 resolved in the window),
WEB-2→PAY-6 (M1 waits on M2; PAY-6 open), PAY-2→PAY-3 (inside M1), EXT-9→PAY-3 (EXT-9 not exported),
WEB-3→PAY-4 (PAY-4 resolved before the window: not counted). PAY-1 relates to WEB-3: not a dependency.
"""

from datetime import date
from pathlib import Path

import duckdb
import pytest
from pytest import approx

from orghealth.settings import resolve_settings
from pipelines.runner import run_pipeline

pytestmark = pytest.mark.slow

METRICS_ORG = Path(__file__).parent / "fixtures" / "metrics_org"
MARTS = ("leader_focus", "team_size", "team_alignment", "team_dependencies", "team_dependency_summary",
         "stream_ownership", "shared_people", "org_health", "work_attribution")  # fmt: skip


def run_metrics_org(tmp_path: Path, extra_config: str = "", as_of: date = date(2026, 11, 20), db: Path | None = None):
    config = tmp_path / "orghealth.yaml"
    if not config.exists():
        text = (METRICS_ORG / "orghealth.yaml").read_text(encoding="utf-8")
        text = text.replace("path: hris.csv", f"path: {METRICS_ORG / 'hris.csv'}")
        text = text.replace("paths: [jira.csv]", f"paths: [{METRICS_ORG / 'jira.csv'}]")
        config.write_text(text + extra_config, encoding="utf-8")
    db = db or tmp_path / "metrics.duckdb"
    run_pipeline(resolve_settings(config, db_path=db, as_of=as_of))
    return db


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = run_metrics_org(tmp_path_factory.mktemp("metrics"))
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def rows(con, sql: str) -> dict:
    """First column → the rest, as a list."""
    return {key: list(rest) for key, *rest in con.execute(sql).fetchall()}


def test_work_attribution_keeps_what_counts_for_no_team(con):
    # 12 items in the window: 9 count for a team, OLD-1's assignee has left, MISC-2 is unassigned,
    # MISC-3's assignee is not in the HRIS.
    assert rows(con, "SELECT attribution, items, weight, share_of_weight FROM marts.work_attribution") == {
        "team": [9, 9.0, approx(9 / 12)],
        "inactive_assignee": [1, 1.0, approx(1 / 12)],
        "unassigned": [1, 1.0, approx(1 / 12)],
        "unmatched": [1, 1.0, approx(1 / 12)],
    }


def test_leader_focus(con):
    got = rows(
        con,
        "SELECT leader_id, org_size, items, weight, streams_touched, top_stream, focus_ratio, unmapped_share, "
        "effective_streams, owned_streams, owned_focus, single_threaded FROM marts.leader_focus",
    )
    # L1 and D1 see the same 9 items: pay 5 (PAY-1,2,3,5,7), web 1, mig 1, ops 1, unmapped 1 (MISC-1).
    # Mapped weight 8: focus 5/8; effective 1 / ((5/8)² + 3·(1/8)²) = 64/28; unmapped 1/9.
    # L1 owns nothing. D1 owns mig and ops: (1 + 1)/8 = 0.25, and two streams is not single-threaded.
    # L1's org is all 11 active people; D1's is D1, M1, E1-E3, M2, W1 = 7 (X1 has left).
    assert got["L1"] == [11, 9, 9.0, 4, "pay", approx(5 / 8), approx(1 / 9), approx(64 / 28), 0, None, False]
    assert got["D1"] == [7, 9, 9.0, 4, "pay", approx(5 / 8), approx(1 / 9), approx(64 / 28), 2, approx(0.25), False]
    # M1: PAY-1,2,3,5 on pay and MISC-1 unmapped: focus 4/4 = 1; owns pay at 1.0 >= 0.8: single-threaded.
    assert got["M1"] == [4, 5, 5.0, 1, "pay", 1.0, approx(0.2), 1.0, 1, 1.0, True]
    # M2: one item each on pay, web, mig, ops: a four-way tie goes to pay, listed first; effective 4.
    assert got["M2"] == [2, 4, 4.0, 4, "pay", 0.25, 0.0, approx(4.0), 1, 0.25, False]
    # M3 leads a team with no items at all.
    assert got["M3"] == [3, 0, 0.0, 0, None, None, None, None, 0, None, False]
    assert set(got) == {"L1", "D1", "M1", "M2", "M3"}  # E* have no reports; X1 has left


def test_team_size(con):
    got = rows(
        con,
        "SELECT team_id, headcount, engineers, contractors, pizza_status, engineering_team, span_of_control, depth "
        "FROM marts.team_size",
    )
    assert got == {
        "L1": [3, 0, 0, "too_small", False, 2, 1],  # L1 + D1 + M3; no engineers
        "D1": [3, 0, 0, "too_small", False, 2, 2],  # D1 + M1 + M2
        "M1": [4, 3, 1, "ok", True, 3, 3],  # M1 + E1, E2, E3 (X1 has left); E3 is a contractor
        "M2": [2, 1, 0, "too_small", True, 1, 3],  # a team of one
        "M3": [3, 2, 0, "too_small", True, 2, 2],
    }


def test_team_alignment(con):
    got = rows(
        con,
        "SELECT team_id, items, program_share, product_share, project_share, unmapped_share, top_stream, "
        "top_stream_kind, top_share, alignment FROM marts.team_alignment",
    )
    # M1: 4 of 5 on pay (a program), 1 unmapped; top share over mapped weight 4/4.
    assert got["M1"] == [5, approx(0.8), 0.0, 0.0, approx(0.2), "pay", "program", 1.0, "program_aligned"]
    # M2: pay and ops are programs (2/4), web a product, mig a project; 0.25 < 0.7: fragmented.
    assert got["M2"] == [4, 0.5, 0.25, 0.25, 0.0, "pay", "program", 0.25, "fragmented"]
    for idle in ("L1", "D1", "M3"):
        assert got[idle] == [0, None, None, None, None, None, None, None, "idle"]


def test_team_dependencies(con):
    assert con.execute(
        "SELECT dependent_team, blocking_team, links, open_links, streams_crossed FROM marts.team_dependencies "
        "ORDER BY dependent_team"
    ).fetchall() == [
        ("M1", "M2", 1, 1, 1),  # WEB-2 (mig) blocks PAY-6 (pay), still open
        ("M2", "M1", 2, 0, 2),  # PAY-1 and PAY-4 (pay) block WEB-1 (web), resolved in the window
    ]
    assert rows(
        con,
        "SELECT team_id, depends_on_links, depended_on_by_links, partner_teams, internal_links, external_links "
        "FROM marts.team_dependency_summary",
    ) == {
        "M1": [1, 2, 1, 1, 1],  # PAY-2→PAY-3 is internal; EXT-9→PAY-3 is reported, not counted
        "M2": [2, 1, 1, 0, 0],
        "L1": [0, 0, 0, 0, 0],
        "D1": [0, 0, 0, 0, 0],
        "M3": [0, 0, 0, 0, 0],
    }


def test_stream_ownership(con):
    got = rows(
        con,
        "SELECT stream_id, kind, stl_id, stl_active, items, contributing_teams, top_team, top_team_share, "
        "first_created::DATE::VARCHAR, age_days, open_items, no_stl, stl_owns_multiple, stl_below_focus, "
        "project_outlived FROM marts.stream_ownership",
    )
    # pay: PAY-1,2,3,5 (M1) and PAY-7 (M2); its oldest item PAY-4 was created 2026-07-01, 142 days before
    # as_of (30 + 31 + 30 + 31 + 20); PAY-6 is open.
    assert got["pay"] == ["program", "M1", True, 5, 2, "M1", approx(0.8), "2026-07-01", 142, 1,
                          False, False, False, False]  # fmt: skip
    # web: M2 owns it, but only a quarter of M2's work is on it (below 0.8).
    assert got["web"] == ["product", "M2", True, 1, 1, "M2", 1.0, "2026-09-01", 80, 0, False, False, True, False]
    # mig and ops: D1 owns two streams, at 0.25 focus.
    assert got["mig"] == ["project", "D1", True, 1, 1, "M2", 1.0, "2026-10-01", 50, 0, False, True, True, False]
    assert got["ops"] == ["program", "D1", True, 1, 1, "M2", 1.0, "2026-10-01", 50, 0, False, True, True, False]
    # legacy: its STL has left; OLD-1 counts for no team; OLD-2 (created 2026-01-05, 319 days ago) is
    # open: a project older than 180 days with open work.
    assert got["legacy"] == ["project", "X1", False, 1, 0, None, None, "2026-01-05", 319, 1,
                             False, False, False, True]  # fmt: skip
    assert got["docs"] == ["program", None, False, 0, 0, None, None, None, None, 0, True, False, False, False]


def test_shared_people(con):
    assert rows(
        con,
        "SELECT employee_id, team_id, items, streams_worked, top_stream, top_share, unmapped_share, is_split "
        "FROM marts.shared_people",
    ) == {
        "E1": ["M1", 3, 1, "pay", 1.0, approx(1 / 3), False],  # PAY-1, PAY-2 and MISC-1 (unmapped)
        "E2": ["M1", 1, 1, "pay", 1.0, 0.0, False],
        "E3": ["M1", 1, 1, "pay", 1.0, 0.0, False],
        "W1": ["M2", 4, 4, "pay", 0.25, 0.0, True],  # pay, web, mig, ops: a part-time job four times over
    }


def test_org_health(con):
    assert con.execute("SELECT * EXCLUDE (as_of) FROM marts.org_health").fetchall() == [
        (
            3, 1, approx(1 / 3),  # D1, M1, M2 own streams; M1 is single-threaded
            5, 3, 1, approx(1 / 3),  # 5 teams, 3 with engineers, of which M1 is within pizza size
            2, 1, 0.5,  # M1 and M2 have work; M1 is program-aligned
            3, approx(0.6),  # 3 cross-team links over 5 teams
            6, 4, approx(4 / 6),  # pay, web, mig, ops have an active STL; legacy's left, docs has none
            4, 1, 0.25,  # E1, E2, E3, W1 have work; W1 is split
            approx(5 / 6),  # Eli, Eva, Eon, Wes, Xan matched; Zed Vendor not
        )
    ]  # fmt: skip


def test_story_points_weigh_items_and_the_median_fills_gaps(tmp_path):
    db = run_metrics_org(tmp_path, "metrics:\n  effort: story_points\n")
    con = duckdb.connect(str(db), read_only=True)
    # Points in the window: PAY-1 3, PAY-2 5, PAY-5 1, PAY-7 2, WEB-1 3, WEB-3 1, OLD-1 2; median of
    # 1,1,2,2,3,3,5 is 2, given to PAY-3, WEB-2 and the MISC items.
    # M1: pay 3+5+2+1 = 11, MISC-1 2 → weight 13, focus 11/11, unmapped 2/13.
    # M2: PAY-7 2 (pay), WEB-1 3 (web), WEB-2 2 (mig), WEB-3 1 (ops) → 8, top web 3/8,
    #     effective 64 / (4 + 9 + 4 + 1).
    # D1: pay 13, web 3, mig 2, ops 1, unmapped 2 → mapped 19; focus 13/19; owns mig + ops = 3/19.
    got = rows(con, "SELECT leader_id, weight, top_stream, focus_ratio, unmapped_share, effective_streams, "
                    "owned_focus FROM marts.leader_focus")  # fmt: skip
    assert got["M1"] == [13.0, "pay", 1.0, approx(2 / 13), 1.0, 1.0]
    assert got["M2"] == [8.0, "web", approx(3 / 8), 0.0, approx(64 / 18), approx(3 / 8)]
    assert got["D1"] == [21.0, "pay", approx(13 / 19), approx(2 / 21), approx(1 / ((169 + 9 + 4 + 1) / 361)),
                         approx(3 / 19)]  # fmt: skip
    assert con.execute("SELECT count(*) FROM core.window_items WHERE weight_imputed").fetchone() == (5,)


def test_every_mart_keeps_one_snapshot_per_as_of_and_a_rerun_replaces_it(tmp_path):
    db = run_metrics_org(tmp_path, as_of=date(2026, 11, 20))
    run_metrics_org(tmp_path, as_of=date(2026, 10, 20), db=db)

    def snapshots():
        con = duckdb.connect(str(db), read_only=True)
        try:
            return {
                m: con.execute(f"SELECT as_of::VARCHAR, count(*) FROM marts.{m} GROUP BY 1 ORDER BY 1").fetchall()
                for m in MARTS
            }
        finally:
            con.close()

    first = snapshots()
    for mart, counts in first.items():
        assert [d for d, _ in counts] == ["2026-10-20", "2026-11-20"], mart
    # On 2026-10-20 the window (2026-07-22, 2026-10-20] has not yet seen MISC-2 (21/Oct, unassigned) nor MISC-3
    # (22/Oct, Zed Vendor, unmatched): only team work and OLD-1 (20/Sep, Xan left on 1/Oct, inactive_assignee).
    assert first["work_attribution"] == [("2026-10-20", 2), ("2026-11-20", 4)]
    run_metrics_org(tmp_path, as_of=date(2026, 10, 20), db=db)
    assert snapshots() == first
