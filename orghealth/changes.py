"""What changed between two snapshots: who joined, left or moved team, STL changes, findings new and
resolved, and the headline measures; as a report (`orghealth diff`) and as one line a nightly message carries.

The rules are SQL, in sql/changes.sql, shared with the dashboard file's marts.snapshot_changes and
marts.stl_changes; the findings of a snapshot are orghealth/alerts/findings.py's, as alerts see them.
A snapshot is an as_of with a row in marts.org_health.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orghealth.alerts.findings import Finding, snapshot_findings
from orghealth.errors import OrgHealthError
from orghealth.render import terminal_table
from orghealth.sql_models import load_change_macros

# label: column of the macro snapshot_headline (sql/changes.sql); the counts a leader follows night to night.
MEASURES = {
    "headcount": "headcount",
    "single-threaded leaders": "single_threaded_leaders",
    "pizza teams": "teams_within_pizza",
    "cross-team links": "cross_team_links",
}
PAIR = "WITH pair AS (SELECT $previous::DATE AS previous_as_of, $as_of::DATE AS as_of) "


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


@dataclass(frozen=True)
class PersonChange:
    change: str  # joined, left or moved
    employee_id: str
    name: str
    from_team: str | None
    to_team: str | None


@dataclass(frozen=True)
class StlChange:
    change: str  # stream (its STL changed) or leader (their single-threaded status flipped)
    subject: str  # "legacy (Legacy reports)" or "Mia Pay (M1)"
    before: str | None  # the stream's STL before and after; None for a leader
    after: str | None
    reason: str


@dataclass(frozen=True)
class Diff:
    previous_as_of: date
    as_of: date
    people: list[PersonChange]
    stl: list[StlChange]
    findings_new: list[Finding] | None  # None: one of the snapshots has no quality run recorded
    findings_resolved: list[Finding] | None
    headline: list[Change]

    def people_changed(self, change: str) -> list[PersonChange]:
        return [p for p in self.people if p.change == change]

    def people_line(self) -> str:
        """'1 joined, 1 left, 1 moved team'."""
        joined, left, moved = (len(self.people_changed(c)) for c in ("joined", "left", "moved"))
        return f"{joined} joined, {left} left, {moved} moved team"

    def counts_line(self) -> str:
        """'1 joined, 1 left, 1 moved team; 2 STL changes (1 stream, 1 leader); findings 0 new, 1 resolved'."""
        streams = sum(1 for s in self.stl if s.change == "stream")
        stl = _counted(len(self.stl), "STL change")
        if self.stl:
            stl += f" ({_counted(streams, 'stream')}, {_counted(len(self.stl) - streams, 'leader')})"
        findings = (
            "findings not compared (a snapshot has no quality results)"
            if self.findings_new is None or self.findings_resolved is None
            else f"findings {len(self.findings_new)} new, {len(self.findings_resolved)} resolved"
        )
        return f"{self.people_line()}; {stl}; {findings}"


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def snapshots(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every snapshot in the database, oldest first."""
    return [d for (d,) in con.execute("SELECT DISTINCT as_of FROM marts.org_health ORDER BY as_of").fetchall()]


def previous_as_of(con: duckdb.DuckDBPyConnection, as_of: date) -> date | None:
    row = con.execute("SELECT max(as_of) FROM marts.org_health WHERE as_of < $as_of", {"as_of": as_of}).fetchone()
    return row[0] if row else None


def pick_snapshots(
    con: duckdb.DuckDBPyConnection, previous: date | None, as_of: date | None, where: str = "the database"
) -> tuple[date, date]:
    """The two snapshots to compare: `as_of` defaults to the latest, `previous` to the one before `as_of`.
    A date that is not a snapshot is an error naming the nearest ones."""
    found = snapshots(con)
    if not found:
        raise OrgHealthError(f"{where} has no snapshot yet: run `orghealth run` first")
    for option, day in (("--to", as_of), ("--from", previous)):
        if day is not None and day not in found:
            raise OrgHealthError(f"{option} {day} is not a snapshot in {where}; the nearest are {_nearest(found, day)}")
    as_of = as_of or found[-1]
    if previous is None:
        earlier = [d for d in found if d < as_of]
        if not earlier:
            raise OrgHealthError(f"{as_of} is the first snapshot in {where}: there is no earlier one to compare with")
        previous = earlier[-1]
    if previous >= as_of:
        raise OrgHealthError(f"--from {previous} is not before --to {as_of}")
    return previous, as_of


def _nearest(found: list[date], day: date) -> str:
    earlier = [d for d in found if d < day][-1:]
    later = [d for d in found if d > day][:1]
    return " and ".join(d.isoformat() for d in earlier + later)


def headline(con: duckdb.DuckDBPyConnection, previous: date | None, as_of: date) -> list[Change]:
    """Each measure at `previous` (None when there is none) and at `as_of`."""
    load_change_macros(con)
    rows = {
        day: values
        for day, *values in con.execute(
            f"SELECT as_of, {', '.join(MEASURES.values())} FROM snapshot_headline(current_database()) "
            "WHERE as_of IN ($previous, $as_of)",
            {"previous": previous, "as_of": as_of},
        ).fetchall()
    }

    def value(day: date | None, index: int) -> int | None:
        return rows[day][index] if day in rows else None

    return [Change(label, value(previous, i), value(as_of, i)) for i, label in enumerate(MEASURES)]


def diff(con: duckdb.DuckDBPyConnection, previous: date, as_of: date) -> Diff:
    """What changed from the snapshot `previous` to the snapshot `as_of`."""
    load_change_macros(con)
    params = {"previous": previous, "as_of": as_of}
    people = [
        PersonChange(*row)
        for row in con.execute(
            PAIR + "SELECT change, employee_id, name, from_team, to_team FROM people_changes(current_database(), pair) "
            "ORDER BY CASE change WHEN 'joined' THEN 1 WHEN 'left' THEN 2 ELSE 3 END, name, employee_id",
            params,
        ).fetchall()
    ]
    stl = [
        StlChange(change, subject, before, after, reason)
        for change, subject, before, after, reason in con.execute(
            PAIR + "SELECT change, CASE change WHEN 'stream' THEN stream_id || ' (' || stream_name || ')' "
            "ELSE leader_name || ' (' || leader_id || ')' END, "
            "CASE change WHEN 'stream' THEN coalesce(previous_stl_name, previous_stl_email, 'none') END, "
            "CASE change WHEN 'stream' THEN coalesce(stl_name, stl_email, 'none') END, reason "
            "FROM stl_changes(current_database(), pair) ORDER BY change DESC, stream_id, leader_name",
            params,
        ).fetchall()
    ]
    before, after = snapshot_findings(con, previous), snapshot_findings(con, as_of)
    compared = before is not None and after is not None
    return Diff(
        previous_as_of=previous,
        as_of=as_of,
        people=people,
        stl=stl,
        findings_new=sorted(after - before) if compared else None,
        findings_resolved=sorted(before - after) if compared else None,
        headline=headline(con, previous, as_of),
    )


def one_line(con: duckdb.DuckDBPyConnection, as_of: date) -> str:
    """E.g. "since 2026-11-13: 1 joined, 1 left, 1 moved team; 1 STL change (1 stream, 0 leaders); findings 1 new,
    0 resolved; headcount 14 → 14 (=), single-threaded leaders 6 → 6 (=), ..."."""
    before = previous_as_of(con, as_of)
    if before is None:
        return "first snapshot: " + ", ".join(str(c) for c in headline(con, None, as_of))
    found = diff(con, before, as_of)
    return f"since {before}: {found.counts_line()}; " + ", ".join(str(c) for c in found.headline)


def report(found: Diff) -> str:
    """The sections `orghealth diff` prints: people, STL changes, findings, headline."""
    people = [(p.change, p.employee_id, p.name, p.from_team or "", p.to_team or "") for p in found.people]
    sections = [
        [f"from {found.previous_as_of} to {found.as_of}"],
        [
            f"people: {found.people_line()}",
            *([terminal_table(("change", "employee", "name", "from team", "to team"), people)] if people else []),
        ],
        [
            f"STL changes: {len(found.stl)}",
            *(
                [
                    terminal_table(
                        ("change", "stream or leader", "STL before", "STL after", "why"),
                        [(s.change, s.subject, s.before or "", s.after or "", s.reason) for s in found.stl],
                    )
                ]
                if found.stl
                else []
            ),
        ],
        _findings_section(found),
        ["headline:", *(f"  {c}" for c in found.headline)],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)


def _findings_section(found: Diff) -> list[str]:
    if found.findings_new is None or found.findings_resolved is None:
        return ["findings: not compared (one of the snapshots has no quality results recorded)"]
    rows = [("new", *f) for f in found.findings_new] + [("resolved", *f) for f in found.findings_resolved]
    return [
        f"findings: {len(found.findings_new)} new, {len(found.findings_resolved)} resolved "
        "(org-health findings of each snapshot's last run, see quality.expectation_results)",
        *([terminal_table(("finding", "suite", "expectation", "column"), rows)] if rows else []),
    ]
