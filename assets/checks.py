"""Quality gate: each expectation suite becomes Dagster asset checks on the asset it guards.

A suite's `error` expectations form one blocking check (a failure stops everything downstream, and so
publication); its `warning` expectations form a second, non-blocking check: org-health findings are
the product's results, not bad data. Every outcome is also written to quality.expectation_results.
"""

from datetime import UTC, date, datetime

import dagster as dg
import duckdb
import polars as pl

from assets.resources import OrgHealthResource
from assets.tables import asset_key
from orghealth.quality.suites import Suite, load_suites
from orghealth.quality.validate import Outcome
from orghealth.render import markdown_table
from orghealth.sql_models import ensure_tables

SEVERITIES = {"error": dg.AssetCheckSeverity.ERROR, "warning": dg.AssetCheckSeverity.WARN}
CHECK_SUFFIX = {"error": "data_errors", "warning": "org_findings"}


def check_name(suite: Suite, severity: str) -> str:
    return f"{suite.suite}_{CHECK_SUFFIX[severity]}"


def record_outcomes(con: duckdb.DuckDBPyConnection, as_of: date, run_id: str, outcomes: list[Outcome]) -> None:
    """Write the outcomes to quality.expectation_results, replacing this run's earlier ones for the suite."""
    frame = pl.DataFrame(
        [o.__dict__ for o in outcomes],
        schema={"suite": pl.String, "guarded_table": pl.String, "expectation": pl.String, "column_name": pl.String,
                "severity": pl.String, "success": pl.Boolean, "observed_value": pl.String,
                "unexpected_count": pl.Int64, "unexpected_examples": pl.String, "why": pl.String},
    )  # fmt: skip
    ensure_tables(con, "quality.expectation_results")
    con.register("outcomes", frame)
    con.execute(
        "DELETE FROM quality.expectation_results WHERE run_id = $run AND suite IN (SELECT suite FROM outcomes)",
        {"run": run_id},
    )
    con.execute(
        "INSERT INTO quality.expectation_results BY NAME "
        "SELECT $as_of AS as_of, $run AS run_id, $at AS checked_at, * FROM outcomes",
        {"as_of": as_of, "run": run_id, "at": datetime.now(UTC).replace(tzinfo=None)},
    )
    con.unregister("outcomes")


def _failures_table(outcomes: list[Outcome]) -> str:
    return markdown_table(
        ("expectation", "column", "unexpected", "examples", "why"),
        ((o.expectation, o.column_name, o.unexpected_count, o.unexpected_examples or o.observed_value, o.why)
         for o in outcomes),
    )  # fmt: skip


def suite_checks(suite: Suite) -> dg.AssetChecksDefinition:
    guarded = asset_key(suite.guards)
    specs = [
        dg.AssetCheckSpec(
            check_name(suite, severity),
            asset=guarded,
            blocking=severity == "error",
            description=f"{suite.suite}: "
            + ("data errors, which block publication" if severity == "error" else "org-health findings (warn)"),
        )
        for severity in ("error", "warning")
        if severity in suite.severities()
    ]

    @dg.multi_asset_check(specs=specs, name=f"expectations_{suite.suite}")
    def _check(context: dg.AssetCheckExecutionContext, orghealth: OrgHealthResource):
        settings = orghealth.settings
        orghealth.release_memory()  # a frame of millions of rows must not come on top of DuckDB's cache
        with orghealth.connect() as con:
            outcomes = orghealth.validate(con, suite)
            record_outcomes(con, settings.as_of, context.run.run_id, outcomes)
        orghealth.release_memory()
        for severity in ("error", "warning"):
            mine = [o for o in outcomes if o.severity == severity]
            if not mine:
                continue
            failed = [o for o in mine if not o.success]
            yield dg.AssetCheckResult(
                check_name=check_name(suite, severity),
                asset_key=guarded,
                passed=not failed,
                severity=SEVERITIES[severity],
                metadata={
                    "failed_expectations": dg.MetadataValue.text("\n".join(o.describe() for o in failed) or "none"),
                    "failures": dg.MetadataValue.md(_failures_table(failed)),
                    "expectations": len(mine),
                    "data_docs": dg.MetadataValue.path(str(settings.docs_dir / "index.html")),
                },
            )

    return _check


quality_checks = [suite_checks(suite) for suite in load_suites()]
