"""HRIS exports as other tools write them, through the whole job: Excel's cp1252 with semicolons and
day-first dates, names instead of manager ids, and teams taken from the HRIS team column."""

import shutil
from datetime import date

import duckdb
import pytest

from orghealth.settings import resolve_settings
from pipelines.runner import run_pipeline
from tests.conftest import SMALL_ORG

pytestmark = pytest.mark.slow

# A European Excel export: cp1252, semicolons, DD/MM/YYYY (25/12/2019 can only be day-first), and only
# the manager's name. "Zoë" and "Renée" carry bytes that are not UTF-8 (0xEB, 0xE9).
EXCEL_EXPORT = (
    "EmpID;Employee_Name;Email;ManagerName;Position;Department;Team;DateofHire;DateofTermination;EmploymentStatus\r\n"
    "1;Zoë Lind;zoe@x.example;;Head of Engineering;Eng;Core;01/02/2015;;Active\r\n"
    "2;Renée Fort;renee@x.example;Zoë Lind;Software Engineer;Eng;Core;25/12/2019;;Active\r\n"
    "3;Ole Berg;ole@x.example;Zoë Lind;Software Engineer;Eng;Core;03/04/2020;;Active\r\n"
    "4;Ida Holm;ida@x.example;Zoë Lind;Engineering Manager;Eng;Apps;05/06/2018;;Active\r\n"
    "5;Per Sand;per@x.example;Ida Holm;Frontend Developer;Eng;Apps;07/08/2021;;Active\r\n"
    "6;Tor Vik;tor@x.example;Ida Holm;Software Engineer;Eng;Apps;09/10/2021;15/11/2026;Voluntarily Terminated\r\n"
)


def run_with(tmp_path, extra_config: str):
    root = tmp_path / "org"
    shutil.copytree(SMALL_ORG, root)
    (root / "hris.csv").write_bytes(EXCEL_EXPORT.encode("cp1252"))
    config = root / "orghealth.yaml"
    text = config.read_text(encoding="utf-8").replace("hris:\n", "hris:\n" + extra_config)
    # These people are not the small org's Jira assignees: nobody matches, on purpose.
    config.write_text(text.replace("min_match_rate: 0.8", "min_match_rate: 0.0"))
    db = tmp_path / "db.duckdb"
    run_pipeline(resolve_settings(config, db_path=db, as_of=date(2026, 11, 20)))
    return duckdb.connect(str(db), read_only=True)


def test_excel_export_in_cp1252_with_day_first_dates_and_manager_names(tmp_path):
    con = run_with(tmp_path, "")
    snapshot = con.execute("SELECT encoding, delimiter, date_formats[4] FROM raw.hris_snapshots").fetchone()
    assert snapshot == ("cp1252", ";", "%d/%m/%y")  # the first format after the three ISO ones: day-first
    people = {
        e: rest
        for e, *rest in con.execute(
            "SELECT employee_id, name, manager_id, hire_date::VARCHAR, is_active, is_engineer FROM core.people"
        ).fetchall()
    }
    assert people["1"] == ["Zoë Lind", None, "2015-02-01", True, False]
    assert people["2"] == ["Renée Fort", "1", "2019-12-25", True, True]  # manager found by name
    assert people["5"] == ["Per Sand", "4", "2021-08-07", True, True]
    assert people["6"][3:] == [False, True]  # terminated 15/11/2026, before as_of 2026-11-20
    # Manager mode (default): teams are led by 1 {2, 3, 4} and by 4 {5} (6 has left).
    assert con.execute("SELECT team_id, members, headcount FROM core.teams ORDER BY 1").fetchall() == [
        ("1", 3, 4),
        ("4", 1, 2),
    ]


def test_teams_from_the_hris_team_column(tmp_path):
    con = run_with(tmp_path, "  team_source: column\n")
    # Core = {1, 2, 3}: 1's manager is outside the team, so 1 leads it. Apps = {4, 5} (6 has left): 4's
    # manager (1) is in Core, so 4 leads Apps. The manager is a member here, so headcount = members.
    assert con.execute(
        "SELECT team_id, team_name, manager_id, members, headcount FROM core.teams ORDER BY 1"
    ).fetchall() == [
        ("Apps", "Apps", "4", 2, 2),
        ("Core", "Core", "1", 3, 3),
    ]
    assert con.execute("SELECT employee_id, team_id FROM core.people ORDER BY 1").fetchall() == [
        ("1", "Core"), ("2", "Core"), ("3", "Core"), ("4", "Apps"), ("5", "Apps"), ("6", "Apps"),
    ]  # fmt: skip
