"""Folders where a nightly export drop lands: which file describes a given as_of.

`hris.path` may name a folder of dated exports (`people-2026-11-20.csv`, ...). For each as_of the run uses
the export dated the latest on or before it, never a later one: a backfilled date with no export of its own
uses the nearest earlier export, and says so. An export's date is the first YYYY-MM-DD in its file name,
else the day (UTC) the file was last modified.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from orghealth.errors import InputFileError

DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
EXPORT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class DatedExport:
    path: Path
    dated: date
    dated_by: Literal["file name", "modification time"]

    def age_days(self, as_of: date) -> int:
        """How many days older than as_of the export is (0: it is the export of that very day)."""
        return (as_of - self.dated).days


def export_date(path: Path) -> DatedExport:
    """The date an export describes: from its file name when it holds a valid date, else its modification day."""
    for match in DATE_IN_NAME.finditer(path.name):
        try:
            return DatedExport(path, date(int(match[1]), int(match[2]), int(match[3])), "file name")
        except ValueError:
            continue  # 2026-13-45 in a name is no date
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
    return DatedExport(path, modified, "modification time")


def dated_exports(folder: Path) -> list[DatedExport]:
    """The export files of a folder with their dates, oldest first (ties: by name)."""
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES]
    return sorted((export_date(p) for p in files), key=lambda e: (e.dated, e.path.name))


def choose_export(folder: Path, as_of: date, what: str = "HRIS export") -> DatedExport:
    """The export of `folder` dated the latest on or before as_of; an error listing what there is otherwise."""
    exports = dated_exports(folder)
    eligible = [e for e in exports if e.dated <= as_of]
    if not eligible:
        found = ", ".join(f"{e.path.name} ({e.dated})" for e in exports[:5]) or f"no {'/'.join(EXPORT_SUFFIXES)} file"
        raise InputFileError(
            f"{folder}: no {what} dated on or before {as_of} (a later export never stands in for an earlier "
            f"date); found: {found}"
        )
    return eligible[-1]


def watched_files(hris_location: Path | None, jira_paths: list[Path]) -> list[Path]:
    """The export files a new-export sensor watches: the HRIS folder's (or file) and the Jira folders' files."""
    files: list[Path] = []
    for location in [*([hris_location] if hris_location else []), *jira_paths]:
        if location.is_dir():
            files.extend(
                p for p in location.iterdir() if p.is_file() and p.suffix.lower() in (*EXPORT_SUFFIXES, ".json")
            )
        elif location.is_file():
            files.append(location)
    return sorted(files)


def fingerprint(files: list[Path]) -> str:
    """One id for a set of export files as they are now (names, sizes, modification times)."""
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def drop_as_of(hris_location: Path, today: date) -> date:
    """The as_of a new drop describes: the date of the newest HRIS export (no later than today)."""
    if hris_location.is_dir():
        return choose_export(hris_location, today).dated
    return min(export_date(hris_location).dated, today)
