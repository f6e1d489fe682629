"""The one resource every asset uses: the run's settings (config, input paths, as_of) and its DuckDB file."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from assets.model.sql_models import load_macros
from pipelines.config import OrgConfig, load_config
from pipelines.errors import ConfigError

DEFAULT_DB = Path("data/orghealth.duckdb")
SCHEMAS = ("raw", "staging", "core", "marts", "quality")


@dataclass(frozen=True)
class RunSettings:
    """Everything a run needs, config file and command-line flags merged (flags win)."""

    config: OrgConfig
    config_path: Path
    db_path: Path
    as_of: date
    hris_path: Path
    jira_paths: list[Path]

    @property
    def work_path(self) -> Path:
        """The working database the job writes; db_path is the published copy, replaced only by publish."""
        return self.db_path.with_name(f".{self.db_path.stem}.work{self.db_path.suffix}")

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


def resolve_settings(
    config_path: Path,
    *,
    db_path: Path | None = None,
    as_of: date | None = None,
    hris_path: Path | None = None,
    jira_paths: list[Path] | None = None,
) -> RunSettings:
    config = load_config(config_path)
    hris = hris_path or config.hris.path
    if hris is None:
        raise ConfigError(f"no HRIS export given: set hris.path in {config_path} or pass --hris")
    jira = jira_paths or config.jira.paths
    if not jira:
        raise ConfigError(f"no Jira export given: set jira.paths in {config_path} or pass --jira")
    return RunSettings(
        config=config,
        config_path=config_path,
        db_path=db_path or config.database or DEFAULT_DB,
        as_of=as_of or config.as_of or date.today(),
        hris_path=hris,
        jira_paths=list(jira),
    )


class OrgHealthResource(dg.ConfigurableResource):
    """Run settings and the DuckDB connection; paths are strings so the Dagster UI can show and edit them."""

    config_path: str
    db_path: str | None = None
    as_of: str | None = None
    hris_path: str | None = None
    jira_paths: list[str] | None = None

    @property
    def settings(self) -> RunSettings:
        return resolve_settings(
            Path(self.config_path),
            db_path=Path(self.db_path) if self.db_path else None,
            as_of=date.fromisoformat(self.as_of) if self.as_of else None,
            hris_path=Path(self.hris_path) if self.hris_path else None,
            jira_paths=[Path(p) for p in self.jira_paths] if self.jira_paths else None,
        )

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the run's working database read-write, with the shared macros loaded and the schemas present."""
        path = self.settings.work_path
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        try:
            for schema in SCHEMAS:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            load_macros(con)
            yield con
        finally:
            con.close()

    @property
    def docs_dir(self) -> Path:
        return self.settings.docs_dir

    @classmethod
    def from_env(cls) -> "OrgHealthResource":
        """For `dagster dev`: ORGHEALTH_CONFIG, ORGHEALTH_DB and ORGHEALTH_AS_OF, else the embedded sample."""
        from assets.sample_org import SAMPLE_CONFIG

        return cls(
            config_path=os.environ.get("ORGHEALTH_CONFIG", str(SAMPLE_CONFIG)),
            db_path=os.environ.get("ORGHEALTH_DB") or None,
            as_of=os.environ.get("ORGHEALTH_AS_OF") or None,
        )
