"""A run's settings: the org config merged with what the caller gave (flags, run config), every path absolute.

Paths are resolved once, here: a relative path in the config file is taken from the config file's folder
(orghealth.config does that), any other relative path from the working directory of the process that
resolves it. Everything after this sees absolute paths only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb

from orghealth.config import OrgConfig, load_config
from orghealth.database import check_location
from orghealth.errors import ConfigError
from orghealth.exports import DatedExport, choose_export
from orghealth.files import require_regular_file
from orghealth.readers.hris import check_header as check_hris_header
from orghealth.readers.jira import check_headers as check_jira_headers
from orghealth.run_log import run_log_path

DEFAULT_DB = Path("data/orghealth.duckdb")


@dataclass(frozen=True)
class RunSettings:
    """Everything a run needs, config file and caller's values merged (the caller's win)."""

    config: OrgConfig
    config_path: Path
    db_path: Path
    as_of: date
    hris_location: Path | None  # an export file, or a folder of dated exports; None where none is read (validate)
    jira_paths: list[Path]
    dashboard_path: Path  # the dashboard file Superset reads, written beside the published one
    pseudonym_key: bytes | None = field(default=None, repr=False)  # from the environment, never from a file

    @cached_property
    def hris_export(self) -> DatedExport | None:
        """The export chosen for as_of when hris.path is a folder of dated exports (None for a single file);
        chosen once, so every step of a run reads the same file even if a new one lands meanwhile."""
        if self.hris_location is None or not self.hris_location.is_dir():
            return None
        return choose_export(self.hris_location, self.as_of)

    @property
    def hris_path(self) -> Path | None:
        """The HRIS file this run reads."""
        export = self.hris_export
        return export.path if export is not None else self.hris_location

    @property
    def run_log_path(self) -> Path:
        """The run log (orghealth/run_log.py), written beside the published database."""
        return run_log_path(self.db_path)

    @property
    def docs_dir(self) -> Path:
        """Great Expectations' Data Docs, written beside the published database."""
        return self.db_path.with_name(f"{self.db_path.stem}-data-docs")

    def model_params(self, con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
        """Named parameters the SQL models may use ($as_of, $date_formats, ...)."""
        row = con.execute(
            "SELECT date_formats FROM raw.hris_snapshots WHERE as_of = $as_of", {"as_of": self.as_of}
        ).fetchall()
        hris = self.config.hris
        return {
            "as_of": self.as_of,
            "date_formats": row[0][0] if row else ["%Y-%m-%d"],
            "engineer_titles": hris.engineer_titles,
            "contractor_types": hris.contractor_types,
            "team_source": hris.team_source,
            "dependency_link_types": self.config.jira.dependency_link_types,
            **self.config.metrics.model_dump(),
        }

    def run_config(self) -> dict[str, Any]:
        """The settings as the Dagster resource's run config (as_of travels as the partition key)."""
        return {
            "config_path": str(self.config_path),
            "database": str(self.db_path),
            "hris_path": str(self.hris_location),  # a folder is chosen from again, for the run's partition
            "jira_paths": [str(p) for p in self.jira_paths],
        }


def _absolute(path: Path) -> Path:
    return Path(path).expanduser().absolute()


MIN_KEY_LENGTH = 16


def pseudonym_key(config: OrgConfig) -> bytes | None:
    """The HMAC key for pseudonyms, from the environment variable the config names; None when the config
    does not pseudonymise. There is no default key: a known key would make the hashes reversible by anyone."""
    publish = config.publish
    if not publish.pseudonymise:
        return None
    key = os.environ.get(publish.pseudonymise_key_env, "")
    if len(key) < MIN_KEY_LENGTH:
        state = "is not set" if not key else f"is shorter than {MIN_KEY_LENGTH} characters"
        raise ConfigError(
            f"publish.pseudonymise is on but the environment variable {publish.pseudonymise_key_env} {state}: "
            "set it to a long random secret (e.g. `openssl rand -hex 32`), kept out of the config and of git; "
            "orghealth refuses to pseudonymise with a default key"
        )
    return key.encode("utf-8")


def _dashboard_path(config: OrgConfig, db_path: Path) -> Path:
    if config.publish.dashboard_database is not None:
        return _absolute(config.publish.dashboard_database)
    return db_path.with_name(f"{db_path.stem}-dashboards{db_path.suffix or '.duckdb'}")


def database_paths(config: OrgConfig, db_path: Path | None = None) -> tuple[Path, Path]:
    """The published database (the caller's, else the config's, else the default) and its dashboard file, both
    absolute; for commands that read them without running (and a run that could not start)."""
    db_path = _absolute(db_path or config.database or DEFAULT_DB)
    return db_path, _dashboard_path(config, db_path)


def resolve_settings(
    config_path: Path,
    *,
    db_path: Path | None = None,
    as_of: date | None = None,
    hris_path: Path | None = None,
    jira_paths: list[Path] | None = None,
    require_exports: bool = True,
) -> RunSettings:
    """Load the config and merge the caller's values into it; every path comes back absolute.

    `require_exports=False` is for commands that read no export (checking a published database).
    """
    config_path = _absolute(config_path)
    config = load_config(config_path)
    hris = hris_path or config.hris.path
    if hris is None and require_exports:
        raise ConfigError(f"no HRIS export given: set hris.path in {config_path} or pass --hris")
    jira = jira_paths or config.jira.paths
    if not jira and require_exports:
        raise ConfigError(f"no Jira export given: set jira.paths in {config_path} or pass --jira")
    db_path, dashboard_path = database_paths(config, db_path)
    settings = RunSettings(
        config=config,
        config_path=config_path,
        db_path=db_path,
        as_of=as_of or config.as_of or date.today(),
        hris_location=None if hris is None else _absolute(hris),
        jira_paths=[_absolute(p) for p in jira],
        dashboard_path=dashboard_path,
        pseudonym_key=pseudonym_key(config),
    )
    check_location(settings.db_path)
    if settings.dashboard_path == settings.db_path:
        raise ConfigError(f"publish.dashboard_database is the published database {db_path}: give it a file of its own")
    check_location(settings.dashboard_path)
    if require_exports:  # before Dagster starts: a wrong path or header is reported in a second, not after start-up
        if not settings.hris_location.is_dir():
            require_regular_file(settings.hris_location, "HRIS export")
        check_hris_header(settings.hris_path, config.hris)
        check_jira_headers(settings.jira_paths)
    return settings
