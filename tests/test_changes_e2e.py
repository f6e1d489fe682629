"""What changed between two snapshots, end to end: two HRIS exports of the metrics org (tests/fixtures/metrics_org,
worked by hand in tests/test_marts.py) run through the real job, then `orghealth diff`, the one-line summary the
run prints and the published asset carries, and the dashboard file's marts.snapshot_changes and stl_changes.

These tests start the whole job twice (module scope, shared): the changes are read from tables the job builds
(core.people, core.teams, core.work_streams, marts.leader_focus, marts.org_health) and from the quality results its
checks record during the run, which only a real run produces together, in the working copy publication reads.

D1 = 2026-11-20: the metrics org as it is (tests/test_marts.py's hand-working holds). D2 = 2026-11-27, a week
later; the same Jira export, so both windows, (2026-08-22, 2026-11-20] and (2026-08-29, 2026-11-27], hold the
same 12 items except PAY-4 (resolved 22 Aug, in D1's window only), which no metric below depends on. At D2:

- joined: N1 Nia New, engineer under M3 Moe, hired 2026-11-23 (not in D1's export);
- left:   I2 Ian Ivo, M3's engineer, terminated 2026-11-25;
- moved:  E2 Eva Em from M1 Mia's team to M2 Max's team (her manager changed);
- STL:    the config names Mia (mia@m.example) STL of legacy instead of Xan (who left on 2026-10-01).

Worked out from that:
- Team names are "<manager>'s team" (no HRIS team column): "Moe Idle's team", "Mia Pay's team", "Max Web's team".
- Headcount 11 at D1 (12 rows, Xan gone); at D2 +Nia -Ian = 11.
- STL changes: legacy's STL replaced (Xan Gone -> Mia Pay). Mia now owns pay and legacy: two streams, so she is
  no longer single-threaded (her org's mapped work, PAY-1, PAY-2, PAY-5, is all pay: focus 1.0, but two streams);
  she was the only single-threaded leader (test_marts), so single-threaded leaders 1 -> 0. Dan (mig, ops, 0.25),
  Max (web, 1 of 5 mapped items at D2), Lena and Moe (own nothing, or no work) are not single-threaded at either.
- Findings: legacy's STL is active at D2, so marts_stream_ownership's stl_departed (failing at D1: Xan left)
  passes: 1 resolved. No check starts failing: no_stl (docs), stl_owns_multiple (Dan), stl_below_focus (Max,
  Dan), project_outlived (legacy), the leaders' owned focus (Dan, Max) and pizza sizes fail at both: 0 new.
- Pizza teams: at D1 only M1 (E1, E2, E3); at D2 M1 has E1, E3, M2 has W1, E2, M3 has I1, N1: two engineers
  each, all below three: 1 -> 0.
- Cross-team links: at D1 3 (test_marts). At D2 PAY-1 -> WEB-1 (Eli M1 blocks Wes M2), PAY-2 -> PAY-3 (Eli M1
  blocks Eva, now M2: cross-team now), WEB-2 -> PAY-6 (Wes M2 blocks Eon M1); PAY-4 -> WEB-1 is inside M2 now
  (Eva moved) and WEB-3 -> PAY-4 does not count (PAY-4 resolved before the window): 3 -> 3.
"""

import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orghealth.changes import diff, one_line
from orghealth.settings import resolve_settings
from orghealth.summary import summarize
from pipelines.cli import app
from pipelines.runner import run_pipeline
from tests.metrics_snapshots import D1, D2, hris_d1, hris_d2, write_config
from tests.roads import materialize_partition

pytestmark = pytest.mark.slow

ONE_LINE = (
    "since 2026-11-20: 1 joined, 1 left, 1 moved team; 2 STL changes (1 stream, 1 leader); findings 0 new, "
    "1 resolved; headcount 11 → 11 (=), single-threaded leaders 1 → 0 (-1), pizza teams 1 → 0 (-1), "
    "cross-team links 3 → 3 (=)"
)
STL_DEPARTED = ("marts_stream_ownership", "expect_column_values_to_be_in_set", "stl_departed")


@pytest.fixture(scope="module")
def org(tmp_path_factory) -> tuple[Path, Path, str]:
    """The database after both runs, its dashboard file, and the `changes` the D2 run's published asset carried."""
    folder = tmp_path_factory.mktemp("changes")
    db = folder / "metrics.duckdb"
    run_pipeline(resolve_settings(write_config(folder, "hris-d1", hris_d1(), "xan@m.example"), db_path=db, as_of=D1))
    # D2 through the asset job the UI launches, to read what the published asset recorded.
    result = materialize_partition(db, D2, write_config(folder, "hris-d2", hris_d2(), "mia@m.example"))
    assert result.success
    (published,) = result.asset_materializations_for_node("published")
    return db, db.with_name("metrics-dashboards.duckdb"), published.metadata["changes"].value


@pytest.fixture
def con(org):
    connection = duckdb.connect(str(org[0]), read_only=True)
    yield connection
    connection.close()


def test_the_diff_names_who_joined_left_and_moved_and_the_stl_changes(con):
    found = diff(con, D1, D2)
    assert [(p.change, p.employee_id, p.name, p.from_team, p.to_team) for p in found.people] == [
        ("joined", "N1", "Nia New", None, "Moe Idle's team"),
        ("left", "I2", "Ian Ivo", "Moe Idle's team", None),
        ("moved", "E2", "Eva Em", "Mia Pay's team", "Max Web's team"),
    ]
    assert [(s.change, s.subject, s.before, s.after, s.reason) for s in found.stl] == [
        ("stream", "legacy (Legacy reports)", "Xan Gone", "Mia Pay", "STL replaced"),
        ("leader", "Mia Pay (M1)", None, None, "no longer single-threaded: owns 2 streams (pay, legacy)"),
    ]
    assert (found.findings_new, found.findings_resolved) == ([], [STL_DEPARTED])


def test_the_one_line_summary_in_the_run_summary_and_the_published_asset(org, con):
    db, _, published_changes = org
    assert one_line(con, D2) == ONE_LINE
    assert published_changes == ONE_LINE  # from the working copy, with this run's own quality results
    assert f"\nchanges {ONE_LINE}\n" in summarize(db, D2)


def test_orghealth_diff_prints_each_section(org):
    db = org[0]
    result = CliRunner().invoke(app, ["diff", "--db", str(db)])  # --to: the latest, D2; --from: the one before
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        f"database: {db}",
        "from 2026-11-20 to 2026-11-27",
        "",
        "people: 1 joined, 1 left, 1 moved team",
    ]
    rows = [re.split(r"\s{2,}", line) for line in lines if line.startswith(("joined", "left", "moved", "stream",
                                                                            "leader", "resolved", "new"))]  # fmt: skip
    assert rows == [  # table cells are two or more spaces apart
        ["joined", "N1", "Nia New", "Moe Idle's team"],
        ["left", "I2", "Ian Ivo", "Moe Idle's team"],
        ["moved", "E2", "Eva Em", "Mia Pay's team", "Max Web's team"],
        ["stream", "legacy (Legacy reports)", "Xan Gone", "Mia Pay", "STL replaced"],
        ["leader", "Mia Pay (M1)", "no longer single-threaded: owns 2 streams (pay, legacy)"],
        ["resolved", *STL_DEPARTED],
    ]
    assert "STL changes: 2" in lines
    assert lines[lines.index("headline:") :] == [
        "headline:",
        "  headcount 11 → 11 (=)",
        "  single-threaded leaders 1 → 0 (-1)",
        "  pizza teams 1 → 0 (-1)",
        "  cross-team links 3 → 3 (=)",
    ]
    explicit = CliRunner().invoke(app, ["diff", "--db", str(db), "--from", "2026-11-20", "--to", "2026-11-27"])
    assert explicit.stdout == result.stdout
    refused = CliRunner().invoke(app, ["diff", "--db", str(db), "--to", "2026-11-24"])
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"orghealth: --to 2026-11-24 is not a snapshot in {db}; the nearest are 2026-11-20 and 2026-11-27"
    )


def test_the_dashboard_file_counts_the_same_changes_and_names_only_roles(org):
    dashboards = duckdb.connect(str(org[1]), read_only=True)
    try:
        assert dashboards.execute("SELECT * FROM marts.snapshot_changes").fetchall() == [
            # joiners, leavers, movers; STL changes (stream, leader); findings new, resolved; headline pairs
            (D2, D1, 1, 1, 1, 2, 1, 1, 0, 1, 11, 11, 1, 0, 1, 0, 3, 3)
        ]
        assert dashboards.execute(
            "SELECT change, stream_id, previous_stl_name, stl_name, leader_name, was_single_threaded, "
            "is_single_threaded, reason FROM marts.stl_changes ORDER BY change DESC"
        ).fetchall() == [
            ("stream", "legacy", "Xan Gone", "Mia Pay", None, None, None, "STL replaced"),
            ("leader", None, None, None, "Mia Pay", True, False,
             "no longer single-threaded: owns 2 streams (pay, legacy)"),
        ]  # fmt: skip
    finally:
        dashboards.close()
