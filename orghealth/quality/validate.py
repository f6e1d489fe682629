"""Run an expectation suite against the DuckDB file with Great Expectations' pandas engine.

Only the columns a suite needs are pulled out of DuckDB (through Arrow), for this run's as_of only, so
validation stays cheap on large orgs. Great Expectations' SQL route is not used: on a `duckdb:///` URL
its engine closes the pooled connection before fetching and every expectation fails.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from orghealth.errors import ConfigError, OrgHealthError
from orghealth.quality.suites import ROW_COUNT_NOT_TO_DROP, ExpectationSpec, Suite, resolve
from orghealth.sql_models import as_of_filter, has_as_of

if TYPE_CHECKING:  # Great Expectations is imported only when validating: it takes seconds
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

COLUMN_ARGUMENTS = ("column", "column_A", "column_B")
_validations = itertools.count(1)  # names GX objects apart when one process validates a suite twice
EXAMPLES = 5
# orghealth's severity -> the value of Great Expectations' FailureSeverity, carried on each expectation.
GX_SEVERITY = {"error": "critical", "warning": "warning"}
ORGHEALTH_SEVERITY = {gx: ours for ours, gx in GX_SEVERITY.items()}
log = logging.getLogger("orghealth.quality")


@dataclass(frozen=True)
class Outcome:
    suite: str
    guarded_table: str
    expectation: str
    column_name: str | None
    severity: str
    success: bool
    observed_value: str | None
    unexpected_count: int | None
    unexpected_examples: str | None
    why: str

    def describe(self) -> str:
        where = f"({self.column_name})" if self.column_name else ""
        seen = []
        if self.unexpected_count:
            seen.append(f"{self.unexpected_count} unexpected")
        if self.unexpected_examples:
            seen.append(f"e.g. {self.unexpected_examples}")
        if self.observed_value is not None:
            seen.append(f"observed {self.observed_value}")
        return f"{self.suite}: {self.expectation}{where}: {', '.join(seen) or 'failed'}. {self.why}"


def _query(con: duckdb.DuckDBPyConnection, suite: Suite) -> str:
    if suite.query:
        return suite.query
    columns = sorted(
        {e.kwargs[a] for e in suite.expectations for a in COLUMN_ARGUMENTS if a in e.kwargs} | set(suite.keys)
    )
    select = ", ".join(f'"{c}"' for c in columns) or "1 AS row_present"
    where = as_of_filter(con, suite.table)
    return f"SELECT {select} FROM {suite.table}{where}"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, as_of: date):
    params = {"as_of": as_of} if "$as_of" in sql else None
    return con.sql(sql, params=params).df()


def _previous_as_of(
    con: duckdb.DuckDBPyConnection, suite: Suite, as_of: date, *, same_day: bool = False
) -> date | None:
    table = suite.table or suite.guards
    if not has_as_of(con, table):
        return None
    before = "<=" if same_day else "<"
    ((previous,),) = con.execute(
        f"SELECT max(as_of) FROM {table} WHERE as_of {before} $as_of", {"as_of": as_of}
    ).fetchall()
    return previous


def _snapshot_rows(con: duckdb.DuckDBPyConnection, suite: Suite, snapshot: date | None) -> int | None:
    """The rows the suite would validate in that snapshot, counted by DuckDB (not fetched)."""
    if snapshot is None:
        return None
    sql = _query(con, suite)
    params = {"as_of": snapshot} if "$as_of" in sql else None
    ((count,),) = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()
    return count


def baseline_rows(con: duckdb.DuckDBPyConnection, as_of: date, suites: list[Suite]) -> dict[str, int | None]:
    """What each row-count-guarded suite sees in the published snapshot a run is about to replace or follow:
    that date's snapshot, else the latest earlier one. Taken from the working copy before the run changes it,
    so re-running a date is compared with what is published for it."""
    return {
        suite.suite: _snapshot_rows(con, suite, _previous_as_of(con, suite, as_of, same_day=True))
        for suite in suites
        if any(e.type == ROW_COUNT_NOT_TO_DROP for e in suite.expectations)
    }


class _BackgroundImport:
    """Great Expectations takes seconds to import. A run starts importing it on a thread as soon as its settings
    are known, while the ingest works in DuckDB (which releases the GIL), so the first check step finds it
    loaded instead of paying for it. Importing it on the main thread at the same time just waits for it."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None and "great_expectations" not in sys.modules:
                self._thread = threading.Thread(target=_import_gx, name="import-great-expectations", daemon=True)
                self._thread.start()

    def wait(self) -> None:
        """Before the interpreter may exit: an import cut short at exit can crash it."""
        thread = self._thread
        if thread is not None:
            thread.join()


def _import_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        import great_expectations  # noqa: F401
    except Exception:  # noqa: BLE001 (the check step imports it again, and reports what is wrong)
        log.debug("importing Great Expectations in the background failed", exc_info=True)


GX_IMPORT = _BackgroundImport()


@cache
def _context(docs_dir: str | None):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # Great Expectations fingerprints every dataframe under 1 GB by hashing all its values, for a batch marker
    # nothing here reads. At millions of rows that took seconds and more memory than the validation itself
    # (5M issue keys: 1.4 GB), so no frame is fingerprinted. The attribute is checked by a test.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir:
        context.add_data_docs_site(
            "orghealth",
            {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    context.data_sources.add_pandas("orghealth")
    return context


def _configuration(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    spec: ExpectationSpec,
    position: int,
    settings: dict[str, Any],
    as_of: date,
    baseline: dict[str, int | None] | None,
) -> ExpectationConfiguration:
    """The Great Expectations configuration of one YAML expectation; severity is GX's own FailureSeverity."""
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    from great_expectations.expectations.metadata_types import FailureSeverity

    expectation_type = spec.type
    kwargs = {k: resolve(v, settings) for k, v in spec.kwargs.items()}
    if spec.type == ROW_COUNT_NOT_TO_DROP:
        # Against the published snapshot a run replaces (baseline), or, on a database as it is, the one before.
        previous = (
            baseline.get(suite.suite)
            if baseline is not None
            else _snapshot_rows(con, suite, _previous_as_of(con, suite, as_of))
        )
        floor = 0 if previous is None else math.ceil(previous * (1 - kwargs.pop("max_drop")))
        expectation_type, kwargs = "expect_table_row_count_to_be_between", {"min_value": floor}
    return ExpectationConfiguration(
        type=expectation_type,
        kwargs=kwargs,
        meta={"position": position, "why": spec.why},
        severity=FailureSeverity(GX_SEVERITY[spec.severity]),
    )


def _expectation(suite: Suite, spec: ExpectationSpec, configuration: ExpectationConfiguration) -> Expectation:
    """The expectation a configuration describes, or a ConfigError naming the suite and the expectation type."""
    from great_expectations.compatibility.pydantic import ValidationError
    from great_expectations.exceptions import ExpectationNotFoundError, InvalidExpectationConfigurationError

    try:
        return configuration.to_domain_obj()
    except ExpectationNotFoundError:
        raise ConfigError(
            f"expectation suite {suite.suite}: unknown expectation type {spec.type} "
            "(Great Expectations has no such expectation; check the spelling of `type`)"
        ) from None
    except (ValidationError, InvalidExpectationConfigurationError) as exc:
        raise ConfigError(f"expectation suite {suite.suite}: {spec.type} has invalid arguments: {exc}") from exc


def _severity(configuration: ExpectationConfiguration) -> str:
    """orghealth's severity of a validated expectation, read from GX's FailureSeverity on its configuration."""
    from great_expectations.expectations.metadata_types import FailureSeverity

    return ORGHEALTH_SEVERITY[FailureSeverity(configuration.severity).value]


def _result_format(suite: Suite) -> dict[str, Any]:
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES}
    if suite.keys:
        result_format["unexpected_index_column_names"] = suite.keys
    return result_format


def _plain(value: Any) -> Any:
    """numpy scalars to Python, NaN to None, so examples are valid JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _json(values: list) -> str:
    return json.dumps([_plain(v) for v in values], default=str, ensure_ascii=False)


def _gx_suite(
    con: duckdb.DuckDBPyConnection, suite: Suite, settings: dict[str, Any], as_of: date, name: str,
    baseline: dict[str, int | None] | None,
):  # fmt: skip
    """The suite as Great Expectations' own ExpectationSuite, one expectation per YAML entry."""
    import great_expectations as gx

    gx_suite = gx.ExpectationSuite(name=name)
    for position, spec in enumerate(suite.expectations):
        configuration = _configuration(con, suite, spec, position, settings, as_of, baseline)
        # Not ExpectationSuite.add_expectation_configuration: it upserts by domain (type and column), so the
        # second of two rules on one column (core_reporting_lines) would silently replace the first.
        gx_suite.add_expectation(_expectation(suite, spec, configuration))
        if len(gx_suite.expectations) != position + 1:  # GX keeps one of two equal expectations
            raise ConfigError(
                f"expectation suite {suite.suite}: {spec.type} repeats an earlier expectation "
                "(same arguments and severity): GX would run it once"
            )
    return gx_suite


def _outcome(suite: Suite, item) -> Outcome:
    """One expectation's result in orghealth's terms, with a few offending rows named by the suite's key."""
    spec = suite.expectations[item.expectation_config.meta["position"]]
    details = item.result or {}
    examples = details.get("partial_unexpected_index_list" if suite.keys else "partial_unexpected_list")
    if suite.keys and examples:  # the row's name first, then the offending value
        examples = [{**{k: e.get(k) for k in suite.keys}, **e} for e in examples]
    observed = details.get("observed_value")
    return Outcome(
        suite=suite.suite,
        guarded_table=suite.guards,
        expectation=spec.type,
        column_name=spec.column,
        severity=_severity(item.expectation_config),
        success=bool(item.success),
        observed_value=None if observed is None else str(observed),
        unexpected_count=details.get("unexpected_count"),
        unexpected_examples=_json(examples[:EXAMPLES]) if examples else None,
        why=spec.why,
    )


def validate_suite(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    settings: dict[str, Any],
    as_of: date,
    *,
    run_id: str,
    docs_dir: Path | None = None,
    baseline: dict[str, int | None] | None = None,
) -> list[Outcome]:
    """Validate one suite for `as_of`; return one outcome per expectation. `baseline` (from `baseline_rows`)
    holds the published row counts a run's snapshot must not fall far below.

    The validation result is kept in the Great Expectations context of `docs_dir`; `build_data_docs`
    renders them all at once (rendering per suite costs seconds each, once per run a fraction of that).
    """
    import great_expectations as gx

    frame = _rows(con, _query(con, suite), as_of)
    context = _context(str(docs_dir) if docs_dir else None)
    name = f"{suite.suite}-{run_id}-{next(_validations)}"
    gx_suite = context.suites.add(_gx_suite(con, suite, settings, as_of, name, baseline))
    batch = (
        context.data_sources.get("orghealth").add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("run")
    )
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=gx_suite))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name=name, validation_definitions=[definition], result_format=_result_format(suite))
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    (validation,) = result.run_results.values()
    return [
        _outcome(suite, item)
        for item in sorted(validation.results, key=lambda r: r.expectation_config.meta["position"])
    ]


def build_data_docs(docs_dir: Path) -> Path:
    """Render Great Expectations' Data Docs for every validation kept for `docs_dir`; return the index page.

    A folder that cannot be written (read-only, disk full) is an OrgHealthError naming it: Great Expectations
    itself would log a traceback per page and carry on.
    """
    try:
        docs_dir.mkdir(parents=True, exist_ok=True)
        probe = docs_dir / ".orghealth-write-test"
        probe.write_bytes(b"\0" * 4096)
        probe.unlink()
    except OSError as exc:
        raise OrgHealthError(f"cannot write the Data Docs in {docs_dir}: {exc.strerror}") from exc
    with _collect_errors("great_expectations") as errors:
        _context(str(docs_dir)).build_data_docs(site_names=["orghealth"])
    if errors:
        reason = next((line.strip() for line in errors[0].splitlines() if "Error" in line), errors[0].splitlines()[0])
        raise OrgHealthError(f"the Data Docs in {docs_dir} are incomplete: {reason[:300]}")
    return docs_dir / "index.html"


@contextmanager
def _collect_errors(logger_name: str) -> Iterator[list[str]]:
    """The messages `logger_name` logs at ERROR or above while the block runs, kept instead of printed."""
    logger = logging.getLogger(logger_name)
    errors: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    handler, propagate = Collect(logging.ERROR), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield errors
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _snapshot_to_check(con: duckdb.DuckDBPyConnection, db_path: Path, as_of: date | None) -> date:
    """`as_of`, or the latest snapshot; an error listing the snapshots there are when it has none."""
    if not has_as_of(con, "core.people"):
        raise OrgHealthError(f"{db_path} holds no orghealth snapshot (no core.people table): run `orghealth run`")
    dates = [d for (d,) in con.execute("SELECT DISTINCT as_of FROM core.people ORDER BY as_of").fetchall()]
    if not dates:
        raise OrgHealthError(f"{db_path} holds no snapshot yet: run `orghealth run`")
    if as_of is None:
        return dates[-1]
    if as_of not in dates:
        shown = ", ".join(d.isoformat() for d in dates[-10:])
        raise OrgHealthError(f"{db_path} has no snapshot for {as_of.isoformat()}; these exist: {shown}")
    return as_of


def validate_database(
    db_path: Path, settings: dict[str, Any], as_of: date | None = None, *, docs_dir: Path | None = None
) -> tuple[date, list[Outcome]]:
    """Run every suite against an existing database (read-only) for `as_of`, by default its latest."""
    from orghealth.quality.suites import load_suites

    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise OrgHealthError(f"cannot open {db_path}: {str(exc).splitlines()[0]}") from exc
    try:
        as_of = _snapshot_to_check(con, db_path, as_of)
        outcomes = []
        for suite in load_suites():
            outcomes += validate_suite(con, suite, settings, as_of, run_id="validate", docs_dir=docs_dir)
        if docs_dir is not None:
            build_data_docs(docs_dir)
        return as_of, outcomes
    finally:
        con.close()
