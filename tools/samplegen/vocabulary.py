"""Word lists the sample org is written with: names, places, issue texts, team and department names."""

from __future__ import annotations

import re
import unicodedata

from tools.samplegen.catalog import (
    BUG,
    CHECKOUT,
    DATA,
    DCEXIT,
    EPIC,
    GDPR,
    IDENTITY,
    MERCHANT,
    MOBILE,
    NOTIFS,
    PAYMENTS,
    PLATFORM,
    REPORTING,
    SEARCH,
    STORY,
    SUBTASK,
    TASK,
    UNMAPPED,
)

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


# ----------------------------------------------------------------------------------------- issue texts
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
EPIC_PREFIX = {GDPR: "GDPR retention: ", DCEXIT: "DC exit: "}

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


# ---------------------------------------------------------------------------------------- org names
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


# ----------------------------------------------------------------------------------------------- text
_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
     "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i"}
)  # fmt: skip


def ascii_fold(text: str) -> str:
    """Strip accents the way email addresses are built: "Zoë Ångström" -> "Zoe Angstrom"."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


def email_local(name: str) -> str:
    parts = [re.sub(r"[^a-z0-9-]", "", p) for p in ascii_fold(name).lower().split(" ")]
    first, *rest = parts
    mids = [p for p in rest[:-1] if p]
    last = "".join(rest[-1:])
    return ".".join([first, *mids, last])


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]
