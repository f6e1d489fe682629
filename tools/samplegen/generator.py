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
* ``orghealth.yaml`` - the org config: as_of, paths, identity aliases, 12 work streams with their
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

Usage::

    python -m orghealth.sample_org.generator --out DIR [--people N] [--issues M] [--seed S]
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import marshal
import math
import random
import re
import tempfile
import unicodedata
from array import array
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

DEFAULT_SEED = 20261120
DEFAULT_AS_OF = date(2026, 11, 20)
DEFAULT_PEOPLE = 300
DEFAULT_ISSUES = 2500
MIN_PEOPLE = 160
MIN_ISSUES = 1000

DOMAIN = "acme.example"
JIRA_SITE = "https://acme.atlassian.net"
RECENT_DAYS = 90
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
JSON_PAGE_SIZE = 200

HRIS_FILE = "hris_people.csv"
JIRA_CSV_FILE = "jira_export.csv"
JIRA_JSON_DIR = "jira_json"
CONFIG_FILE = "orghealth.yaml"
PLANTED_FILE = "planted.json"

HRIS_HEADER = [
    "Employee ID",
    "Full Name",
    "Work Email",
    "Manager ID",
    "Job Title",
    "Department",
    "Team",
    "Location",
    "Employment Type",
    "Hire Date",
    "Termination Date",
    "Status",
]
MALFORMED_HIRE_DATE = "31/31/2020"
UNKNOWN_ASSIGNEE = "Alex Vendor"
DANGLING_LINK_KEY = "LEGACY-17"

# Titles of individual-contributor engineers (managers and directors are not engineers).
ENGINEER_TITLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Staff Software Engineer",
    "Principal Software Engineer",
    "Site Reliability Engineer",
    "Frontend Developer",
    "Backend Engineer",
    "QA Engineer",
    "Data Engineer",
    "Mobile Engineer",
)
_ENG_TITLE_WEIGHTS = (30, 28, 6, 1, 6, 9, 8, 5, 0, 0)


# --------------------------------------------------------------------------------------------- model
@dataclass(frozen=True)
class _Stream:
    id: str
    name: str
    kind: str
    projects: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    epic_rule: bool = False
    age_days: int | None = None  # days before as_of the stream started (None: before Jira history)


STREAMS: tuple[_Stream, ...] = (
    _Stream("payments", "Payments Platform", "program", projects=("PAY",)),
    _Stream("checkout", "Checkout", "program", projects=("CHK",)),
    _Stream("merchant-dashboard", "Merchant Dashboard", "product", projects=("MER",)),
    _Stream("search", "Search & Discovery", "program", projects=("SRCH",)),
    _Stream("identity", "Identity & Access", "program", projects=("IAM",), components=("Auth",)),
    _Stream(
        "developer-platform",
        "Developer Platform",
        "program",
        projects=("PLAT",),
        components=("CI/CD", "Build Tooling"),
    ),
    _Stream("data-platform", "Data Platform", "program", projects=("DATA",)),
    _Stream("mobile-app", "Mobile App", "product", projects=("MOB",), labels=("ios", "android")),
    _Stream("notifications", "Notifications", "program", projects=("NOTIF",), components=("Notifications",)),
    _Stream("reporting", "Merchant Reporting", "program", projects=("RPT",)),
    _Stream("gdpr-retention", "GDPR Data Retention", "project", epic_rule=True, age_days=627),
    _Stream("dc-exit", "Datacenter Exit", "project", labels=("dc-exit",), age_days=158),
)
_SIDX = {s.id: i for i, s in enumerate(STREAMS)}
UNMAPPED = -1
PAYMENTS, CHECKOUT, MERCHANT, SEARCH = (_SIDX[k] for k in ("payments", "checkout", "merchant-dashboard", "search"))
IDENTITY, PLATFORM, DATA, MOBILE = (_SIDX[k] for k in ("identity", "developer-platform", "data-platform", "mobile-app"))
NOTIFS, REPORTING, GDPR, DCEXIT = (_SIDX[k] for k in ("notifications", "reporting", "gdpr-retention", "dc-exit"))
# Streams a filler team can be built around: programs whose STL owns exactly that one stream.
_FILLER_STREAMS = (PAYMENTS, SEARCH, IDENTITY, PLATFORM, DATA)

# Jira projects: key, name, neutral components (never matched by a work-stream rule).
PROJECTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("PAY", "Payments Platform", ("Ledger", "Payouts", "Risk", "Card Processing")),
    ("CHK", "Checkout", ("Cart", "Promotions", "Tax", "Payment Page")),
    ("MER", "Merchant Dashboard", ("Dashboard", "Onboarding", "Settings")),
    ("SRCH", "Search", ("Indexing", "Ranking", "Query API")),
    ("IAM", "Identity & Access", ("SSO", "Permissions", "SCIM")),
    ("PLAT", "Developer Platform", ("Kubernetes", "Observability", "Terraform")),
    ("DATA", "Data Platform", ("Warehouse", "Pipelines", "dbt")),
    ("MOB", "Mobile App", ("iOS App", "Android App", "Offline Mode")),
    ("NOTIF", "Notifications", ("Email", "SMS", "Push")),
    ("RPT", "Reporting", ("Exports", "Scheduled Reports", "Dashboards")),
    ("ENG", "Engineering", ("Tooling", "Docs", "Developer Onboarding")),
    ("SUP", "Support Escalations", ("Escalation", "Customer Bug", "Data Fix")),
)
_PIDX = {p[0]: i for i, p in enumerate(PROJECTS)}
JSON_PROJECT = "PAY"
_PAY = _PIDX[JSON_PROJECT]
_ENG_P, _SUP_P, _DATA_P = _PIDX["ENG"], _PIDX["SUP"], _PIDX["DATA"]
_COMPONENT_IDS: dict[str, int] = {}
for _p in PROJECTS:
    for _c in (*_p[2], "Auth", "CI/CD", "Build Tooling", "Notifications"):
        _COMPONENT_IDS.setdefault(f"{_p[0]}/{_c}", 10100 + len(_COMPONENT_IDS))

NEUTRAL_LABELS = (
    "backend",
    "frontend",
    "tech-debt",
    "customer-reported",
    "performance",
    "security",
    "quick-win",
    "observability",
    "a11y",
    "flaky-test",
    "q4-okr",
    "needs-design",
)

# mechanisms by which an issue reaches its stream
M_PROJECT, M_COMPONENT, M_LABEL, M_EPIC = 0, 1, 2, 3
# issue types
EPIC, STORY, TASK, BUG, SUBTASK = 0, 1, 2, 3, 4
ISSUE_TYPES = ("Epic", "Story", "Task", "Bug", "Sub-task")
# statuses
TODO, IN_PROGRESS, IN_REVIEW, DONE = 0, 1, 2, 3
STATUS_NAMES = ("To Do", "In Progress", "In Review", "Done")
STATUS_CATEGORY = ("To Do", "In Progress", "In Progress", "Done")
STATUS_CATEGORY_KEY = ("new", "indeterminate", "indeterminate", "done")
# special assignee values
UNASSIGNED, VENDOR = -1, -2
EXTERNAL_PARENT = -2

# ------------------------------------------------------------------------------------------ vocabulary
FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Michael", "Jennifer", "David", "Linda", "William", "Elizabeth",
    "Richard", "Barbara", "Joseph", "Susan", "Thomas", "Jessica", "Charles", "Sarah", "Daniel", "Karen",
    "Matthew", "Nancy", "Anthony", "Lisa", "Mark", "Betty", "Steven", "Sandra", "Paul", "Ashley",
    "Andrew", "Kimberly", "Joshua", "Emily", "Kenneth", "Donna", "Kevin", "Michelle", "Brian", "Carol",
    "George", "Amanda", "Timothy", "Melissa", "Ronald", "Deborah", "Jason", "Stephanie", "Ryan", "Rebecca",
    "Jacob", "Laura", "Gary", "Sharon", "Nicholas", "Cynthia", "Eric", "Kathleen", "Jonathan", "Amy",
    "Priya", "Arjun", "Ananya", "Rahul", "Sanjay", "Deepa", "Wei", "Mei", "Hiroshi", "Yuki",
    "Kenji", "Sakura", "Min-jun", "Ji-woo", "Olumide", "Chiamaka", "Kwame", "Amara", "Tariq", "Leila",
    "Omar", "Fatima", "Mateo", "Valentina", "Santiago", "Camila", "Lucas", "Sofia", "Liam", "Olivia",
    "Noah", "Emma", "Elijah", "Ava", "Ethan", "Mia", "Aiden", "Harper", "Maya", "Isaac",
    "Hannah", "Nora", "Felix", "Greta", "Lars", "Ingrid", "Pavel", "Katarzyna", "Dmitri", "Anya",
    "Giulia", "Marco", "Alessandro", "Chiara", "Pierre", "Camille", "Tomás", "Inés", "José", "Chloé",
    "Søren", "Björn", "Agnès", "François", "Łukasz", "Małgorzata", "Renée", "Jürgen", "Mónica", "Ángel",
    "Noémie", "Håkon", "Åsa", "Siân", "Çağla", "Oğuz", "Thảo", "Zoltán", "Dagný", "Aoife",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
    "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker",
    "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
    "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Peterson", "Cooper", "Reed",
    "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks",
    "Patel", "Shah", "Gupta", "Iyer", "Reddy", "Nair", "Chen", "Wang", "Li", "Zhang",
    "Liu", "Tanaka", "Sato", "Suzuki", "Kim", "Park", "Lee", "Choi", "Okafor", "Adeyemi",
    "Mensah", "Boateng", "Haddad", "Khalil", "Rahman", "Hussain", "Silva", "Santos", "Oliveira", "Costa",
    "Rossi", "Bianchi", "Romano", "Ricci", "Dubois", "Laurent", "Moreau", "Fournier", "Schmidt", "Schneider",
    "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Novak", "Horvat", "Kowalski", "Nowak", "Ivanov",
    "Petrov", "Larsen", "Nielsen", "Hansen", "Johansson", "Lindqvist", "Virtanen", "O'Brien", "O'Connor",
    "McCarthy", "Walsh", "van Dijk", "de Vries", "Jansen", "Bakker", "Murray", "Fraser", "Hughes", "Lloyd",
    "Núñez", "Müller", "Sørensen", "García", "Peña", "Gonçalves", "Kowalczyk", "Dvořák", "Öztürk",
    "Lefèvre", "Jiménez", "Wójcik", "Šimić", "Þórsdóttir", "Nguyễn", "Ødegaard", "Sánchez", "Méndez",
    "Ibáñez", "Rodríguez", "Hernández", "Østergaard", "Gómez", "Løvås", "Grünewald",
)  # fmt: skip
_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
     "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i"}
)  # fmt: skip

LOCATIONS = (
    ("San Francisco, CA", 22),
    ("New York, NY", 16),
    ("Austin, TX", 10),
    ("Remote - US", 14),
    ("Toronto, Canada", 6),
    ("London, UK", 10),
    ("Berlin, Germany", 8),
    ("Lisbon, Portugal", 6),
    ("Bangalore, India", 8),
)

STREAM_OBJECTS: dict[int, tuple[str, ...]] = {
    PAYMENTS: ("ledger reconciliation", "payout batching", "card tokenization", "3DS challenge flow",
               "refund API", "chargeback webhooks", "FX rate cache", "settlement report", "PSP failover"),
    CHECKOUT: ("cart service", "promo code validation", "tax calculation", "guest checkout",
               "address autocomplete", "order confirmation page", "shipping rates", "\"Pay now\" button"),
    MERCHANT: ("merchant onboarding wizard", "payout calendar", "team invitations", "store settings page",
               "dashboard home", "dispute inbox", "API keys page"),
    SEARCH: ("query parser", "ranking model", "typo tolerance", "facet counts", "index rebuild job",
             "synonyms editor", "search latency"),
    IDENTITY: ("SSO login", "SCIM provisioning", "MFA enrollment", "session tokens", "role permissions",
               "password reset flow", "OAuth consent screen"),
    PLATFORM: ("CI pipeline", "build cache", "Kubernetes upgrade", "service template", "deploy tool",
               "staging environments", "observability stack", "Terraform modules"),
    DATA: ("event ingestion", "warehouse models", "dbt tests", "CDC pipeline", "data catalog",
           "late-arriving events", "Airflow DAGs"),
    MOBILE: ("iOS checkout screen", "Android push handling", "offline cart", "app startup time",
             "deep links", "biometric login"),
    NOTIFS: ("email templates", "SMS provider failover", "notification preferences", "digest emails",
             "webhook retries", "push fan-out"),
    REPORTING: ("CSV exports", "scheduled reports", "revenue dashboard", "report builder", "tax reports",
                "report permissions"),
    GDPR: ("customer PII purge job", "retention policy engine", "deletion audit log", "backup expiry",
           "data subject requests", "retention of support tickets"),
    DCEXIT: ("Ashburn DB cluster", "legacy batch hosts", "on-prem Redis", "NFS shares", "VPN concentrators",
             "bare-metal build agents"),
    UNMAPPED: ("on-call handbook", "laptop setup script", "customer escalation", "shared staging data",
               "quarterly access review", "engineering all-hands demo", "support macro"),
}  # fmt: skip
SUMMARY_TEMPLATES: dict[int, tuple[str, ...]] = {
    EPIC: ("{O} v2", "{O} reliability", "{O}: next iteration", "Rebuild {o}", "{O} at scale"),
    STORY: ("Add {o} for enterprise merchants", "Improve {o} performance", "Support {o} in the EU region",
            "Expose {o} via public API", "Redesign {o}", "Allow admins to configure {o}"),
    TASK: ("Upgrade dependencies of {o}", "Write runbook for {o}", "Remove feature flag around {o}",
           "Add tracing to {o}", "Rotate secrets used by {o}", "Write integration tests for {o}"),
    BUG: ("{O} returns 500 on empty input", "{O} times out under load", "Wrong rounding in {o}",
          "Flaky test in {o}", "{O} shows stale data after refresh", "Null pointer in {o} handler"),
    SUBTASK: ("Backend: {o}", "Frontend: {o}", "Tests for {o}", "Review follow-ups for {o}", "Docs for {o}"),
}  # fmt: skip
_EPIC_PREFIX = {GDPR: "GDPR retention: ", DCEXIT: "DC exit: "}

DESCRIPTIONS = (
    'As a merchant, I want {o} to "just work", so that I can close the day without calling support.\n\n'
    "Acceptance criteria:\n* works for all currencies\n* p95 latency < 300 ms\n* feature-flagged, off by default",
    'Steps to reproduce:\n1. Open {o}\n2. Click "Save" twice, quickly\n\nExpected: one record.\n'
    'Actual: two records, and the log says "duplicate key value violates unique constraint".',
    "Context: {o} was built in 2021, before we had tenants.\nWe need to split it, carefully, in three steps:"
    "\n- dual write\n- backfill\n- cut over",
    "h3. Why\nCustomers keep asking about {o}, see the linked tickets.\n\n"
    "h3. Notes\n{{code}}SELECT count(*) FROM events WHERE type = 'retry';{{code}}",
    "Follow-up from the incident review: {o} should fail closed, not open. "
    'Owner said "we\'ll pick it up next sprint", so here it is.',
    "Small one, but annoying: {o}, again.",
)
COMMENTS = (
    "Looks good to me, merging after CI is green.",
    "Can we split this? The migration part is risky, the UI part is not.",
    'Reproduced on staging; the error is "timeout after 30000ms".',
    "Blocked on the platform team, see linked issue.",
    "Moved to next sprint, sorry.",
    "Deployed to production, monitoring dashboards for a day.",
    "[~accountid:{acc}] could you take a look when you have a minute?",
    "Done. Notes:\n- updated the runbook\n- removed the old flag",
    "Not reproducible anymore after the upgrade; closing if nobody objects.",
)
WORKLOG_COMMENTS = ("Implementation", "Code review", "Debugging", "Pairing session", "Testing on staging", "")

# Non-engineering departments: (department, share of non-engineering headcount, manager title, team,
# leaf titles with weights).  They have people but no Jira work.
NON_ENG_GROUPS = (
    ("Product", 0.18, "Director of Product Management", "Product Management",
     (("Product Manager", 6), ("Senior Product Manager", 3))),
    ("Product", 0.075, "Design Manager", "Design", (("Designer", 5), ("Senior Designer", 2), ("UX Researcher", 1))),
    ("Product", 0.045, "Analytics Manager", "Analytics", (("Data Analyst", 1),)),
    ("Sales", 0.285, "Sales Manager", "Enterprise Sales",
     (("Account Executive", 6), ("Sales Development Representative", 3))),
    ("Sales", 0.095, "Solutions Architecture Manager", "Solutions Architecture", (("Solutions Architect", 1),)),
    ("Finance", 0.07, "Controller", "Accounting", (("Accountant", 3), ("Payroll Specialist", 1))),
    ("Finance", 0.07, "Finance Manager", "FP&A", (("Financial Analyst", 1),)),
    ("People", 0.10, "Recruiting Manager", "Recruiting", (("Recruiter", 3), ("Sourcer", 1))),
    ("People", 0.08, "HR Manager", "People Operations",
     (("HR Business Partner", 1), ("People Operations Specialist", 1))),
)  # fmt: skip
TEAM_SUFFIXES = (
    "Core",
    "Foundations",
    "Experience",
    "Reliability",
    "Infrastructure",
    "Insights",
    "Growth",
    "APIs",
    "Integrations",
    "Tooling",
    "Quality",
    "Services",
)
STREAM_AREAS = {PAYMENTS: "Payments", SEARCH: "Search", IDENTITY: "Identity", PLATFORM: "Platform", DATA: "Data"}
ORG_NAMES = (
    "Foundations",
    "Marketplace",
    "Growth",
    "Enterprise",
    "Infrastructure",
    "Insights",
    "Fintech",
    "Core Systems",
    "Commerce Platform",
    "Trust",
)


@dataclass(slots=True)
class _Person:
    idx: int
    name: str
    email: str
    title: str
    dept: str
    team: str
    manager: int | None
    hire: date
    location: str
    emp_type: str = "Full-time"
    term: date | None = None
    eid: str = ""
    engineer: bool = False
    reports: list[int] = field(default_factory=list)
    account_id: str = ""
    jira_name: str = ""
    email_visible: bool = False
    jira_email: str = ""


@dataclass(slots=True)
class _Team:
    idx: int
    name: str
    manager: int
    members: list[int]
    primary: int
    home: int  # project index
    role: str


# ------------------------------------------------------------------------------------------- helpers
def ascii_fold(text: str) -> str:
    """Strip accents the way email addresses are built: "Zoë Ångström" -> "Zoe Angstrom"."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


def _email_local(name: str) -> str:
    parts = [re.sub(r"[^a-z0-9-]", "", p) for p in ascii_fold(name).lower().split(" ")]
    first, *rest = parts
    mids = [p for p in rest[:-1] if p]
    last = "".join(rest[-1:])
    return ".".join([first, *mids, last])


def _alloc(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    """Split n into integer parts proportional to weights (stochastic rounding, exact sum)."""
    total = sum(weights)
    if n <= 0 or total <= 0:
        return [0] * len(weights)
    raw = [n * w / total for w in weights]
    base = [int(x) for x in raw]
    frac = [x - b for x, b in zip(raw, base, strict=True)]
    rem = n - sum(base)
    while rem > 0:
        tot = sum(frac)
        k = max(range(len(frac)), key=frac.__getitem__)
        if tot > 1e-9:
            x = rng.random() * tot
            for j, f in enumerate(frac):
                x -= f
                if x < 0 and f > 0:
                    k = j
                    break
        base[k] += 1
        frac[k] = 0.0
        rem -= 1
    return base


def _even_split(n: int, k: int) -> list[int]:
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _upper_levels(units: int, fanout: int, max_top: int) -> list[int]:
    levels = []
    while units > max_top:
        units = math.ceil(units / fanout)
        levels.append(units)
    return levels


def _eng_levels(teams: int) -> list[int]:
    directors = math.ceil(teams / 4)
    return [directors, *_upper_levels(directors, 6, 8)]


def _plan_units(n: int, lo: int, hi: int, avg: float, levels_fn) -> tuple[int, int, list[int]]:
    """Number of leaf teams T, leaf headcount and management levels so that everything sums to n."""
    t = max(1, round(n / (avg + 1.3)))
    for _ in range(10_000):
        levels = levels_fn(t)
        leaves = n - t - sum(levels)
        if leaves < lo * t and t > 1:
            t -= 1
        elif leaves > hi * t:
            t += 1
        elif leaves < lo * t:
            raise ValueError(f"cannot build a hierarchy of {n} people")
        else:
            return t, leaves, levels
    raise ValueError(f"cannot build a hierarchy of {n} people")


def _sizes(rng: random.Random, total: int, k: int, lo: int, hi: int) -> list[int]:
    sizes = [lo] * k
    rem = total - lo * k
    open_idx = list(range(k))
    while rem > 0:
        j = rng.randrange(len(open_idx))
        i = open_idx[j]
        sizes[i] += 1
        rem -= 1
        if sizes[i] >= hi:
            open_idx[j] = open_idx[-1]
            open_idx.pop()
    return sizes


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


# ------------------------------------------------------------------------------------------ generator
class _SampleOrg:
    def __init__(self, people: int, issues: int, seed: int, as_of: date) -> None:
        if people < MIN_PEOPLE:
            raise ValueError(f"people must be >= {MIN_PEOPLE}")
        if issues < MIN_ISSUES:
            raise ValueError(f"issues must be >= {MIN_ISSUES}")
        self.n_people = people
        self.n_issues = issues
        self.seed = seed
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.epoch = date(as_of.year - 17, 1, 1)
        self.founded = date(as_of.year - 14, 3, 5)
        self.jira_start = date(as_of.year - 3, 1, 2)
        self.asof_d = self.day(as_of)
        self.end_t = self.asof_d * 1440 - 1  # last minute before as_of
        self.people: list[_Person] = []
        self.teams: list[_Team] = []
        self.used_names: set[str] = {UNKNOWN_ASSIGNEE, "Bob Smith", "Zoe Angstrom"}
        self.used_emails: set[str] = set()
        self.mix: dict[int, list[tuple[int, float]]] = {}
        self.weight_boost: dict[int, float] = {}
        self.planted: dict = {}
        self._dt_cache: dict[int, tuple[str, str]] = {}

    # ------------------------------------------------------------------ dates
    def day(self, d: date) -> int:
        return (d - self.epoch).days

    def rand_date(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def _day_parts(self, d: int) -> tuple[str, str]:
        hit = self._dt_cache.get(d)
        if hit is None:
            x = self.epoch + timedelta(days=d)
            hit = (f"{x.day}/{MONTHS[x.month - 1]}/{x.year % 100:02d}", x.isoformat())
            self._dt_cache[d] = hit
        return hit

    def jira_dt(self, t: int) -> str:
        d, m = divmod(t, 1440)
        h, mi = divmod(m, 60)
        return f"{self._day_parts(d)[0]} {h % 12 or 12}:{mi:02d} {'AM' if h < 12 else 'PM'}"

    def iso_dt(self, t: int) -> str:
        d, m = divmod(t, 1440)
        h, mi = divmod(m, 60)
        return f"{self._day_parts(d)[1]}T{h:02d}:{mi:02d}:{self.rng.randrange(60):02d}.000+0000"

    # ------------------------------------------------------------------ people
    def _new_name(self) -> str:
        rng = self.rng
        for _ in range(40):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in self.used_names:
                return name
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
            if name not in self.used_names:
                return name

    def add(
        self,
        title: str,
        dept: str,
        team: str,
        manager: int | None,
        hire: date,
        *,
        name: str | None = None,
        engineer: bool = False,
        emp_type: str = "Full-time",
    ) -> int:
        name = name or self._new_name()
        self.used_names.add(name)
        local = _email_local(name)
        email, n = f"{local}@{DOMAIN}", 2
        while email in self.used_emails:
            email, n = f"{local}{n}@{DOMAIN}", n + 1
        self.used_emails.add(email)
        loc = self.rng.choices([x[0] for x in LOCATIONS], [x[1] for x in LOCATIONS])[0]
        p = _Person(len(self.people), name, email, title, dept, team, manager, hire, loc, emp_type)
        p.engineer = engineer
        self.people.append(p)
        if manager is not None:
            self.people[manager].reports.append(p.idx)
        return p.idx

    def _leaf_hire(self) -> date:
        lo, hi = self.day(self.founded) + 60, self.asof_d - 10
        return self.epoch + timedelta(days=int(self.rng.triangular(lo, hi, hi)))

    def _eng_title(self, pool: tuple[str, ...] | None = None) -> str:
        if pool:
            return self.rng.choice(pool)
        return self.rng.choices(ENGINEER_TITLES, _ENG_TITLE_WEIGHTS)[0]

    def make_team(
        self,
        name: str,
        parent: int,
        n_eng: int,
        *,
        role: str,
        primary: int,
        home: str,
        em_name: str | None = None,
        em_hire: date | None = None,
        eng_hire: tuple[date, date] | None = None,
        names: dict[int, str] | None = None,
        title_pool: tuple[str, ...] | None = None,
    ) -> _Team:
        em_hire = em_hire or self.rand_date(self.founded + timedelta(days=200), self.as_of - timedelta(days=700))
        em = self.add("Engineering Manager", "Engineering", name, parent, em_hire, name=em_name)
        team = _Team(len(self.teams), name, em, [], primary, _PIDX[home], role)
        for k in range(n_eng):
            hire = self.rand_date(*eng_hire) if eng_hire else self._leaf_hire()
            emp = "Contractor" if role == "filler" and self.rng.random() < 0.05 else "Full-time"
            pid = self.add(
                self._eng_title(title_pool),
                "Engineering",
                name,
                em,
                hire,
                name=(names or {}).get(k),
                engineer=True,
                emp_type=emp,
            )
            team.members.append(pid)
        self.teams.append(team)
        return team

    def build_org(self) -> None:
        rng, as_of, founded = self.rng, self.as_of, self.founded
        days = timedelta(days=1)
        exec_hire = (founded + 20 * days, founded + 1500 * days)
        ceo = self.add("Chief Executive Officer", "Executive", "Executive", None, founded)
        vpe = self.add("VP Engineering", "Engineering", "Engineering Leadership", ceo, self.rand_date(*exec_hire))
        heads = {
            "Product": self.add("VP Product", "Product", "Product Leadership", ceo, self.rand_date(*exec_hire)),
            "Sales": self.add("VP Sales", "Sales", "Sales Leadership", ceo, self.rand_date(*exec_hire)),
            "Finance": self.add("Chief Financial Officer", "Finance", "Finance", ceo, self.rand_date(*exec_hire)),
            "People": self.add("Chief People Officer", "People", "People", ceo, self.rand_date(*exec_hire)),
        }
        self.add("Executive Assistant", "Executive", "Executive", ceo, self.rand_date(founded, as_of - 400 * days))
        director_hire = (founded + 100 * days, as_of - 900 * days)
        planted_hire = (founded + 100 * days, as_of - 520 * days)

        def director(name: str | None, org: str) -> int:
            return self.add(
                "Director of Engineering", "Engineering", org, vpe, self.rand_date(*director_hire), name=name
            )

        # 1. spread leader: three teams whose engineers work on checkout / merchant / search in turn
        d_a = director("Chloé Dubois", "Commerce")
        spread = [
            self.make_team("Checkout Core", d_a, 5, role="spread", primary=CHECKOUT, home="CHK", eng_hire=planted_hire),
            self.make_team(
                "Merchant Tools", d_a, 5, role="spread", primary=MERCHANT, home="MER", eng_hire=planted_hire
            ),
            self.make_team("Storefront", d_a, 4, role="spread", primary=SEARCH, home="SRCH", eng_hire=planted_hire),
        ]
        trio = (CHECKOUT, MERCHANT, SEARCH)
        k = 0
        for t in spread:
            for pid in t.members:
                own = trio[k % 3]
                other = trio[(k + 1 + rng.randrange(2)) % 3]
                self.mix[pid] = [(own, 0.86), (other, 0.04), (DCEXIT, 0.04), (UNMAPPED, 0.06)]
                k += 1
            self.mix[t.manager] = [(t.primary, 1.0)]
        # 2. platform org: hub team, data team (with an aliased person), team of one
        d_b = director(None, "Platform")
        hub = self.make_team(
            "Developer Platform",
            d_b,
            6,
            role="hub",
            primary=PLATFORM,
            home="PLAT",
            em_name="José Núñez",
            eng_hire=planted_hire,
        )
        data = self.make_team(
            "Data Platform",
            d_b,
            6,
            role="healthy",
            primary=DATA,
            home="DATA",
            eng_hire=planted_hire,
            names={2: "Robert Smith"},
        )
        one = self.make_team(
            "Release Engineering", d_b, 1, role="one", primary=PLATFORM, home="ENG", eng_hire=planted_hire
        )
        # 3. core services: oversized payments team, project team, identity, search
        d_c = director(None, "Core Services")
        pay = self.make_team(
            "Payments",
            d_c,
            14,
            role="oversized",
            primary=PAYMENTS,
            home="PAY",
            em_name="Søren Kierkegaard",
            eng_hire=planted_hire,
        )
        comp = self.make_team(
            "Compliance Engineering", d_c, 5, role="project", primary=GDPR, home="DATA", eng_hire=planted_hire
        )
        ident = self.make_team("Identity", d_c, 6, role="healthy", primary=IDENTITY, home="IAM", eng_hire=planted_hire)
        search = self.make_team(
            "Search Relevance",
            d_c,
            5,
            role="healthy",
            primary=SEARCH,
            home="SRCH",
            eng_hire=planted_hire,
            names={1: "Zoë Ångström"},
        )
        # 4. merchant experience: mobile (product), messaging (stl ""), reporting (terminated stl), new team
        d_d = director(None, "Merchant Experience")
        mobile = self.make_team(
            "Mobile",
            d_d,
            6,
            role="healthy",
            primary=MOBILE,
            home="MOB",
            eng_hire=planted_hire,
            title_pool=("Mobile Engineer", "Senior Software Engineer", "QA Engineer"),
        )
        msg = self.make_team("Messaging", d_d, 4, role="healthy", primary=NOTIFS, home="NOTIF", eng_hire=planted_hire)
        ex_em = self.add(
            "Engineering Manager",
            "Engineering",
            "Reporting",
            d_d,
            self.rand_date(founded + 900 * days, founded + 1500 * days),
        )
        self.people[ex_em].term = as_of - 112 * days
        rpt = self.make_team(
            "Reporting",
            d_d,
            4,
            role="healthy",
            primary=REPORTING,
            home="RPT",
            em_hire=as_of - 150 * days,
            eng_hire=planted_hire,
        )
        new_hire = (as_of - 50 * days, as_of - 10 * days)
        ml = self.make_team(
            "Applied ML",
            d_d,
            3,
            role="noitems",
            primary=DATA,
            home="DATA",
            em_hire=as_of - 60 * days,
            eng_hire=new_hire,
        )
        # terminated assignee: an identity engineer who left 6 weeks ago with open issues
        term_assignee = ident.members[-1]
        self.people[term_assignee].term = as_of - 42 * days

        for t in (hub, data, one, pay, comp, ident, search, mobile, msg, rpt):
            self.mix[t.manager] = [(t.primary, 1.0)]
            for pid in t.members:
                if t.role == "hub":
                    self.mix[pid] = [(PLATFORM, 0.9), (DCEXIT, 0.04), (UNMAPPED, 0.06)]
                    self.weight_boost[pid] = 1.5
                elif t.role == "one":
                    self.mix[pid] = [(PLATFORM, 0.9), (UNMAPPED, 0.1)]
                    self.weight_boost[pid] = 1.5
                elif t.role == "project":
                    self.mix[pid] = [(GDPR, 0.92), (DATA, 0.04), (UNMAPPED, 0.04)]
                else:
                    self.mix[pid] = self._std_mix(t.primary)
        # shared people: one per healthy planted team (second stream gets half of their work)
        shared = []
        for t, second in (
            (data, REPORTING),
            (search, MERCHANT),
            (mobile, NOTIFS),
            (msg, MOBILE),
            (rpt, DATA),
            (ident, CHECKOUT),
        ):
            pid = t.members[0]
            self.mix[pid] = [(t.primary, 0.5), (second, 0.5)]
            self.weight_boost[pid] = 1.6
            shared.append(pid)

        # filler engineering: the rest of the headcount, in teams of 3-8 under directors
        n_non = max(40, round(self.n_people * 0.22))
        filler = self.n_people - len(self.people) - n_non
        filler_teams = self._build_eng_filler(vpe, filler)
        for t in filler_teams[:2]:
            pid = min(t.members, key=lambda m: (self.people[m].hire, m))  # a long-tenured engineer
            second = DATA if t.primary != DATA else REPORTING
            self.mix[pid] = [(t.primary, 0.5), (second, 0.5)]
            self.weight_boost[pid] = 1.6
            shared.append(pid)
        self._build_non_eng(heads, n_non)
        assert len(self.people) == self.n_people, (len(self.people), self.n_people)

        self.shared = set(shared)
        self._terminate_some(exclude=self.shared)
        self.planted_people = {
            "spread_leader": d_a,
            "spread_teams": [t.manager for t in spread],
            "oversized_team_manager": pay.manager,
            "project_team_manager": comp.manager,
            "hub_team_manager": hub.manager,
            "shared_people": shared,
            "terminated_assignee": term_assignee,
            "terminated_stl": ex_em,
            "team_of_one_manager": one.manager,
            "leader_without_items": ml.manager,
            "platform_director": d_b,
            "aliased_name": data.members[2],
            "aliased_account": search.members[1],
            "mixed_case_email": pay.members[1],
            "stl": {
                PAYMENTS: pay.manager,
                CHECKOUT: d_a,
                MERCHANT: d_a,
                SEARCH: search.manager,
                IDENTITY: ident.manager,
                PLATFORM: hub.manager,
                DATA: data.manager,
                MOBILE: mobile.manager,
                NOTIFS: None,
                REPORTING: ex_em,
                GDPR: comp.manager,
                DCEXIT: d_b,
            },
        }
        self.team_by_role = {"hub": hub, "oversized": pay, "project": comp, "one": one, "noitems": ml}
        self.spread_teams = spread
        self.checkout_em = spread[0].manager

    def _std_mix(self, primary: int) -> list[tuple[int, float]]:
        minors = [s for s in range(len(STREAMS)) if s not in (primary, GDPR, DCEXIT)]
        return [(primary, 0.89), (DCEXIT, 0.035), (UNMAPPED, 0.055), (self.rng.choice(minors), 0.02)]

    def _build_eng_filler(self, vpe: int, n: int) -> list[_Team]:
        rng = self.rng
        t_count, leaves, levels = _plan_units(n, 3, 8, 5.5, _eng_levels)
        sizes = _sizes(rng, leaves, t_count, 3, 8)
        titles = [
            "Director of Engineering",
            "Senior Director of Engineering",
            "Vice President, Engineering",
            "Senior Vice President, Engineering",
        ]
        # management nodes, top level first
        parents = [vpe]
        org_n = 0
        for depth in range(len(levels) - 1, -1, -1):
            count = levels[depth]
            split = _even_split(count, len(parents))
            new = []
            for par, c in zip(parents, split, strict=True):
                for _ in range(c):
                    org = ORG_NAMES[org_n % len(ORG_NAMES)] + (f" {org_n // len(ORG_NAMES) + 1}" if org_n >= 10 else "")
                    org_n += 1
                    lo = self.founded + timedelta(days=100)
                    hire = self.rand_date(lo, self.as_of - timedelta(days=600 + 200 * depth))
                    new.append(self.add(titles[min(depth, 3)], "Engineering", org, par, hire))
            parents = new
        # payments keeps ~10% of all engineers (so PAY, the JSON project, holds ~10% of the issues);
        # the other filler streams grow evenly
        eng_count = {s: sum(len(t.members) for t in self.teams if t.primary == s) for s in _FILLER_STREAMS}
        total = sum(len(t.members) for t in self.teams)
        teams = []
        split = _even_split(t_count, len(parents))
        names_used: dict[str, int] = {}
        i = 0
        for par, c in zip(parents, split, strict=True):
            for _ in range(c):
                total += sizes[i]
                if eng_count[PAYMENTS] + sizes[i] / 2 <= 0.10 * total:
                    s = PAYMENTS
                else:
                    s = min(_FILLER_STREAMS[1:], key=lambda x: (eng_count[x], x))
                eng_count[s] += sizes[i]
                base = f"{STREAM_AREAS[s]} {rng.choice(TEAM_SUFFIXES)}"
                names_used[base] = names_used.get(base, 0) + 1
                name = base if names_used[base] == 1 else f"{base} {names_used[base]}"
                home = STREAMS[s].projects[0]
                t = self.make_team(name, par, sizes[i], role="filler", primary=s, home=home)
                self.mix[t.manager] = [(s, 1.0)]
                for pid in t.members:
                    self.mix[pid] = self._std_mix(s)
                teams.append(t)
                i += 1
        return teams

    def _build_non_eng(self, heads: dict[str, int], n: int) -> None:
        # every group gets at least 4 people; the rest is shared by the groups' weights
        extra = _alloc(self.rng, n - 4 * len(NON_ENG_GROUPS), [g[1] for g in NON_ENG_GROUPS])
        for (dept, _, mgr_title, team_name, leaf_titles), x in zip(NON_ENG_GROUPS, extra, strict=True):
            self._build_group(heads[dept], dept, team_name, 4 + x, mgr_title, leaf_titles)

    def _build_group(self, head: int, dept: str, team_name: str, n: int, mgr_title: str, leaf_titles) -> None:
        t_count, leaves, levels = _plan_units(n, 2, 8, 5.5, lambda t: _upper_levels(t, 6, 6))
        sizes = _sizes(self.rng, leaves, t_count, 2, 8)
        parents = [head]
        for depth in range(len(levels) - 1, -1, -1):
            title = ("Director, " if depth == 0 else "Senior Director, ") + team_name
            split = _even_split(levels[depth], len(parents))
            new = []
            for par, c in zip(parents, split, strict=True):
                for _ in range(c):
                    hire = self.rand_date(self.founded + timedelta(days=300), self.as_of - timedelta(days=500))
                    new.append(self.add(title, dept, team_name, par, hire))
            parents = new
        split = _even_split(t_count, len(parents))
        i = 0
        for par, c in zip(parents, split, strict=True):
            for _ in range(c):
                hire = self.rand_date(self.founded + timedelta(days=300), self.as_of - timedelta(days=200))
                mgr = self.add(mgr_title, dept, team_name, par, hire)
                for _ in range(sizes[i]):
                    title = self.rng.choices([x[0] for x in leaf_titles], [x[1] for x in leaf_titles])[0]
                    self.add(title, dept, team_name, mgr, self._leaf_hire())
                i += 1

    def _terminate_some(self, exclude: set[int]) -> None:
        rng = self.rng
        want = max(4, round(self.n_people * 0.03)) - 2  # two planted terminations exist already
        by_manager: dict[int, list[int]] = {}
        for t in self.teams:
            if t.role == "filler" and len(t.members) >= 4:
                cands = [m for m in t.members if m not in exclude]
                if cands:
                    by_manager[t.manager] = cands
        eng_pool = [rng.choice(v) for v in by_manager.values()]
        non_eng = [p.idx for p in self.people if p.dept not in ("Engineering", "Executive") and not p.reports]
        n_eng = min(len(eng_pool), round(want * 0.7))
        chosen = rng.sample(eng_pool, n_eng) + rng.sample(non_eng, want - n_eng)
        for pid in sorted(chosen):
            p = self.people[pid]
            lo = max(p.hire + timedelta(days=90), self.jira_start)
            if lo >= self.as_of - timedelta(days=5):
                lo = p.hire + timedelta(days=1)
            p.term = self.rand_date(lo, self.as_of - timedelta(days=3))
        part_time = [pid for pid in non_eng if self.people[pid].term is None]
        for pid in rng.sample(part_time, max(2, round(self.n_people * 0.004))):
            self.people[pid].emp_type = "Part-time"
        for pid in rng.sample(part_time, max(2, round(self.n_people * 0.01))):
            if self.people[pid].emp_type == "Full-time":
                self.people[pid].emp_type = "Contractor"

    def assign_ids(self) -> None:
        """Employee ids by hire order (E1001 = the founder), Jira identities, the malformed row."""
        order = sorted(range(len(self.people)), key=lambda i: (self.people[i].hire, i))
        for n, pid in enumerate(order):
            self.people[pid].eid = f"E{1001 + n}"
        self.hris_order = order
        rng = self.rng
        for p in self.people:
            u = f"{rng.getrandbits(128):032x}"
            p.account_id = f"712020:{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"
            p.jira_name = p.name
            p.email_visible = rng.random() < 0.35
            p.jira_email = p.email
        pp = self.planted_people
        self.people[pp["aliased_name"]].jira_name = "Bob Smith"
        self.people[pp["aliased_account"]].jira_name = "Zoe Angstrom"
        mc = self.people[pp["mixed_case_email"]]
        mc.email_visible = True
        local = mc.email.split("@")[0]
        mc.jira_email = ".".join(_cap(x) for x in local.split(".")) + "@ACME.example"
        u = f"{rng.getrandbits(128):032x}"
        self.vendor_account = f"712020:{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"
        # the malformed row: an active, non-engineering individual contributor near the middle
        mid = len(order) // 2
        cands = [
            (abs(n - mid), n, pid)
            for n, pid in enumerate(order)
            if self.people[pid].dept in ("Sales", "Finance", "People")
            and not self.people[pid].reports
            and self.people[pid].term is None
        ]
        _, pos, pid = min(cands)
        self.malformed = pid
        self.malformed_line = pos + 2

    # ------------------------------------------------------------------ issue planning
    def _lo_hi(self, pid: int) -> tuple[int, int]:
        p = self.people[pid]
        lo = max(self.day(p.hire) + 3, self.day(self.jira_start))
        hi = self.asof_d - 1
        if p.term is not None:
            hi = min(hi, self.day(p.term) - 1)
        return lo, hi

    def _category_weights(self, pid: int) -> list[float]:
        """Expected share of [resolved recently, resolved before, still open] work for one person.

        Each part scales with how much of its period the person was employed, so everybody active
        through the recent window gets about the same number of recently resolved issues.
        """
        lo, hi = self._lo_hi(pid)
        if hi - lo < 14:
            return [0.0, 0.0, 0.0]
        w_lo, o_hi = self.asof_d - 88, self.asof_d - 92
        recent = max(0, hi - max(lo, w_lo)) / 88
        old = max(0, min(hi, o_hi) - lo) / max(1, o_hi - self.day(self.jira_start))
        p = self.people[pid]
        planted_term = pid == self.planted_people["terminated_assignee"]
        open_ = 1.0 if p.term is None else (0.8 if planted_term else 0.0)
        return [0.40 * recent, 0.40 * old, 0.20 * open_]

    def _weight(self, pid: int) -> float:
        return sum(self._category_weights(pid)) * self.rng.uniform(0.8, 1.2) * self.weight_boost.get(pid, 1.0)

    def _timing(self, cat: int, lo: int, hi: int, force_open_status: bool = False) -> tuple[int, int, int]:
        """(created, resolved, status) in minutes; cat 0 = resolved recently, 1 = resolved before, 2 = open."""
        rng = self.rng
        if cat == 2:
            cd = rng.randint(max(lo, self.asof_d - 200), hi)
            c = cd * 1440 + rng.randint(480, 1130)
            if force_open_status:
                st = rng.choice((IN_PROGRESS, IN_PROGRESS, IN_REVIEW))
            else:
                st = rng.choices((TODO, IN_PROGRESS, IN_REVIEW), (45, 40, 15))[0]
            return c, 0, st
        if cat == 0:
            a, b = max(self.asof_d - 88, lo + 1), hi
        else:
            a, b = lo + 1, min(self.asof_d - 92, hi)
        rd = rng.randint(a, b)
        cd = max(lo, rd - min(int(rng.expovariate(1 / 8.0)), 75))
        c = cd * 1440 + rng.randint(480, 1130)
        r = rd * 1440 + rng.randint(480, 1139)
        if r <= c:
            r = c + rng.randint(15, 240)
        return c, r, DONE

    def _feasible(self, cat: int, lo: int, hi: int, can_open: bool) -> bool:
        if cat == 0:
            return max(self.asof_d - 88, lo + 1) <= hi
        if cat == 1:
            return lo + 1 <= min(self.asof_d - 92, hi)
        return can_open and max(lo, self.asof_d - 200) <= hi

    def _placement(self, s: int, team: _Team) -> tuple[int, int]:
        if s == UNMAPPED:
            return (_ENG_P if self.rng.random() < 0.7 else _SUP_P), M_PROJECT
        st = STREAMS[s]
        if st.epic_rule:
            return _DATA_P, M_EPIC
        if st.projects and _PIDX[st.projects[0]] == team.home:
            return team.home, M_PROJECT
        if st.components:
            return team.home, M_COMPONENT
        if st.labels:
            return team.home, M_LABEL
        return _PIDX[st.projects[0]], M_PROJECT

    def _new_item(self, itype: int, assignee: int, proj: int, s: int, mech: int, c: int, r: int, st: int) -> list:
        objs = STREAM_OBJECTS[s]
        return [
            itype,
            assignee,
            proj,
            s,
            mech,
            c,
            r,
            st,
            -1,
            self.rng.randrange(len(SUMMARY_TEMPLATES[itype])),
            self.rng.randrange(len(objs)),
        ]

    def plan_team(self, team: _Team, budget: int) -> list[list]:
        rng = self.rng
        pp = self.planted_people
        workers = [team.manager, *team.members]
        weights = [self.team_weights[pid] for pid in workers]
        n_leaves = budget if budget < 4 else round(budget * 0.81)
        per = _alloc(rng, n_leaves, weights)
        items: list[list] = []
        for pid, n in zip(workers, per, strict=True):
            if n == 0:
                continue
            lo, hi = self._lo_hi(pid)
            p = self.people[pid]
            planted_term = pid == pp["terminated_assignee"]
            can_open = p.term is None or planted_term
            probs = self._category_weights(pid)
            probs = [w if self._feasible(k, lo, hi, can_open) else 0.0 for k, w in enumerate(probs)]
            cats = _alloc(rng, n, probs)
            mix = self.mix[pid]
            for cat, k in enumerate(cats):
                streams = _alloc(rng, k, [w for _, w in mix])
                for (s, _), m in zip(mix, streams, strict=True):
                    for _ in range(m):
                        slo = lo
                        if s >= 0 and STREAMS[s].age_days is not None:
                            slo = max(lo, self.asof_d - STREAMS[s].age_days)
                        c_eff = cat
                        if not self._feasible(c_eff, slo, hi, can_open):
                            c_eff = next((x for x in (0, 2, 1) if self._feasible(x, slo, hi, can_open)), -1)
                        s_eff = s
                        if c_eff < 0:  # stream started after this person left: do primary work instead
                            s_eff, slo, c_eff = mix[0][0], lo, cat
                            if STREAMS[s_eff].age_days is not None or not self._feasible(c_eff, lo, hi, can_open):
                                continue
                        proj, mech = self._placement(s_eff, team)
                        if proj == _SUP_P:
                            itype = rng.choices((TASK, BUG), (40, 60))[0]
                        else:
                            itype = rng.choices((STORY, TASK, BUG), (50, 27, 23))[0]
                        c, r, st = self._timing(c_eff, slo, hi, planted_term)
                        items.append(self._new_item(itype, pid, proj, s_eff, mech, c, r, st))
        # unassigned backlog
        for it in items:
            if it[7] == TODO and it[1] != pp["terminated_assignee"] and rng.random() < 0.5:
                it[1] = UNASSIGNED
        n_leaf = len(items)
        # epics: group epic-eligible leaves by (stream, project, mechanism), chunk by creation time
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, it in enumerate(items):
            if it[3] == UNMAPPED and it[2] == _SUP_P:
                continue
            p_under = 1.0 if it[4] == M_EPIC else (0.4 if it[0] == BUG else 0.72)
            if rng.random() < p_under:
                groups.setdefault((it[3], it[2], it[4]), []).append(i)
        n_ep: dict[tuple[int, int, int], int] = {}
        for g, idxs in groups.items():
            if g[2] == M_EPIC:
                n_ep[g] = min(6, max(1, math.ceil(len(idxs) / 8)))
            else:
                n_ep[g] = math.ceil(len(idxs) / 10) if len(idxs) >= 3 else 0
        room = budget - n_leaf
        while sum(n_ep.values()) > room:
            g = max(n_ep, key=lambda x: (n_ep[x] - (1 if x[2] == M_EPIC else 0), x))
            if n_ep[g] <= (1 if g[2] == M_EPIC else 0):
                break
            n_ep[g] -= 1
        leads: dict[int, list[int]] = {}
        for pid in team.members:
            if self.people[pid].term is None and len(self.mix[pid]) and self.mix[pid][0][1] > 0.8:
                leads.setdefault(self.mix[pid][0][0], []).append(pid)
        for g, idxs in groups.items():
            k = n_ep[g]
            if k == 0:
                continue
            idxs.sort(key=lambda i: items[i][5])
            lead = rng.choice(leads[g[0]]) if g[0] in leads else UNASSIGNED
            start = 0
            for ci, size in enumerate(_even_split(len(idxs), k)):
                chunk = idxs[start : start + size]
                start += size
                c = min(items[i][5] for i in chunk) - rng.randint(1, 10) * 1440
                c = (c // 1440) * 1440 + rng.randint(480, 1000)
                if c >= min(items[i][5] for i in chunk):
                    c = min(items[i][5] for i in chunk) - 60
                done = all(items[i][6] for i in chunk)
                if done and (ci < k - 1 or rng.random() < 0.5):
                    last = max(items[i][6] for i in chunk)
                    r = last + rng.randint(0, min(3 * 1440, max(0, self.end_t - last)))
                    st = DONE
                else:
                    r = 0
                    st = IN_PROGRESS if any(items[i][7] != TODO for i in chunk) else TODO
                assignee = lead if rng.random() < 0.65 else UNASSIGNED
                epic = self._new_item(EPIC, assignee, g[1], g[0], g[2], c, r, st)
                items.append(epic)
                e_idx = len(items) - 1
                for i in chunk:
                    items[i][8] = e_idx
        # sub-tasks under stories / tasks / bugs, same assignee, inside the parent's lifetime
        n_sub = budget - len(items)
        # (shared people's issues get no sub-tasks, so their 50/50 split stays exact)
        parents = [i for i in range(n_leaf) if items[i][1] not in self.shared] or list(range(n_leaf))
        if not parents:  # nobody could take work (all left before the stream started): open backlog
            s = team.primary if STREAMS[team.primary].age_days is None else DATA
            proj, mech = self._placement(s, team)
            for _ in range(n_sub):
                c, r, st = self._timing(2, self.asof_d - 100, self.asof_d - 1)
                items.append(self._new_item(TASK, UNASSIGNED, proj, s, mech, c, r, TODO))
            return items
        for _ in range(n_sub):
            pi = rng.choice(parents)
            par = items[pi]
            pc, pr, a = par[5], par[6], par[1]
            if a >= 0:
                _, hi = self._lo_hi(a)
                hi_t = hi * 1440 + 1439
            else:
                hi_t = self.end_t
            if pr:
                c = pc + rng.randint(1, max(1, min((pr - pc) // 2, 3 * 1440)))
                r = rng.randint(c + 1, pr) if pr > c else pr
                st = DONE
            else:
                c = pc + rng.randint(1, max(1, min(hi_t - pc, 5 * 1440)))
                if rng.random() < 0.5 and c + 30 < hi_t:
                    r, st = rng.randint(c + 30, hi_t), DONE
                else:
                    r, st = 0, (IN_PROGRESS if par[7] != TODO else TODO)
            sub = self._new_item(SUBTASK, a, par[2], par[3], par[4], c, r, st)
            sub[8] = pi
            items.append(sub)
        return items

    def plan_issues(self) -> None:
        rng = self.rng
        n = self.n_issues
        self.team_weights = {}
        team_w = []
        for t in self.teams:
            w = 0.0
            for pid in (t.manager, *t.members):
                x = 0.0 if t.role == "noitems" else self._weight(pid)
                if pid == t.manager:
                    x *= 0.08
                self.team_weights[pid] = x
                w += x
            team_w.append(w)
        n_vendor = 8
        budgets = _alloc(rng, n - n_vendor, team_w)
        cols = {
            "itype": array("b"),
            "assignee": array("i"),
            "project": array("b"),
            "stream": array("b"),
            "mech": array("b"),
            "created": array("i"),
            "resolved": array("i"),
            "status": array("b"),
            "parent": array("i"),
            "tmpl": array("H"),
            "obj": array("H"),
            "pteam": array("i"),
        }
        names = list(cols)
        self.team_range: dict[int, tuple[int, int]] = {}
        for t, b in zip(self.teams, budgets, strict=True):
            start = len(cols["itype"])
            items = self.plan_team(t, b) if b else []
            for it in items:
                if it[8] >= 0:
                    it[8] += start
                for k in range(11):
                    cols[names[k]].append(it[k])
                cols["pteam"].append(t.idx)
            self.team_range[t.idx] = (start, len(cols["itype"]))
        # the agency contractor: a few checkout issues, some open
        vstart = len(cols["itype"])
        for k in range(n_vendor):
            cat = 0 if k < 5 else 2
            c, r, st = self._timing(cat, self.asof_d - 200, self.asof_d - 1, force_open_status=True)
            it = self._new_item(rng.choice((TASK, BUG)), VENDOR, _PIDX["CHK"], CHECKOUT, M_PROJECT, c, r, st)
            for j in range(11):
                cols[names[j]].append(it[j])
            cols["pteam"].append(self.spread_teams[0].idx)
        self.vendor_range = (vstart, len(cols["itype"]))
        assert len(cols["itype"]) == n, (len(cols["itype"]), n)
        for k, v in cols.items():
            setattr(self, k, v)

    def assign_keys(self) -> None:
        rng = self.rng
        n = self.n_issues
        order = array("i", sorted(range(n), key=self.created.__getitem__))
        ids = array("i", bytes(4 * n))
        keyn = array("i", bytes(4 * n))
        counters = [0] * len(PROJECTS)
        next_id = 10001
        gaps = []
        for i in order:
            if rng.random() < 0.03:
                gap = rng.randint(1, 4)
                gaps.extend(range(next_id, next_id + gap))
                next_id += gap
            ids[i] = next_id
            next_id += 1
            p = self.project[i]
            counters[p] += 1
            keyn[i] = counters[p]
        self.order, self.ids, self.keyn, self.id_gaps = order, ids, keyn, gaps

    def key(self, i: int) -> str:
        return f"{PROJECTS[self.project[i]][0]}-{self.keyn[i]}"

    # ------------------------------------------------------------------ links
    def _pick(self, team: _Team, cond=None) -> int | None:
        start, end = self.team_range[team.idx]
        if end <= start:
            return None
        members = team.members
        for _ in range(200):
            i = self.rng.randrange(start, end)
            if self.itype[i] != EPIC and self.assignee[i] in members and (cond is None or cond(i)):
                return i
        return None

    def plan_links(self) -> None:
        rng = self.rng
        links: dict[int, list[tuple[str, str, int | str, int]]] = {}
        seen: set[tuple[int, int, str]] = set()
        link_id = [10500]

        def add(a: int, b: int | str, kind: str) -> bool:
            """a -> b: "a blocks b" / "a relates to b"; b may be an external key."""
            if isinstance(b, int) and (a == b or (a, b, kind) in seen or (b, a, kind) in seen):
                return False
            link_id[0] += 1
            links.setdefault(a, []).append((kind, "out", b, link_id[0]))
            if isinstance(b, int):
                seen.add((a, b, kind))
                links.setdefault(b, []).append((kind, "in", a, link_id[0]))
            return True

        hub = self.team_by_role["hub"]
        others = [t for t in self.teams if t.role not in ("hub", "noitems") and t.members]
        others = [t for t in others if self._pick(t) is not None]
        start, end = self.team_range[hub.idx]
        blockers = [i for i in range(start, end) if self.itype[i] != EPIC and self.assignee[i] in hub.members]
        n_hub = max(45, round(len(blockers) * 0.4))
        preferred = [self.team_by_role["oversized"], self.team_by_role["project"], *self.spread_teams]
        rest = [t for t in others if t not in preferred]
        k = min(len(others), 10 if len(others) < 100 else 12)
        targets = [t for t in preferred if t in others] + rng.sample(rest, k - len(preferred))
        done = 0
        guard = 0
        while done < n_hub and guard < n_hub * 50:
            guard += 1
            b = self._pick(targets[done % len(targets)])
            if b is not None and add(rng.choice(blockers), b, "Blocks"):
                done += 1
        self.hub_targets = [t.manager for t in targets]
        self.hub_out = done
        # a few links into the hub
        for _ in range(3):
            a = self._pick(rng.choice(others))
            b = self._pick(hub)
            if a is not None and b is not None:
                add(a, b, "Blocks")
        # only a few Blocks links between the other teams (at most 3 out of any one team)
        n_rand = max(8, round(self.n_issues * 0.003))
        per_team: dict[int, int] = {}
        done = guard = 0
        while done < n_rand and guard < n_rand * 50:
            guard += 1
            t1, t2 = rng.sample(others, 2)
            if per_team.get(t1.idx, 0) >= 3:
                continue
            a, b = self._pick(t1), self._pick(t2)
            if a is not None and b is not None and add(a, b, "Blocks"):
                per_team[t1.idx] = per_team.get(t1.idx, 0) + 1
                done += 1
        # relates links (not dependencies), mostly inside a team
        n_rel = max(25, round(self.n_issues * 0.012))
        done = guard = 0
        while done < n_rel and guard < n_rel * 50:
            guard += 1
            t1 = rng.choice(others)
            t2 = t1 if rng.random() < 0.7 else rng.choice(others)
            a, b = self._pick(t1), self._pick(t2)
            if a is not None and b is not None and add(a, b, "Relates"):
                done += 1
        # dirty: a link to an issue outside the export; a parent outside the export
        filler = [t for t in self.teams if t.role == "filler" and PROJECTS[t.home][0] != JSON_PROJECT]

        def csv_only(i: int) -> bool:
            return self.project[i] != _PAY

        def standalone_story(i: int) -> bool:
            return csv_only(i) and self.itype[i] == STORY and self.parent[i] == -1

        dang = None
        while dang is None:
            dang = self._pick(rng.choice(filler), csv_only)
        links.setdefault(dang, []).append(("Blocks", "in", DANGLING_LINK_KEY, 10500))
        ext = None
        while ext is None:
            ext = self._pick(rng.choice(filler), standalone_story)
        self.parent[ext] = EXTERNAL_PARENT
        mid_gaps = [g for g in self.id_gaps if g < self.ids[ext]] or [max(self.ids) + 7]
        self.external_parent_id = mid_gaps[len(mid_gaps) // 2]
        self.links, self.dangling, self.external = links, dang, ext

    # ------------------------------------------------------------------ rendering
    def summary(self, i: int) -> str:
        s, it = self.stream[i], self.itype[i]
        o = STREAM_OBJECTS[s][self.obj[i]]
        text = SUMMARY_TEMPLATES[it][self.tmpl[i]].format(o=o, O=_cap(o))
        if it == EPIC:
            text = _EPIC_PREFIX.get(s, "") + text
        return text

    def _jira_person(self, pid: int) -> tuple[str, str]:
        if pid == VENDOR:
            return UNKNOWN_ASSIGNEE, self.vendor_account
        if pid < 0:
            return "", ""
        p = self.people[pid]
        return p.jira_name, p.account_id

    def _render(self, i: int) -> dict:
        """Everything both writers need, drawing from the rng in a fixed order."""
        rng = self.rng
        it, proj, s, mech = self.itype[i], self.project[i], self.stream[i], self.mech[i]
        c, r, st = self.created[i], self.resolved[i], self.status[i]
        a = self.assignee[i]
        team = self.teams[self.pteam[i]]
        pool = [m for m in (team.manager, *team.members) if self.people[m].term is None] or [team.manager]
        if a >= 0 and rng.random() < 0.4:
            reporter = a
        else:
            x = rng.random()
            reporter = team.manager if x < 0.45 else (rng.choice(self.pms) if x < 0.7 else rng.choice(pool))
        creator = reporter if rng.random() < 0.95 else rng.choice(pool)
        last = r or c
        span = max(0, self.end_t - last)
        updated = last + rng.randint(0, min(span, (3 if r else 60) * 1440))
        viewed = rng.randint(updated, self.end_t) if rng.random() < 0.15 else 0
        due = ""
        if it != SUBTASK and rng.random() < 0.12:
            due_d = c // 1440 + rng.randint(7, 60)
            due = f"{self._day_parts(due_d)[0]} 12:00 AM"
        # labels and components: the stream's own rule first, neutral values after
        st_def = STREAMS[s] if s >= 0 else None
        labels: list[str] = []
        comps: list[str] = []
        if it != SUBTASK:
            # (a mobile issue may carry ios/android, a project-matched one its own stream's component)
            if mech == M_LABEL or (s == MOBILE and rng.random() < 0.4):
                labels.append(rng.choice(st_def.labels))
            if mech == M_COMPONENT or (mech == M_PROJECT and st_def and st_def.components and rng.random() < 0.3):
                comps.append(rng.choice(st_def.components))
            for lab in rng.sample(NEUTRAL_LABELS, rng.choices((0, 1, 2, 3), (40, 35, 18, 7))[0]):
                if len(labels) < 3:
                    labels.append(lab)
            if rng.random() < 0.45 and len(comps) < 2:
                comps.append(rng.choice(PROJECTS[proj][2]))
        return {
            "reporter": reporter,
            "creator": creator,
            "updated": updated,
            "viewed": viewed,
            "due": due,
            "labels": labels,
            "components": comps,
            "priority": rng.choices(("Highest", "High", "Medium", "Low", "Lowest"), (5, 20, 55, 15, 5))[0],
            "resolution": (rng.choices(("Done", "Won't Do", "Duplicate"), (90, 6, 4))[0] if st == DONE else ""),
            "points": (rng.choices((1, 2, 3, 5, 8), (15, 25, 30, 20, 10))[0] if it in (STORY, TASK, BUG) else None),
            "points_kind": (rng.choices((0, 1, 2), (60, 6, 34))[0] if it in (STORY, TASK, BUG) else 2),
            "pool": pool,
        }

    def _csv_row(self, i: int) -> tuple:
        rng = self.rng
        d = self._render(i)
        it, proj, s, c, r, st = (
            self.itype[i],
            self.project[i],
            self.stream[i],
            self.created[i],
            self.resolved[i],
            self.status[i],
        )
        a_name, a_id = self._jira_person(self.assignee[i])
        rep_name, rep_id = self._jira_person(d["reporter"])
        cr_name, cr_id = self._jira_person(d["creator"])
        pkey, pname, _ = PROJECTS[proj]
        head = [
            self.summary(i),
            self.key(i),
            str(self.ids[i]),
            ISSUE_TYPES[it],
            STATUS_NAMES[st],
            STATUS_CATEGORY[st],
            pkey,
            pname,
            "software",
            d["priority"],
            d["resolution"],
            a_name,
            a_id,
            rep_name,
            rep_id,
            cr_name,
            cr_id,
            self.jira_dt(c),
            self.jira_dt(d["updated"]),
            self.jira_dt(d["viewed"]) if d["viewed"] else "",
            self.jira_dt(r) if r else "",
            d["due"],
        ]
        # sprints (two-week cadence per project) and fix versions (monthly releases)
        sprints: list[str] = []
        if it in (STORY, TASK, BUG) and (r or st != TODO):
            last = (r or self.end_t) // 1440 // 14
            n_sp = rng.choices((1, 2, 3), (70, 22, 8))[0]
            first = max(c // 1440 // 14, last - n_sp + 1)
            sprint0 = self.day(self.jira_start) // 14 - 1
            sprints = [f"{pkey} Sprint {k - sprint0}" for k in range(first, last + 1)][-3:]
        fix: list[str] = []
        if r and it in (STORY, BUG) and rng.random() < 0.4:
            rd = self.epoch + timedelta(days=r // 1440)
            fix.append(f"{rd.year}.{rd.month:02d}")
            if rng.random() < 0.1:
                nxt = rd.replace(day=1) + timedelta(days=32)
                fix.append(f"{nxt.year}.{nxt.month:02d}")
        desc = ""
        if it != SUBTASK and rng.random() < 0.65:
            desc = rng.choice(DESCRIPTIONS).format(o=STREAM_OBJECTS[s][self.obj[i]])
        pool = d["pool"]
        watchers = []
        for pid in (d["reporter"], self.assignee[i], rng.choice(pool)):
            if pid >= 0 and pid not in watchers:
                watchers.append(pid)
        watchers = watchers[: rng.choices((0, 1, 2, 3), (20, 40, 25, 15))[0]]
        in_b, out_b, in_r, out_r = [], [], [], []
        for kind, direction, other, _ in self.links.get(i, ()):
            okey = other if isinstance(other, str) else self.key(other)
            if kind == "Blocks":
                (in_b if direction == "in" else out_b).append(okey)
            else:
                (in_r if direction == "in" else out_r).append(okey)
        pts = d["points"]
        sp = str(pts) if pts is not None and d["points_kind"] == 0 else ""
        spe = str(pts) if pts is not None and d["points_kind"] == 1 else ""
        par = self.parent[i]
        if par == EXTERNAL_PARENT:
            parent, parent_summary = str(self.external_parent_id), "Billing v1 sunset (archived project)"
        elif par >= 0:
            parent, parent_summary = str(self.ids[par]), self.summary(par)
        else:
            parent = parent_summary = ""
        comments = []
        n_com = rng.choices((0, 1, 2, 3, 4), (45, 25, 15, 10, 5))[0]
        t0 = c
        for _ in range(n_com):
            t0 = rng.randint(t0, max(t0, d["updated"]))
            author = rng.choice(pool)
            body = rng.choice(COMMENTS).format(acc=self.people[rng.choice(pool)].account_id)
            comments.append(f"{self.jira_dt(t0)};{self.people[author].account_id};{body}")
        worklogs = []
        if r and it in (STORY, TASK, BUG, SUBTASK) and self.pteam[i] % 3 == 0:
            for _ in range(rng.choices((0, 1, 2), (40, 40, 20))[0]):
                t0 = rng.randint(c, r)
                who = self.assignee[i] if self.assignee[i] >= 0 else rng.choice(pool)
                worklogs.append(
                    f"{rng.choice(WORKLOG_COMMENTS)};{self.jira_dt(t0)};{self.people[who].account_id};"
                    f"{rng.choice((1800, 3600, 7200, 14400, 28800))}"
                )
        return (
            head,
            d["labels"],
            d["components"],
            sprints,
            fix,
            desc,
            [self.people[w].jira_name for w in watchers],
            [self.people[w].account_id for w in watchers],
            in_b,
            out_b,
            in_r,
            out_r,
            sp,
            spe,
            parent,
            parent_summary,
            "",
            comments,
            worklogs,
        )

    def _json_user(self, pid: int) -> dict | None:
        if pid == UNASSIGNED:
            return None
        p = self.people[pid]
        user = {"accountId": p.account_id, "displayName": p.jira_name}
        if p.email_visible:
            user["emailAddress"] = p.jira_email
        user["active"] = p.term is None
        return user

    def _json_issue(self, i: int) -> dict:
        d = self._render(i)
        it, st, proj = self.itype[i], self.status[i], self.project[i]
        pkey, pname, _ = PROJECTS[proj]
        fields: dict = {
            "summary": self.summary(i),
            "project": {"key": pkey, "name": pname, "id": str(10000 + proj)},
            "issuetype": {
                "name": ISSUE_TYPES[it],
                "subtask": it == SUBTASK,
                "hierarchyLevel": {EPIC: 1, SUBTASK: -1}.get(it, 0),
            },
            "status": {
                "name": STATUS_NAMES[st],
                "statusCategory": {"key": STATUS_CATEGORY_KEY[st], "name": STATUS_CATEGORY[st]},
            },
            "assignee": self._json_user(self.assignee[i]),
            "reporter": self._json_user(d["reporter"]),
            "created": self.iso_dt(self.created[i]),
            "updated": self.iso_dt(d["updated"]),
            "resolutiondate": self.iso_dt(self.resolved[i]) if self.resolved[i] else None,
            "labels": d["labels"],
            "components": [{"id": str(_COMPONENT_IDS[f"{pkey}/{c}"]), "name": c} for c in d["components"]],
        }
        par = self.parent[i]
        if par >= 0:
            fields["parent"] = {
                "id": str(self.ids[par]),
                "key": self.key(par),
                "fields": {"summary": self.summary(par), "issuetype": {"name": ISSUE_TYPES[self.itype[par]]}},
            }
        issuelinks = []
        for kind, direction, other, lid in self.links.get(i, ()):
            ltype = (
                {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"}
                if kind == "Blocks"
                else {"id": "10003", "name": "Relates", "inward": "relates to", "outward": "relates to"}
            )
            ref = {"key": other} if isinstance(other, str) else {"id": str(self.ids[other]), "key": self.key(other)}
            issuelinks.append(
                {"id": str(lid), "type": ltype, ("inwardIssue" if direction == "in" else "outwardIssue"): ref}
            )
        fields["issuelinks"] = issuelinks
        fields["customfield_10016"] = d["points"] if d["points_kind"] != 2 else None
        return {
            "id": str(self.ids[i]),
            "key": self.key(i),
            "self": f"{JIRA_SITE}/rest/api/3/issue/{self.ids[i]}",
            "fields": fields,
        }

    # ------------------------------------------------------------------ writers
    def write_hris(self, path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
            w.writerow(HRIS_HEADER)
            for pid in self.hris_order:
                p = self.people[pid]
                hire = MALFORMED_HIRE_DATE if pid == self.malformed else p.hire.strftime("%m/%d/%Y")
                w.writerow(
                    [
                        p.eid,
                        p.name,
                        p.email,
                        self.people[p.manager].eid if p.manager is not None else "",
                        p.title,
                        p.dept,
                        p.team,
                        p.location,
                        p.emp_type,
                        hire,
                        p.term.strftime("%m/%d/%Y") if p.term else "",
                        "Terminated" if p.term else "Active",
                    ]
                )

    def write_jira_csv(self, path: Path) -> int:
        multi = (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 17, 18)
        maxes = dict.fromkeys(multi, 1)
        n_rows = 0
        with tempfile.TemporaryFile(dir=path.parent) as tmp:
            for rank in range(len(self.order) - 1, -1, -1):
                i = self.order[rank]
                if self.project[i] == _PAY:
                    continue
                row = self._csv_row(i)
                for k in multi:
                    if len(row[k]) > maxes[k]:
                        maxes[k] = len(row[k])
                marshal.dump(row, tmp)
                n_rows += 1
            tmp.seek(0)
            names = {
                1: "Labels",
                2: "Component/s",
                3: "Sprint",
                4: "Fix Version/s",
                6: "Watchers",
                7: "Watchers Id",
                8: "Inward issue link (Blocks)",
                9: "Outward issue link (Blocks)",
                10: "Inward issue link (Relates)",
                11: "Outward issue link (Relates)",
                17: "Comment",
                18: "Log Work",
            }
            scalar = {
                5: "Description",
                12: "Custom field (Story Points)",
                13: "Custom field (Story point estimate)",
                14: "Parent",
                15: "Parent summary",
                16: "Custom field (Epic Link)",
            }
            header = [
                "Summary",
                "Issue key",
                "Issue id",
                "Issue Type",
                "Status",
                "Status Category",
                "Project key",
                "Project name",
                "Project type",
                "Priority",
                "Resolution",
                "Assignee",
                "Assignee Id",
                "Reporter",
                "Reporter Id",
                "Creator",
                "Creator Id",
                "Created",
                "Updated",
                "Last Viewed",
                "Resolved",
                "Due date",
            ]
            for k in range(1, 19):
                header.extend([names[k]] * maxes[k] if k in names else [scalar[k]])
            with path.open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
                w.writerow(header)
                for _ in range(n_rows):
                    row = marshal.load(tmp)
                    out = list(row[0])
                    for k in range(1, 19):
                        if k in names:
                            vals = row[k]
                            out.extend(vals)
                            out.extend([""] * (maxes[k] - len(vals)))
                        else:
                            out.append(row[k])
                    w.writerow(out)
        return n_rows

    def write_jira_json(self, folder: Path) -> int:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("page-*.json"):
            old.unlink()
        pay = [i for i in self.order if self.project[i] == _PAY]
        n_pages = max(1, math.ceil(len(pay) / JSON_PAGE_SIZE))
        width = max(3, len(str(n_pages)))
        for pg in range(n_pages):
            chunk = pay[pg * JSON_PAGE_SIZE : (pg + 1) * JSON_PAGE_SIZE]
            page: dict = {"issues": [self._json_issue(i) for i in chunk]}
            if pg < n_pages - 1:
                page["nextPageToken"] = base64.urlsafe_b64encode(self.rng.randbytes(48)).decode().rstrip("=")
                page["isLast"] = False
            else:
                page["isLast"] = True
            with (folder / f"page-{pg + 1:0{width}d}.json").open("w", encoding="utf-8", newline="\n") as f:
                json.dump(page, f, ensure_ascii=False, indent=2)
                f.write("\n")
        return len(pay)

    def gdpr_epics(self) -> list[str]:
        team = self.team_by_role["project"]
        start, end = self.team_range[team.idx]
        epics = [i for i in range(start, end) if self.itype[i] == EPIC and self.stream[i] == GDPR]
        return [self.key(i) for i in sorted(epics, key=self.ids.__getitem__)]

    def write_config(self, path: Path) -> None:
        pp = self.planted_people
        q = json.dumps
        zoe = self.people[pp["aliased_account"]]
        bob = self.people[pp["aliased_name"]]
        lines = [
            "# GENERATED by assets/sample_org/generator.py - do not edit by hand.",
            f"# Regenerate: uv run python -m orghealth.sample_org.generator --out DIR --people {self.n_people} "
            f"--issues {self.n_issues} --seed {self.seed}",
            f"as_of: {self.as_of.isoformat()}",
            "hris:",
            f"  path: {HRIS_FILE}",
            "  date_format: MM/DD/YYYY",
            "jira:",
            f"  paths: [{JIRA_CSV_FILE}, {JIRA_JSON_DIR}]",
            "  dependency_link_types: [Blocks]",
            "identity:",
            "  aliases:",
            f"    {q(bob.account_id)}: {bob.eid}    # Jira shows {q(bob.jira_name)}",
            f"    {q(zoe.jira_name, ensure_ascii=False)}: {zoe.eid}",
            "work_streams:",
        ]
        gdpr = self.gdpr_epics()
        for k, s in enumerate(STREAMS):
            stl = pp["stl"][k]
            lines += [
                f"  - id: {s.id}",
                f"    name: {q(s.name)}",
                f"    kind: {s.kind}",
                f"    stl: {self.people[stl].email if stl is not None else q('')}",
                "    match:",
                f"      projects: [{', '.join(s.projects)}]",
                f"      epics: [{', '.join(gdpr if s.epic_rule else [])}]",
                f"      labels: [{', '.join(q(x) for x in s.labels)}]",
                f"      components: [{', '.join(q(x) for x in s.components)}]",
            ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")

    def write_planted(self, path: Path, n_csv: int, n_json: int) -> None:
        pp = self.planted_people
        people = self.people

        def eid(pid: int) -> str:
            return people[pid].eid

        data = {
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "recent_window_days": RECENT_DAYS,
            "people": self.n_people,
            "issues": self.n_issues,
            "csv_issues": n_csv,
            "json_issues": n_json,
            "spread_leader": eid(pp["spread_leader"]),
            "spread_leader_streams": ["checkout", "merchant-dashboard"],
            "spread_team_managers": [eid(x) for x in pp["spread_teams"]],
            "oversized_team_manager": eid(pp["oversized_team_manager"]),
            "project_team_manager": eid(pp["project_team_manager"]),
            "project_stream": "gdpr-retention",
            "hub_team_manager": eid(pp["hub_team_manager"]),
            "hub_blocked_team_managers": [eid(x) for x in self.hub_targets],
            "shared_people": [eid(x) for x in pp["shared_people"]],
            "unknown_assignee": UNKNOWN_ASSIGNEE,
            "terminated_assignee": eid(pp["terminated_assignee"]),
            "terminated_stl": eid(pp["terminated_stl"]),
            "terminated_stl_stream": "reporting",
            "empty_stl_stream": "notifications",
            "aliased": [eid(pp["aliased_name"]), eid(pp["aliased_account"])],
            "alias_details": [
                {
                    "employee_id": eid(pid),
                    "hris_name": people[pid].name,
                    "jira_display_name": people[pid].jira_name,
                    "alias_key": key,
                }
                for pid, key in (
                    (pp["aliased_name"], people[pp["aliased_name"]].account_id),
                    (pp["aliased_account"], people[pp["aliased_account"]].jira_name),
                )
            ],
            "mixed_case_email": {
                "employee_id": eid(pp["mixed_case_email"]),
                "jira_email": people[pp["mixed_case_email"]].jira_email,
            },
            "team_of_one_manager": eid(pp["team_of_one_manager"]),
            "leader_without_items": eid(pp["leader_without_items"]),
            "malformed_hris_line": self.malformed_line,
            "malformed_hris_employee": eid(self.malformed),
            "external_parent": {"issue_key": self.key(self.external), "parent_id": str(self.external_parent_id)},
            "dangling_link": {
                "issue_key": self.key(self.dangling),
                "other_key": DANGLING_LINK_KEY,
                "link_type": "Blocks",
                "direction": "inward",
            },
            "gdpr_epics": self.gdpr_epics(),
            "names": {
                eid(pid): people[pid].name
                for pid in (
                    pp["spread_leader"],
                    pp["oversized_team_manager"],
                    pp["project_team_manager"],
                    pp["hub_team_manager"],
                    pp["terminated_assignee"],
                    pp["terminated_stl"],
                    pp["team_of_one_manager"],
                    pp["leader_without_items"],
                    pp["aliased_name"],
                    pp["aliased_account"],
                    *pp["shared_people"],
                    self.malformed,
                )
            },
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")

    def run(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.build_org()
        self.assign_ids()
        self.pms = [
            p.idx for p in self.people if p.title in ("Product Manager", "Senior Product Manager") and p.term is None
        ]
        self.plan_issues()
        self.assign_keys()
        self.plan_links()
        self.write_hris(out_dir / HRIS_FILE)
        n_csv = self.write_jira_csv(out_dir / JIRA_CSV_FILE)
        n_json = self.write_jira_json(out_dir / JIRA_JSON_DIR)
        self.write_config(out_dir / CONFIG_FILE)
        self.write_planted(out_dir / PLANTED_FILE, n_csv, n_json)


def write_sample_org(
    out_dir: Path,
    *,
    people: int = DEFAULT_PEOPLE,
    issues: int = DEFAULT_ISSUES,
    seed: int = DEFAULT_SEED,
    as_of: date = DEFAULT_AS_OF,
) -> None:
    """Write the sample organisation's exports, config and planted.json into ``out_dir``."""
    _SampleOrg(people, issues, seed, as_of).run(Path(out_dir))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    parser.add_argument("--issues", type=int, default=DEFAULT_ISSUES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    args = parser.parse_args(argv)
    write_sample_org(args.out, people=args.people, issues=args.issues, seed=args.seed, as_of=args.as_of)


if __name__ == "__main__":
    main()
