"""Reading CSV exports as the tools that wrote them meant them: encoding, delimiter, header matching."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from orghealth.errors import InputFileError
from orghealth.files import require_regular_file

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Without a byte-order mark, the first of these the bytes decode as; Latin-1 accepts every byte.
AUTO_ENCODINGS = ("utf-8", "cp1252", "latin-1")

csv.field_size_limit(1 << 30)  # Jira descriptions and comment columns can be very long.


@dataclass(frozen=True)
class CsvSource:
    path: Path
    codec: str  # what Python decodes with (utf-8-sig drops a byte-order mark)
    encoding: str  # what we report: utf-8-sig, utf-8, cp1252 or latin-1
    delimiter: str


def _decodes_as(path: Path, codec: str) -> bool:
    """Whether the whole file decodes as `codec`, read in chunks so a large export is never held twice."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 22):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path, encoding: str = "auto") -> tuple[str, str]:
    """The codec to read the file with, and the encoding to report.

    auto: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else cp1252 as Excel on Windows
    writes it, else Latin-1 (which accepts every byte). Guessing libraries are avoided on purpose: for
    these three the bytes decide unambiguously.
    UTF-16 with a byte-order mark (Excel's "Unicode Text") is read as such.
    """
    require_regular_file(path, "export")
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc
    has_bom = start.startswith(UTF8_BOM)
    if start.startswith(UTF16_BOMS) and encoding == "auto":
        if not _decodes_as(path, "utf-16"):
            raise InputFileError(f"{path} starts as UTF-16 but is not valid UTF-16: export it again as UTF-8")
        return "utf-16", "utf-16"
    if encoding != "auto":
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        if not _decodes_as(path, codec):
            raise InputFileError(f"{path} is not valid {encoding}; set the right hris.encoding or 'auto'")
        return codec, encoding
    if has_bom:
        return "utf-8-sig", "utf-8-sig"
    for candidate in AUTO_ENCODINGS[:-1]:
        if _decodes_as(path, candidate):
            return candidate, candidate
    return AUTO_ENCODINGS[-1], AUTO_ENCODINGS[-1]


def decode(path: Path, encoding: str = "auto") -> tuple[str, str]:
    """The file's whole text and the encoding reported (for small files and tests)."""
    codec, label = detect_encoding(path, encoding)
    return path.read_bytes().decode(codec), label


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the candidate that splits it into the most fields."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def open_csv(path: Path, encoding: str = "auto", delimiter: str = "auto") -> CsvSource:
    codec, label = detect_encoding(path, encoding)
    with path.open(encoding=codec, newline="") as handle:
        start = handle.read(1 << 16)
    if not start.strip():
        raise InputFileError(f"{path} is empty: expected a header row and at least one data row")
    first_line = re.split(r"\r\n|\r|\n", start, maxsplit=1)[0]  # Excel for Mac ends lines with CR alone
    return CsvSource(path, codec, label, sniff_delimiter(first_line) if delimiter == "auto" else delimiter)


class CsvRecord(NamedTuple):
    line: int  # where the record starts; the header is line 1
    last_line: int  # where it ends: later than `line` when a quoted field runs over several lines
    fields: list[str]


class CsvRecords:
    """The records of a CSV export, streamed, with the physical lines they came from.

    A quoted field may span lines (Jira descriptions do), so record numbers and line numbers differ;
    the line number is what a person sees in an editor. After the last record, `lines` is the number of
    physical lines read, blank ones included, so a reader can tell records from lines.
    """

    def __init__(self, source: CsvSource) -> None:
        self.source = source
        self.lines = 0

    def __iter__(self) -> Iterator[CsvRecord]:
        with self.source.path.open(encoding=self.source.codec, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.source.delimiter)
            try:
                for fields in reader:
                    start, self.lines = self.lines + 1, reader.line_num
                    if not fields or (len(fields) == 1 and not fields[0].strip()):
                        continue  # blank lines carry nothing
                    yield CsvRecord(start, self.lines, fields)
            except csv.Error as exc:
                raise InputFileError(
                    f"{self.source.path} line {self.lines + 1}: the CSV cannot be parsed ({exc})"
                ) from exc


def read_header(records: Iterator[CsvRecord], path: Path) -> CsvRecord:
    """The first record of `records`: the header, its names trimmed."""
    try:
        header = next(records)
    except StopIteration:
        raise InputFileError(f"{path}: no header row") from None
    return header._replace(fields=[name.strip() for name in header.fields])


SAMPLE_BYTES = 1 << 20


@dataclass(frozen=True)
class CsvHead:
    """An export's header, read from its first megabyte: enough to map columns and to hand the rest of the
    file to a native reader, without decoding the whole file in Python first."""

    source: CsvSource  # its encoding judged on the sample: the reader that reads the rest is the judge of that
    header: list[str]
    header_lines: int  # physical lines the header takes (a quoted header name may span lines)


def read_head(path: Path) -> CsvHead | None:
    """The header of a CSV export judged on its first megabyte (BOM, else UTF-8, else cp1252, else Latin-1);
    None when the sample does not settle it (UTF-16, a header longer than the sample): read it whole then."""
    require_regular_file(path, "export")
    try:
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc
    if sample.startswith(UTF16_BOMS):
        return None
    first = "utf-8-sig" if sample.startswith(UTF8_BOM) else AUTO_ENCODINGS[0]
    codec, text = next((c, t) for c in (first, *AUTO_ENCODINGS[1:]) if (t := _sample_text(sample, c)) is not None)
    if not text.strip():
        return None  # empty: open_csv says so
    lines = list(io.StringIO(text, newline=""))  # split at \n, \r\n and \r alone, as csv counts lines
    delimiter = sniff_delimiter(lines[0].rstrip("\r\n"))
    reader = csv.reader(iter(lines), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return None
    if reader.line_num >= len(lines) and len(sample) == SAMPLE_BYTES:
        return None  # the header may go on past the sample
    return CsvHead(CsvSource(path, codec, codec, delimiter), [h.strip() for h in header], reader.line_num)


def _sample_text(sample: bytes, codec: str) -> str | None:
    """The sample decoded, a character cut at its end left out; None when it is not that encoding."""
    try:
        return codecs.getincrementaldecoder(codec)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def header_only(source: CsvSource) -> list[str]:
    """The header row of an export, read without reading the records after it."""
    records = iter(CsvRecords(source))
    try:
        return read_header(records, source.path).fields
    finally:
        records.close()


def normalise_header(name: str) -> str:
    """Fold a header for matching: case, accents, spacing and punctuation do not matter."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9#]+", "", folded)
