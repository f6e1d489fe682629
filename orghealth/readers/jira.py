"""Jira exports → text rows under canonical field names, one row per issue, plus one row per issue link.

Two formats, one shape out: the issue navigator's "Export CSV (all fields)" (Cloud and Data Center) and
pages saved from the REST search endpoints (`/rest/api/2|3/search`, `/search/jql`). Values stay text as
exported; staging types them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from orghealth.config import JiraConfig
from orghealth.errors import InputFileError
from orghealth.files import require_regular_file
from orghealth.readers.csv_files import CsvRecords, header_only, normalise_header, open_csv, read_head, read_header
from orghealth.readers.extract import Extract, Reject
from orghealth.readers.jira_native import Columns, load_csv

TEXT_FIELDS = (
    "issue_key", "issue_id", "summary", "issue_type", "is_subtask", "status", "status_category",
    "project_key", "project_name", "priority", "resolution",
    "assignee_name", "assignee_account_id", "assignee_email",
    "reporter_name", "reporter_account_id", "reporter_email",
    "created", "updated", "resolved", "parent", "parent_key", "parent_id", "epic_link", "story_points",
)  # fmt: skip
LIST_FIELDS = ("labels", "components", "sprints", "fix_versions")
ISSUE_SCHEMA = (
    {"source_file": pl.String, "source_line": pl.Int64}
    | {f: pl.String for f in TEXT_FIELDS}
    | {f: pl.List(pl.String) for f in LIST_FIELDS}
)
LINK_SCHEMA = {
    "source_file": pl.String,
    "source_line": pl.Int64,
    "issue_key": pl.String,
    "link_type": pl.String,
    "direction": pl.String,
    "linked_issue_key": pl.String,
}

CSV_HEADERS = {
    "issue_key": "Issue key", "issue_id": "Issue id", "summary": "Summary", "issue_type": "Issue Type",
    "status": "Status", "status_category": "Status Category", "project_key": "Project key",
    "project_name": "Project name", "priority": "Priority", "resolution": "Resolution",
    "assignee_name": "Assignee", "assignee_account_id": "Assignee Id", "assignee_email": "Assignee Email",
    "reporter_name": "Reporter", "reporter_account_id": "Reporter Id", "reporter_email": "Reporter Email",
    "created": "Created", "updated": "Updated", "resolved": "Resolved", "parent": "Parent",
    "parent_key": "Parent key", "parent_id": "Parent id",
    "labels": "Labels", "components": "Component/s", "sprints": "Sprint", "fix_versions": "Fix Version/s",
}  # fmt: skip
CSV_REQUIRED = ("issue_key", "issue_type", "status", "created")
_JSON_FIELD_ID = re.compile(r"^[A-Za-z0-9_]+$")
_LINK_HEADER = re.compile(r"^(Inward|Outward) issue link \((.+)\)$", re.IGNORECASE)


def jira_files(paths: list[Path]) -> list[Path]:
    """Expand folders into the .csv and .json files they hold, in name order so runs are repeatable."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json"))
            if not found:
                raise InputFileError(f"{path}: folder holds no .csv or .json Jira export")
            files.extend(found)
        else:
            require_regular_file(path, "Jira export")
            files.append(path)
    return files


class FrameBuilder:
    """Collects rows as dicts and folds them into a polars frame every `batch` rows.

    A million wide Jira rows held as Python dicts take several GB; as Arrow columns a fraction of that. With a
    `sink`, each folded batch is handed to it and not kept, so memory holds one batch at a time.
    """

    def __init__(self, schema: dict, batch: int = 50_000,
                 sink: Callable[[pl.DataFrame], None] | None = None) -> None:  # fmt: skip
        self.schema, self.batch, self.sink = schema, batch, sink
        self.rows: list[dict] = []
        self.frames: list[pl.DataFrame] = []
        self.count = 0

    def append(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        frame = pl.DataFrame(self.rows, schema=self.schema)
        self.rows = []
        self.count += frame.height
        if self.sink is None:
            self.frames.append(frame)
        elif frame.height:
            self.sink(frame)

    def frame(self) -> pl.DataFrame:
        self._flush()
        return pl.concat(self.frames, rechunk=True)

    def finish(self) -> int:
        """Hand the last batch to the sink; the rows handed over in all."""
        self._flush()
        return self.count


def _inserter(con: duckdb.DuckDBPyConnection, table: str) -> Callable[[pl.DataFrame], None]:
    def insert(frame: pl.DataFrame) -> None:
        con.register("incoming_jira", frame)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_jira")
        finally:
            con.unregister("incoming_jira")

    return insert


def read_jira(paths: list[Path], config: JiraConfig) -> tuple[Extract, pl.DataFrame]:
    """Read every Jira export; return the issues extract and the issue links frame."""
    issues, links = FrameBuilder(ISSUE_SCHEMA), FrameBuilder(LINK_SCHEMA)
    rejects: list[Reject] = []
    rows_read: dict[str, int] = {}
    lines_read: dict[str, int | None] = {}
    file_headers: dict[str, dict[str, str]] = {}
    for path in jira_files(paths):
        reader = _read_json if path.suffix.lower() == ".json" else _read_csv
        rows_read[str(path)], lines_read[str(path)], file_headers[str(path)] = reader(
            path, config, issues, links, rejects
        )
    extract = Extract(
        rows=issues.frame(), rejects=rejects, rows_read=rows_read, lines_read=lines_read, file_headers=file_headers
    )
    return extract, links.frame()


def load_jira(con: duckdb.DuckDBPyConnection, paths: list[Path], config: JiraConfig, *, issues_table: str,
              links_table: str) -> Extract:  # fmt: skip
    """Read every Jira export into the two tables (appending); the extract returned holds the rejects and the
    bookkeeping, not the rows. CSV exports go through DuckDB's reader (orghealth.readers.jira_native) where it
    reads them exactly, through the Python reader otherwise; JSON pages through the Python reader."""
    issues = FrameBuilder(ISSUE_SCHEMA, sink=_inserter(con, issues_table))
    links = FrameBuilder(LINK_SCHEMA, sink=_inserter(con, links_table))
    rejects: list[Reject] = []
    rows_read: dict[str, int] = {}
    lines_read: dict[str, int | None] = {}
    file_headers: dict[str, dict[str, str]] = {}
    readers: dict[str, str] = {}
    loaded = links_loaded = 0
    for path in jira_files(paths):
        name = str(path)
        if path.suffix.lower() != ".json" and (head := read_head(path)) is not None:
            columns, read_from = _csv_columns(path, head.header, config)
            native = load_csv(con, head, columns, read_from, issues_table=issues_table, links_table=links_table)
            if native is not None:
                rows_read[name], lines_read[name], file_headers[name] = native.rows_read, native.lines_read, read_from
                rejects += native.rejects
                loaded, links_loaded = loaded + native.issues, links_loaded + native.links
                readers[name] = "duckdb"
                continue
        reader = _read_json if path.suffix.lower() == ".json" else _read_csv
        rows_read[name], lines_read[name], file_headers[name] = reader(path, config, issues, links, rejects)
        readers[name] = "python"
    loaded, links_loaded = loaded + issues.finish(), links_loaded + links.finish()
    return Extract(rows=None, rejects=rejects, rows_read=rows_read, lines_read=lines_read, file_headers=file_headers,
                   notes={"readers": readers, "links": links_loaded}, loaded=loaded)  # fmt: skip


def _require_columns(path: Path, header: list[str]) -> None:
    present = {normalise_header(name) for name in header}
    missing = [f for f in CSV_REQUIRED if normalise_header(CSV_HEADERS[f]) not in present]
    if missing:
        raise InputFileError(
            f"{path}: not a Jira CSV export: required field(s) "
            + ", ".join(f"{f} (header {CSV_HEADERS[f]!r})" for f in missing)
            + " not found"
        )


def check_headers(paths: list[Path]) -> None:
    """Raise what `read_jira` would about the CSV exports' encoding and header, reading only their header
    rows, so a missing column is reported before anything starts. (A JSON page is checked when it is read.)"""
    for path in jira_files(paths):
        if path.suffix.lower() == ".json":
            continue
        head = read_head(path)
        _require_columns(path, head.header if head is not None else header_only(open_csv(path)))


def _csv_columns(path: Path, header: list[str], config: JiraConfig) -> tuple[Columns, dict[str, str]]:
    """Where each canonical field is in a CSV export's header, and the header each is read from."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(header):
        by_name[normalise_header(name)].append(i)

    def positions(name: str) -> list[int]:
        return by_name.get(normalise_header(name), [])

    _require_columns(path, header)
    single = {f: positions(h)[0] for f, h in CSV_HEADERS.items() if f not in LIST_FIELDS and positions(h)}
    story_points = [p for name in config.story_points_fields for p in positions(name)]
    epic_link = [p for name in config.epic_link_fields for p in positions(name)]
    columns = Columns(
        single=single,
        multi={f: positions(CSV_HEADERS[f]) for f in LIST_FIELDS},
        story_points=story_points,
        epic_link=epic_link,
        links=[(i, m[2], m[1].lower()) for i, name in enumerate(header) if (m := _LINK_HEADER.match(name))],
        count=len(header),
    )
    read_from = {f: header[p] for f, p in single.items()}
    read_from |= {f: header[ps[0]] for f, ps in (("story_points", story_points), ("epic_link", epic_link)) if ps}
    return columns, read_from


def _read_csv(
    path: Path, config: JiraConfig, issues: FrameBuilder, links: FrameBuilder, rejects: list
) -> tuple[int, int, dict[str, str]]:
    """Read one CSV export; return its records, the physical lines they took (descriptions span lines) and
    the header each field was read from."""
    source = open_csv(path)
    records = CsvRecords(source)
    stream = iter(records)
    header_record = read_header(stream, path)
    header = header_record.fields
    columns, read_from = _csv_columns(path, header, config)
    single, multi = columns.single, columns.multi
    file_name = str(path)

    read = 0
    for line, _, fields in stream:
        read += 1
        if len(fields) != len(header):
            rejects.append(Reject(file_name, line, None, None,
                                  f"row has {len(fields)} fields but the header has {len(header)}",
                                  fields[:5]))  # fmt: skip
            continue
        key = fields[single["issue_key"]].strip()
        if not key:
            rejects.append(Reject(file_name, line, read_from["issue_key"], None, "issue key is blank", fields[:5]))
            continue
        row = {f: (fields[p].strip() or None) for f, p in single.items()}
        row |= {f: [v.strip() for p in ps if (v := fields[p]).strip()] for f, ps in multi.items()}
        row["story_points"] = next((fields[p].strip() for p in columns.story_points if fields[p].strip()), None)
        row["epic_link"] = next((fields[p].strip() for p in columns.epic_link if fields[p].strip()), None)
        issues.append({"source_file": file_name, "source_line": line, **row})
        for position, link_type, direction in columns.links:
            if other := fields[position].strip():
                links.append({"source_file": file_name, "source_line": line, "issue_key": key,
                              "link_type": link_type, "direction": direction, "linked_issue_key": other})  # fmt: skip
    return read, records.lines - header_record.last_line, read_from


class UnexpectedJsonValue(Exception):
    """A JSON field holds a kind of value Jira never writes there; the issue is rejected, naming the field."""

    def __init__(self, field: str, value: object, expected: str) -> None:
        super().__init__(f"field {field} holds {_json_kind(value)}, expected {expected}")
        self.field, self.value = field, value


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(type(value), "a number")


def _object(container: dict, field: str, where: str = "") -> dict:
    """An object field; null or absent reads as an empty object. `where` is the path to `container`."""
    value = container.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UnexpectedJsonValue(where + field, value, "an object or null")
    return value


def _scalar(container: dict, field: str, where: str = "") -> str | None:
    """A string, number or true/false field as text; null, absent or "" is None; an object gives its value, name
    or key (select-list custom fields)."""
    value = container.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict):
        return next((str(value[k]) for k in ("value", "name", "key") if isinstance(value.get(k), str | int)), None)
    raise UnexpectedJsonValue(where + field, value, "a string, a number, an object or null")


def _strings(container: dict, field: str) -> list[str]:
    """A list of strings (labels): null is none; a single string is one label; null items are skipped."""
    value = container.get(field)
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, list) or not all(v is None or isinstance(v, str | int) for v in value):
        raise UnexpectedJsonValue(field, value, "a list of strings, a string or null")
    return [str(v) for v in value if v is not None and str(v).strip()]


def _names(container: dict, field: str) -> list[str]:
    """A list of named objects (components, fix versions): their names; null is none."""
    value = container.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(v is None or isinstance(v, dict) for v in value):
        raise UnexpectedJsonValue(field, value, "a list of objects with a name, or null")
    return [str(v["name"]) for v in value if v and v.get("name")]


def _person(fields: dict, field: str, prefix: str) -> dict:
    person = _object(fields, field)
    return {
        f"{prefix}_name": _scalar(person, "displayName", f"{field}."),
        f"{prefix}_account_id": next(
            (v for k in ("accountId", "name", "key") if (v := _scalar(person, k, f"{field}.")) is not None), None
        ),
        f"{prefix}_email": _scalar(person, "emailAddress", f"{field}."),
    }


def _json_row(issue: dict, config: JiraConfig) -> dict:
    """One issue of a search page as text fields; raises UnexpectedJsonValue for a field of the wrong kind."""
    fields = issue["fields"]
    status, issuetype, parent = _object(fields, "status"), _object(fields, "issuetype"), _object(fields, "parent")
    return {
        "issue_key": str(issue["key"]),
        "issue_id": _scalar(issue, "id"),
        "summary": _scalar(fields, "summary"),
        "issue_type": _scalar(issuetype, "name", "issuetype."),
        "is_subtask": _scalar(issuetype, "subtask", "issuetype."),
        "status": _scalar(status, "name", "status."),
        "status_category": _scalar(_object(status, "statusCategory", "status."), "name", "status.statusCategory."),
        "project_key": _scalar(_object(fields, "project"), "key", "project."),
        "project_name": _scalar(_object(fields, "project"), "name", "project."),
        "priority": _scalar(_object(fields, "priority"), "name", "priority."),
        "resolution": _scalar(_object(fields, "resolution"), "name", "resolution."),
        **_person(fields, "assignee", "assignee"),
        **_person(fields, "reporter", "reporter"),
        "created": _scalar(fields, "created"),
        "updated": _scalar(fields, "updated"),
        "resolved": _scalar(fields, "resolutiondate"),
        "parent": None,
        "parent_key": _scalar(parent, "key", "parent."),
        "parent_id": _scalar(parent, "id", "parent."),
        "epic_link": next((v for f in config.epic_link_fields if (v := _scalar(fields, f)) is not None), None),
        "story_points": next((v for f in config.story_points_fields if (v := _scalar(fields, f)) is not None), None),
        "labels": _strings(fields, "labels"),
        "components": _names(fields, "components"),
        "sprints": [],
        "fix_versions": _names(fields, "fixVersions"),
    }


def _json_links(issue: dict) -> list[dict]:
    """The issue's links, each in the direction it is listed; a link of the wrong shape raises UnexpectedJsonValue."""
    listed = issue["fields"].get("issuelinks")
    if listed is None:
        return []
    if not isinstance(listed, list) or not all(isinstance(link, dict) for link in listed):
        raise UnexpectedJsonValue("issuelinks", listed, "a list of link objects or null")
    links = []
    for link in listed:
        link_type = _scalar(_object(link, "type", "issuelinks."), "name", "issuelinks.type.")
        for direction in ("inward", "outward"):
            issue = _object(link, f"{direction}Issue", "issuelinks.")
            other = _scalar(issue, "key", f"issuelinks.{direction}Issue.")
            if link_type and other:
                links.append({"link_type": link_type, "direction": direction, "linked_issue_key": other})
    return links


def _json_paths(config: JiraConfig) -> dict[str, str]:
    """Where a search page holds the fields that SQL checks, as paths a person finds in the JSON."""
    return {
        "issue_key": "key",
        "created": "fields.created",
        "updated": "fields.updated",
        "resolved": "fields.resolutiondate",
        "story_points": _field_paths(config.story_points_fields),
        "epic_link": _field_paths(config.epic_link_fields),
    }


def _field_paths(names: list[str]) -> str:
    """The configured names that can be JSON field ids (the others are CSV headers), as paths."""
    return " or ".join(f"fields.{name}" for name in names if _JSON_FIELD_ID.match(name))


def _read_json(
    path: Path, config: JiraConfig, issues: FrameBuilder, links: FrameBuilder, rejects: list
) -> tuple[int, None, dict[str, str]]:
    """Read one search page; return its issues (a JSON page has no lines to count) and the field paths."""
    try:
        page = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{path}: not readable as JSON ({exc})") from exc
    if not isinstance(page, dict) or not isinstance(page.get("issues"), list):
        raise InputFileError(
            f"{path}: not a Jira search page: expected an object with an 'issues' list "
            "(as /rest/api/2|3/search or /search/jql return)"
        )
    file_name = str(path)
    for position, issue in enumerate(page["issues"], start=1):
        if not isinstance(issue, dict) or not issue.get("key") or not isinstance(issue.get("fields"), dict):
            rejects.append(Reject(file_name, position, "key", None, "issue has no key or no fields object", issue))
            continue
        try:
            row, issue_links = _json_row(issue, config), _json_links(issue)
        except UnexpectedJsonValue as exc:
            shown = json.dumps(exc.value, ensure_ascii=False, default=str)[:200]
            rejects.append(Reject(file_name, position, exc.field, shown, f"issue {issue['key']}: {exc}", issue))
            continue
        issues.append({"source_file": file_name, "source_line": position, **row})
        for link in issue_links:
            links.append({"source_file": file_name, "source_line": position, "issue_key": row["issue_key"], **link})
    return len(page["issues"]), None, _json_paths(config)
