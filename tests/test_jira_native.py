"""Jira CSV exports read by DuckDB's reader (orghealth/readers/jira_native.py through readers.jira.load_jira).

It must give what the Python reader gives, the physical line numbers of multi-line records included, or leave
the file to the Python reader. Expected lines are worked out by hand in the comments; the Python reader's
output (itself pinned by tests/test_jira_reader.py) is the second, independent witness.
"""

from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orghealth.config import JiraConfig
from orghealth.readers.jira import LINK_SCHEMA, TEXT_FIELDS, load_jira, read_jira
from orghealth.readers.jira_native import count_lines
from orghealth.sql_models import ensure_tables

HEADER = (
    "Summary,Issue key,Issue Type,Status,Created,Labels,Labels,Outward issue link (Blocks),"
    "Custom field (Story Points),Description\n"
)
# line 1 header; line 2 PAY-1; lines 3-5 PAY-2 (a description over three lines); line 6 a blank key (rejected);
# lines 7-8 PAY-4 (a quoted summary over two lines); line 9 PAY-5.
ROWS = (
    "Card form,PAY-1,Story,Done,01/Sep/26 9:00 AM,a,b,WEB-1,3,\n"
    'Multi,PAY-2,Bug,To Do,02/Sep/26 9:00 AM,,web,,,"one\ntwo\nthree"\n'
    "Orphan,,Task,To Do,03/Sep/26 9:00 AM,,,,,\n"
    '"Two\nlines",PAY-4,Task,Done,04/Sep/26 9:00 AM,x,,PAY-1,,\n'
    "Last,PAY-5,Task,Done,05/Sep/26 9:00 AM,,,,8,\n"
)
LINES = [("PAY-1", 2), ("PAY-2", 3), ("PAY-4", 7), ("PAY-5", 9)]


def load(paths: list[Path], config: JiraConfig | None = None):
    """load_jira into an in-memory DuckDB; the extract, the issues and the links read back, in file order."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    ensure_tables(con, "raw.jira_issues", "raw.jira_issue_links")
    extract = load_jira(con, paths, config or JiraConfig(), issues_table="raw.jira_issues",
                        links_table="raw.jira_issue_links")  # fmt: skip
    issues = con.sql("SELECT * FROM raw.jira_issues ORDER BY source_file, source_line").pl()
    links = con.sql(f"SELECT {', '.join(LINK_SCHEMA)} FROM raw.jira_issue_links").pl()
    con.close()
    return extract, issues, links


def readers(extract) -> set[str]:
    return set(extract.notes["readers"].values())


def assert_same_as_python(path: Path, config: JiraConfig | None = None) -> None:
    """What load_jira wrote equals what the Python reader reads: rows, links, rejects and counts."""
    extract, issues, links = load([path], config)
    python, python_links = read_jira([path], config or JiraConfig())
    columns = ["source_file", "source_line", *TEXT_FIELDS, "labels", "components", "sprints", "fix_versions"]
    assert issues.select(columns).equals(python.rows.select(columns).sort("source_file", "source_line"))
    assert links.sort(pl.all()).equals(python_links.sort(pl.all()))
    assert sorted(map(repr, extract.rejects)) == sorted(map(repr, python.rejects))
    assert (extract.rows_read, extract.lines_read, extract.file_headers) == (
        python.rows_read,
        python.lines_read,
        python.file_headers,
    )


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(
    ("name", "terminator", "inner"),
    [("unix", "\n", "\n"), ("windows", "\r\n", "\r\n"), ("jira", "\r\n", "\n"), ("old-mac", "\r", "\r")],
)
def test_duckdb_reads_multi_line_records_at_their_physical_lines(tmp_path, name, terminator, inner):
    text = (HEADER + ROWS).replace("\n", "\0").replace('one\0two\0three"\0', f'one{inner}two{inner}three"\0')
    text = text.replace('"Two\0lines"', f'"Two{inner}lines"').replace("\0", terminator)
    path = write(tmp_path / f"{name}.csv", text)
    extract, issues, links = load([path])
    assert readers(extract) == {"duckdb"}
    assert list(issues.select("issue_key", "source_line").iter_rows()) == LINES
    assert [(r.source_line, r.column_name, r.reason) for r in extract.rejects] == [
        (6, "Issue key", "issue key is blank")
    ]
    assert extract.rejects[0].record == ["Orphan", "", "Task", "To Do", "03/Sep/26 9:00 AM"]
    assert extract.rows_read == {str(path): 5} and extract.lines_read == {str(path): 8}
    assert list(issues.select("labels", "story_points").iter_rows()) == [
        (["a", "b"], "3"), (["web"], None), (["x"], None), ([], "8")
    ]  # fmt: skip
    assert list(links.select("issue_key", "linked_issue_key", "source_line").iter_rows()) == [
        ("PAY-1", "WEB-1", 2), ("PAY-4", "PAY-1", 7)
    ]  # fmt: skip
    assert_same_as_python(path)


def test_a_bom_and_trailing_blank_lines_stay_on_duckdb(tmp_path):
    path = write(tmp_path / "bom.csv", "\ufeff" + HEADER + ROWS + "\n\n")
    extract, issues, _ = load([path])
    assert readers(extract) == {"duckdb"}
    assert list(issues.select("issue_key", "source_line").iter_rows()) == LINES
    assert extract.lines_read == {str(path): 10}  # 8 lines of records and 2 blank ones after them
    assert_same_as_python(path)


def test_mixed_line_ends_read_as_the_python_reader_reads_them(tmp_path):
    path = write(
        tmp_path / "mixed.csv", HEADER + ROWS.replace("8,\n", "8,\r\n").replace("b,WEB-1,3,\n", "b,WEB-1,3,\r")
    )
    extract, issues, _ = load([path])
    assert list(issues.select("issue_key", "source_line").iter_rows()) == LINES
    assert_same_as_python(path)


def test_values_are_trimmed_as_python_trims_them(tmp_path):
    # A no-break space, a tab, an ideographic space and a vertical tab at the edges; an inner space kept.
    row = "\u00a0Card form\t,\tPAY-1\u3000,Story,Done,01/Sep/26 9:00 AM,\x0bа b\x0b, ,,,\n"
    path = write(tmp_path / "spaces.csv", HEADER + row)
    extract, issues, _ = load([path])
    assert readers(extract) == {"duckdb"}
    assert list(issues.select("summary", "issue_key", "labels").iter_rows()) == [("Card form", "PAY-1", ["а b"])]
    assert_same_as_python(path)


@pytest.mark.parametrize(
    ("case", "content", "lines"),
    [
        # A blank line between records: DuckDB skips it without a trace, so lines after it would be one short.
        ("blank line", HEADER + ROWS.replace("Orphan", "\nOrphan"), [("PAY-1", 2), ("PAY-2", 3), ("PAY-4", 8),
                                                                    ("PAY-5", 10)]),
        # A row with too few fields: DuckDB's strict reader refuses the file; Python rejects the row.
        ("short row", HEADER + ROWS + "Broken,PAY-6,Bug\n", LINES),
        # Windows-1252 bytes (an en dash, 0x96): no native reader for it.
        ("cp1252", (HEADER + ROWS.replace("Card form", "Card \u2013 form")).encode("cp1252"), LINES),
    ],
)  # fmt: skip
def test_what_duckdb_cannot_read_exactly_is_left_to_the_python_reader(tmp_path, case, content, lines):
    path = write(tmp_path / "export.csv", content)
    extract, issues, _ = load([path])
    assert readers(extract) == {"python"}
    assert list(issues.select("issue_key", "source_line").iter_rows()) == lines
    assert_same_as_python(path)


def test_invalid_utf8_after_the_sample_falls_back_and_is_read_as_cp1252(tmp_path):
    # The first megabyte is plain ASCII, so the sample says UTF-8; a 0xE9 far below is cp1252's é.
    filler = "".join(f"Filler {i},PAY-{i + 10},Task,Done,01/Sep/26 9:00 AM,,,,,{'x' * 60}\n" for i in range(16000))
    path = write(tmp_path / "late.csv", (HEADER + filler).encode() + b"Caf\xe9,PAY-99999,Task,Done,01/Sep/26,,,,,\n")
    assert path.stat().st_size > 1 << 20
    extract, issues, _ = load([path])
    assert readers(extract) == {"python"}
    assert issues.filter(pl.col("issue_key") == "PAY-99999")["summary"].to_list() == ["Café"]
    assert issues.height == 16001 and issues["source_line"].to_list()[-1] == 16002


def test_count_lines_counts_as_pythons_csv_does(tmp_path):
    cases = {b"a\nb\n": (2, 0), b"a\r\nb": (2, 0), b"a\rb\r\r": (3, 1), b"a\n\n\n": (3, 2), b"": (1, 0)}
    for content, (physical, trailing) in cases.items():
        lines = count_lines(write(tmp_path / "f.csv", content))
        assert (lines.physical, lines.trailing_blank) == (physical, trailing), content


FIELD = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t\u00a0é')), max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(FIELD, st.sampled_from(["PAY-1", "", " PAY-2 "]), FIELD, FIELD), max_size=6),
       terminator=st.sampled_from(["\n", "\r\n"]))  # fmt: skip
def test_any_quoted_content_reads_as_the_python_reader_reads_it(tmp_path, rows, terminator):
    def quoted(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    lines = ["Summary,Issue key,Issue Type,Status,Created,Labels,Labels,Outward issue link (Blocks)"]
    lines += [",".join([quoted(s), quoted(k), "Task", "Done", "01/Sep/26", quoted(a), quoted(b), quoted(a)])
              for s, k, a, b in rows]  # fmt: skip
    path = write(tmp_path / "random.csv", terminator.join(lines) + terminator)
    assert_same_as_python(path)
