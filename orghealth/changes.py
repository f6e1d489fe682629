"""What changed since the previous snapshot, in one line a nightly message can carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

# (label, query for one as_of): the headline counts a leader follows from night to night.
MEASURES = {
    "headcount": "SELECT count(*) FILTER (WHERE is_active) FROM core.people WHERE as_of = $as_of",
    "single-threaded leaders": "SELECT single_threaded_leaders FROM marts.org_health WHERE as_of = $as_of",
    "pizza teams": "SELECT teams_within_pizza FROM marts.org_health WHERE as_of = $as_of",
    "cross-team links": "SELECT cross_team_links FROM marts.org_health WHERE as_of = $as_of",
}


@dataclass(frozen=True)
class Change:
    measure: str
    before: int | None
    after: int | None

    def __str__(self) -> str:
        if self.before is None or self.after is None:
            return f"{self.measure} {self.after}"
        delta = self.after - self.before
        return f"{self.measure} {self.before} → {self.after} ({'=' if delta == 0 else f'{delta:+d}'})"


def previous_as_of(con: duckdb.DuckDBPyConnection, as_of: date) -> date | None:
    row = con.execute("SELECT max(as_of) FROM marts.org_health WHERE as_of < $as_of", {"as_of": as_of}).fetchone()
    return row[0] if row else None


def changes(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple[date | None, list[Change]]:
    """The previous snapshot's date (None for the first) and each measure before and now."""
    before = previous_as_of(con, as_of)

    def value(sql: str, day: date | None) -> int | None:
        if day is None:
            return None
        rows = con.execute(sql, {"as_of": day}).fetchall()
        return rows[0][0] if rows else None

    return before, [Change(m, value(sql, before), value(sql, as_of)) for m, sql in MEASURES.items()]


def one_line(con: duckdb.DuckDBPyConnection, as_of: date) -> str:
    """E.g. "since 2026-11-13: headcount 298 → 299 (+1), single-threaded leaders 6 → 6 (=), ..."."""
    before, found = changes(con, as_of)
    listed = ", ".join(str(c) for c in found)
    return f"since {before}: {listed}" if before else f"first snapshot: {listed}"
