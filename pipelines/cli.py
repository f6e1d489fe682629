"""`orghealth`: run the pipeline from the command line, without a Dagster server."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from pipelines.errors import OrgHealthError

app = typer.Typer(
    help="Measure how single-threaded an organisation is, from HRIS and Jira exports, into DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="The date the run describes (YYYY-MM-DD). Default: the config's as_of, else today."),
]
Db = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file to write. Default: the config's database, else data/orghealth.duckdb."),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Show Dagster's log of every step.")]


def _run(config: Path, *, hris: Path | None, jira: list[Path] | None, db: Path | None, as_of: str | None,
         verbose: bool) -> None:  # fmt: skip
    from pipelines.resources import resolve_settings
    from pipelines.runner import run_pipeline
    from pipelines.summary import summarize

    try:
        settings = resolve_settings(config, db_path=db, as_of=_parse_date(as_of), hris_path=hris, jira_paths=jira)
        result = run_pipeline(settings, log_level="INFO" if verbose else "CRITICAL")
    except OrgHealthError as exc:
        typer.secho(f"orghealth: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    typer.echo(summarize(result.db_path, settings.as_of))


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
def demo(db: Db = None, as_of: AsOf = None, verbose: Verbose = False) -> None:
    """Run the whole job on the embedded sample organisation (what `make demo` calls)."""
    from assets.sample_org import SAMPLE_CONFIG

    _run(SAMPLE_CONFIG, hris=None, jira=None, db=db, as_of=as_of, verbose=verbose)


if __name__ == "__main__":
    app()
