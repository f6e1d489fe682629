"""What every reader hands back: accepted rows as text, and the rows it had to quarantine with a reason."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

REJECT_SCHEMA = {
    "source_file": pl.String,
    "source_line": pl.Int64,
    "column_name": pl.String,
    "value": pl.String,
    "reason": pl.String,
    "record": pl.String,
}


@dataclass(frozen=True)
class Reject:
    """One row that could not be loaded, named by file, line and column so a person can fix the export."""

    source_file: str
    source_line: int
    column_name: str | None
    value: str | None
    reason: str
    record: dict | list | None = None

    def as_row(self) -> dict:
        record = None if self.record is None else json.dumps(self.record, ensure_ascii=False, default=str)
        return {
            "source_file": self.source_file,
            "source_line": self.source_line,
            "column_name": self.column_name,
            "value": self.value,
            "reason": self.reason,
            "record": record,
        }


@dataclass
class Extract:
    """Rows read from one or more export files, plus what was quarantined and how the files were read."""

    rows: pl.DataFrame | None  # None when the reader wrote its rows into DuckDB itself (`loaded` of them)
    rejects: list[Reject] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)  # records per file
    lines_read: dict[str, int | None] = field(default_factory=dict)  # physical lines after the header (CSV)
    # per file, canonical field -> where it was read from: the header as exported, or a JSON field path
    file_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)  # how the file was read (encoding, date formats, ...)
    loaded: int = 0

    @property
    def row_count(self) -> int:
        return self.loaded if self.rows is None else self.rows.height

    @property
    def headers(self) -> dict[str, str]:
        """Canonical field -> header, for an extract read from one file (the HRIS export)."""
        (headers,) = self.file_headers.values()
        return headers

    def column_names(self) -> pl.DataFrame:
        """(source_file, field, column_name): the exported name of each canonical field, file by file."""
        rows = [(file, f, h) for file, headers in self.file_headers.items() for f, h in headers.items()]
        return pl.DataFrame(rows, schema={"source_file": pl.String, "field": pl.String, "column_name": pl.String},
                            orient="row")  # fmt: skip

    def rejects_frame(self) -> pl.DataFrame:
        return pl.DataFrame([r.as_row() for r in self.rejects], schema=REJECT_SCHEMA)
