"""Random and mutated exports fed to the readers (hypothesis): every outcome is rows or a clear error, never
a traceback or a hang, and no record of a clean read is lost (records read = rows kept + rows rejected)."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from orghealth.config import HrisConfig, JiraConfig
from orghealth.errors import OrgHealthError
from orghealth.readers.hris import read_hris
from orghealth.readers.jira import read_jira

HRIS = (
    "Employee ID,Full Name,Work Email,Manager ID,Job Title,Hire Date,Status\n"
    "E1,Ana Lima,ana@x.example,,CEO,01/15/2015,Active\n"
    'E2,"Okafor, Ben",ben@x.example,E1,Engineering Manager,03/01/2018,Active\n'
    "E3,Chloé Martin,chloe@x.example,E2,Software Engineer,2019-06-01,Active\n"
    "E4,Dev Rao,dev@x.example,E2,SRE,12/31/2020,Terminated\n"
)
JIRA_CSV = (
    "Summary,Issue key,Issue id,Issue Type,Status,Created,Labels,Labels,Outward issue link (Blocks)\n"
    "Card form,PAY-1,101,Story,Done,01/Sep/26 9:00 AM,a,b,WEB-1\n"
    '"Multi\nline",PAY-2,102,Bug,To Do,02/Sep/26 9:00 AM,,,\n'
)
# Characters that break CSVs: quotes, separators, line ends, a BOM, NUL, non-ASCII.
NASTY = st.sampled_from(['"', ",", ";", "\t", "\n", "\r", "\r\n", "\ufeff", "\x00", "é", "😀", " ", "'", "\\"])
PIECES = st.one_of(NASTY, st.text(max_size=6))
PROFILE = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def mutated(draw, text: str) -> str:
    """The text with a few random insertions, deletions and replacements."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(chars)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(PIECES)
        if action == "insert" or not chars:
            chars[at:at] = list(piece)
        elif action == "delete":
            del chars[at : at + draw(st.integers(1, 8))]
        else:
            chars[at : at + 1] = list(piece)
    return "".join(chars)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


def assert_nothing_lost(extract, path: Path) -> None:
    rejected_lines = {r.source_line for r in extract.rejects if r.source_file == str(path)}
    event("read, some rows rejected" if rejected_lines else "read, every row kept")
    kept = extract.rows.filter(extract.rows["source_file"] == str(path)).height
    assert kept + len(rejected_lines) == extract.rows_read[str(path)]
    assert not rejected_lines & set(extract.rows["source_line"].to_list())  # a row is kept or rejected, not both


@PROFILE
@given(text=mutated(HRIS))
def test_mutated_hris_exports_read_cleanly_or_fail_clearly(tmp_path, text):
    path = write(tmp_path, "people.csv", text)
    try:
        extract = read_hris(path, HrisConfig())
    except OrgHealthError as exc:
        event("refused with an error naming the file")
        assert str(path) in str(exc)
        return
    assert_nothing_lost(extract, path)


@PROFILE
@given(content=st.binary(max_size=400))
def test_random_bytes_as_an_hris_export_fail_clearly_or_read(tmp_path, content):
    path = write(tmp_path, "people.csv", content)
    try:
        extract = read_hris(path, HrisConfig())
    except OrgHealthError:
        event("refused with an error")
        return
    assert_nothing_lost(extract, path)


@PROFILE
@given(text=mutated(JIRA_CSV))
def test_mutated_jira_csv_exports_read_cleanly_or_fail_clearly(tmp_path, text):
    path = write(tmp_path, "export.csv", text)
    try:
        issues, _ = read_jira([path], JiraConfig())
    except OrgHealthError as exc:
        event("refused with an error naming the file")
        assert str(path) in str(exc)
        return
    assert_nothing_lost(issues, path)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "key", "id", "value", "displayName"]), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    "summary",
    "issuetype",
    "status",
    "project",
    "assignee",
    "reporter",
    "created",
    "resolutiondate",
    "parent",
    "labels",
    "components",
    "fixVersions",
    "issuelinks",
    "customfield_10016",
    "customfield_10014",
]


@PROFILE
@given(fields=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=8), key=JSON_VALUES)
def test_json_issues_with_any_values_read_cleanly_or_are_rejected_by_name(tmp_path, fields, key):
    good = {"key": "OPS-1", "fields": {"summary": "ok", "issuetype": {"name": "Task"}, "created": "2026-10-01"}}
    page = {"issues": [good, {"key": key, "fields": fields}]}
    path = write(tmp_path, "page.json", json.dumps(page))
    issues, links = read_jira([path], JiraConfig())
    assert_nothing_lost(issues, path)
    assert issues.rows["issue_key"].to_list()[0] == "OPS-1"
    for reject in issues.rejects:
        assert reject.column_name and reject.reason  # the field at fault and why, for a person to fix


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated(HRIS))
def test_the_cli_on_mutated_exports_publishes_or_refuses_in_one_line(tmp_path_factory, text):
    from typer.testing import CliRunner

    from pipelines.cli import app
    from tests.conftest import SMALL_ORG

    folder = tmp_path_factory.mktemp("org")
    hris = write(folder, "people.csv", text)
    result = CliRunner().invoke(app, ["run", "--config", str(SMALL_ORG / "orghealth.yaml"), "--hris", str(hris),
                                      "--db", str(folder / "out.duckdb")])  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert result.stderr.startswith("orghealth: ") and len(result.stderr.strip().splitlines()) == 1
        assert not (folder / "out.duckdb").exists()
