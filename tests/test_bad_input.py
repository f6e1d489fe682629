"""Bad input through the real job: clear errors naming file, line and column; nothing lost; no half-written DB."""

import hashlib
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orghealth.settings import resolve_settings
from pipelines.runner import RunFailed, run_pipeline
from tests.conftest import SMALL_ORG, run_small_org

pytestmark = pytest.mark.slow

HEADER = "Employee ID,Full Name,Work Email,Manager ID,Job Title,Hire Date\n"


def org_copy(tmp_path: Path, *, hris: str | None = None) -> Path:
    """A copy of the small org in tmp_path, optionally with another HRIS file.

    Another HRIS file matches none of the small org's Jira people, so its match-rate floor is dropped.
    """
    root = tmp_path / "org"
    shutil.copytree(SMALL_ORG, root)
    config = (root / "orghealth.yaml").read_text(encoding="utf-8")
    if hris is not None:
        (root / "hris.csv").write_text(hris, encoding="utf-8")
        config = config.replace("min_match_rate: 0.8", "min_match_rate: 0.0")
    (root / "orghealth.yaml").write_text(config, encoding="utf-8")
    return root / "orghealth.yaml"


def run(config: Path, db: Path, as_of: date = date(2026, 11, 20)):
    return run_pipeline(resolve_settings(config, db_path=db, as_of=as_of))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_too_many_rejected_rows_fail_the_run_and_keep_the_previous_database(tmp_path):
    db = tmp_path / "orghealth.duckdb"
    run_small_org(db)
    before = digest(db)
    # The small org's HRIS file has 1 rejected row of 12 (8.3%); the default threshold is 1%.
    config = org_copy(tmp_path)
    config.write_text(config.read_text().replace("max_rejected_share: 0.5", "max_rejected_share: 0.01"))

    with pytest.raises(RunFailed) as failure:
        run(config, db)

    message = str(failure.value)
    assert message.startswith(f"the quality gate stopped publication ({db} is unchanged): ")
    assert "raw_hris_people: expect_column_values_to_be_between(rejected_share): 1 unexpected" in message
    assert '"rejected_share": 0.08333333333333333' in message  # 1 of 12
    assert '"first_rejected_row": "line 13, column DateofHire: hire date is not a date' in message
    assert "raw.rejected_rows" in message
    assert digest(db) == before
    # The failed run's expectation results are kept in the working database beside it.
    work = duckdb.connect(str(failure.value.work_path), read_only=True)
    assert work.execute(
        "SELECT suite, column_name, severity, success, unexpected_count FROM quality.expectation_results "
        "WHERE NOT success AND severity = 'error' ORDER BY suite"
    ).fetchall() == [
        ("raw_hris_people", "rejected_share", "error", False, 1),
        # The Jira files too: export.csv 1 of 9 rejected, ops-page-002.json 1 of 2.
        ("raw_jira_issues", "rejected_share", "error", False, 2),
    ]
    # Nothing downstream of the blocked asset was rebuilt: the working copy's people are the published ones.
    assert work.execute("SELECT count(*) FROM staging.hris_people").fetchone() == (11,)
    work.close()


def test_a_failed_first_run_leaves_no_database(tmp_path):
    duplicate_id = "E1,Ana Lima,ana@x.example,,CEO,2020-01-01\nE1,Bo Chen,bo@x.example,,CTO,2020-01-01\n"
    config = org_copy(tmp_path, hris=HEADER + duplicate_id)
    db = tmp_path / "new.duckdb"
    with pytest.raises(RunFailed):
        run(config, db)
    assert not db.exists()


def test_manager_cycles_unknown_and_ambiguous_managers_are_kept_with_their_problem(tmp_path):
    hris = HEADER + (
        "E1,Ana Lima,ana@x.example,,CEO,2020-01-01\n"
        "E2,Bo Chen,bo@x.example,E3,Engineer,2020-01-01\n"  # E2 -> E3 -> E4 -> E2: a cycle
        "E3,Cy Diaz,cy@x.example,E4,Engineer,2020-01-01\n"
        "E4,Di Eze,di@x.example,E2,Engineer,2020-01-01\n"
        "E5,Ed Fox,ed@x.example,Z99,Engineer,2020-01-01\n"  # Z99 is nobody
        "E6,Sam Lee,sam1@x.example,E1,Engineer,2020-01-01\n"
        "E7,Sam Lee,sam2@x.example,E1,Engineer,2020-01-01\n"
        "E8,Flo Gil,flo@x.example,Sam Lee,Engineer,2020-01-01\n"  # two people are called Sam Lee
        "E9,Gia Ho,gia@x.example,E9,Engineer,2020-01-01\n"  # her own manager: a cycle of one
    )
    db = tmp_path / "db.duckdb"
    with pytest.raises(RunFailed) as failure:
        run(org_copy(tmp_path, hris=hris), db)
    # Both are data errors: the quality gate names them and stops publication.
    message = str(failure.value)
    assert '{"employee_id": "E5", "resolved_by": "unknown"}' in message
    assert '{"employee_id": "E8", "resolved_by": "ambiguous_name"}' in message
    assert '{"employee_id": "E2", "resolved_by": "cycle"}' in message
    assert not db.exists()

    con = duckdb.connect(str(failure.value.work_path), read_only=True)
    rows = {
        e: rest
        for e, *rest in con.execute(
            "SELECT employee_id, resolved_by, manager_id, problem FROM core.reporting_lines"
        ).fetchall()
    }
    # The cycle is cut at its lowest id (E2); E3 and E4 keep their managers.
    assert rows["E2"] == [
        "cycle",
        None,
        "reporting cycle E2 -> E3 -> E4 -> E2; this link is cut so the tree has a root",
    ]
    assert rows["E3"] == ["id", "E4", None]
    assert rows["E4"] == ["id", "E2", None]
    assert rows["E5"] == ["unknown", None, "manager Z99 matches no employee id, email or name in the snapshot"]
    assert rows["E8"][:2] == ["ambiguous_name", None]
    assert "matches 2 people" in rows["E8"][2]
    assert rows["E9"][:2] == ["cycle", None]
    # Nobody is lost: all nine people are in the reporting lines, each with what is wrong.
    assert con.execute("SELECT count(*) FROM core.reporting_lines").fetchone() == (9,)
    con.close()


def test_ragged_and_blank_id_rows_are_quarantined_with_their_line(tmp_path):
    hris = HEADER + (
        "E1,Ana Lima,ana@x.example,,CEO,2020-01-01\n"
        "E2,Bo Chen,bo@x.example,E1,Engineer\n"  # line 3: one field short
        ",No Id,noid@x.example,E1,Engineer,2020-01-01\n"  # line 4: blank id
        "E4,Di Eze,di@x.example,E1,Engineer,2020-01-01\n"
    )
    db = tmp_path / "db.duckdb"
    # A row without an id is quarantined, and also stops publication (raw_hris_ids, tests/test_quality_gate.py).
    with pytest.raises(RunFailed, match="raw_hris_ids") as failure:
        run(org_copy(tmp_path, hris=hris), db)
    con = duckdb.connect(str(failure.value.work_path), read_only=True)
    assert con.execute(
        "SELECT source_line, column_name, reason FROM raw.rejected_rows WHERE source_table = 'hris_people' "
        "ORDER BY source_line"
    ).fetchall() == [
        (3, None, "row has 5 fields but the header has 6"),
        (4, "Employee ID", "employee id is blank"),
    ]
    # The rows that could be read are in raw, as exported; nothing that depends on them was built.
    assert con.execute("SELECT list(employee_id ORDER BY employee_id) FROM raw.hris_people").fetchone() == (
        ["E1", "E4"],
    )
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'people'").fetchone() == (0,)
    con.close()
