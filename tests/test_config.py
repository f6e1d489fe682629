"""The org config (orghealth/config.py): load_config validates the YAML and reports every problem at once."""

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orghealth.config import DEFAULT_ENGINEER_TITLES, load_config
from orghealth.errors import ConfigError

VALID = """\
as_of: 2026-11-20
database: org.duckdb
hris:
  path: exports/hris.csv
  columns:
    employee_id: Staff Ref
  date_format: DD/MM/YYYY
jira:
  paths: [jira, {absolute}]
identity:
  aliases:
    acc-ivan: E9
work_streams:
  - id: checkout
    name: Checkout
    kind: program
    stl: " Chloe@X.example "
    match: {{epics: [CORE-1], labels: [checkout]}}
  - id: migration
    name: Runner migration
    kind: project
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> str:
    """The ConfigError message for a config file holding `text`."""
    path = write(tmp_path / "orghealth.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_valid_config_resolves_paths_against_its_own_folder(tmp_path):
    folder = tmp_path / "org"
    absolute = tmp_path / "elsewhere" / "jira.csv"
    path = write(folder / "orghealth.yaml", VALID.format(absolute=absolute))

    config = load_config(path)

    # Relative paths are taken from the config file's folder, absolute ones are kept.
    base = folder.resolve()
    assert config.database == base / "org.duckdb"
    assert config.hris.path == base / "exports" / "hris.csv"
    assert config.jira.paths == [base / "jira", absolute]
    assert config.as_of == date(2026, 11, 20)
    assert config.hris.columns == {"employee_id": "Staff Ref"}
    assert config.hris.date_format == "DD/MM/YYYY"
    assert config.identity.aliases == {"acc-ivan": "E9"}
    assert [(s.id, s.kind) for s in config.work_streams] == [("checkout", "program"), ("migration", "project")]
    # stl is trimmed and lower-cased; a stream without one has "".
    assert [s.stl for s in config.work_streams] == ["chloe@x.example", ""]
    assert config.work_streams[0].match.epics == ["CORE-1"]
    assert config.work_streams[0].match.labels == ["checkout"]
    assert config.work_streams[1].match.projects == []


def test_defaults(tmp_path):
    config = load_config(write(tmp_path / "orghealth.yaml", "hris: {path: hris.csv}\n"))
    assert config.jira.dependency_link_types == ["Blocks"]
    assert config.quality.max_rejected_share == 0.01
    assert config.hris.date_format == "auto"
    assert config.hris.encoding == "auto"
    assert config.hris.delimiter == "auto"
    assert config.hris.engineer_titles == DEFAULT_ENGINEER_TITLES
    assert config.jira.story_points_fields[:2] == ["Custom field (Story Points)", "Custom field (Story point estimate)"]
    assert config.work_streams == []
    assert config.database is None


def test_empty_file_is_all_defaults(tmp_path):
    config = load_config(write(tmp_path / "orghealth.yaml", "# nothing set yet\n"))
    assert config.hris.path is None
    assert config.jira.paths == []


ENGINEERS = ["Software Engineer", "Site Reliability Engineer", "SRE", "Frontend Developer", "Solutions Architect"]
NOT_ENGINEERS = ["Engineering Manager", "VP Engineering", "Director of Engineering"]


@pytest.mark.parametrize(("title", "expected"), [(t, True) for t in ENGINEERS] + [(t, False) for t in NOT_ENGINEERS])
def test_default_engineer_titles_in_python(title, expected):
    # "engineer" must be a whole word: in "Engineering" it is followed by "i", so \b fails there.
    assert bool(re.search(DEFAULT_ENGINEER_TITLES, title)) is expected


def test_default_engineer_titles_in_duckdb():
    # The SQL (core/people.sql) applies the pattern with DuckDB's regexp_matches (RE2), which must read
    # (?i) and \b the same way Python does.
    con = duckdb.connect()
    titles = ENGINEERS + NOT_ENGINEERS
    rows = con.execute(
        "SELECT t, regexp_matches(t, $p) FROM unnest($titles::VARCHAR[]) AS u(t)",
        {"p": DEFAULT_ENGINEER_TITLES, "titles": titles},
    ).fetchall()
    assert dict(rows) == {t: t in ENGINEERS for t in titles}


def test_unknown_key_is_named_with_its_path(tmp_path):
    message = problems(tmp_path, "hris:\n  colums: {}\n")
    assert "hris.colums: unknown key" in message


def test_unknown_top_level_key(tmp_path):
    assert "work_stream: unknown key" in problems(tmp_path, "work_stream: []\n")


def test_unknown_canonical_field_in_columns(tmp_path):
    message = problems(tmp_path, "hris:\n  columns: {employe_id: Staff Ref}\n")
    assert "hris.columns.employe_id" in message


def test_wrong_stream_kind_is_named(tmp_path):
    message = problems(tmp_path, "work_streams:\n  - {id: checkout, name: Checkout, kind: team}\n")
    assert "work_streams.0.kind" in message
    assert "'program', 'product' or 'project'" in message


def test_duplicate_stream_ids(tmp_path):
    message = problems(
        tmp_path,
        "work_streams:\n"
        "  - {id: checkout, name: Checkout, kind: program}\n"
        "  - {id: checkout, name: Checkout again, kind: project}\n",
    )
    assert "stream id(s) 'checkout' used more than once" in message


def test_reserved_and_badly_formed_stream_ids(tmp_path):
    message = problems(
        tmp_path,
        """\
work_streams:
  - {id: unmapped, name: X, kind: program}
  - {id: Has Spaces, name: Y, kind: program}
""",
    )
    assert "work_streams.0.id" in message
    assert "reserved" in message
    assert "work_streams.1.id" in message
    assert "stream id 'Has Spaces' may hold only letters, digits, '-' and '_'" in message
    assert "write e.g. 'has-spaces'" in message


def test_stream_ids_named_after_jira_projects_are_taken_in_lower_case(tmp_path):
    path = tmp_path / "orghealth.yaml"
    path.write_text(
        "work_streams:\n  - {id: PAY, name: Payments, kind: program}\n  - {id: ' Web_2 ', name: W, kind: product}\n"
    )
    assert [s.id for s in load_config(path).work_streams] == ["pay", "web_2"]
    path.write_text("work_streams:\n  - {id: PAY, name: A, kind: program}\n  - {id: pay, name: B, kind: program}\n")
    with pytest.raises(ConfigError, match="stream id.*'pay' used more than once"):
        load_config(path)


def test_invalid_regex_is_named(tmp_path):
    message = problems(tmp_path, "hris:\n  engineer_titles: '(engineer'\n")
    assert "hris.engineer_titles" in message
    assert "not a valid regular expression" in message


def test_stl_must_be_an_email(tmp_path):
    message = problems(tmp_path, "work_streams:\n  - {id: checkout, name: Checkout, kind: program, stl: chloe}\n")
    assert "work_streams.0.stl" in message
    assert "stl must be an email address or empty, got 'chloe'" in message


def test_max_rejected_share_must_be_a_share(tmp_path):
    assert "quality.max_rejected_share" in problems(tmp_path, "quality: {max_rejected_share: 1.5}\n")


def test_several_problems_are_reported_together(tmp_path):
    message = problems(
        tmp_path,
        "hris:\n"
        "  colums: {}\n"
        "  engineer_titles: '(engineer'\n"
        "work_streams:\n"
        "  - {id: checkout, name: Checkout, kind: team, stl: chloe}\n",
    )
    # Four problems, one message, separated by "; ".
    for where in ("hris.colums", "hris.engineer_titles", "work_streams.0.kind", "work_streams.0.stl"):
        assert where in message
    assert message.count("; ") >= 3


def test_duplicate_ids_are_reported_beside_other_problems(tmp_path):
    message = problems(
        tmp_path,
        "hris:\n"
        "  colums: {}\n"
        "work_streams:\n"
        "  - {id: checkout, name: Checkout, kind: program}\n"
        "  - {id: checkout, name: Checkout again, kind: project}\n",
    )
    assert "hris.colums" in message
    assert "stream id(s) 'checkout' used more than once" in message


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match="config file .* does not exist") as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_yaml_that_is_a_list(tmp_path):
    assert "mapping" in problems(tmp_path, "- hris\n- jira\n")


def test_yaml_that_does_not_parse(tmp_path):
    assert "not valid YAML" in problems(tmp_path, "hris: [unclosed\n")


def test_only_the_name_may_list_columns(tmp_path):
    message = problems(tmp_path, "hris:\n  columns: {name: [First, Last], title: [Job, Role]}\n")
    assert "hris.columns: Value error, only name may list several columns (to join); title must name one" in message
