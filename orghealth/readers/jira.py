"""Jira exports → text rows under canonical field names, one row per issue, plus one row per issue link.

Two formats, one shape out: the issue navigator's "Export CSV (all fields)" (Cloud and Data Center) and
pages saved from the REST search endpoints (`/rest/api/2|3/search`, `/search/jql`). Values stay text as
exported; staging types them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import polars as pl

from orghealth.config import JiraConfig
from orghealth.errors import InputFileError
from orghealth.readers.csv_files import normalise_header, open_csv, read_header, read_records
from orghealth.readers.extract import Extract, Reject

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
        elif path.exists():
            files.append(path)
        else:
            raise InputFileError(f"Jira export {path} does not exist")
    return files


class FrameBuilder:
    """Collects rows as dicts and folds them into a polars frame every `batch` rows.

    A million wide Jira rows held as Python dicts take several GB; as Arrow columns a fraction of that.
    """

    def __init__(self, schema: dict, batch: int = 50_000) -> None:
        self.schema, self.batch = schema, batch
        self.rows: list[dict] = []
        self.frames: list[pl.DataFrame] = []

    def append(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        self.frames.append(pl.DataFrame(self.rows, schema=self.schema))
        self.rows = []

    def frame(self) -> pl.DataFrame:
        self._flush()
        return pl.concat(self.frames, rechunk=True)


def read_jira(paths: list[Path], config: JiraConfig) -> tuple[Extract, pl.DataFrame]:
    """Read every Jira export; return the issues extract and the issue links frame."""
    issues, links = FrameBuilder(ISSUE_SCHEMA), FrameBuilder(LINK_SCHEMA)
    rejects: list[Reject] = []
    rows_read: dict[str, int] = {}
    for path in jira_files(paths):
        reader = _read_json if path.suffix.lower() == ".json" else _read_csv
        rows_read[str(path)] = reader(path, config, issues, links, rejects)
    return Extract(rows=issues.frame(), rejects=rejects, rows_read=rows_read), links.frame()


def _read_csv(path: Path, config: JiraConfig, issues: FrameBuilder, links: FrameBuilder, rejects: list) -> int:
    source = open_csv(path)
    records = read_records(source)
    header = read_header(records, path)
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(header):
        by_name[normalise_header(name)].append(i)

    def positions(name: str) -> list[int]:
        return by_name.get(normalise_header(name), [])

    missing = [f for f in CSV_REQUIRED if not positions(CSV_HEADERS[f])]
    if missing:
        raise InputFileError(
            f"{path}: not a Jira CSV export: required field(s) "
            + ", ".join(f"{f} (header {CSV_HEADERS[f]!r})" for f in missing)
            + " not found"
        )
    single = {f: positions(h)[0] for f, h in CSV_HEADERS.items() if f not in LIST_FIELDS and positions(h)}
    multi = {f: positions(CSV_HEADERS[f]) for f in LIST_FIELDS}
    story_points = [p for name in config.story_points_fields for p in positions(name)]
    epic_link = [p for name in config.epic_link_fields for p in positions(name)]
    link_columns = [(i, m[2], m[1].lower()) for i, name in enumerate(header) if (m := _LINK_HEADER.match(name))]
    file_name = str(path)

    read = 0
    for line, fields in records:
        read += 1
        if len(fields) != len(header):
            rejects.append(Reject(file_name, line, None, None,
                                  f"row has {len(fields)} fields but the header has {len(header)}",
                                  fields[:5]))  # fmt: skip
            continue
        key = fields[single["issue_key"]].strip()
        if not key:
            rejects.append(Reject(file_name, line, "Issue key", None, "issue key is blank", fields[:5]))
            continue
        row = {f: (fields[p].strip() or None) for f, p in single.items()}
        row |= {f: [v.strip() for p in ps if (v := fields[p]).strip()] for f, ps in multi.items()}
        row["story_points"] = next((fields[p].strip() for p in story_points if fields[p].strip()), None)
        row["epic_link"] = next((fields[p].strip() for p in epic_link if fields[p].strip()), None)
        issues.append({"source_file": file_name, "source_line": line, **row})
        for position, link_type, direction in link_columns:
            if other := fields[position].strip():
                links.append({"source_file": file_name, "source_line": line, "issue_key": key,
                              "link_type": link_type, "direction": direction, "linked_issue_key": other})  # fmt: skip
    return read


def _person(value: dict | None, prefix: str) -> dict:
    value = value or {}
    return {
        f"{prefix}_name": value.get("displayName"),
        f"{prefix}_account_id": value.get("accountId") or value.get("name") or value.get("key"),
        f"{prefix}_email": value.get("emailAddress") or None,
    }


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # select-list custom fields
        return _text(value.get("value") or value.get("name") or value.get("key"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read_json(path: Path, config: JiraConfig, issues: FrameBuilder, links: FrameBuilder, rejects: list) -> int:
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
            rejects.append(Reject(file_name, position, "key", None,
                                  "issue has no key or no fields object", issue))  # fmt: skip
            continue
        fields = issue["fields"]
        status = fields.get("status") or {}
        issuetype = fields.get("issuetype") or {}
        project = fields.get("project") or {}
        parent = fields.get("parent") or {}
        row = {
            "issue_key": issue["key"],
            "issue_id": _text(issue.get("id")),
            "summary": fields.get("summary"),
            "issue_type": issuetype.get("name"),
            "is_subtask": _text(issuetype.get("subtask")),
            "status": status.get("name"),
            "status_category": (status.get("statusCategory") or {}).get("name"),
            "project_key": project.get("key"),
            "project_name": project.get("name"),
            "priority": (fields.get("priority") or {}).get("name"),
            "resolution": (fields.get("resolution") or {}).get("name"),
            **_person(fields.get("assignee"), "assignee"),
            **_person(fields.get("reporter"), "reporter"),
            "created": fields.get("created"),
            "updated": fields.get("updated"),
            "resolved": fields.get("resolutiondate"),
            "parent": None,
            "parent_key": parent.get("key"),
            "parent_id": _text(parent.get("id")),
            "epic_link": next((_text(fields.get(f)) for f in config.epic_link_fields if fields.get(f)), None),
            "story_points": next(
                (value for f in config.story_points_fields if (value := _text(fields.get(f))) is not None), None
            ),
            "labels": [str(v) for v in fields.get("labels") or []],
            "components": [c.get("name") for c in fields.get("components") or [] if c.get("name")],
            "sprints": [],
            "fix_versions": [v.get("name") for v in fields.get("fixVersions") or [] if v.get("name")],
        }
        issues.append({"source_file": file_name, "source_line": position, **row})
        for link in fields.get("issuelinks") or []:
            link_type = (link.get("type") or {}).get("name")
            for direction in ("inward", "outward"):
                other = link.get(f"{direction}Issue")
                if link_type and other and other.get("key"):
                    links.append({"source_file": file_name, "source_line": position, "issue_key": issue["key"],
                                  "link_type": link_type, "direction": direction,
                                  "linked_issue_key": other["key"]})  # fmt: skip
    return len(page["issues"])
