"""The one resource every asset uses: the run's settings and its working database.

Its fields are run config, so each run sets its own (the CLI passes them, the launchpad shows them); the
defaults come from the environment when the code location loads. `as_of` is the run's partition key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field, PrivateAttr

from assets import alerting
from orghealth import dashboard_file, database, locking, memory, recording, run_log
from orghealth.alerts.failed_start import alert_failed_start
from orghealth.alerts.findings import Finding, earlier_findings
from orghealth.errors import OrgHealthError
from orghealth.quality.suites import Suite, load_suites
from orghealth.quality.validate import GX_IMPORT, Outcome, baseline_rows, build_data_docs, validate_suite
from orghealth.run_log import RunRecord
from orghealth.sample_org import SAMPLE_CONFIG
from orghealth.settings import RunSettings, resolve_settings

PARTITION_TAG = "dagster/partition"
PUBLISHED = dg.AssetKey(["published"])  # the job's last asset (assets/publish.py)
WARNING_PREFIX = "orghealth warning: "  # how the runner tells the resource's warnings for people from Dagster's


class OrgHealthResource(dg.ConfigurableResource):
    """Run settings (config file, exports, database) and the run's working copy of the database."""

    config_path: str = Field(description="The org config YAML.")
    database: str | None = Field(default=None, description="The published DuckDB file; default: the config's.")
    hris_path: str | None = Field(default=None, description="The HRIS export; default: the config's hris.path.")
    jira_paths: list[str] | None = Field(default=None, description="Jira exports; default: the config's jira.paths.")

    _settings: RunSettings | None = PrivateAttr(default=None)
    _run_id: str | None = PrivateAttr(default=None)
    _locked: bool = PrivateAttr(default=False)
    _baseline: dict[str, int | None] | None = PrivateAttr(default=None)
    _out_of_space: str | None = PrivateAttr(default=None)  # why no later step may write (the disk is full)
    # One connection for all the run's steps (the in-process executor runs them one after another in this
    # process): opening the file and loading the macros per step cost about a third of a small run.
    _con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    # For the alerts sent at the run's end (assets/alerting.py): what the gate found, what the snapshot
    # before this one had found, and whether the run published.
    _outcomes: dict[str, list[Outcome]] = PrivateAttr(default_factory=dict)
    _earlier: tuple[date | None, set[Finding]] | None = PrivateAttr(default=None)
    _published: bool = PrivateAttr(default=False)
    # For the run log (orghealth/run_log.py), written when the run ends: which road started it and when, why
    # it could not take the database, whether publishing recorded it already, and what people must be told.
    _road: str = PrivateAttr(default=run_log.DEFAULT_ROAD)
    _started_at: datetime | None = PrivateAttr(default=None)
    _refused: str | None = PrivateAttr(default=None)
    _recorded: bool = PrivateAttr(default=False)
    _warnings: list[str] = PrivateAttr(default_factory=list)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Resolve the settings once per run: the partition key is the as_of, every path becomes absolute.

        When they cannot be resolved, no step runs and teardown is not called: the run_failed alert goes out
        from here, and the error is raised unchanged."""
        run = context.run
        partition = run.tags.get(PARTITION_TAG) if run else None
        as_of = date.fromisoformat(partition) if partition else None
        self._road = run_log.road(run.tags if run else {})
        if self._started_at is None:
            self._started_at = run_log.utc_now()
        try:
            self._settings = resolve_settings(
                Path(self.config_path),
                db_path=Path(self.database) if self.database else None,
                as_of=as_of,
                hris_path=Path(self.hris_path) if self.hris_path else None,
                jira_paths=[Path(p) for p in self.jira_paths] if self.jira_paths else None,
            )
        except OrgHealthError as exc:
            run_id = run.run_id if run else None
            warnings = recording.record_refused(
                Path(self.config_path), Path(self.database) if self.database else None, as_of, self._road, str(exc),
                run_id,
            )  # fmt: skip
            for warning in [*warnings, *alert_failed_start(Path(self.config_path), as_of, run_id, str(exc))]:
                if context.log is not None:
                    context.log.warning(WARNING_PREFIX + warning)
            raise
        self._run_id = run.run_id if run else "ephemeral"
        GX_IMPORT.start()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """After the last step, whether the run passed or was blocked: render the Data Docs of its checks once."""
        try:
            if self._outcomes and not self._out_of_space:  # nothing more is written to a full disk
                build_data_docs(self.settings.docs_dir)
        except OrgHealthError as exc:  # the tables are published or blocked already; the docs are a view of them
            context.log.warning(f"{WARNING_PREFIX}Data Docs not written: {exc}")
        finally:
            GX_IMPORT.wait()
            self._close()
            self._record_end(context)  # while the lock is held: the next run's record comes after this one
            if self._locked:
                locking.release(self.settings.db_path, self._run_id)
            for warning in self._warnings:
                context.log.warning(WARNING_PREFIX + warning)
            alerting.after_run(
                context, self._settings, self._run_id, [o for found in self._outcomes.values() for o in found],
                self._earlier, self._published, warn=lambda message: context.log.warning(WARNING_PREFIX + message),
            )  # fmt: skip

    def _record(self, status: run_log.Status, reason: str | None) -> RunRecord:
        outcomes = [o for found in self._outcomes.values() for o in found if not o.success]
        now = run_log.utc_now()
        return RunRecord(
            run_id=self._run_id, road=self._road, as_of=self.settings.as_of, started_at=self._started_at or now,
            ended_at=now, status=status, data_errors=sum(o.severity == "error" for o in outcomes),
            findings=sum(o.severity != "error" for o in outcomes), reason=reason,
        )  # fmt: skip

    def _record_end(self, context: dg.InitResourceContext) -> None:
        """Record a run that did not publish (publishing records its own run) in the run log, and the log in the
        dashboard file. A run whose selection left out the `published` asset is not recorded: it could not have
        published, and changed nothing anyone reads."""
        if self._recorded or self._settings is None or self._run_id is None:
            return
        try:
            self._record_outcome(context)
        except Exception as exc:  # noqa: BLE001 (the log never changes the run's result)
            self._warnings.append(f"run log not written: {exc}")

    def _record_outcome(self, context: dg.InitResourceContext) -> None:
        run = context.run
        failures = alerting.step_failures(context.instance, self._run_id) if context.instance else []
        failed = [o for found in self._outcomes.values() for o in found if o.severity == "error" and not o.success]
        errors = [(o.suite, o.expectation, o.column_name, o.unexpected_count, o.observed_value) for o in failed]
        ended = run_log.ending(published=False, refused=self._refused, failures=failures, errors=errors)
        if ended is None:
            selection = run.asset_selection if run else None
            if selection is not None and PUBLISHED not in selection:
                return
            ended = ("failed", run_log.short("failed: the run ended before publishing, without an error (stopped?)"))
        settings, entry = self.settings, self._record(*ended)
        warnings = recording.record(entry, settings.run_log_path, settings.dashboard_path)
        if self._out_of_space or database.is_unwritable(entry.reason or ""):
            # The run's own error says the folder takes no writes; that the log beside it took none is no news.
            warnings = [w for w in warnings if not database.is_unwritable(w)]
        self._warnings += warnings
        self._recorded = True

    def validate(self, con: duckdb.DuckDBPyConnection, suite: Suite) -> list[Outcome]:
        """Validate one expectation suite for the run's as_of; its Data Docs page is rendered at the run's end."""
        settings = self.settings
        if self._earlier is None:  # before this run records any result: the findings of the snapshot before it
            self._earlier = earlier_findings(con, settings.as_of)
        self._outcomes[suite.suite] = []  # validated (Data Docs are due) even if the suite raises
        outcomes = validate_suite(
            con, suite, settings.config.model_dump(mode="json"), settings.as_of, run_id=self._run_id,
            docs_dir=settings.docs_dir, baseline=self._baseline,
        )  # fmt: skip
        self._outcomes[suite.suite] = outcomes
        return outcomes

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
        if self._out_of_space:
            raise dg.Failure(description=self._out_of_space, allow_retries=False)
        try:
            if not self._locked:  # the first step to touch the database takes its lock, for the whole run
                locking.acquire(self.settings.db_path, self._run_id)
                self._locked = True
            work = database.seed_working_copy(self.settings.db_path, self._run_id)
        except locking.DatabaseBusy as exc:
            self._refused = str(exc)  # the run could not start its work: recorded as refused, not failed
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        except OrgHealthError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        if self._baseline is None:  # what is published, before this run changes anything
            self._baseline = baseline_rows(self._connection(work), self.settings.as_of, load_suites())
        return work

    def _connection(self, work: Path) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = database.open_working(work)
        return self._con

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def release_memory(self) -> None:
        """Close the run's connection, dropping DuckDB's cache of the pages earlier steps read (up to its memory
        limit), and hand freed memory back to the system: before a check step loads its frame into pandas,
        and after. The next step opens the connection again (milliseconds)."""
        self._close()
        memory.give_back()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The run's working database, read-write, with the schemas present and the macros loaded."""
        work = self.work_path
        with self._while_writing(work):
            con = self._connection(work)
            try:
                yield con
            except BaseException:
                self._close()  # a failed step may leave a transaction open; the next step opens afresh
                raise

    def publish(self) -> dict[str, int]:
        """Move the working copy over the published file, and the dashboard file built from it over the
        dashboard file, together; record the run in the run log in between, so the dashboard file's copy of
        the log holds it. Return the dashboard file's row count per table."""
        work, settings = self.work_path, self.settings
        self._close()  # publishing reads the file from another connection, then moves it
        try:
            with (
                self._while_writing(work),
                dashboard_file.staged(
                    work, settings.dashboard_path, settings.config, settings.pseudonym_key, log=settings.run_log_path
                ) as dashboard_rows,
            ):
                database.publish(work, settings.db_path)
                self._published = self._recorded = True
                try:  # in the block: the dashboard file must follow the published database, log or no log
                    run_log.append(settings.run_log_path, self._record("published", None))
                except run_log.RunLogUnavailable as exc:
                    self._warnings.append(str(exc))
        except run_log.RunLogUnavailable as exc:  # raised by staged once both files are in place
            self._warnings.append(str(exc))
        return dashboard_rows

    @contextmanager
    def _while_writing(self, work: Path) -> Iterator[None]:
        """Turn a full disk into one clear failure, for this step and every later one; DuckDB out of its memory
        limit into one that names the setting."""
        try:
            yield
        except duckdb.OutOfMemoryException as exc:
            limit = database.writer_config()["memory_limit"]
            raise dg.Failure(
                description=f"DuckDB needed more memory than its limit of {limit} ({str(exc).splitlines()[0]}); set "
                f"{database.MEMORY_LIMIT_ENV} higher (e.g. 4GB) and run again. {self.settings.db_path} is unchanged",
                allow_retries=False,
            ) from exc
        except duckdb.Error as exc:
            if not database.is_out_of_space(exc):
                raise
            self._close()
            database.discard(work)  # a copy that filled the disk is of no use to inspect, and holds the space
            self._out_of_space = (
                f"the disk holding {work.parent} is full ({str(exc).splitlines()[0]}); the run's working copy needs "
                f"room for {self.settings.db_path} and what the run adds. {self.settings.db_path} is unchanged; free "
                "some space and run again"
            )
            raise dg.Failure(description=self._out_of_space, allow_retries=False) from exc

    @classmethod
    def from_env(cls) -> OrgHealthResource:
        """Defaults for runs launched from Dagster: ORGHEALTH_CONFIG (else the embedded sample org) and
        ORGHEALTH_DB (else the config's database, else data/orghealth.duckdb in the working directory)."""
        return cls(config_path=str(default_config_path()), database=os.environ.get("ORGHEALTH_DB") or None)


def default_config_path() -> Path:
    """The org config runs launched from Dagster use: ORGHEALTH_CONFIG, else the embedded sample org's."""
    return Path(os.environ.get("ORGHEALTH_CONFIG") or SAMPLE_CONFIG)
