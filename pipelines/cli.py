"""`orghealth`: run the pipeline from the command line, without a Dagster server."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orghealth.errors import ConfigError, OrgHealthError

if TYPE_CHECKING:
    from orghealth.settings import RunSettings
    from orghealth.superset.naming import Org

app = typer.Typer(
    help="Measure how single-threaded an organisation is, from HRIS and Jira exports, into DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _parse_date(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date in the form YYYY-MM-DD") from None


def _fail(exc: OrgHealthError) -> typer.Exit:
    """Say what went wrong in one line, in red, on stderr; the exit (status 1) for the caller to raise."""
    typer.secho(f"orghealth: {exc}", err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _warn(message: str) -> None:
    typer.secho(f"orghealth: warning: {message}", err=True, fg=typer.colors.YELLOW)


def _failed_start(config: Path, as_of: date | None, exc: OrgHealthError, *, db: Path | None, road: str) -> typer.Exit:
    """A run that could not start: _fail, after recording it as refused in the run log and a run_failed alert to
    the config's channels (an unattended run from cron must not fail silently); what could not be written or
    sent is a warning."""
    from orghealth.alerts.failed_start import alert_failed_start
    from orghealth.recording import record_refused

    recorded = record_refused(config, db, as_of, road, str(exc))
    for warning in [*recorded, *alert_failed_start(config, as_of, None, str(exc))]:
        _warn(warning)
    return _fail(exc)


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="The date the run describes (YYYY-MM-DD). Default: the config's as_of, else today."),
]
Db = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file to write. Default: the config's database, else data/orghealth.duckdb."),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Show Dagster's log of every step.")]


class Every(StrEnum):
    day = "day"
    week = "week"


def _run(config: Path, *, hris: Path | None, jira: list[Path] | None, db: Path | None, as_of: str | None,
         verbose: bool, history_weeks: int = 1, road: str = "cli") -> None:  # fmt: skip
    """Run the job for as_of, after the `history_weeks - 1` weekly dates before it (oldest first)."""
    from orghealth.settings import resolve_settings
    from orghealth.summary import summarize

    day = None
    try:
        day = _parse_date(as_of)
        settings = resolve_settings(config, db_path=db, as_of=day, hris_path=hris, jira_paths=jira)
    except OrgHealthError as exc:
        raise _failed_start(config, day, exc, db=db, road=road) from None
    try:
        from pipelines.runner import run_pipeline  # Dagster starts only once the settings are known to be usable

        dates = [settings.as_of - timedelta(weeks=back) for back in range(history_weeks - 1, -1, -1)]
        for number, day in enumerate(dates, start=1):
            if len(dates) > 1:
                typer.echo(f"snapshot {day.isoformat()} ({number} of {len(dates)})", err=True)
            result = run_pipeline(replace(settings, as_of=day), log_level="INFO" if verbose else "CRITICAL", road=road)
    except OrgHealthError as exc:
        raise _fail(exc) from None
    typer.echo(summarize(result.db_path, settings.as_of, settings.dashboard_path))
    for warning in result.warnings:
        _warn(warning)


@app.command()
def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="Org config YAML (see docs/configuration.md).")],
    hris: Annotated[Path | None, typer.Option("--hris", help="HRIS people export (CSV). Overrides hris.path.")] = None,
    jira: Annotated[
        list[Path] | None,
        typer.Option(
            "--jira",
            help="Jira export: a CSV, a JSON search page, or a folder of them. Repeatable. Overrides jira.paths.",
        ),
    ] = None,  # fmt: skip
    db: Db = None,
    as_of: AsOf = None,
    verbose: Verbose = False,
) -> None:
    """Run the whole job in process: exports → raw → staging → core, then print a summary.

    The database is written to a new file and swapped in only when every step succeeds. Exit status 0 on
    success, 1 with a one-paragraph error otherwise.
    """
    _run(config, hris=hris, jira=jira, db=db, as_of=as_of, verbose=verbose)


@app.command()
def backfill(
    config: Annotated[Path, typer.Option("--config", "-c", help="Org config YAML (see docs/configuration.md).")],
    start: Annotated[str, typer.Option("--start", help="The first as_of (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="The last as_of (YYYY-MM-DD), included.")],
    every: Annotated[
        Every, typer.Option("--every", help="One snapshot per day, or per week from --start.")
    ] = Every.day,
    db: Db = None,
    verbose: Verbose = False,
) -> None:
    """Build the snapshots of a range of dates, one after another (DuckDB has one writer), as the nightly run
    would have; a date already published is replaced. Exit status 1 when any date failed (the others stay)."""
    from orghealth.settings import resolve_settings

    last = None
    try:
        first, last = _parse_date(start), _parse_date(end)
        if first > last:
            raise ConfigError(f"--start {start} is after --end {end}")
        settings = resolve_settings(config, db_path=db, as_of=last)
    except OrgHealthError as exc:
        raise _failed_start(config, last, exc, db=db, road="backfill") from None
    from pipelines.runner import run_pipeline

    step = timedelta(days=7 if every is Every.week else 1)
    dates = [first + step * i for i in range((last - first) // step + 1)]
    failed = []
    for number, day in enumerate(dates, start=1):
        try:
            run_pipeline(replace(settings, as_of=day), log_level="INFO" if verbose else "CRITICAL", road="backfill")
            outcome = "published"
        except OrgHealthError as exc:
            failed.append(day)
            outcome = f"failed: {exc}"
        typer.echo(f"backfill {day.isoformat()} ({number} of {len(dates)}): {outcome}", err=True)
    typer.echo(f"backfill: {len(dates) - len(failed)} of {len(dates)} dates published to {settings.db_path}"
               + (f"; failed: {', '.join(d.isoformat() for d in failed)}" if failed else ""))  # fmt: skip
    if failed:
        raise typer.Exit(1)


@app.command()
def demo(
    db: Db = None,
    as_of: AsOf = None,
    weeks: Annotated[
        int,
        typer.Option("--weeks", min=1, max=52, help="Weekly snapshots to build, ending at as_of."),
    ] = 12,
    verbose: Verbose = False,
) -> None:
    """Run the whole job on the embedded sample organisation (what `make demo` calls), once per week for the
    last --weeks weeks."""
    from orghealth.sample_org import SAMPLE_CONFIG

    _run(SAMPLE_CONFIG, hris=None, jira=None, db=db, as_of=as_of, verbose=verbose, history_weeks=weeks, road="demo")


@app.command()
def validate(
    config: Annotated[Path, typer.Option("--config", "-c", help="Org config YAML (for thresholds and paths).")],
    db: Annotated[
        Path | None,
        typer.Option("--db", help="The published DuckDB file to check. Default: the config's database."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The snapshot to check (YYYY-MM-DD). Default: the latest.")
    ] = None,
) -> None:
    """Run the expectation suites alone against an existing database and print what failed.

    Exit status 1 when a data error fails (the run would not have been published), 0 otherwise; org-health
    findings are printed as warnings.
    """
    from orghealth.database import check_location
    from orghealth.quality.validate import validate_database
    from orghealth.settings import resolve_settings

    try:
        settings = resolve_settings(config, db_path=db, require_exports=False)
        check_location(settings.db_path, must_exist=True)
        checked, outcomes = validate_database(
            settings.db_path, settings.config.model_dump(mode="json"), _parse_date(as_of), docs_dir=settings.docs_dir
        )
    except OrgHealthError as exc:
        raise _fail(exc) from None
    failed = [o for o in outcomes if not o.success]
    errors = [o for o in failed if o.severity == "error"]
    typer.echo(f"database: {settings.db_path}\nas_of:    {checked}\n")
    typer.echo(f"{len(outcomes)} expectations in {len({o.suite for o in outcomes})} suites: "
               f"{len(errors)} data errors, {len(failed) - len(errors)} org-health findings")  # fmt: skip
    if failed:
        typer.echo(_failure_table(failed))
    typer.echo(f"\nData Docs: {settings.docs_dir / 'index.html'}")
    raise typer.Exit(1 if errors else 0)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help='The SQL to run, e.g. "SELECT * FROM marts.org_health".')],
    db: Annotated[Path, typer.Option("--db", help="The DuckDB file to query (opened read-only).")] = Path(
        "data/orghealth.duckdb"
    ),
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many rows.")] = 200,
) -> None:
    """Run ad-hoc SQL on a published database, read-only, with the DuckDB the pipeline writes with."""
    from orghealth.database import check_location, query_read_only
    from orghealth.render import terminal_table

    try:
        check_location(db, must_exist=True)
        columns, rows, total = query_read_only(db, query, limit)
    except OrgHealthError as exc:
        raise _fail(exc) from None
    typer.echo(terminal_table(columns, rows))
    typer.echo(f"({total:,} rows{f', {limit:,} shown' if total > limit else ''})")


@app.command("diff")
def diff_snapshots(
    from_as_of: Annotated[
        str | None,
        typer.Option("--from", help="The earlier snapshot (YYYY-MM-DD). Default: the snapshot before --to."),
    ] = None,
    to_as_of: Annotated[
        str | None, typer.Option("--to", help="The later snapshot (YYYY-MM-DD). Default: the latest.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Org config YAML, for its database path.")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="The DuckDB file to read (read-only). Default: the config's database, else data/orghealth.duckdb.",
        ),
    ] = None,
) -> None:
    """What changed between two snapshots: who joined, left or moved team, STL changes, org-health findings
    new and resolved, and the headline measures (see docs/metrics.md, "What changed")."""
    import duckdb

    from orghealth.changes import diff, pick_snapshots, report
    from orghealth.config import OrgConfig, load_config
    from orghealth.database import check_location
    from orghealth.settings import database_paths

    try:
        previous, latest = _parse_date(from_as_of, "--from"), _parse_date(to_as_of, "--to")
        # The config's database only: no export and no pseudonym key is needed to read.
        db, _ = database_paths(load_config(config) if config else OrgConfig(), db)
        check_location(db, must_exist=True)
        with duckdb.connect(str(db), read_only=True) as con:
            found = diff(con, *pick_snapshots(con, previous, latest, str(db)))
    except duckdb.Error as exc:
        raise _fail(OrgHealthError(f"{db}: {str(exc).splitlines()[0]}")) from None
    except OrgHealthError as exc:
        raise _fail(exc) from None
    typer.echo(f"database: {db}")
    typer.echo(report(found))


@app.command()
def runs(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Org config YAML (its database). Default: none.")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="The published database; its run log is beside it. Default: the config's database, "
            "else data/orghealth.duckdb.",
        ),
    ] = None,  # fmt: skip
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show the newest this many runs.")] = 20,
) -> None:
    """Print the run log, newest first: each run's road, as_of, outcome (published, blocked, failed, refused),
    data errors, org-health findings and, when it did not publish, why."""
    from orghealth import run_log
    from orghealth.config import OrgConfig, load_config
    from orghealth.render import terminal_table
    from orghealth.settings import database_paths

    try:
        db_path, _ = database_paths(load_config(config) if config else OrgConfig(), db)
        path = run_log.run_log_path(db_path)
        found = run_log.read(path, newest_first=True, limit=limit)
    except OrgHealthError as exc:
        raise _fail(exc) from None
    if not found:
        typer.echo(f"no run recorded in {path} yet")
        return
    rows = [(f"{r.ended_at:%Y-%m-%d %H:%M:%S}", r.road, r.as_of.isoformat(), r.status, r.data_errors, r.findings,
             r.reason or "") for r in found]  # fmt: skip
    typer.echo(terminal_table(("ended (UTC)", "road", "as_of", "status", "errors", "findings", "reason"), rows,
                              right=("errors", "findings")))  # fmt: skip
    typer.echo(f"run log: {path} (newest {len(found)} shown)")


def _failure_table(failed: list) -> str:
    from orghealth.render import terminal_table

    rows = [
        (o.severity, o.suite, o.expectation.removeprefix("expect_"), o.column_name, o.unexpected_count,
         o.unexpected_examples or o.observed_value)
        for o in sorted(failed, key=lambda o: (o.severity != "error", o.suite))
    ]  # fmt: skip
    return terminal_table(("severity", "suite", "expectation", "column", "unexpected", "examples"), rows,
                          right=("unexpected",))  # fmt: skip


# --- orghealth superset: dashboards as code (dashboards/*.yaml) into an Apache Superset, see docs/superset.md ---

superset_app = typer.Typer(
    help="Publish the dashboards (dashboards/*.yaml) to an Apache Superset and check their charts. The Superset "
    "user and password come from SUPERSET_USERNAME and SUPERSET_PASSWORD.",
    no_args_is_help=True,
)
app.add_typer(superset_app, name="superset")

SupersetUrl = Annotated[str, typer.Option("--url", help="Superset's address, e.g. http://127.0.0.1:8088.")]
DashboardsOption = Annotated[
    Path | None,
    typer.Option("--dashboards", help="A dashboard YAML file, or a folder of them. Default: the ones orghealth ships."),
]
SupersetConfig = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c",
        help="Org config YAML (its org_name, database and publish settings). Default: the sample org's.",
    ),
]  # fmt: skip
SupersetDb = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="The published database; the dashboard file beside it is what Superset reads, and its stem names the "
        "org when the config has no org_name.",
    ),
]


def _superset_org(config: Path | None, db: Path | None) -> tuple[RunSettings, Org]:
    """The settings of the org to publish or check, and the org they name."""
    from orghealth.sample_org import SAMPLE_CONFIG
    from orghealth.settings import resolve_settings
    from orghealth.superset.naming import org_of

    settings = resolve_settings(config or SAMPLE_CONFIG, db_path=db, require_exports=False)
    return settings, org_of(settings)


@superset_app.command("publish")
def superset_publish(
    url: SupersetUrl, config: SupersetConfig = None, db: SupersetDb = None, dashboards: DashboardsOption = None
) -> None:
    """Publish the org's dashboards over its dashboard file: database (read-only), datasets, charts, dashboards.

    Every name and uuid carries the org (the config's org_name, else the database file's stem).

    Publishing the same org again overwrites what its last publish made; another org's objects are left alone.
    """
    import time

    from orghealth.superset.client import connect
    from orghealth.superset.publish import credentials, definitions, publish

    try:
        started = time.monotonic()
        settings, org = _superset_org(config, db)
        found = definitions(dashboards)
        user, password = credentials()
        with connect(url, user, password) as superset:
            urls = publish(superset, found, settings.dashboard_path, org)
    except OrgHealthError as exc:
        raise _fail(exc) from None
    typer.echo(f"org: {org.name} ({org.slug})")
    typer.echo(f"dashboard file: {settings.dashboard_path}")
    for address in urls:
        typer.echo(f"dashboard: {address}")
    typer.echo(f"published in {time.monotonic() - started:.1f} s")


@superset_app.command("check")
def superset_check(
    url: SupersetUrl, config: SupersetConfig = None, db: SupersetDb = None, dashboards: DashboardsOption = None
) -> None:
    """Ask every chart of the org's published dashboards for its data (its saved query); print the row counts.

    The org is found as publish finds it (--config, --db).

    Exit status 1 when a chart's query fails; a chart with no rows is reported, not an error.
    """
    from orghealth.render import terminal_table
    from orghealth.superset.client import connect
    from orghealth.superset.publish import check, credentials, definitions

    try:
        _, org = _superset_org(config, db)
        found = definitions(dashboards)
        user, password = credentials()
        with connect(url, user, password) as superset:
            checks = check(superset, found, org)
    except OrgHealthError as exc:
        raise _fail(exc) from None
    rows = [(c.dashboard, c.chart_id, c.title, c.viz, " + ".join(map(str, c.rows)) or "-", c.error or "ok")
            for c in checks]  # fmt: skip
    typer.echo(terminal_table(("dashboard", "id", "chart", "viz", "rows", "status"), rows, right=("id", "rows")))
    failed = [c for c in checks if c.error]
    typer.echo(f"{len(checks)} charts: {len(checks) - len(failed)} answered, {len(failed)} failed")
    raise typer.Exit(1 if failed else 0)


# --- orghealth alert: the alert channels of the config (alerts:), see docs/configuration.md ---

alert_app = typer.Typer(help="Alerts sent when a run is blocked, finds something new, or fails.", no_args_is_help=True)
app.add_typer(alert_app, name="alert")


@alert_app.command("test")
def alert_test(
    config: Annotated[Path, typer.Option("--config", "-c", help="Org config YAML with an alerts: section.")],
) -> None:
    """Send a test message through every configured channel; print "sent" or the error for each.

    Exit status 1 when any channel did not take it (after its retries), or when no channel is configured.
    """
    from orghealth.alerts.channels import deliver
    from orghealth.alerts.messages import trial_alert
    from orghealth.config import load_config

    try:
        alerts = load_config(config).alerts
    except OrgHealthError as exc:
        raise _fail(exc) from None
    if not alerts.channels:
        raise _fail(ConfigError(f"config file {config} configures no alert channel (alerts.channels)"))
    deliveries = deliver(trial_alert(alerts.dagster_url, alerts.dashboard_url), alerts)
    for delivery in deliveries:
        typer.echo(f"{delivery.channel}: {'sent' if delivery.sent else delivery.error}")
    raise typer.Exit(0 if all(d.sent for d in deliveries) else 1)


if __name__ == "__main__":
    app()
