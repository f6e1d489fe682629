"""The fixed shape of the sample world: sizes, file names, work streams, Jira projects and enumerations.

Streams, projects, issue types and statuses are referred to by their index into the tuples below, so
that the issue plan can hold them in compact ``array`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEFAULT_SEED = 20261120
DEFAULT_AS_OF = date(2026, 11, 20)
DEFAULT_PEOPLE = 300
DEFAULT_ISSUES = 2500
MIN_PEOPLE = 160
MIN_ISSUES = 1000

ORG_NAME = "Acme"  # the config's org_name: its Superset dashboard is acme-stl-org-health
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
ENGINEER_TITLE_WEIGHTS = (30, 28, 6, 1, 6, 9, 8, 5, 0, 0)


# -------------------------------------------------------------------------------------- work streams
@dataclass(frozen=True)
class Stream:
    id: str
    name: str
    kind: str
    projects: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    epic_rule: bool = False
    age_days: int | None = None  # days before as_of the stream started (None: before Jira history)


STREAMS: tuple[Stream, ...] = (
    Stream("payments", "Payments Platform", "program", projects=("PAY",)),
    Stream("checkout", "Checkout", "program", projects=("CHK",)),
    Stream("merchant-dashboard", "Merchant Dashboard", "product", projects=("MER",)),
    Stream("search", "Search & Discovery", "program", projects=("SRCH",)),
    Stream("identity", "Identity & Access", "program", projects=("IAM",), components=("Auth",)),
    Stream(
        "developer-platform",
        "Developer Platform",
        "program",
        projects=("PLAT",),
        components=("CI/CD", "Build Tooling"),
    ),
    Stream("data-platform", "Data Platform", "program", projects=("DATA",)),
    Stream("mobile-app", "Mobile App", "product", projects=("MOB",), labels=("ios", "android")),
    Stream("notifications", "Notifications", "program", projects=("NOTIF",), components=("Notifications",)),
    Stream("reporting", "Merchant Reporting", "program", projects=("RPT",)),
    Stream("gdpr-retention", "GDPR Data Retention", "project", epic_rule=True, age_days=627),
    Stream("dc-exit", "Datacenter Exit", "project", labels=("dc-exit",), age_days=158),
)
_STREAM_INDEX = {s.id: i for i, s in enumerate(STREAMS)}
UNMAPPED = -1
PAYMENTS, CHECKOUT, MERCHANT, SEARCH = (
    _STREAM_INDEX[k] for k in ("payments", "checkout", "merchant-dashboard", "search")
)
IDENTITY, PLATFORM, DATA, MOBILE = (
    _STREAM_INDEX[k] for k in ("identity", "developer-platform", "data-platform", "mobile-app")
)
NOTIFS, REPORTING, GDPR, DCEXIT = (
    _STREAM_INDEX[k] for k in ("notifications", "reporting", "gdpr-retention", "dc-exit")
)
# Streams a filler team can be built around: programs whose STL owns exactly that one stream.
FILLER_STREAMS = (PAYMENTS, SEARCH, IDENTITY, PLATFORM, DATA)

# ------------------------------------------------------------------------------------- Jira projects
# key, name, neutral components (never matched by a work-stream rule).
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
PROJECT_INDEX = {p[0]: i for i, p in enumerate(PROJECTS)}
# The one project exported as JSON pages; every other project goes into the CSV export.
JSON_PROJECT = "PAY"
PAY_PROJECT = PROJECT_INDEX[JSON_PROJECT]
ENG_PROJECT, SUP_PROJECT, DATA_PROJECT = PROJECT_INDEX["ENG"], PROJECT_INDEX["SUP"], PROJECT_INDEX["DATA"]

# ----------------------------------------------------------------------------------- enumerations
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
# assignees that are not people in the HRIS
UNASSIGNED, VENDOR = -1, -2
# a parent issue that is not in the export
EXTERNAL_PARENT = -2
