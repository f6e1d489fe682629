"""validate_suite on hand-made DuckDB tables: outcomes, severities and examples worked out by hand.

Plain pytest, no Dagster. Each expectation is a Great Expectations ExpectationConfiguration whose native
severity (FailureSeverity) carries orghealth's: `error` is GX critical, `warning` is GX warning.
"""

import json
from datetime import date

import duckdb
import pytest

from orghealth.errors import ConfigError
from orghealth.quality.suites import Suite
from orghealth.quality.validate import build_data_docs, validate_suite

D1, D2, D3 = date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)
SETTINGS = {"quality": {"teams": ["payments", "search"], "max_drop": 0.2}}


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA hr")
    yield con
    con.close()


def staff_suite(*expectations: dict) -> Suite:
    return Suite.model_validate(
        {"suite": "hr_staff", "key": "employee_id", "guards": "hr.staff", "table": "hr.staff",
         "expectations": list(expectations)}
    )  # fmt: skip


UNIQUE_IDS = {
    "type": "expect_column_values_to_be_unique",
    "column": "employee_id",
    "severity": "error",
    "why": "Two people with one id make every count wrong.",
}
KNOWN_TEAMS = {
    "type": "expect_column_values_to_be_in_set",
    "column": "team",
    "value_set": "${quality.teams}",
    "severity": "warning",
    "why": "A team outside the org chart is a finding.",
}


def test_error_and_warning_outcomes_for_this_as_of_only(con):
    # D3: E2 twice (2 unexpected for uniqueness); E2's `billing` and E3's `moon` are outside the set.
    # D2's rows (E1 again, team `mars`) would fail both rules if the suite looked at other snapshots.
    con.execute(
        "CREATE TABLE hr.staff AS SELECT * FROM (VALUES "
        "(DATE '2026-11-19', 'E1', 'mars'), (DATE '2026-11-19', 'E1', 'mars'), "
        "(DATE '2026-11-20', 'E1', 'payments'), (DATE '2026-11-20', 'E2', 'search'), "
        "(DATE '2026-11-20', 'E2', 'billing'), (DATE '2026-11-20', 'E3', 'moon'), "
        "(DATE '2026-11-20', 'E4', 'payments')) AS t(as_of, employee_id, team)"
    )
    unique, in_set = validate_suite(con, staff_suite(UNIQUE_IDS, KNOWN_TEAMS), settings=SETTINGS, as_of=D3, run_id="t")

    assert (unique.suite, unique.guarded_table) == ("hr_staff", "hr.staff")
    assert (unique.expectation, unique.column_name) == ("expect_column_values_to_be_unique", "employee_id")
    assert (unique.severity, unique.success, unique.unexpected_count) == ("error", False, 2)
    assert json.loads(unique.unexpected_examples) == [{"employee_id": "E2"}, {"employee_id": "E2"}]
    assert unique.why == UNIQUE_IDS["why"]

    assert (in_set.expectation, in_set.column_name) == ("expect_column_values_to_be_in_set", "team")
    assert (in_set.severity, in_set.success, in_set.unexpected_count) == ("warning", False, 2)
    assert json.loads(in_set.unexpected_examples) == [
        {"employee_id": "E2", "team": "billing"},
        {"employee_id": "E3", "team": "moon"},
    ]
    assert in_set.describe() == (
        'hr_staff: expect_column_values_to_be_in_set(team): 2 unexpected, e.g. [{"employee_id": "E2", '
        '"team": "billing"}, {"employee_id": "E3", "team": "moon"}]. A team outside the org chart is a finding.'
    )

    day_before = validate_suite(con, staff_suite(UNIQUE_IDS, KNOWN_TEAMS), settings=SETTINGS, as_of=D2, run_id="t")
    assert [(o.severity, o.success, o.unexpected_count) for o in day_before] == [
        ("error", False, 2),
        ("warning", False, 2),
    ]
    clean = {**SETTINGS, "quality": {**SETTINGS["quality"], "teams": ["mars"]}}  # `${quality.teams}` is read per run
    (in_set,) = validate_suite(con, staff_suite(KNOWN_TEAMS), settings=clean, as_of=D2, run_id="t")
    assert (in_set.severity, in_set.success, in_set.unexpected_count, in_set.unexpected_examples) == (
        "warning", True, 0, None,
    )  # fmt: skip


def test_severity_is_great_expectations_own(con):
    from great_expectations.expectations.metadata_types import FailureSeverity

    from orghealth.quality.validate import _configuration

    con.execute("CREATE TABLE hr.staff (employee_id VARCHAR, team VARCHAR)")
    suite = staff_suite(UNIQUE_IDS, KNOWN_TEAMS)
    error, warning = (
        _configuration(con, suite, spec, i, SETTINGS, D3, None) for i, spec in enumerate(suite.expectations)
    )
    assert (error.type, error.severity) == ("expect_column_values_to_be_unique", FailureSeverity.CRITICAL)
    assert (warning.kwargs, warning.severity) == (
        {"column": "team", "value_set": ["payments", "search"]}, FailureSeverity.WARNING,
    )  # fmt: skip
    assert "severity" not in warning.meta


def test_two_rules_on_one_column_both_run(con):
    # ExpectationSuite.add_expectation_configuration would upsert by domain and keep only the second.
    con.execute(
        "CREATE TABLE hr.staff AS SELECT * FROM (VALUES ('E1', 'moon'), ('E2', 'mars')) AS t(employee_id, team)"
    )
    not_moon = {"type": "expect_column_values_to_not_be_in_set", "column": "team", "value_set": ["moon"],
                "severity": "error", "why": "No moon teams."}  # fmt: skip
    not_mars = {**not_moon, "value_set": ["mars"], "severity": "warning", "why": "No mars teams."}
    outcomes = validate_suite(con, staff_suite(not_moon, not_mars), settings=SETTINGS, as_of=D3, run_id="t")
    assert [(o.severity, o.success, o.unexpected_examples, o.why) for o in outcomes] == [
        ("error", False, '[{"employee_id": "E1", "team": "moon"}]', "No moon teams."),
        ("warning", False, '[{"employee_id": "E2", "team": "mars"}]', "No mars teams."),
    ]


def test_unknown_expectation_type_names_it_and_its_suite(con):
    con.execute("CREATE TABLE hr.staff (employee_id VARCHAR, team VARCHAR)")
    typo = {**UNIQUE_IDS, "type": "expect_column_values_to_be_uniqe"}
    with pytest.raises(ConfigError, match=r"hr_staff: unknown expectation type expect_column_values_to_be_uniqe"):
        validate_suite(con, staff_suite(KNOWN_TEAMS, typo), settings=SETTINGS, as_of=D3, run_id="t")


def test_bad_arguments_and_repeats_name_the_suite(con):
    con.execute("CREATE TABLE hr.staff (employee_id VARCHAR, team VARCHAR)")
    misspelt = {**UNIQUE_IDS, "colum": "employee_id"}
    with pytest.raises(ConfigError, match=r"hr_staff: expect_column_values_to_be_unique has invalid arguments"):
        validate_suite(con, staff_suite(misspelt), settings=SETTINGS, as_of=D3, run_id="t")
    with pytest.raises(ConfigError, match=r"hr_staff: expect_column_values_to_be_unique repeats an earlier"):
        validate_suite(con, staff_suite(UNIQUE_IDS, {**UNIQUE_IDS, "why": "again"}), settings=SETTINGS, as_of=D3,
                       run_id="t")  # fmt: skip


def test_row_count_not_to_drop_compares_with_the_previous_snapshot(con):
    # 10 rows on D1, 9 on D2 (a 10% drop), 6 on D3 (a 33% drop); max_drop is 0.2.
    con.execute(
        "CREATE TABLE hr.staff AS "
        "SELECT DATE '2026-11-18' AS as_of, 'E' || i AS employee_id FROM range(10) AS r(i) UNION ALL "
        "SELECT DATE '2026-11-19', 'E' || i FROM range(9) AS r(i) UNION ALL "
        "SELECT DATE '2026-11-20', 'E' || i FROM range(6) AS r(i)"
    )
    suite = staff_suite(
        {"type": "expect_row_count_not_to_drop", "max_drop": "${quality.max_drop}", "severity": "error",
         "why": "A truncated export."}
    )  # fmt: skip

    def outcome(as_of: date):
        (only,) = validate_suite(con, suite, settings=SETTINGS, as_of=as_of, run_id="t")
        assert (only.expectation, only.column_name, only.severity) == ("expect_row_count_not_to_drop", None, "error")
        assert (only.unexpected_count, only.unexpected_examples) == (None, None)
        return only.success, only.observed_value

    assert outcome(D1) == (True, "10")  # no previous snapshot: nothing to drop from
    assert outcome(D2) == (True, "9")  # at least ceil(10 x 0.8) = 8
    assert outcome(D3) == (False, "6")  # at least ceil(9 x 0.8) = 8


def test_data_docs_are_built(con, tmp_path):
    con.execute("CREATE TABLE hr.staff AS SELECT * FROM (VALUES ('E1', 'moon')) AS t(employee_id, team)")
    (in_set,) = validate_suite(
        con, staff_suite(KNOWN_TEAMS), settings=SETTINGS, as_of=D3, run_id="t", docs_dir=tmp_path / "docs"
    )
    assert not in_set.success
    assert not (tmp_path / "docs" / "index.html").exists()  # rendered once per run, not once per suite
    assert build_data_docs(tmp_path / "docs") == tmp_path / "docs" / "index.html"
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "docs" / "validations").rglob("*.html")]
    assert len(pages) == 1 and "hr_staff" in pages[0] and "belong to this set" in pages[0] and "Failed" in pages[0]


def test_frames_are_not_fingerprinted_and_are_validated_alike(con, monkeypatch):
    """Great Expectations hashes every value of a frame under 1 GB for a batch marker nothing reads (5M keys:
    1.4 GB of memory); orghealth turns that off. Should an upgrade hash again, this fails."""
    from great_expectations.execution_engine import pandas_execution_engine

    def refuse(frame):
        raise AssertionError(f"a frame of {len(frame)} rows was fingerprinted")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", refuse)
    # E2 twice (2 unexpected for uniqueness); `moon` is not one of the teams.
    con.execute(
        "CREATE TABLE hr.staff AS SELECT * FROM (VALUES (DATE '2026-11-20', 'E1', 'payments'), "
        "(DATE '2026-11-20', 'E2', 'search'), (DATE '2026-11-20', 'E2', 'search'), (DATE '2026-11-20', 'E3', 'moon')) "
        "AS t(as_of, employee_id, team)"
    )
    unique, in_set = validate_suite(con, staff_suite(UNIQUE_IDS, KNOWN_TEAMS), settings=SETTINGS, as_of=D3, run_id="t")
    assert (unique.success, unique.unexpected_count) == (False, 2)
    assert (in_set.success, in_set.unexpected_count) == (False, 1)


def test_memory_is_handed_back_where_the_c_library_can():
    import sys

    from orghealth import memory

    memory.give_back()  # nothing to assert about the amount: that is the benchmark's to measure
    assert (memory._malloc_trim() is not None) == sys.platform.startswith("linux")
