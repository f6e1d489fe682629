"""HRIS people exports (one row per person) → text rows under canonical field names.

Only structural problems are judged here (a row with the wrong number of fields, a blank employee id);
typed checks such as unparseable dates run in SQL (sql/raw/hris_people_rejects.sql) with the same date
formats that staging uses, so the two can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from orghealth.config import HrisConfig
from orghealth.errors import InputFileError
from orghealth.readers.csv_files import CsvRecords, header_only, normalise_header, open_csv, read_header
from orghealth.readers.extract import Extract, Reject

# Headers seen in common HRIS exports (BambooHR, Workday, HiBob, Personio, the HRDataset sample…),
# matched after normalise_header(): case, spacing and punctuation do not matter.
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "employee_id": ("Employee ID", "Employee #", "EmpID", "Employee Number", "Employee No", "Worker ID", "ID"),
    "name": ("Full Name", "Name", "Employee Name", "Employee_Name", "Display Name"),
    "email": ("Email", "Work Email", "Email Address", "Work Email Address", "Business Email"),
    "manager_id": ("Manager ID", "ManagerID", "Manager Employee ID", "Supervisor ID", "Reports To ID",
                   "Reporting to", "Reports To", "Manager #"),
    "manager_email": ("Manager Email", "Manager Work Email", "Supervisor Email"),
    "manager_name": ("Manager Name", "ManagerName", "Manager", "Supervisor", "Supervisor Name"),
    "title": ("Job Title", "Title", "Position", "Job", "Role", "Job Profile"),
    "department": ("Department", "Dept", "Org Unit", "Division"),
    "team": ("Team", "Team Name", "Squad"),
    "location": ("Location", "Office", "Work Location", "Site"),
    "employment_type": ("Employment Type", "Worker Type", "Employee Type", "Worker Category"),
    "hire_date": ("Hire Date", "DateofHire", "Date of Hire", "Start Date", "Original Hire Date"),
    "termination_date": ("Termination Date", "DateofTermination", "Date of Termination", "Term Date",
                         "End Date"),
    "status": ("Status", "Employment Status", "EmploymentStatus", "Employee Status", "Worker Status"),
}  # fmt: skip
# Many HR tools (BambooHR, Workday, HiBob) export the name in parts, with a mostly blank preferred name.
NAME_PART_HEADERS: dict[str, tuple[str, ...]] = {
    "first": ("First Name", "FirstName", "Given Name", "Legal First Name", "First"),
    "last": ("Last Name", "LastName", "Surname", "Family Name", "Legal Last Name", "Last"),
    "preferred": ("Preferred Name", "Preferred First Name", "Nickname"),
}
FIELDS = tuple(DEFAULT_HEADERS)
REQUIRED = ("employee_id", "title", "hire_date")  # and a name: one column, or first and last name
MANAGER_FIELDS = ("manager_id", "manager_email", "manager_name")

# Tried in this order by DuckDB's try_strptime. Two-digit years come first because "%Y" would read
# "1/5/24" as the year 24, while "%y" refuses "1/5/2024" and lets "%Y" take it. Slashes, dots and dashes
# all separate day, month and year in real exports ("25.12.2020" from German Excel).
ISO_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]


def _numeric_formats(order: str) -> list[str]:
    return [order.replace("/", sep) + year for sep in "/.-" for year in ("%y", "%Y")]


DAY_FIRST = _numeric_formats("%d/%m/")
MONTH_FIRST = _numeric_formats("%m/%d/")
SLASH_FORMATS = {"MM/DD/YYYY": MONTH_FIRST, "M/D/YY": MONTH_FIRST, "DD/MM/YYYY": DAY_FIRST, "D/M/YY": DAY_FIRST}
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$")


@dataclass(frozen=True)
class NameColumns:
    """Where a person's name is: one full-name column, columns listed in hris.columns.name to join, or first
    and last name (the preferred name, where filled, in place of the first)."""

    full: int | None = None
    listed: tuple[int, ...] = ()
    first: int | None = None
    last: int | None = None
    preferred: int | None = None

    def name(self, fields: list[str]) -> str | None:
        def at(position: int | None) -> str:
            return fields[position].strip() if position is not None else ""

        if self.full is not None:
            parts = [at(self.full)]
        elif self.listed:
            parts = [at(p) for p in self.listed]
        else:
            parts = [at(self.preferred) or at(self.first), at(self.last)]
        return " ".join(p for p in parts if p) or None


def _first_present(positions: dict[str, int], candidates: tuple[str, ...]) -> int | None:
    return next((positions[normalise_header(c)] for c in candidates if normalise_header(c) in positions), None)


def name_columns(path: Path, header: list[str], configured: dict[str, str | list[str]]) -> NameColumns:
    """The name's columns; an error naming both ways of giving a name when the file has neither."""
    positions = {normalise_header(h): i for i, h in reversed(list(enumerate(header)))}
    wanted = configured.get("name")
    if isinstance(wanted, list):
        missing = [h for h in wanted if normalise_header(h) not in positions]
        if missing:
            raise InputFileError(f"{path}: hris.columns.name lists {', '.join(map(repr, missing))}, which the file "
                                 f"does not have (its headers: {', '.join(header)})")  # fmt: skip
        return NameColumns(listed=tuple(positions[normalise_header(h)] for h in wanted))
    full = _first_present(positions, (wanted,) if wanted else DEFAULT_HEADERS["name"])
    if full is not None:
        return NameColumns(full=full)
    if wanted:
        raise InputFileError(f"{path}: the config maps name to the header {wanted!r}, which the file does not have "
                             f"(its headers: {', '.join(header)})")  # fmt: skip
    parts = {part: _first_present(positions, headers) for part, headers in NAME_PART_HEADERS.items()}
    if parts["first"] is not None and parts["last"] is not None:
        return NameColumns(**parts)
    raise InputFileError(
        f"{path}: required field name not found; looked for a full-name header "
        f"({', '.join(map(repr, DEFAULT_HEADERS['name']))}) or first and last name headers "
        f"({', '.join(map(repr, NAME_PART_HEADERS['first'][:3]))} and "
        f"{', '.join(map(repr, NAME_PART_HEADERS['last'][:3]))}); or list the columns to join in hris.columns.name"
    )


def map_headers(path: Path, header: list[str], configured: dict[str, str | list[str]]) -> dict[str, int]:
    """Canonical field → column position (the name, when it is in parts, is left to `name_columns`); a missing
    required field is an error naming what was tried."""
    positions = {normalise_header(h): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for field in FIELDS:
        if field == "name" and isinstance(configured.get("name"), list):
            continue
        candidates = (configured[field],) if field in configured else DEFAULT_HEADERS[field]
        for candidate in candidates:
            if normalise_header(candidate) in positions:
                found[field] = positions[normalise_header(candidate)]
                break
        else:
            if field in configured and field != "name":  # name_columns says what is missing of a name
                raise InputFileError(
                    f"{path}: the config maps {field} to the header {configured[field]!r}, which the file "
                    f"does not have (its headers: {', '.join(header)})"
                )
    for field in REQUIRED:
        if field not in found:
            raise InputFileError(
                f"{path}: required field {field} not found; looked for headers "
                f"{', '.join(repr(h) for h in DEFAULT_HEADERS[field])} (map it in hris.columns)"
            )
    if not any(f in found for f in MANAGER_FIELDS):
        looked = [h for f in MANAGER_FIELDS for h in DEFAULT_HEADERS[f]]
        raise InputFileError(
            f"{path}: no manager column found (manager_id, manager_email or manager_name); looked for headers "
            f"{', '.join(repr(h) for h in looked)} (map one in hris.columns)"
        )
    return found


def describe_date_formats(formats: list[str]) -> str:
    """The formats in the words an export's reader uses, for messages."""
    if formats[len(ISO_FORMATS) :][:1] == DAY_FIRST[:1]:
        return "DD/MM/YYYY or DD/MM/YY (or ISO YYYY-MM-DD)"
    if formats[len(ISO_FORMATS) :][:1] == MONTH_FIRST[:1]:
        return "MM/DD/YYYY or MM/DD/YY (or ISO YYYY-MM-DD)"
    return "ISO YYYY-MM-DD"


def detect_date_format(values: Iterable[str | None], configured: str, path: Path) -> list[str]:
    """The strftime formats to parse this file's dates with, ISO always accepted.

    auto: a slash date whose first part exceeds 12 shows day-first; whose second part does, month-first.
    Day-first evidence alone picks DD/MM/YYYY; otherwise US month-first. Evidence both ways is an error,
    because no single reading of the file is right.
    """
    if configured == "YYYY-MM-DD":
        return ISO_FORMATS
    if configured != "auto":
        return ISO_FORMATS + SLASH_FORMATS[configured]
    day_first = month_first = None
    for value in values:
        match = _SLASH_DATE.match(value or "")
        if not match:
            continue
        first, second = int(match[1]), int(match[2])
        if first > 12 and second <= 12:
            day_first = day_first or value
        elif second > 12 and first <= 12:
            month_first = month_first or value
    if day_first and month_first:
        raise InputFileError(
            f"{path}: dates are ambiguous: {day_first!r} reads day-first but {month_first!r} month-first; "
            "set hris.date_format to the format the export uses"
        )
    return ISO_FORMATS + SLASH_FORMATS["DD/MM/YYYY" if day_first else "MM/DD/YYYY"]


def _row_problem(
    line: int, last_line: int, fields: list[str], header: list[str], columns: dict[str, int]
) -> tuple[str | None, str] | None:
    """Why a data row cannot be loaded (the column at fault, the reason), or None."""
    if last_line > line:
        # One person is one line in every HRIS export; a record over several lines is an unbalanced quote
        # that swallowed the lines after it, and those people would vanish without a trace.
        return None, (
            f'the row runs from line {line} to line {last_line}: a quote (") opened on line {line} is not '
            f"closed at the end of the line, so lines {line + 1}-{last_line} were read into this row; "
            "fix the quote in the export"
        )
    if len(fields) != len(header):
        return None, f"row has {len(fields)} fields but the header has {len(header)}"
    if not fields[columns["employee_id"]].strip():
        return header[columns["employee_id"]], "employee id is blank"
    return None


def _name_header(names: NameColumns, header: list[str]) -> str:
    """How the name was taken, in the export's own headers, for messages and raw.hris_snapshots."""
    if names.full is not None:
        return header[names.full]
    if names.listed:
        return " + ".join(header[p] for p in names.listed)
    preferred = f"{header[names.preferred]} or " if names.preferred is not None else ""
    return f"{preferred}{header[names.first]} + {header[names.last]}"


def check_header(path: Path, config: HrisConfig) -> None:
    """Raise what `read_hris` would about the file's encoding and header, reading only the header row, so a
    missing column is reported before anything starts."""
    header = header_only(open_csv(path, config.encoding, config.delimiter))
    map_headers(path, header, config.columns)
    name_columns(path, header, config.columns)


def read_hris(path: Path, config: HrisConfig) -> Extract:
    """Read an HRIS CSV into text columns named by canonical field, plus source_file and source_line."""
    source = open_csv(path, config.encoding, config.delimiter)
    records = CsvRecords(source)
    stream = iter(records)
    header_record = read_header(stream, path)
    header = header_record.fields
    columns = map_headers(path, header, config.columns)
    names = name_columns(path, header, config.columns)
    columns.pop("name", None)
    file_name = str(path)

    rows: list[dict] = []
    rejects: list[Reject] = []
    read = 0
    for line, last_line, fields in stream:
        read += 1
        if problem := _row_problem(line, last_line, fields, header, columns):
            column, reason = problem
            rejects.append(Reject(file_name, line, column, None, reason, dict(zip(header, fields, strict=False))))
            continue
        rows.append({"source_file": file_name, "source_line": line, "name": names.name(fields),
                     **{field: (fields[pos].strip() or None) for field, pos in columns.items()}})  # fmt: skip

    frame = pl.DataFrame(rows, schema={"source_file": pl.String, "source_line": pl.Int64}
                         | {f: pl.String for f in FIELDS})  # fmt: skip
    date_formats = detect_date_format(
        [*frame["hire_date"].to_list(), *frame["termination_date"].to_list()], config.date_format, path
    )
    return Extract(
        rows=frame,
        rejects=rejects,
        rows_read={file_name: read},
        lines_read={file_name: records.lines - header_record.last_line},
        file_headers={
            file_name: {"name": _name_header(names, header)} | {field: header[p] for field, p in columns.items()}
        },
        notes={
            "encoding": source.encoding,
            "delimiter": source.delimiter,
            "date_formats": date_formats,
            "date_format_label": describe_date_formats(date_formats),
        },
    )
