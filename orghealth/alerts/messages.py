"""What an alert says: what failed, on which as_of, how many rows, one or two example keys, and links.

Examples come from the expectation results, which may hold any column of the offending rows. Only id-like
fields (the suite's key columns and columns named like ids) with id-like values reach a message: never a
person's name or email.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from orghealth.quality.validate import Outcome

Trigger = Literal["blocked", "new_finding", "run_failed", "test"]
MAX_EXAMPLES = 2
# A field is id-like when the suite names it as its key, or its name ends in id, key, line or row.
ID_FIELD = re.compile(r"(^|_)(id|key|line|row|number|no)$", re.IGNORECASE)
PERSONAL_FIELD = re.compile(r"name|mail|phone|title|address", re.IGNORECASE)
# An id is one short token: no spaces (a name), no @ (an email).
ID_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/#-]{0,63}$")
NUMBERS = re.compile(r"^[\[\]()\d.,\s%eE+-]{1,40}$")  # an observed rate or row count, nothing else
EMAIL = re.compile(r"[^\s@'\"<>]+@[^\s@'\"<>]+")


@dataclass(frozen=True)
class Alert:
    trigger: Trigger
    title: str
    as_of: date | None
    lines: tuple[str, ...]
    subject: str = ""  # with run_id and trigger, what is sent at most once per run
    run_id: str | None = None
    run_url: str | None = None
    data_docs: str | None = None
    dashboard_url: str | None = None  # alerts.dashboard_url: the dashboard, with the run log, when configured
    facts: tuple[tuple[str, str], ...] = field(default=())

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.run_id or "", self.trigger, self.subject)

    def links(self) -> list[tuple[str, str]]:
        found = []
        if self.run_url:
            found.append(("Dagster run", self.run_url))
        if self.data_docs:
            found.append(("Data Docs", self.data_docs))
        if self.dashboard_url:
            found.append(("Dashboard", self.dashboard_url))
        return found

    def all_facts(self) -> list[tuple[str, str]]:
        head = [("trigger", self.trigger)] + ([("as_of", self.as_of.isoformat())] if self.as_of else [])
        return head + list(self.facts) + self.links()

    def text(self) -> str:
        """Plain text, readable in Slack, a mail body or a terminal."""
        body = [self.title, *(f"- {line}" for line in self.lines)]
        body += [f"{label}: {url}" for label, url in self.links()]
        return "\n".join(body)


def run_url(dagster_url: str, run_id: str) -> str:
    return f"{dagster_url.rstrip('/')}/runs/{run_id}"


def data_docs_url(docs_dir: Path) -> str:
    return (docs_dir / "index.html").resolve().as_uri()


def _id_fields(row: Mapping[str, object], keys: Iterable[str]) -> list[tuple[str, str]]:
    keys = set(keys)
    kept = []
    for name, value in row.items():
        if value is None or PERSONAL_FIELD.search(name) or not (name in keys or ID_FIELD.search(name)):
            continue
        text = str(value)
        if ID_VALUE.match(text):
            kept.append((name, text))
    return kept


def example_keys(outcome: Outcome, keys: Iterable[str] = ()) -> list[str]:
    """At most two offending rows, each named by its id-like fields only (`employee_id E4`)."""
    if not outcome.unexpected_examples:
        return []
    try:
        examples = json.loads(outcome.unexpected_examples)
    except ValueError:
        return []
    named = []
    for example in examples if isinstance(examples, list) else []:
        if isinstance(example, Mapping):
            fields = _id_fields(example, keys)
        elif outcome.column_name and example is not None:  # a bare value: only when its column is an id
            fields = _id_fields({outcome.column_name: example}, ())
        else:
            fields = []
        if fields:
            label = ", ".join(f"{name} {value}" for name, value in fields)
            if label not in named:
                named.append(label)
        if len(named) == MAX_EXAMPLES:
            break
    return named


def describe(outcome: Outcome, keys: Iterable[str] = ()) -> str:
    """One line: the suite, the expectation and its column, the rows, up to two example keys."""
    where = f"({outcome.column_name})" if outcome.column_name else ""
    parts = [f"{outcome.suite}: {outcome.expectation}{where}"]
    if outcome.unexpected_count:
        parts.append(f"{outcome.unexpected_count} row{'s' if outcome.unexpected_count != 1 else ''}")
    elif outcome.observed_value is not None and NUMBERS.match(outcome.observed_value):
        parts.append(f"observed {outcome.observed_value}")
    examples = example_keys(outcome, keys)
    if examples:
        parts.append("e.g. " + "; ".join(examples))
    return " — ".join(parts)


def _outcome_alert(
    trigger: Trigger, title: str, outcomes: list[Outcome], *, as_of: date, run_id: str, dagster_url: str,
    docs_dir: Path | None, suite_keys: Mapping[str, list[str]], dashboard_url: str | None,
) -> Alert:  # fmt: skip
    ordered = sorted(outcomes, key=lambda o: (o.suite, o.expectation, o.column_name or ""))
    return Alert(
        trigger=trigger,
        title=title,
        as_of=as_of,
        lines=tuple(describe(o, suite_keys.get(o.suite, ())) for o in ordered),
        subject=as_of.isoformat(),
        run_id=run_id,
        run_url=run_url(dagster_url, run_id),
        data_docs=data_docs_url(docs_dir) if docs_dir else None,
        dashboard_url=dashboard_url,
        facts=(("expectations", str(len(ordered))),),
    )


def blocked_alert(
    outcomes: list[Outcome], *, as_of: date, run_id: str, dagster_url: str, docs_dir: Path | None = None,
    suite_keys: Mapping[str, list[str]] | None = None, dashboard_url: str | None = None,
) -> Alert | None:  # fmt: skip
    """One alert for a run the quality gate stopped, listing every data error that failed; None if none did."""
    failed = [o for o in outcomes if o.severity == "error" and not o.success]
    if not failed:
        return None
    title = f"orghealth: publication blocked for as_of {as_of.isoformat()}: {len(failed)} data error(s)"
    return _outcome_alert("blocked", title, failed, as_of=as_of, run_id=run_id, dagster_url=dagster_url,
                          docs_dir=docs_dir, suite_keys=suite_keys or {}, dashboard_url=dashboard_url)  # fmt: skip


def findings_alert(
    new: list[Outcome], *, as_of: date, since: date | None, run_id: str, dagster_url: str,
    docs_dir: Path | None = None, suite_keys: Mapping[str, list[str]] | None = None, dashboard_url: str | None = None,
) -> Alert | None:  # fmt: skip
    """One alert for the org-health findings that are new since the snapshot `since`; None if there are none."""
    if not new:
        return None
    after = f"since {since.isoformat()}" if since else "in the first snapshot"
    title = f"orghealth: {len(new)} new org-health finding(s) {after}, as_of {as_of.isoformat()}"
    return _outcome_alert("new_finding", title, new, as_of=as_of, run_id=run_id, dagster_url=dagster_url,
                          docs_dir=docs_dir, suite_keys=suite_keys or {}, dashboard_url=dashboard_url)  # fmt: skip


def run_failed_alert(
    step: str,
    error: str,
    *,
    as_of: date | None,
    run_id: str | None,
    dagster_url: str,
    docs_dir: Path | None = None,
    dashboard_url: str | None = None,
) -> Alert:
    """The run stopped on an error (not the quality gate): which step, and the error's first line, emails hidden.
    No run_id (the CLI failed before Dagster started a run): no run link."""
    first = (error.strip().splitlines() or ["unknown error"])[0]
    first = EMAIL.sub("<email>", first)
    if len(first) > 300:
        first = first[:297] + "..."
    day = f" for as_of {as_of.isoformat()}" if as_of else ""
    return Alert(
        trigger="run_failed",
        title=f"orghealth: run failed{day}: step {step}",
        as_of=as_of,
        lines=(f"{step}: {first}",),
        subject="run",
        run_id=run_id,
        run_url=run_url(dagster_url, run_id) if run_id else None,
        data_docs=data_docs_url(docs_dir) if docs_dir else None,
        dashboard_url=dashboard_url,
    )


def trial_alert(dagster_url: str, dashboard_url: str | None = None) -> Alert:
    return Alert(
        trigger="test",
        title="orghealth: test message",
        as_of=None,
        lines=("This channel receives orghealth's alerts.",),
        subject="test",
        dashboard_url=dashboard_url,
        facts=(("dagster", dagster_url),),
    )
