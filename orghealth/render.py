"""Tables for people: in the terminal (rich) and in Dagster's metadata (Markdown)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import StringIO

from rich import box
from rich.console import Console
from rich.table import Table

TERMINAL_WIDTH = 160


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def terminal_table(columns: Sequence[str], rows: Iterable[Sequence[object]], *, right: Sequence[str] = ()) -> str:
    """A plain-text table (no colour, no frame) for command output; columns named in `right` align right.

    Only the last column wraps, so the names before it stay whole and can be searched for.
    """
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for position, column in enumerate(columns, start=1):
        last = position == len(columns)
        table.add_column(column, justify="right" if column in right else "left", no_wrap=not last, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console = Console(file=StringIO(), width=TERMINAL_WIDTH, color_system=None, highlight=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines() if line.strip())


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table for Dagster's metadata; "none" when there are no rows."""
    body = ["| " + " | ".join(_cell(v).replace("|", "/").replace("\n", " ") for v in row) + " |" for row in rows]
    if not body:
        return "none"
    return "\n".join(["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns), *body])
