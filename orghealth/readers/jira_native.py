"""Jira CSV exports read by DuckDB's own CSV reader, straight into the raw tables: the fast road for the
millions of rows a large Jira holds. orghealth.readers.jira reads the same files in Python, row by row; this
reader gives the same rows, the same physical line numbers and the same rejects, or gives up (returns None)
and leaves the file to that reader. It gives up on whatever it cannot read exactly: a row DuckDB's strict
parser refuses (a wrong number of fields, a stray quote), bytes that are not the encoding the sample showed,
or line breaks it cannot account for (blank lines between records, which DuckDB skips without a trace).

Physical line numbers: DuckDB numbers records, not lines, and a description may run over many lines. Each
record's line breaks are counted in its fields as DuckDB reads them (in parallel) into a scratch table, which
keeps file order; a running sum over those counts alone (a window with no ORDER BY over the scratch table, in
its row order) gives the line each record starts on, joined back by row id. The sum over the whole file must
equal the file's own count of line breaks, else the numbers cannot be trusted and the file is left to the
Python reader.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orghealth.readers.csv_files import CsvHead
from orghealth.readers.extract import Reject

DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "latin-1": "latin-1"}
# What Python's str.strip() removes, so that both readers trim a value alike.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)

# The scratch records with the line each starts on.
_NUMBERED = "jira_csv_records JOIN jira_csv_lines ON jira_csv_lines.record = jira_csv_records.rowid"


@dataclass(frozen=True)
class Columns:
    """Where each canonical field is in the file's header: positions, as orghealth.readers.jira maps them."""

    single: dict[str, int]
    multi: dict[str, list[int]]
    story_points: list[int]
    epic_link: list[int]
    links: list[tuple[int, str, str]]  # (position, link type, direction)
    count: int  # fields per record


@dataclass(frozen=True)
class NativeLoad:
    issues: int
    links: int
    rows_read: int
    lines_read: int
    rejects: list[Reject]


@dataclass(frozen=True)
class Lines:
    physical: int  # what an editor counts: every line break, and a last line without one
    trailing_blank: int  # empty lines after the last record, which no reader turns into a record


def count_lines(path: Path) -> Lines:
    """The file's lines, with line breaks as Python's csv counts them (\\r\\n, \\n, or \\r alone)."""
    lf = cr = crlf = 0
    previous_cr, tail = False, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            lf, cr = lf + chunk.count(b"\n"), cr + chunk.count(b"\r")
            crlf += chunk.count(b"\r\n") + (previous_cr and chunk.startswith(b"\n"))
            previous_cr, tail = chunk.endswith(b"\r"), (tail + chunk)[-(1 << 16) :]
    ends_with_break = tail.endswith((b"\n", b"\r"))
    # After the last character that is not a line break: the last record's own break, then blank lines.
    after = tail[len(tail.rstrip(b"\r\n")) :]
    breaks_after = after.count(b"\n") + after.count(b"\r") - after.count(b"\r\n")
    return Lines(lf + cr - crlf + (0 if ends_with_break else 1), max(breaks_after - 1, 0))


def _clean(column: str) -> str:
    """The value trimmed as Python's str.strip() trims it, NULL when nothing is left. Trimming a set of 29
    characters costs seven times a plain read, so only values whose first or last character could be one of
    them (ASCII 32 or below, or 133 and above) are trimmed; DuckDB's reader gives NULL, never '', for an
    empty field."""
    edge = f"ord({column}[1]) <= 32 OR ord({column}[-1]) <= 32 OR ord({column}[1]) >= 133 OR ord({column}[-1]) >= 133"
    return f"CASE WHEN {edge} THEN nullif(trim({column}, $whitespace), '') ELSE {column} END"


def _first(positions: list[int]) -> str:
    return f"coalesce({', '.join(_clean(f'c{p}') for p in positions)})" if positions else "NULL"


def _breaks(record: str) -> str:
    """Line breaks inside a record's fields (`record`: them joined): \\n, plus \\r alone (\\r\\n counted once)."""
    return (
        f"CASE WHEN NOT (contains({record}, chr(10)) OR contains({record}, chr(13))) THEN 0 ELSE "
        f"length({record}) - length(replace({record}, chr(10), '')) "
        f"+ length({record}) - length(replace({record}, chr(13), '')) "
        f"- (length({record}) - length(replace({record}, chr(13) || chr(10), ''))) // 2 END"
    )


def load_csv(
    con: duckdb.DuckDBPyConnection, head: CsvHead, columns: Columns, file_headers: dict[str, str], *,
    issues_table: str, links_table: str,
) -> NativeLoad | None:  # fmt: skip
    """Insert one CSV export's issues and links into the given tables, or return None (nothing inserted) when
    DuckDB cannot read the file exactly. Call it outside a transaction: a statement DuckDB refuses would abort
    it. Works through scratch tables that are dropped either way."""
    source = head.source
    encoding = DUCKDB_ENCODINGS.get(source.codec)
    if encoding is None:
        return None
    names = [f"c{i}" for i in range(columns.count)]
    kept = sorted(
        {*columns.single.values(), *(p for ps in columns.multi.values() for p in ps), *columns.story_points,
         *columns.epic_link, *(p for p, _, _ in columns.links), *range(min(5, columns.count))}
    )  # fmt: skip
    types = ", ".join(f"'{n}': 'VARCHAR'" for n in names)
    params = {"path": str(source.path), "delim": source.delimiter, "encoding": encoding, "whitespace": WHITESPACE}
    # A record starts on the line after the lines of the header and of every record before it: a running sum.
    # The records land in the scratch table in file order (DuckDB keeps insertion order), so the sum is taken
    # by a streaming window over their line breaks alone and joined back by row id: a window over the read
    # itself would hold up DuckDB's parallel reader.
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(count_lines, source.path)  # the file's own count, read meanwhile
        try:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE jira_csv_records AS
                    SELECT {", ".join(f"c{p}" for p in kept)}, {_breaks("record")} AS breaks,
                           {_clean(f"c{columns.single['issue_key']}")} AS issue_key_clean
                    FROM (SELECT *, concat_ws(chr(31), {", ".join(names)}) AS record
                          FROM read_csv($path, header = true, auto_detect = false, delim = $delim, quote = '"',
                                        escape = '"', encoding = $encoding, strict_mode = true,
                                        columns = {{{types}}}))""",
                params,
            )
        except duckdb.Error:  # a row DuckDB's strict reader refuses, or bytes not in the sample's encoding
            con.execute("DROP TABLE IF EXISTS jira_csv_records")
            return None
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE jira_csv_lines AS
                SELECT rowid AS record,
                       {head.header_lines} + sum(breaks + 1) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                       - breaks AS source_line
                FROM jira_csv_records"""
        )
        lines = counting.result()
    try:
        records, record_lines = con.execute(
            "SELECT count(*), coalesce(sum(breaks + 1), 0) FROM jira_csv_records"
        ).fetchone()
        if head.header_lines + record_lines + lines.trailing_blank != lines.physical:
            return None  # blank lines between records: DuckDB skipped them, so the running sum is short
        return _copy_rows(con, source.path, columns, file_headers, records, lines.physical - head.header_lines,
                          issues_table=issues_table, links_table=links_table)  # fmt: skip
    finally:
        con.execute("DROP TABLE IF EXISTS jira_csv_records; DROP TABLE IF EXISTS jira_csv_lines")


def _copy_rows(
    con: duckdb.DuckDBPyConnection, path: Path, columns: Columns, file_headers: dict[str, str], records: int,
    lines: int, *, issues_table: str, links_table: str,
) -> NativeLoad:  # fmt: skip
    fields = {f: _clean(f"c{p}") for f, p in columns.single.items() if f != "issue_key"}
    fields |= {f: f"list_filter([{', '.join(_clean(f'c{p}') for p in ps)}], lambda x: x IS NOT NULL)" if ps
               else "[]::VARCHAR[]" for f, ps in columns.multi.items()}  # fmt: skip
    fields["story_points"] = _first(columns.story_points)
    fields["epic_link"] = _first(columns.epic_link)
    selected = ", ".join(f"{expression} AS {field}" for field, expression in fields.items())
    params = {"file": str(path), "whitespace": WHITESPACE}
    ((issues,),) = con.execute(  # an INSERT answers with the rows it inserted
        f"""INSERT INTO {issues_table} BY NAME
            SELECT $file AS source_file, source_line, issue_key_clean AS issue_key, {selected}
            FROM {_NUMBERED} WHERE issue_key_clean IS NOT NULL""",
        params,
    ).fetchall()
    links = 0
    if columns.links:
        listed = ", ".join(
            f"{{'link_type': '{link_type.replace(chr(39), chr(39) * 2)}', 'direction': '{direction}', "
            f"'linked_issue_key': {_clean(f'c{p}')}}}"
            for p, link_type, direction in columns.links
        )
        ((links,),) = con.execute(
            f"""INSERT INTO {links_table} BY NAME
                SELECT $file AS source_file, source_line, issue_key, link.link_type, link.direction,
                       link.linked_issue_key
                FROM (SELECT source_line, issue_key_clean AS issue_key, unnest([{listed}]) AS link
                      FROM {_NUMBERED} WHERE issue_key_clean IS NOT NULL)
                WHERE link.linked_issue_key IS NOT NULL""",
            params,
        ).fetchall()
    first_five = ", ".join(f"coalesce(c{p}, '')" for p in range(min(5, columns.count)))
    blank_keys = con.execute(
        f"SELECT source_line, [{first_five}] FROM {_NUMBERED} WHERE issue_key_clean IS NULL ORDER BY source_line"
    ).fetchall()
    rejects = [
        Reject(str(path), line, file_headers["issue_key"], None, "issue key is blank", record)
        for line, record in blank_keys
    ]
    return NativeLoad(issues=issues, links=links, rows_read=records, lines_read=lines, rejects=rejects)
