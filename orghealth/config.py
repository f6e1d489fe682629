"""The org config: one YAML file validated by pydantic, so a typo is an error, not a silent default.

Relative paths in the file are taken relative to the file's own folder, so a config and its exports can
move together.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from orghealth.errors import ConfigError
from orghealth.files import require_regular_file

# Matches individual-contributor engineering titles; "Engineering Manager" and "VP Engineering" do not
# match because "engineer" must be a whole word.
DEFAULT_ENGINEER_TITLES = r"(?i)\b(engineer|developer|sre|architect|programmer)\b"
DEFAULT_CONTRACTOR_TYPES = r"(?i)contract|consult|freelanc|agency|temp"

HrisField = Literal[
    "employee_id",
    "name",
    "email",
    "manager_id",
    "manager_email",
    "manager_name",
    "title",
    "department",
    "team",
    "location",
    "employment_type",
    "hire_date",
    "termination_date",
    "status",
]

DateFormatName = Literal["auto", "YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY", "M/D/YY", "D/M/YY"]


def _repeated(values: list[str]) -> str:
    """The values listed more than once, quoted, for a message ("" when none is)."""
    return ", ".join(repr(v) for v in sorted({v for v in values if values.count(v) > 1}))


def org_slug(name: str) -> str:
    """`Acme Corp.` -> `acme-corp`: lowercase ASCII letters and digits, every other run of characters one hyphen
    (accents dropped: `Müller & Söhne` -> `muller-sohne`); "" when the name has no letter or digit."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_regex(pattern: str) -> str:
    """A pattern both Python and DuckDB's engine (RE2, which evaluates it in SQL) accept."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from exc
    with duckdb.connect() as con:
        try:
            con.execute("SELECT regexp_matches('', $pattern)", {"pattern": pattern}).fetchall()
        except duckdb.Error as exc:
            message = str(exc).split("\n")[0]
            raise ValueError(f"DuckDB's regular expressions (RE2) cannot run it: {message}") from None
    return pattern


class HrisConfig(StrictModel):
    path: Path | None = None
    columns: dict[HrisField, str | list[str]] = Field(
        default_factory=dict,
        description="Canonical field -> header in the export, beside the defaults; name may list columns to join.",
    )
    date_format: DateFormatName = "auto"
    encoding: Literal["auto", "utf-8", "cp1252", "latin-1"] = "auto"
    delimiter: Literal["auto", ",", ";", "\t", "|"] = "auto"
    engineer_titles: str = DEFAULT_ENGINEER_TITLES
    contractor_types: str = DEFAULT_CONTRACTOR_TYPES
    team_source: Literal["manager", "column"] = "manager"

    _regexes = field_validator("engineer_titles", "contractor_types")(_check_regex)

    @field_validator("columns")
    @classmethod
    def _only_the_name_is_joined(cls, columns: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        listed = sorted(f for f, header in columns.items() if isinstance(header, list) and f != "name")
        if listed:
            raise ValueError(f"only name may list several columns (to join); {', '.join(listed)} must name one")
        if isinstance(columns.get("name"), list) and not columns["name"]:
            raise ValueError("name lists no column")
        return columns


class JiraConfig(StrictModel):
    paths: list[Path] = Field(default_factory=list)
    dependency_link_types: list[str] = Field(default_factory=lambda: ["Blocks"])
    story_points_fields: list[str] = Field(
        default_factory=lambda: [
            "Custom field (Story Points)",
            "Custom field (Story point estimate)",
            "customfield_10016",
            "customfield_10026",
            "customfield_10002",
        ],
        description="CSV headers or JSON field ids holding story points, first non-empty wins.",
    )
    epic_link_fields: list[str] = Field(
        default_factory=lambda: ["Custom field (Epic Link)", "customfield_10014"],
    )


class IdentityConfig(StrictModel):
    aliases: dict[str, str] = Field(
        default_factory=dict, description="Jira accountId or display name -> HRIS employee_id."
    )


class MatchRules(StrictModel):
    projects: list[str] = Field(default_factory=list)
    epics: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)


class WorkStream(StrictModel):
    id: str = Field(description="Lower case in every table; PAY and pay are one id.")
    name: str
    kind: Literal["program", "product", "project"]
    stl: str = Field(default="", description="Email of the single-threaded leader; empty when there is none.")
    match: MatchRules = Field(default_factory=MatchRules)

    @field_validator("id", mode="before")
    @classmethod
    def _normalised_id(cls, value: object) -> object:
        """People name streams after Jira project keys (PAY): ids are taken in lower case, everywhere."""
        if not isinstance(value, str):
            return value
        normal = value.strip().lower()
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", normal):
            suggestion = re.sub(r"[^a-z0-9_-]+", "-", normal).strip("-_") or "payments"
            raise ValueError(
                f"stream id {value!r} may hold only letters, digits, '-' and '_', starting with a letter or digit "
                f"(case does not matter); write e.g. {suggestion!r}"
            )
        if normal == "unmapped":
            raise ValueError("'unmapped' is reserved for items no stream matches")
        return normal

    @field_validator("stl")
    @classmethod
    def _email_or_empty(cls, value: str) -> str:
        value = value.strip()
        if value and "@" not in value:
            raise ValueError(f"stl must be an email address or empty, got {value!r}")
        return value.lower()


class MetricsConfig(StrictModel):
    window_days: int = Field(default=90, gt=0, description="Items resolved in (as_of - window_days, as_of] count.")
    effort: Literal["items", "story_points"] = "items"
    focus_threshold: float = Field(default=0.8, ge=0, le=1)
    alignment_threshold: float = Field(default=0.7, ge=0, le=1)
    project_max_days: int = Field(default=180, gt=0)
    team_min_engineers: int = Field(default=3, ge=0)
    team_max_engineers: int = Field(default=8, ge=0)
    team_max_headcount: int = Field(default=15, ge=1)

    @model_validator(mode="after")
    def _bounds_in_order(self) -> MetricsConfig:
        if self.team_min_engineers > self.team_max_engineers:
            raise ValueError("team_min_engineers is above team_max_engineers")
        return self


class QualityConfig(StrictModel):
    max_rejected_share: float = Field(default=0.01, ge=0, le=1)
    min_match_rate: float = Field(default=0.9, ge=0, le=1)
    max_drop: float = Field(default=0.3, ge=0, le=1)


class ScheduleConfig(StrictModel):
    """When the nightly run starts, and how the sensor watches the export folders."""

    cron: str = Field(default="0 2 * * *", description="When the nightly run starts; it describes the day before.")
    timezone: str = Field(
        default="UTC", description="The cron's time zone (IANA name), which also says what 'the day before' is."
    )
    settle_seconds: int = Field(
        default=60, ge=0, description="The sensor waits until the newest export is this old, so a drop still being "
        "copied is not read half-written.",
    )  # fmt: skip

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, cron: str) -> str:
        fields = cron.split()
        if len(fields) != 5 or not all(re.fullmatch(r"[0-9A-Za-z*/,\-]+", f) for f in fields):
            raise ValueError(f"{cron!r} is not a cron expression (five fields, e.g. '0 2 * * *')")
        return cron

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{timezone!r} is not an IANA time zone (e.g. 'UTC', 'Europe/Berlin')") from None
        return timezone


class PublishConfig(StrictModel):
    """What the dashboard file (the only file Superset reads) holds, and how private it is."""

    dashboard_database: Path | None = Field(
        default=None, description="Default: NAME-dashboards.duckdb beside the published database."
    )
    pseudonymise: bool = Field(default=False, description="Replace people's names and ids by keyed hashes.")
    pseudonymise_key_env: str = Field(
        default="ORGHEALTH_PSEUDONYMISE_KEY", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="The environment variable that holds the HMAC key; never the key itself.",
    )  # fmt: skip
    named_roles: list[Literal["leaders", "stls"]] = Field(
        default_factory=lambda: ["leaders", "stls"],
        description="Who keeps their name when pseudonymising: the model holds leaders and STLs accountable by name.",
    )
    min_group_size: int = Field(default=3, ge=1, description="Smallest group whose HR-derived numbers are shown.")


ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"  # an environment variable's NAME: the schema never holds a secret itself


class SmtpConfig(StrictModel):
    """An SMTP server; the login's user name and password come from environment variables, never this file."""

    host: str
    port: int = Field(default=587, gt=0, lt=65536)
    starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS before logging in.")
    ca_file: Path | None = Field(
        default=None, description="A CA bundle (PEM) to trust for STARTTLS, e.g. a company CA; default: the system's."
    )
    username_env: str | None = Field(default=None, pattern=ENV_NAME)
    password_env: str | None = Field(default=None, pattern=ENV_NAME)
    sender: str
    recipients: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _login_in_pairs(self) -> SmtpConfig:
        if (self.username_env is None) != (self.password_env is None):
            raise ValueError("username_env and password_env go together: name both or neither")
        if self.ca_file is not None and not self.starttls:
            raise ValueError("ca_file is used only with starttls: true")
        return self


class AlertChannel(StrictModel):
    """Where alerts go: a Slack-compatible, Teams or generic JSON webhook (URL in url_env), or email (smtp)."""

    kind: Literal["slack", "teams", "webhook", "email"]
    name: str = Field(min_length=1)
    url_env: str | None = Field(default=None, pattern=ENV_NAME, description="Env var holding the webhook URL.")
    smtp: SmtpConfig | None = None

    @model_validator(mode="after")
    def _one_destination(self) -> AlertChannel:
        if self.kind == "email" and (self.smtp is None or self.url_env is not None):
            raise ValueError(f"channel {self.name!r}: an email channel needs smtp (and no url_env)")
        if self.kind != "email" and (self.url_env is None or self.smtp is not None):
            raise ValueError(f"channel {self.name!r}: a {self.kind} channel needs url_env (and no smtp)")
        return self


class AlertsConfig(StrictModel):
    """Messages on a blocked run, a new org-health finding or a failed run; no channels, no messages."""

    channels: list[AlertChannel] = Field(default_factory=list)
    dagster_url: str = Field(default="http://127.0.0.1:3000", description="Base of the run links in messages.")
    dashboard_url: str | None = Field(
        default=None, description="The Superset dashboard's address, linked as 'Dashboard' in every message."
    )
    retries: int = Field(default=3, ge=0, description="Attempts after the first before a channel is given up.")
    backoff_seconds: float = Field(default=1.0, ge=0, description="First wait between attempts; doubled each time.")
    deadline_seconds: float = Field(
        default=30.0, gt=0, description="No retry waits past this many seconds from a channel's first attempt."
    )

    @field_validator("channels")
    @classmethod
    def _unique_names(cls, channels: list[AlertChannel]) -> list[AlertChannel]:
        if repeated := _repeated([c.name for c in channels]):
            raise ValueError(f"channel name(s) {repeated} used more than once")
        return channels


class OrgConfig(StrictModel):
    org_name: str | None = Field(
        default=None, max_length=80,
        description="The org's name, on its Superset dashboard; its slug (Acme Corp. -> acme-corp) names the org's "
        "Superset objects. Default: the published database file's stem.",
    )  # fmt: skip
    as_of: date | None = None
    database: Path | None = None
    hris: HrisConfig = Field(default_factory=HrisConfig)
    jira: JiraConfig = Field(default_factory=JiraConfig)
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    work_streams: list[WorkStream] = Field(default_factory=list)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)
    publish: PublishConfig = Field(default_factory=PublishConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)

    @field_validator("org_name")
    @classmethod
    def _sluggable(cls, name: str | None) -> str | None:
        if name is not None and not org_slug(name):
            raise ValueError(f"{name!r} has no letter or digit to make a slug of (as 'Acme Corp.' makes acme-corp)")
        return name

    @field_validator("work_streams")
    @classmethod
    def _unique_stream_ids(cls, streams: list[WorkStream]) -> list[WorkStream]:
        if repeated := _repeated([stream.id for stream in streams]):
            raise ValueError(f"stream id(s) {repeated} used more than once")
        return streams

    def resolve_paths(self, base: Path) -> OrgConfig:
        """Return a copy whose relative paths are taken from `base` (the config file's folder)."""

        def absolute(path: Path | None) -> Path | None:
            return None if path is None else (path if path.is_absolute() else base / path)

        def channel(c: AlertChannel) -> AlertChannel:
            if c.smtp is None or c.smtp.ca_file is None:
                return c
            return c.model_copy(update={"smtp": c.smtp.model_copy(update={"ca_file": absolute(c.smtp.ca_file)})})

        return self.model_copy(
            update={
                "database": absolute(self.database),
                "hris": self.hris.model_copy(update={"path": absolute(self.hris.path)}),
                "jira": self.jira.model_copy(update={"paths": [absolute(p) for p in self.jira.paths]}),
                "publish": self.publish.model_copy(
                    update={"dashboard_database": absolute(self.publish.dashboard_database)}
                ),
                "alerts": self.alerts.model_copy(update={"channels": [channel(c) for c in self.alerts.channels]}),
            }
        )


class _ConfigLoader(yaml.SafeLoader):
    """YAML without its own date parsing: `as_of: 2026-13-45` reaches pydantic, which names the key."""


_ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def format_validation_error(path: Path, exc: ValidationError, what: str = "config file") -> str:
    """Every problem pydantic found, each at its key, in one line: "<what> PATH is not valid: key: problem; ..."."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = "unknown key (check its spelling)" if error["type"] == "extra_forbidden" else error["msg"]
        problems.append(f"{where}: {message}")
    return f"{what} {path} is not valid: " + "; ".join(problems)


def load_config(path: Path) -> OrgConfig:
    """Read and validate the org config; raise ConfigError with every problem listed."""
    require_regular_file(path, "config file", ConfigError)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not UTF-8 text (byte {exc.start} cannot be read): save it as UTF-8"
        ) from exc
    try:
        data = yaml.load(text, Loader=_ConfigLoader) or {}  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of settings at the top level")
    try:
        config = OrgConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(path, exc)) from exc
    return config.resolve_paths(path.resolve().parent)
