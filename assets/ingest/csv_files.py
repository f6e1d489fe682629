"""Reading CSV exports as the tools that wrote them meant them: encoding, delimiter, header matching."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import InputFileError

UTF8_BOM = b"\xef\xbb\xbf"

csv.field_size_limit(1 << 30)  # Jira descriptions and comment columns can be very long.


@dataclass(frozen=True)
class CsvText:
    path: Path
    text: str
    encoding: str
    delimiter: str


def decode(path: Path, encoding: str = "auto") -> tuple[str, str]:
    """Return the file's text and the encoding used.

    auto: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else cp1252 as Excel on Windows
    writes it, else Latin-1 (which accepts every byte). Guessing libraries are avoided on purpose: for
    these three the bytes decide unambiguously.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc
    if encoding != "auto":
        try:
            return data.removeprefix(UTF8_BOM).decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{path} is not valid {encoding} (byte {exc.start}); set the right encoding or 'auto'"
            ) from exc
    if data.startswith(UTF8_BOM):
        return data[len(UTF8_BOM) :].decode("utf-8", errors="strict"), "utf-8-sig"
    for candidate in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the candidate that splits it into the most fields."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def open_csv(path: Path, encoding: str = "auto", delimiter: str = "auto") -> CsvText:
    text, used = decode(path, encoding)
    if not text.strip():
        raise InputFileError(f"{path} is empty: expected a header row and at least one data row")
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]  # Excel for Mac ends lines with CR alone
    return CsvText(path, text, used, sniff_delimiter(first_line) if delimiter == "auto" else delimiter)


def read_records(source: CsvText) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number where the record starts, fields); the header is line 1.

    A quoted field may span lines (Jira descriptions do), so record numbers and line numbers differ;
    the line number is what a person sees in an editor.
    """
    reader = csv.reader(io.StringIO(source.text, newline=""), delimiter=source.delimiter)
    previous_end = 0
    try:
        for fields in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank lines carry nothing
            yield start, fields
    except csv.Error as exc:
        raise InputFileError(f"{source.path} line {previous_end + 1}: the CSV cannot be parsed ({exc})") from exc


def normalise_header(name: str) -> str:
    """Fold a header for matching: case, accents, spacing and punctuation do not matter."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9#]+", "", folded)
