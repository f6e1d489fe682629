"""The Jira reader (orghealth/readers/jira.py) over CSV and JSON exports, and the Jira macros in sql/macros.sql.

Every export is written by hand into tmp_path by the test that reads it; expected values are worked out
in the comments, not copied from a run.
"""

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orghealth.config import JiraConfig
from orghealth.errors import InputFileError
from orghealth.readers.jira import jira_files, read_jira
from orghealth.sql_models import load_macros

# "Export CSV (all fields)": a multi-valued field gets one column per value, all under the same header.
# Columns: 1 Summary, 2 Issue key, 3 Issue id, 4 Parent, 5 Issue Type, 6 Status, 7 Project key, 8 Assignee,
# 9 Assignee Id, 10 Created, 11 Updated, 12-14 Labels, 15-16 Component/s, 17-18 Sprint,
# 19-20 Inward issue link (Blocks), 21 Outward issue link (Blocks), 22 Outward issue link (Relates),
# 23 Custom field (Story Points), 24 Custom field (Story point estimate), 25 Description. 25 in all.
#
# line 1    header
# line 2    CORE-1: an epic with every repeated cell empty
# lines 3-5 CORE-2: Parent 10001 (numeric id); Labels "checkout", "", "web"; Component/s "Payments", "";
#           Sprints "CORE Sprint 1", "CORE Sprint 2"; blocks CORE-3; relates to CORE-8; Story Points empty,
#           Story point estimate 5; a Description over three lines with a comma and doubled quotes
# line 6    CORE-3: Labels "", "web", ""; Component/s "", "Infra"; Sprint "", "CORE Sprint 2"; blocked by
#           CORE-2 and LEGACY-9; Story Points 3 and Story point estimate 8
# line 7    CORE-4: only 5 fields -> reject
# line 8    a blank Issue key -> reject
# line 9    CORE-6: no points, no lists, no assignee
JIRA_CSV = (
    "Summary,Issue key,Issue id,Parent,Issue Type,Status,Project key,Assignee,Assignee Id,Created,Updated,"
    "Labels,Labels,Labels,Component/s,Component/s,Sprint,Sprint,"
    "Inward issue link (Blocks),Inward issue link (Blocks),Outward issue link (Blocks),"
    "Outward issue link (Relates),Custom field (Story Points),Custom field (Story point estimate),Description\n"
    "Checkout revamp,CORE-1,10001,,Epic,To Do,CORE,Chloé Martin,acc-chloe,01/Mar/26 9:00 AM,"
    "01/Nov/26 9:00 AM,,,,,,,,,,,,,,\n"
    '"Card form, step 1",CORE-2,10002,10001,Story,Done,CORE,Dev Patel,acc-dev,02/Mar/26 10:00 AM,'
    "10/Oct/26 3:04 PM,checkout,,web,Payments,,CORE Sprint 1,CORE Sprint 2,,,CORE-3,CORE-8,,5,"
    '"Line one, with a comma\nLine ""two"" in quotes\nLine three"\n'
    "Address form,CORE-3,10003,,Story,In Progress,CORE,Eva Schmidt,acc-eva,05/Mar/26 11:00 AM,"
    "01/Nov/26 9:00 AM,,web,,,Infra,,CORE Sprint 2,CORE-2,LEGACY-9,,,3,8,\n"
    "Broken,CORE-4,10004,,Bug\n"
    "Orphan,,10005,,Task,To Do,CORE,,,06/Mar/26 9:00 AM,06/Mar/26 9:00 AM,,,,,,,,,,,,,,\n"
    "No points,CORE-6,10006,,Task,To Do,CORE,,,07/Mar/26 9:00 AM,07/Mar/26 9:00 AM,,,,,,,,,,,,,,\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def records(frame, *fields: str) -> list[tuple]:
    return list(frame.select(fields).iter_rows())


@pytest.fixture
def csv_export(tmp_path: Path) -> Path:
    return write(tmp_path / "export.csv", JIRA_CSV)


# --- CSV ---------------------------------------------------------------------------------------------------


def test_csv_records_and_their_lines(csv_export):
    issues, _ = read_jira([csv_export], JiraConfig())
    # CORE-2's Description spans lines 3-5, so CORE-3 starts on line 6 although it is the third record.
    assert records(issues.rows, "issue_key", "source_line") == [
        ("CORE-1", 2),
        ("CORE-2", 3),
        ("CORE-3", 6),
        ("CORE-6", 9),
    ]
    assert issues.rows["source_file"].unique().to_list() == [str(csv_export)]
    # Six records after the header, the two rejects included.
    assert issues.rows_read == {str(csv_export): 6}


def test_csv_single_valued_fields(csv_export):
    issues, _ = read_jira([csv_export], JiraConfig())
    assert records(
        issues.rows, "issue_key", "issue_id", "summary", "issue_type", "status", "project_key",
        "assignee_name", "assignee_account_id", "created",
    ) == [
        ("CORE-1", "10001", "Checkout revamp", "Epic", "To Do", "CORE", "Chloé Martin", "acc-chloe",
         "01/Mar/26 9:00 AM"),
        ("CORE-2", "10002", "Card form, step 1", "Story", "Done", "CORE", "Dev Patel", "acc-dev",
         "02/Mar/26 10:00 AM"),
        ("CORE-3", "10003", "Address form", "Story", "In Progress", "CORE", "Eva Schmidt", "acc-eva",
         "05/Mar/26 11:00 AM"),
        ("CORE-6", "10006", "No points", "Task", "To Do", "CORE", None, None, "07/Mar/26 9:00 AM"),
    ]  # fmt: skip
    # The CSV's Parent column holds the parent's numeric id as text; staging decides key or id. The export
    # has no Parent key / Parent id / Status Category / is-subtask columns, so those stay null.
    assert issues.rows["parent"].to_list() == [None, "10001", None, None]
    assert issues.rows["parent_key"].to_list() == [None, None, None, None]
    assert issues.rows["is_subtask"].to_list() == [None, None, None, None]
    assert issues.rows["status_category"].to_list() == [None, None, None, None]


def test_csv_repeated_columns_become_lists_skipping_empty_cells_in_order(csv_export):
    issues, _ = read_jira([csv_export], JiraConfig())
    assert records(issues.rows, "issue_key", "labels", "components", "sprints", "fix_versions") == [
        ("CORE-1", [], [], [], []),
        ("CORE-2", ["checkout", "web"], ["Payments"], ["CORE Sprint 1", "CORE Sprint 2"], []),
        ("CORE-3", ["web"], ["Infra"], ["CORE Sprint 2"], []),
        ("CORE-6", [], [], [], []),
    ]


def test_csv_story_points_take_the_first_non_empty_configured_field(csv_export):
    # Default order: "Custom field (Story Points)" before "Custom field (Story point estimate)".
    # CORE-2: Story Points empty, estimate 5 -> "5"; CORE-3: 3 and 8 -> "3"; CORE-6: both empty -> None.
    issues, _ = read_jira([csv_export], JiraConfig())
    assert records(issues.rows, "issue_key", "story_points") == [
        ("CORE-1", None),
        ("CORE-2", "5"),
        ("CORE-3", "3"),
        ("CORE-6", None),
    ]
    # Configured the other way round, CORE-3 takes its estimate, 8.
    reordered = JiraConfig(story_points_fields=["Custom field (Story point estimate)", "Custom field (Story Points)"])
    issues, _ = read_jira([csv_export], reordered)
    assert issues.rows["story_points"].to_list() == [None, "5", "8", None]


def test_csv_link_columns_become_link_rows(csv_export):
    _, links = read_jira([csv_export], JiraConfig())
    # Per issue, in header order: CORE-2's Outward Blocks (col 21) then Outward Relates (col 22); CORE-3's
    # two Inward Blocks cells (cols 19, 20). The link type comes from the header's parentheses.
    assert records(links, "issue_key", "link_type", "direction", "linked_issue_key", "source_line") == [
        ("CORE-2", "Blocks", "outward", "CORE-3", 3),
        ("CORE-2", "Relates", "outward", "CORE-8", 3),
        ("CORE-3", "Blocks", "inward", "CORE-2", 6),
        ("CORE-3", "Blocks", "inward", "LEGACY-9", 6),
    ]
    assert links["source_file"].unique().to_list() == [str(csv_export)]


def test_csv_rejects_name_line_and_reason(csv_export):
    issues, _ = read_jira([csv_export], JiraConfig())
    assert [(r.source_file, r.source_line, r.column_name, r.reason) for r in issues.rejects] == [
        (str(csv_export), 7, None, "row has 5 fields but the header has 25"),
        (str(csv_export), 8, "Issue key", "issue key is blank"),
    ]
    # The record keeps the first five fields for a person to recognise the row.
    assert issues.rejects[0].record == ["Broken", "CORE-4", "10004", "", "Bug"]


def test_fields_are_named_as_each_file_exported_them(csv_export, json_page):
    """raw.rejected_rows.column_name comes from this map: a CSV's own header (its spelling and case), a JSON
    page's field path; the configured story-point fields are listed in the order they are tried."""
    lower = write(csv_export.with_name("lower.csv"), JIRA_CSV.replace("Created,Updated", "CREATED,updated", 1))
    issues, _ = read_jira([csv_export, lower, json_page], JiraConfig())
    names = {(Path(f).name, field): column for f, field, column in issues.column_names().iter_rows()}
    assert names[("export.csv", "created")] == "Created"
    assert names[("export.csv", "story_points")] == "Custom field (Story Points)"
    assert (names[("lower.csv", "created")], names[("lower.csv", "updated")]) == ("CREATED", "updated")
    assert names[("lower.csv", "issue_key")] == "Issue key"
    assert names[(json_page.name, "created")] == "fields.created"
    assert names[(json_page.name, "resolved")] == "fields.resolutiondate"
    assert names[(json_page.name, "story_points")] == (
        "fields.customfield_10016 or fields.customfield_10026 or fields.customfield_10002"
    )


def test_csv_without_issue_key_is_not_a_jira_export(tmp_path):
    path = write(tmp_path / "other.csv", "Summary,Issue Type,Status,Created\nA,Task,To Do,01/Mar/26 9:00 AM\n")
    with pytest.raises(InputFileError) as info:
        read_jira([path], JiraConfig())
    message = str(info.value)
    assert str(path) in message
    assert "issue_key (header 'Issue key')" in message
    # The other required headers are present, so only the key is named.
    assert "issue_type" not in message


# --- JSON search pages -------------------------------------------------------------------------------------

SEARCH_PAGE = {
    "startAt": 0,
    "maxResults": 50,
    "total": 3,
    "issues": [
        {
            "id": "10010",
            "key": "OPS-1",
            "fields": {
                "summary": "Move runners",
                "issuetype": {"name": "Story", "subtask": False},
                "status": {"name": "In Progress", "statusCategory": {"name": "In Progress"}},
                "project": {"key": "OPS", "name": "Operations"},
                "priority": {"name": "High"},
                "resolution": None,
                "assignee": {"accountId": "acc-hana", "displayName": "Hana Sato", "emailAddress": "hana@x.example"},
                "reporter": {"accountId": "acc-ben", "displayName": "Ben Okafor"},
                "created": "2026-10-01T09:00:00.000+0200",
                "updated": "2026-11-02T10:00:00.000+0000",
                "resolutiondate": None,
                "labels": ["infra", "ci"],
                "components": [{"id": "1", "name": "Runners"}, {"id": "2", "name": "CI"}],
                "fixVersions": [{"name": "2026.11"}],
                "customfield_10016": 3.0,
                "issuelinks": [
                    {
                        "type": {"name": "Blocks", "inward": "is blocked by", "outward": "blocks"},
                        "outwardIssue": {"key": "CORE-3"},
                    },
                    {
                        "type": {"name": "Relates", "inward": "relates to", "outward": "relates to"},
                        "inwardIssue": {"key": "OPS-2"},
                    },
                ],
            },
        },
        {
            "id": "10011",
            "key": "OPS-2",
            "fields": {
                "summary": "Fix flaky test",
                "issuetype": {"name": "Sub-task", "subtask": True},
                "status": {"name": "To Do", "statusCategory": {"name": "To Do"}},
                "project": {"key": "OPS", "name": "Operations"},
                "assignee": None,
                "reporter": None,
                "created": "2026-10-05T09:00:00.000+0000",
                "parent": {"id": "10010", "key": "OPS-1"},
                "labels": [],
                "components": [],
                "customfield_10016": None,
                "issuelinks": [{"type": {"name": "Relates"}, "outwardIssue": {"key": "OPS-1"}}],
            },
        },
        {"id": "10012", "fields": {"summary": "An issue without a key"}},
    ],
}


@pytest.fixture
def json_page(tmp_path: Path) -> Path:
    return write(tmp_path / "ops-page-001.json", json.dumps(SEARCH_PAGE))


def test_json_issues_are_flattened(json_page):
    issues, _ = read_jira([json_page], JiraConfig())
    rows = issues.rows.to_dicts()
    assert [r["issue_key"] for r in rows] == ["OPS-1", "OPS-2"]
    ops1, ops2 = rows
    # Position in the page's issues list stands in for the line.
    assert (ops1["source_line"], ops2["source_line"]) == (1, 2)
    assert ops1 | {"source_file": None} == {
        "source_file": None,
        "source_line": 1,
        "issue_key": "OPS-1",
        "issue_id": "10010",
        "summary": "Move runners",
        "issue_type": "Story",
        "is_subtask": "false",
        "status": "In Progress",
        "status_category": "In Progress",
        "project_key": "OPS",
        "project_name": "Operations",
        "priority": "High",
        "resolution": None,
        "assignee_name": "Hana Sato",
        "assignee_account_id": "acc-hana",
        "assignee_email": "hana@x.example",
        "reporter_name": "Ben Okafor",
        "reporter_account_id": "acc-ben",
        "reporter_email": None,
        "created": "2026-10-01T09:00:00.000+0200",
        "updated": "2026-11-02T10:00:00.000+0000",
        "resolved": None,
        "parent": None,
        "parent_key": None,
        "parent_id": None,
        "epic_link": None,
        # customfield_10016 is the JSON number 3.0; the reader keeps values as text, str(3.0) = "3.0".
        "story_points": "3.0",
        "labels": ["infra", "ci"],
        "components": ["Runners", "CI"],
        "sprints": [],
        "fix_versions": ["2026.11"],
    }
    assert ops1["source_file"] == str(json_page)
    # OPS-2: a sub-task with no assignee, whose parent is OPS-1, and no story points.
    assert {k: ops2[k] for k in ("is_subtask", "assignee_name", "assignee_account_id", "assignee_email")} == {
        "is_subtask": "true",
        "assignee_name": None,
        "assignee_account_id": None,
        "assignee_email": None,
    }
    assert (ops2["parent_key"], ops2["parent_id"], ops2["story_points"]) == ("OPS-1", "10010", None)
    assert (ops2["labels"], ops2["components"]) == ([], [])


def test_json_issue_without_key_is_rejected_at_its_position(json_page):
    issues, _ = read_jira([json_page], JiraConfig())
    assert [(r.source_file, r.source_line, r.column_name, r.reason) for r in issues.rejects] == [
        (str(json_page), 3, "key", "issue has no key or no fields object")
    ]
    # All three entries of the page were read.
    assert issues.rows_read == {str(json_page): 3}


def one_issue_page(tmp_path: Path, **fields) -> Path:
    issue = {"id": "1", "key": "OPS-9", "fields": {"summary": "x", "issuetype": {"name": "Task"},
             "status": {"name": "To Do"}, "created": "2026-10-05T09:00:00.000+0000", **fields}}  # fmt: skip
    return write(tmp_path / "page.json", json.dumps({"issues": [issue]}))


@pytest.mark.parametrize(
    ("fields", "labels", "components"),
    [
        ({"labels": [None, "ci"]}, ["ci"], []),  # a null label is no label, not "None"
        ({"labels": "infra"}, ["infra"], []),  # one label as a string is one label, not five letters
        ({"labels": None, "components": None}, [], []),
        ({"labels": [], "components": [None, {"name": "CI"}, {"id": "7"}]}, [], ["CI"]),
    ],
)
def test_json_lists_are_read_as_the_values_they_are(tmp_path, fields, labels, components):
    issues, _ = read_jira([one_issue_page(tmp_path, **fields)], JiraConfig())
    assert issues.rejects == []
    assert records(issues.rows, "labels", "components") == [(labels, components)]


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"status": "Done"}, "status", "field status holds a string, expected an object or null"),
        ({"assignee": ["ana"]}, "assignee", "field assignee holds a list, expected an object or null"),
        ({"assignee": {"displayName": ["Ana"]}}, "assignee.displayName", "holds a list"),
        ({"labels": {"name": "ci"}}, "labels", "expected a list of strings, a string or null"),
        ({"components": ["CI"]}, "components", "expected a list of objects with a name, or null"),
        ({"issuelinks": [{"type": "Blocks"}]}, "issuelinks.type", "field issuelinks.type holds a string"),
        ({"summary": {"text": ["x"]}}, None, None),  # an object without value/name/key reads as no summary
    ],
)
def test_json_values_of_the_wrong_kind_reject_the_issue_naming_file_key_and_field(tmp_path, fields, field, reason):
    page = one_issue_page(tmp_path, **fields)
    issues, links = read_jira([page], JiraConfig())
    if field is None:
        assert issues.rejects == [] and records(issues.rows, "issue_key", "summary") == [("OPS-9", None)]
        return
    assert issues.rows.height == 0 and links.height == 0
    ((reject,),) = [issues.rejects]
    assert (reject.source_file, reject.source_line, reject.column_name) == (str(page), 1, field)
    assert reject.reason.startswith("issue OPS-9: ") and reason in reject.reason


def test_json_issue_links(json_page):
    _, links = read_jira([json_page], JiraConfig())
    # A link listed on OPS-1 with outwardIssue CORE-3 means OPS-1 blocks CORE-3 (outward); with inwardIssue
    # OPS-2, OPS-2 relates to OPS-1 (inward). OPS-2 lists the same Relates link from its side.
    assert records(links, "issue_key", "link_type", "direction", "linked_issue_key", "source_line") == [
        ("OPS-1", "Blocks", "outward", "CORE-3", 1),
        ("OPS-1", "Relates", "inward", "OPS-2", 1),
        ("OPS-2", "Relates", "outward", "OPS-1", 2),
    ]


@pytest.mark.parametrize("content", [[{"key": "OPS-1", "fields": {}}], {"values": []}, {"issues": {}}])
def test_json_that_is_not_a_search_page_is_an_error_naming_the_file(tmp_path, content):
    path = write(tmp_path / "page.json", json.dumps(content))
    with pytest.raises(InputFileError, match="not a Jira search page") as info:
        read_jira([path], JiraConfig())
    assert str(path) in str(info.value)


def test_json_that_does_not_parse_is_an_error_naming_the_file(tmp_path):
    path = write(tmp_path / "page.json", '{"issues": [')
    with pytest.raises(InputFileError, match="not readable as JSON") as info:
        read_jira([path], JiraConfig())
    assert str(path) in str(info.value)


def test_csv_and_json_read_together(tmp_path):
    folder = tmp_path / "jira"
    folder.mkdir()
    write(folder / "b-export.csv", JIRA_CSV)
    write(folder / "a-page.json", json.dumps(SEARCH_PAGE))
    issues, links = read_jira([folder], JiraConfig())
    # a-page.json sorts first: OPS-1, OPS-2, then the CSV's four issues.
    assert issues.rows["issue_key"].to_list() == ["OPS-1", "OPS-2", "CORE-1", "CORE-2", "CORE-3", "CORE-6"]
    assert issues.rows_read == {str(folder / "a-page.json"): 3, str(folder / "b-export.csv"): 6}
    assert links.height == 3 + 4


# --- jira_files --------------------------------------------------------------------------------------------


def test_jira_files_expands_a_folder_to_its_csv_and_json_files_sorted(tmp_path):
    for name in ("b.csv", "a.json", "notes.txt", "C.JSON"):
        write(tmp_path / name, "")
    # "C.JSON" counts (the suffix is compared in lower case); sorting is by name, and "C" < "a" < "b".
    assert jira_files([tmp_path]) == [tmp_path / "C.JSON", tmp_path / "a.json", tmp_path / "b.csv"]


def test_jira_files_keeps_a_named_file_and_rejects_a_missing_path(tmp_path):
    named = write(tmp_path / "export.csv", "")
    assert jira_files([named]) == [named]
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputFileError, match="does not exist") as info:
        jira_files([missing])
    assert str(missing) in str(info.value)


def test_jira_files_on_a_folder_without_exports_is_an_error(tmp_path):
    write(tmp_path / "notes.txt", "")
    with pytest.raises(InputFileError, match=r"no \.csv or \.json"):
        jira_files([tmp_path])


# --- macros ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    load_macros(connection)
    yield connection
    connection.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 3:04 PM is 15:04; two-digit years are 20xx.
        ("12/Jan/24 3:04 PM", datetime(2024, 1, 12, 15, 4)),
        # 12 AM is midnight, so 12:05 AM is 00:05.
        ("3/Jan/24 12:05 AM", datetime(2024, 1, 3, 0, 5)),
        # 12 PM is noon and stays 12.
        ("3/Jan/24 12:05 PM", datetime(2024, 1, 3, 12, 5)),
        # German "Dez" is December; German 24-hour "Mär" is March (ä folded to a).
        ("1/Dez/24 9:00 AM", datetime(2024, 12, 1, 9, 0)),
        ("3/Mär/24 15:04", datetime(2024, 3, 3, 15, 4)),
        # French "févr." is February: accent dropped, trailing dot trimmed.
        ("5/févr./25 1:00 PM", datetime(2025, 2, 5, 13, 0)),
        # An unknown month name loses that date only.
        ("7/Foo/24 1:00 PM", None),
        # Two-digit years are 20xx from 69 on too (strptime alone would say 1975).
        ("12/Mar/75 3:45 PM", datetime(2075, 3, 12, 15, 45)),
        ("1/mar/99 11:59 pm", datetime(2099, 3, 1, 23, 59)),
        # Spaces around the value and a full English month name.
        ("  9/March/26 8:07 AM ", datetime(2026, 3, 9, 8, 7)),
        # A day the month does not have is no date.
        ("31/Feb/24 1:00 PM", None),
        # REST's ISO with an offset is kept as UTC: +0000 unchanged, +0200 two hours earlier.
        ("2024-01-12T15:04:05.000+0000", datetime(2024, 1, 12, 15, 4, 5)),
        ("2024-01-12T15:04:05.000+0200", datetime(2024, 1, 12, 13, 4, 5)),
        (None, None),
    ],
)
def test_jira_timestamp(con, text, expected):
    assert con.execute("SELECT jira_timestamp($s::VARCHAR)", {"s": text}).fetchone()[0] == expected


def test_the_csv_default_form_is_read_by_the_fast_path(con):
    # Not a test of values (those are above) but that the shortcut is taken: it must not be dead code.
    assert con.execute(
        "SELECT jira_csv_timestamp('12/Jan/24 3:04 PM'), jira_csv_timestamp('12/Mar/75 3:45 PM'), "
        "jira_csv_timestamp('3/Mär/24 15:04')"
    ).fetchone() == (datetime(2024, 1, 12, 15, 4), None, None)


_DAY_MONTH_YEAR = st.builds(
    "{}{}{}{}{}{}{}{}".format,
    st.sampled_from(["", " ", "\t", "\n", "\r\n"]),
    st.one_of(st.integers(0, 39).map(str), st.integers(0, 9).map("0{}".format)),
    st.sampled_from(["/", " ", "-"]),
    st.sampled_from(["Jan", "jan", "FEB", "Mar", "March", "Sept", "Sep", "Dez", "Mär", "mai", "Okt", "Foo", "Dec."]),
    st.sampled_from(["/", " ", "-"]),
    st.one_of(st.integers(0, 99).map("{:02d}".format), st.integers(0, 9).map(str), st.integers(1990, 2080).map(str)),
    st.one_of(
        st.just(""),
        st.builds(
            "{}{}:{}{}{}".format,
            st.sampled_from([" ", "  ", "\t", "\n"]),
            st.one_of(st.integers(0, 25).map(str), st.integers(0, 9).map("0{}".format)),
            st.integers(0, 61).map("{:02d}".format),
            st.sampled_from(["", ":07"]),
            st.sampled_from(["", " AM", " PM", " am", " pm", "PM", " P.M.", " A", "  PM", "\tAM", "\nPM"]),
        ),
    ),
    st.sampled_from(["", " ", "\t", "\n", "\r\n"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_DAY_MONTH_YEAR)
def test_the_fast_path_reads_a_date_as_the_pattern_does_or_not_at_all(con, text):
    fast, pattern = con.execute(
        "SELECT jira_csv_timestamp($s::VARCHAR), jira_dmy_timestamp($s::VARCHAR)", {"s": text}
    ).fetchone()
    assert fast is None or fast == pattern


_ENGLISH_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59)),
    padded_day=st.booleans(),
)
def test_the_fast_path_reads_every_date_in_jiras_form(con, moment, padded_day):
    hour = moment.hour % 12 or 12
    day = f"{moment.day:02d}" if padded_day else str(moment.day)
    text = f"{day}/{_ENGLISH_MONTHS[moment.month - 1]}/{moment.year % 100:02d} {hour}:{moment.minute:02d} " + (
        "PM" if moment.hour >= 12 else "AM"
    )
    minute = moment.replace(second=0, microsecond=0)
    # strptime reads a two-digit year from 69 on as 19xx, so the fast path leaves those years to the pattern.
    assert con.execute(
        "SELECT jira_csv_timestamp($s::VARCHAR), jira_timestamp($s::VARCHAR)", {"s": text}
    ).fetchone() == (minute if moment.year < 2069 else None, minute)


def test_jira_month(con):
    assert con.execute(
        "SELECT jira_month('Jan'), jira_month(' DEZ '), jira_month('févr.'), jira_month('août'), jira_month('Foo')"
    ).fetchone() == (1, 12, 2, 8, None)


def test_person_name_key(con):
    # lower -> strip accents -> "-" becomes a space -> runs of spaces collapse -> trimmed.
    assert con.execute("SELECT person_name_key('  Zoë  Ångström-Smith ')").fetchone()[0] == "zoe angstrom smith"
    # Nothing left after folding is NULL, not "".
    assert con.execute("SELECT person_name_key(' - '), person_name_key(NULL)").fetchone() == (None, None)


def test_jira_identity_key(con):
    assert con.execute(
        "SELECT jira_identity_key('acc-1', 'a@x.example', 'Ann'), "
        "jira_identity_key(NULL, 'Hana@X.example', 'Hana'), "
        "jira_identity_key(NULL, NULL, 'Hana'), "
        "jira_identity_key(NULL, NULL, NULL)"
    ).fetchone() == ("acc-1", "email:hana@x.example", "name:Hana", None)


def test_issue_keys_that_differ_only_in_case_are_one_issue(con):
    """Staging and quarantine compare keys as Jira does, without case: a link to ops-1 finds OPS-1."""
    from orghealth.sql_models import build, ensure_tables, model

    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
    ensure_tables(con, "raw.jira_issues", "raw.jira_issue_links", "raw.rejected_rows")
    con.execute(
        "INSERT INTO raw.jira_issues (source_file, source_line, issue_key, issue_id, issue_type, status, created, "
        "updated, parent, epic_link) VALUES "
        "('a.csv', 2, 'OPS-1', '1', 'Story', 'Done', '01/Oct/26 9:00 AM', '02/Oct/26 9:00 AM', NULL, 'ops-9'), "
        "('a.csv', 3, 'ops-2', '2', 'Sub-task', 'Done', '01/Oct/26 9:00 AM', '02/Oct/26 9:00 AM', 'ops-1', NULL)"
    )
    con.execute(
        "INSERT INTO raw.jira_issue_links VALUES ('a.csv', 2, 'OPS-1', 'Blocks', 'outward', 'ops-2'), "
        "('a.csv', 3, 'ops-2', 'Blocks', 'inward', 'OPS-1')"
    )
    params = {"as_of": date(2026, 11, 20)}
    build(con, model("staging.jira_issues"), params)
    build(con, model("staging.jira_issue_links"), params)
    assert con.execute("SELECT issue_key, parent_key, epic_key FROM staging.jira_issues ORDER BY 1").fetchall() == [
        ("OPS-1", None, "OPS-9"),
        ("OPS-2", "OPS-1", None),
    ]
    # Listed on both issues, in two spellings: one link.
    assert con.execute("SELECT from_issue_key, to_issue_key FROM staging.jira_issue_links").fetchall() == [
        ("OPS-1", "OPS-2")
    ]
