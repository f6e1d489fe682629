"""The one resource every asset uses: the run's settings and its working database.

Its fields are run config, so each run sets its own (the CLI passes them, the launchpad shows them); the
defaults come from the environment when the code location loads. `as_of` is the run's partition key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field, PrivateAttr

from orghealth import database, locking
from orghealth.errors import OrgHealthError
from orghealth.quality.suites import Suite, load_suites
from orghealth.quality.validate import Outcome, baseline_rows, build_data_docs, validate_suite
from orghealth.sample_org import SAMPLE_CONFIG
from orghealth.settings import RunSettings, resolve_settings

PARTITION_TAG = "dagster/partition"


class OrgHealthResource(dg.ConfigurableResource):
    """Run settings (config file, exports, database) and the run's working copy of the database."""

    config_path: str = Field(description="The org config YAML.")
    database: str | None = Field(default=None, description="The published DuckDB file; default: the config's.")
    hris_path: str | None = Field(default=None, description="The HRIS export; default: the config's hris.path.")
    jira_paths: list[str] | None = Field(default=None, description="Jira exports; default: the config's jira.paths.")

    _settings: RunSettings | None = PrivateAttr(default=None)
    _run_id: str | None = PrivateAttr(default=None)
    _validated: bool = PrivateAttr(default=False)
    _locked: bool = PrivateAttr(default=False)
    _baseline: dict[str, int | None] | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Resolve the settings once per run: the partition key is the as_of, every path becomes absolute."""
        run = context.run
        partition = run.tags.get(PARTITION_TAG) if run else None
        self._settings = resolve_settings(
            Path(self.config_path),
            db_path=Path(self.database) if self.database else None,
            as_of=date.fromisoformat(partition) if partition else None,
            hris_path=Path(self.hris_path) if self.hris_path else None,
            jira_paths=[Path(p) for p in self.jira_paths] if self.jira_paths else None,
        )
        self._run_id = run.run_id if run else "ephemeral"

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """After the last step, whether the run passed or was blocked: render the Data Docs of its checks once."""
        if self._validated:
            build_data_docs(self.settings.docs_dir)
        if self._locked:
            locking.release(self.settings.db_path, self._run_id)

    def validate(self, con: duckdb.DuckDBPyConnection, suite: Suite) -> list[Outcome]:
        """Validate one expectation suite for the run's as_of; its Data Docs page is rendered at the run's end."""
        settings = self.settings
        self._validated = True
        return validate_suite(
            con, suite, settings.config.model_dump(mode="json"), settings.as_of, run_id=self._run_id,
            docs_dir=settings.docs_dir, baseline=self._baseline,
        )  # fmt: skip

    @property
    def settings(self) -> RunSettings:
        if self._settings is None:
            raise dg.DagsterInvariantViolationError("OrgHealthResource is used outside a run")
        return self._settings

    @property
    def work_path(self) -> Path:
        """The run's working copy, seeded from the published file when a step first needs it (Dagster also
        sets resources up once more after the last step, which must not copy the database again)."""
        if self._run_id is None:
            raise dg.DagsterInvariantViolationError("OrgHealthResource is used outside a run")
        try:
            if not self._locked:  # the first step to touch the database takes its lock, for the whole run
                locking.acquire(self.settings.db_path, self._run_id)
                self._locked = True
            work = database.seed_working_copy(self.settings.db_path, self._run_id)
        except OrgHealthError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        if self._baseline is None:  # what is published, before this run changes anything
            with database.connect(work) as con:
                self._baseline = baseline_rows(con, self.settings.as_of, load_suites())
        return work

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The run's working database, read-write, with the schemas present and the macros loaded."""
        with database.connect(self.work_path) as con:
            yield con

    def publish(self) -> None:
        database.publish(self.work_path, self.settings.db_path)

    @classmethod
    def from_env(cls) -> OrgHealthResource:
        """Defaults for runs launched from Dagster: ORGHEALTH_CONFIG (else the embedded sample org) and
        ORGHEALTH_DB (else the config's database, else data/orghealth.duckdb in the working directory)."""
        return cls(
            config_path=os.environ.get("ORGHEALTH_CONFIG") or str(SAMPLE_CONFIG),
            database=os.environ.get("ORGHEALTH_DB") or None,
        )
