"""A folder of dated HRIS exports (a nightly drop): which file stands for an as_of (orghealth/exports.py)."""

import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orghealth.errors import InputFileError
from orghealth.exports import choose_export, export_date
from pipelines.cli import app
from tests.conftest import SMALL_ORG


def touch(path: Path, modified: date | None = None) -> Path:
    path.write_text("Employee ID\n", encoding="utf-8")
    if modified is not None:
        stamp = datetime(modified.year, modified.month, modified.day, 12, tzinfo=UTC).timestamp()
        os.utime(path, (stamp, stamp))
    return path


def test_the_date_comes_from_the_name_else_from_the_modification_day(tmp_path):
    assert export_date(touch(tmp_path / "people-2026-11-20.csv")).dated == date(2026, 11, 20)
    named = export_date(touch(tmp_path / "hris_2026-02-30_and_2026-03-01.csv", modified=date(2026, 1, 5)))
    assert (named.dated, named.dated_by) == (date(2026, 3, 1), "file name")  # 2026-02-30 is no date: the next one
    plain = export_date(touch(tmp_path / "people.csv", modified=date(2026, 10, 7)))
    assert (plain.dated, plain.dated_by) == (date(2026, 10, 7), "modification time")


def test_the_latest_export_on_or_before_as_of_never_a_later_one(tmp_path):
    for name in ("people-2026-11-18.csv", "people-2026-11-20.csv", "people-2026-11-22.csv", "notes-2026-11-21.md"):
        touch(tmp_path / name)
    touch(tmp_path / "people-undated.csv", modified=date(2026, 11, 19))
    assert choose_export(tmp_path, date(2026, 11, 20)).path.name == "people-2026-11-20.csv"  # its own export
    chosen = choose_export(tmp_path, date(2026, 11, 21))  # none of its own; the .md file is no export
    assert (chosen.path.name, chosen.age_days(date(2026, 11, 21))) == ("people-2026-11-20.csv", 1)
    assert choose_export(tmp_path, date(2026, 11, 19)).path.name == "people-undated.csv"  # by modification day
    assert choose_export(tmp_path, date(2030, 1, 1)).path.name == "people-2026-11-22.csv"
    with pytest.raises(InputFileError) as error:
        choose_export(tmp_path, date(2026, 11, 17))
    assert str(error.value).startswith(f"{tmp_path}: no HRIS export dated on or before 2026-11-17")
    assert "people-2026-11-18.csv (2026-11-18)" in str(error.value)


@pytest.mark.slow
def test_a_run_says_which_export_it_used_and_warns_when_an_earlier_one_stands_in(tmp_path):
    org = tmp_path / "org"
    shutil.copytree(SMALL_ORG, org)
    drop = org / "drop"
    drop.mkdir()
    for day in ("2026-11-18", "2026-11-22"):
        shutil.copy(org / "hris.csv", drop / f"people-{day}.csv")
    config = org / "orghealth.yaml"
    config.write_text(config.read_text().replace("path: hris.csv", "path: drop"))
    db = tmp_path / "out.duckdb"
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--db", str(db), "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.stderr
    assert "HRIS export: people-2026-11-18.csv, dated 2026-11-18" in result.stdout
    assert "no HRIS export is dated 2026-11-20; the nearest earlier one (2026-11-18, 2 days older)" in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute(
            "SELECT source_file, export_date::VARCHAR, export_age_days FROM raw.hris_snapshots"
        ).fetchall() == [(str(drop / "people-2026-11-18.csv"), "2026-11-18", 2)]
        assert con.execute(
            "SELECT severity, success, unexpected_count FROM quality.expectation_results "
            "WHERE suite = 'raw_hris_export'"
        ).fetchall() == [("warning", False, 1)]
    finally:
        con.close()
    # The date with an export of its own uses it, and nothing is flagged; a date before every export is refused.
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--db", str(db), "--as-of", "2026-11-22"])
    assert result.exit_code == 0 and "HRIS export: people-2026-11-22.csv, dated 2026-11-22\n\n" in result.stdout
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--db", str(db), "--as-of", "2026-11-17"])
    assert result.exit_code == 1 and "no HRIS export dated on or before 2026-11-17" in result.stderr
