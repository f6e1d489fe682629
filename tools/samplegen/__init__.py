"""Deterministic generator of the orghealth sample organisation ("Acme"), written as real exports.

``write_sample_org(out_dir)`` writes, for a fixed seed and reference date (``as_of``):

* ``hris_people.csv`` - an HRIS people export (UTF-8 with BOM, CRLF, minimal quoting, US dates):
  CEO -> VPs/CFO/CPO -> directors -> managers -> individual contributors, Engineering plus
  Product, Sales, Finance and People departments (only Engineering does Jira work).
* ``jira_export.csv`` - Jira Cloud's issue navigator "Export CSV (all fields)" for every project but
  one (all fields quoted, repeated headers for multi-valued fields, ``3/Jan/24 9:05 AM`` dates,
  ``Parent`` holding the parent's numeric issue id, comments as ``date;accountId;body``).
* ``jira_json/page-NNN.json`` - pages of ``GET /rest/api/3/search/jql`` for the one project that is
  not in the CSV (``PAY``), with ``nextPageToken``/``isLast`` paging; emails for some users only.
* ``orghealth.yaml`` - the org config: org_name, as_of, paths, identity aliases, 12 work streams with their
  kind (program/product/project), single-threaded leader (STL) and matching rules.
* ``planted.json`` - the employee ids of everything planted below, for tests.

Planted patterns (an STL analysis over a 90-day window ending at ``as_of`` must find them):

1. Spread leader: a Director of Engineering whose three teams split their recent work evenly over
   Checkout, Merchant Dashboard and Search (no stream above ~40%) and who is STL of two streams.
2. Oversized team: the Payments engineering manager has 14 engineer direct reports.
3. Project team: Compliance Engineering spends >= 80% of its recent work on the GDPR Data Retention
   *project* (matched by epic keys), which is ~20 months old and still has open work.
4. Hub team: Developer Platform's issues block issues of 10 other teams (45+ Blocks links out,
   3 in); all other teams have only a few Blocks links among each other.
5. Shared people: 8 engineers whose work is split 50/50 over two streams.
6. Healthy teams: most teams have 3-8 engineers, >= 70% of recent work on one program and an STL
   who owns exactly that one stream.
7. Edge cases: a manager with a single report (Release Engineering), a new team with no Jira items
   (Applied ML), a stream with an empty STL, a stream whose STL has left the company.
8. Dirty data: ~5% of issues match no work stream, one issue whose parent is not in the export, one
   Blocks link to ``LEGACY-17`` (not in the export), issues without story points, one HRIS row with
   the unparseable hire date ``31/31/2020``, two people whose Jira display name differs from HRIS
   (resolved through ``identity.aliases``), one assignee who is not in HRIS at all (``Alex Vendor``),
   a terminated employee still assigned to open issues, and a JSON email in Mixed Case.

Everything comes from one ``random.Random(seed)``; nothing reads the clock, so the same arguments give
byte-identical files.  Issues are planned into compact ``array`` columns and rows are streamed to disk,
so ``--people 20000 --issues 1000000`` runs in a few minutes in modest memory.

Modules: ``plan`` (with ``org``, ``work`` and ``links``) builds the in-memory plan; ``hris_csv``,
``jira_csv``, ``jira_json``, ``config_yaml`` and ``planted`` each write one output format.

Usage::

    python -m tools.samplegen --out DIR [--people N] [--issues M] [--seed S]
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from tools.samplegen.catalog import (
    CONFIG_FILE,
    DEFAULT_AS_OF,
    DEFAULT_ISSUES,
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    ENGINEER_TITLES,
    HRIS_FILE,
    JIRA_CSV_FILE,
    JIRA_JSON_DIR,
    MONTHS,
    PLANTED_FILE,
)
from tools.samplegen.config_yaml import write_config_yaml
from tools.samplegen.hris_csv import HRIS_HEADER, write_hris_csv
from tools.samplegen.jira_csv import write_jira_csv
from tools.samplegen.jira_json import write_jira_json
from tools.samplegen.plan import plan_sample_org
from tools.samplegen.planted import write_planted

__all__ = [
    "CONFIG_FILE",
    "DEFAULT_AS_OF",
    "DEFAULT_ISSUES",
    "DEFAULT_PEOPLE",
    "DEFAULT_SEED",
    "ENGINEER_TITLES",
    "HRIS_FILE",
    "HRIS_HEADER",
    "JIRA_CSV_FILE",
    "JIRA_JSON_DIR",
    "MONTHS",
    "PLANTED_FILE",
    "main",
    "write_sample_org",
]


def write_sample_org(
    out_dir: Path,
    *,
    people: int = DEFAULT_PEOPLE,
    issues: int = DEFAULT_ISSUES,
    seed: int = DEFAULT_SEED,
    as_of: date = DEFAULT_AS_OF,
) -> None:
    """Write the sample organisation's exports, config and planted.json into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_sample_org(people, issues, seed, as_of)
    # The Jira writers draw from the plan's rng, so this order is part of the output.
    write_hris_csv(plan, out_dir / HRIS_FILE)
    n_csv = write_jira_csv(plan, out_dir / JIRA_CSV_FILE)
    n_json = write_jira_json(plan, out_dir / JIRA_JSON_DIR)
    write_config_yaml(plan, out_dir / CONFIG_FILE)
    write_planted(plan, out_dir / PLANTED_FILE, n_csv, n_json)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.samplegen", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    parser.add_argument("--issues", type=int, default=DEFAULT_ISSUES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    args = parser.parse_args(argv)
    write_sample_org(args.out, people=args.people, issues=args.issues, seed=args.seed, as_of=args.as_of)
