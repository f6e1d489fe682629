"""The quality gate: each data-error rule stops publication and is named; each org-health rule only warns.

Data errors are fed through the real job where the job can produce them (a broken export), and straight
to the suite where ingest already quarantines the input (duplicate ids) or where correct SQL cannot
produce it (a metric out of range): there a hand-made table stands in for the one the SQL would build.
"""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orghealth.config import OrgConfig
from orghealth.quality.suites import load_suites
from orghealth.quality.validate import validate_suite
from orghealth.settings import resolve_settings
from pipelines.runner import RunFailed, run_pipeline
from tests.conftest import SMALL_ORG
from tests.test_marts import METRICS_ORG

AS_OF = date(2026, 11, 20)
SUITES = {s.suite: s for s in load_suites()}


def small_org(tmp_path: Path, edit=None) -> Path:
    """A copy of the small org; `edit(root)` may break it."""
    root = tmp_path / "org"
    shutil.copytree(SMALL_ORG, root)
    if edit:
        edit(root)
    return root / "orghealth.yaml"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def expect_blocked(tmp_path: Path, config: Path, suite: str, column: str, as_of: date = AS_OF) -> str:
    db = tmp_path / "published.duckdb"
    with pytest.raises(RunFailed) as failure:
        run_pipeline(resolve_settings(config, db_path=db, as_of=as_of))
    message = str(failure.value)
    assert message.startswith("the quality gate stopped publication")
    assert f"{suite}: " in message and (column is None or f"({column})" in message)
    work = duckdb.connect(str(failure.value.work_path), read_only=True)
    failed = work.execute(
        "SELECT suite, column_name FROM quality.expectation_results "
        "WHERE as_of = $d AND severity = 'error' AND NOT success",
        {"d": as_of},
    ).fetchall()
    work.close()
    assert (suite, column) in failed
    return message


@pytest.mark.slow
def test_hire_after_termination_blocks(tmp_path):
    # Gus Taylor: hired 02/01/2021, now "terminated" 09/30/2020, before he joined.
    config = small_org(tmp_path, lambda r: replace_in(r / "hris.csv", "02/01/2021,09/30/2026", "02/01/2021,09/30/2020"))
    message = expect_blocked(tmp_path, config, "core_people", "termination_date, hire_date")
    assert '"employee_id": "E7"' in message
    assert not (tmp_path / "published.duckdb").exists()


@pytest.mark.slow
def test_a_link_to_a_missing_issue_of_an_exported_project_blocks(tmp_path):
    # CORE-3 now says CORE-99 blocks it; CORE is exported, CORE-99 is not in it.
    config = small_org(tmp_path, lambda r: replace_in(r / "jira" / "export.csv", '"CORE-2","LEGACY-9","OPS-1"',
                                                      '"CORE-2","LEGACY-9","CORE-99"'))  # fmt: skip
    message = expect_blocked(tmp_path, config, "core_issue_links", "dangling_in_export")
    assert '"from_issue_key": "CORE-99"' in message


@pytest.mark.slow
def test_identity_match_rate_below_the_floor_blocks(tmp_path):
    # 7 of 8 assignees match (0.875): below a floor of 0.9.
    config = small_org(
        tmp_path, lambda r: replace_in(r / "orghealth.yaml", "min_match_rate: 0.8", "min_match_rate: 0.9")
    )
    message = expect_blocked(tmp_path, config, "core_identity_match", "match_rate")
    assert "[0.875]" in message


@pytest.mark.slow
def test_duplicate_and_blank_employee_ids_in_the_export_block(tmp_path):
    # Ingest quarantines both rows (raw.rejected_rows), and the gate still stops publication.
    def break_ids(root: Path) -> None:
        with (root / "hris.csv").open("a", encoding="utf-8") as hris:
            hris.write(
                "E4,Dev Again,dev2@x.example,E3,Software Engineer,Engineering,,Paris,Full-time,07/01/2019,,Active\n"
            )
            hris.write(",No Id,noid@x.example,E3,Software Engineer,Engineering,,Paris,Full-time,07/01/2019,,Active\n")

    message = expect_blocked(tmp_path, small_org(tmp_path, break_ids), "raw_hris_ids", "employee_id")
    # E4 is on line 5 and again on line 14; the row without an id is line 15.
    assert '[{"source_line": 5, "employee_id": "E4"}, {"source_line": 14, "employee_id": "E4"}]' in message
    assert '[{"source_line": 15, "employee_id": null}]' in message


@pytest.mark.slow
def test_a_snapshot_that_loses_more_than_30_percent_of_its_rows_blocks(tmp_path):
    db = tmp_path / "published.duckdb"
    config = small_org(tmp_path)
    run_pipeline(resolve_settings(config, db_path=db, as_of=AS_OF))
    # The next day's export has lost E8, E9, E10 and E11: 7 people instead of 11, and 7 < ceil(11 × 0.7) = 8.
    hris = config.parent / "hris.csv"
    lines = hris.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    hris.write_text("".join(line for line in lines if not line.startswith(("E8,", "E9,", "E10,", "E11,"))),
                    encoding="utf-8")  # fmt: skip
    replace_in(config, "min_match_rate: 0.8", "min_match_rate: 0.0")  # Hana and Ivan no longer match
    message = expect_blocked(tmp_path, config, "core_people", None, as_of=date(2026, 11, 21))
    assert "expect_row_count_not_to_drop: observed 7" in message


@pytest.mark.slow
@pytest.mark.parametrize("kept", ["header only", "first two people"])
def test_re_running_a_published_date_with_a_truncated_export_blocks(tmp_path, kept):
    # The same as_of again, from an export cut short: compared with the snapshot published for that date
    # (11 people), not with an earlier date (there is none) nor with the truncated rows themselves.
    db = tmp_path / "published.duckdb"
    config = small_org(tmp_path)
    run_pipeline(resolve_settings(config, db_path=db, as_of=AS_OF))
    before = db.read_bytes()
    hris = config.parent / "hris.csv"
    lines = hris.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    hris.write_text("".join(lines[:1] if kept == "header only" else lines[:3]), encoding="utf-8")
    replace_in(config, "min_match_rate: 0.8", "min_match_rate: 0.0")
    if kept == "header only":  # nobody at all: said first, before anything downstream could complain
        message = expect_blocked(tmp_path, config, "raw_hris_ids", None, as_of=AS_OF)
        said_first = message.split("unchanged): ", 1)[1]
        assert said_first.startswith("raw_hris_ids: expect_table_row_count_to_be_between: observed 0")
    else:
        message = expect_blocked(tmp_path, config, "core_people", None, as_of=AS_OF)
        assert "expect_row_count_not_to_drop: observed 2" in message  # below ceil(11 × 0.7) = 8
    assert db.read_bytes() == before


@pytest.mark.slow
def test_a_header_only_hris_is_said_before_the_identity_match_it_breaks(tmp_path):
    config = small_org(tmp_path)
    hris = config.parent / "hris.csv"
    hris.write_text(hris.read_text(encoding="utf-8-sig").splitlines(keepends=True)[0], encoding="utf-8")
    message = expect_blocked(tmp_path, config, "raw_hris_ids", None)
    first, *others = message.split("the quality gate stopped publication", 1)[1].split(". ")
    assert "raw_hris_ids: expect_table_row_count_to_be_between: observed 0" in first
    assert "The HRIS export holds nobody" in message


@pytest.fixture
def scratch():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core; CREATE SCHEMA marts")
    yield con
    con.close()


def failed(con, suite: str) -> list[tuple]:
    outcomes = validate_suite(con, SUITES[suite], OrgConfig().model_dump(mode="json"), AS_OF, run_id="t")
    return [(o.expectation, o.column_name, o.unexpected_count) for o in outcomes if not o.success]


def test_duplicate_and_null_employee_ids_fail_their_suite(scratch):
    # Ingest quarantines both before core.people, so a hand-made table stands in here.
    scratch.execute(
        "CREATE TABLE core.people AS SELECT * FROM (VALUES (DATE '2026-11-20', 'E1', DATE '2020-01-01', NULL), "
        "(DATE '2026-11-20', 'E1', DATE '2020-01-01', NULL), (DATE '2026-11-20', NULL, DATE '2020-01-01', NULL)) "
        "AS t(as_of, employee_id, hire_date, termination_date)"
    )
    assert failed(scratch, "core_people") == [
        ("expect_column_values_to_not_be_null", "employee_id", 1),
        ("expect_column_values_to_be_unique", "employee_id", 2),
    ]


def test_duplicate_issue_keys_fail_their_suite(scratch):
    scratch.execute("CREATE TABLE core.work_items AS SELECT * FROM (VALUES ('A-1', TIMESTAMP '2026-01-01'), "
                    "('A-1', TIMESTAMP '2026-01-02'), ('A-2', NULL)) AS t(issue_key, created_at)")  # fmt: skip
    assert failed(scratch, "core_work_items") == [
        ("expect_column_values_to_be_unique", "issue_key", 2),
        ("expect_column_values_to_not_be_null", "created_at", 1),
    ]


def test_metrics_out_of_their_range_fail_their_suites(scratch):
    scratch.execute(
        "CREATE TABLE marts.leader_focus AS SELECT * FROM (VALUES "
        "(DATE '2026-11-20', 'L1', 1.2, 0.5, 0.1, 1.5, 1), (DATE '2026-11-20', 'L2', 0.5, -0.1, 0.0, 0.8, 1)) "
        "AS t(as_of, leader_id, focus_ratio, owned_focus, unmapped_share, effective_streams, owned_streams)"
    )
    assert failed(scratch, "marts_leader_focus") == [
        ("expect_column_values_to_be_between", "focus_ratio", 1),
        ("expect_column_values_to_be_between", "owned_focus", 1),
        ("expect_column_values_to_be_between", "effective_streams", 1),
    ]
    # A team's kind shares that do not add up to 1 (0.5 + 0.2 + 0.2 + 0 = 0.9).
    scratch.execute(
        "CREATE TABLE marts.team_alignment AS SELECT * FROM (VALUES "
        "(DATE '2026-11-20', 'T1', 4, 0.5, 0.2, 0.2, 0.0, 0.6), (DATE '2026-11-20', 'T2', 2, 1.0, 0.0, 0.0, 0.0, 1.0)) "
        "AS t(as_of, team_id, items, program_share, product_share, project_share, unmapped_share, top_share)"
    )
    assert failed(scratch, "marts_team_alignment") == [("expect_column_values_to_be_between", "share_total", 1)]


@pytest.mark.slow
def test_org_health_findings_warn_without_stopping_the_run(tmp_path):
    # The hand-worked metrics org (tests/test_marts.py) trips every finding, and still publishes.
    config = tmp_path / "orghealth.yaml"
    text = (METRICS_ORG / "orghealth.yaml").read_text(encoding="utf-8")
    config.write_text(text.replace("path: hris.csv", f"path: {METRICS_ORG / 'hris.csv'}")
                      .replace("paths: [jira.csv]", f"paths: [{METRICS_ORG / 'jira.csv'}]"))  # fmt: skip
    db = tmp_path / "published.duckdb"
    run_pipeline(resolve_settings(config, db_path=db))
    con = duckdb.connect(str(db), read_only=True)
    results = con.execute(
        "SELECT suite, column_name, unexpected_count, unexpected_examples FROM quality.expectation_results "
        "WHERE NOT success ORDER BY suite, column_name"
    ).fetchall()
    assert [r[:3] for r in results] == [
        ("marts_leader_findings", "owned_focus", 2),  # D1 and M2 at 0.25 focus on what they own
        ("marts_stream_ownership", "no_stl", 1),  # docs
        ("marts_stream_ownership", "project_outlived", 1),  # legacy
        ("marts_stream_ownership", "stl_below_focus", 3),  # web (M2), mig and ops (D1)
        ("marts_stream_ownership", "stl_departed", 1),  # legacy: Xan left on 2026-10-01
        ("marts_stream_ownership", "stl_owns_multiple", 2),  # mig and ops, both Dan's
        ("marts_team_size", "pizza_status", 2),  # M2 (1 engineer) and M3 (2); L1 and D1 have no engineers
    ]
    assert '"stream_id": "docs"' in results[1][3]
    assert con.execute("SELECT DISTINCT severity FROM quality.expectation_results WHERE NOT success").fetchall() == [
        ("warning",)
    ]
    # Every data-error expectation passed and was recorded: 12 suites with 24 error expectations.
    assert con.execute(
        "SELECT count(DISTINCT suite), count(*) FROM quality.expectation_results WHERE severity = 'error' AND success"
    ).fetchone() == (12, 24)


@pytest.mark.slow
def test_two_different_issues_under_one_key_block(tmp_path):
    # A second "CORE-2" with another issue id (as a second Jira site would export it). The stale copy of
    # OPS-1 in the fixture's second JSON page has the same id as the first: it is deduplicated, not blocked.
    def mix_sites(root: Path) -> None:
        with (root / "jira" / "export.csv").open("a", encoding="utf-8") as export:
            export.write(
                '"Other site","CORE-2","55555","Task","To Do","To Do","CORE","","","Ben Okafor",'
                '"acc-ben","02/Oct/26 8:00 AM","02/Oct/26 8:00 AM","","","","","","","","","","","","",""\n'
            )

    message = expect_blocked(tmp_path, small_org(tmp_path, mix_sites), "raw_jira_keys", "issues_with_this_key")
    assert '{"issue_key": "CORE-2", "issues_with_this_key": 2}' in message
    assert "OPS-1" not in message
