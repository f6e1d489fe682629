"""The benchmark of issue 11: the full orghealth job against DuckDB's own floor, at several org sizes.

    python -m bench.run                                   # 1k/50k, 10k/500k, 100k/5M; 3 runs each
    python -m bench.run --sizes 1000x50000 --runs 1       # one size, one run
    python -m bench.run --skip-largest                    # all but the largest size (small machines)

For each size, the sample generator writes an org once (cached under --work; never timed). Each run then
starts, one after the other, two fresh processes: `orghealth run` on that org into a new database, and the
floor (bench/floor.py: DuckDB alone reading the same export files into tables). Each is measured for wall
time and the peak RSS of its process tree (bench/measure.py); the pipeline's time is split into stages
from its Dagster event log (bench/stages.py). Printed: the medians per size; written: every figure as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`: make the repository importable, as `-m bench.run` does
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from bench.measure import Measured, run_measured
from bench.orgs import DEFAULT_SIZES, REPO, Org, Size, ensure_org
from bench.report import machine, machine_line, medians, table, write_json
from bench.stages import read_stages
from orghealth.database import MEMORY_LIMIT_ENV

FLOOR_SCRIPT = REPO / "bench" / "floor.py"
# The instance the measured run is kept in should cost what the plain CLI's ephemeral instance costs, apart
# from writing its events to SQLite: no telemetry (it would also print a welcome text into the log), and no
# compute-log capture, which would start four helper processes (`tail -F` and dagster's watch_orphans.py, for
# stdout and stderr) that a plain `orghealth run` does not start.
DAGSTER_YAML = """\
telemetry:
  enabled: false
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""
# Row counts kept per size, to show that the generated links grow in proportion to the issues.
COUNTED_TABLES = (
    "raw.hris_people", "raw.jira_issues", "raw.jira_issue_links", "raw.rejected_rows",
    "core.work_items", "core.issue_links", "core.dependency_links", "core.teams",
)  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [Size.parse(x) for x in s.split(",")], default=DEFAULT_SIZES,
                        help="PEOPLExISSUES,... (default: 1000x50000,10000x500000,100000x5000000)")  # fmt: skip
    parser.add_argument("--skip-largest", action="store_true", help="leave out the largest of the sizes")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; every figure is their median")
    parser.add_argument("--work", "--out", type=Path, default=REPO / "bench" / ".work",
                        help="generated orgs (kept, reused) and each run's files (deleted after it)")  # fmt: skip
    parser.add_argument("--json", type=Path, help="where to write the raw figures (default bench/results/<time>.json)")
    parser.add_argument("--seed", type=int, help="the generator's seed (default: its own)")
    parser.add_argument("--as-of", help="the generator's as_of, YYYY-MM-DD (default: its own)")
    parser.add_argument("--keep", action="store_true", help="keep each run's database, Dagster home and logs")
    parser.add_argument("--floor-memory-limit", metavar="LIMIT",
                        help="hold the floor's DuckDB to this memory limit (\"1GB\", as the pipeline's); default: "
                        "DuckDB's own (80%% of memory), the floor the targets are stated against")  # fmt: skip
    args = parser.parse_args(argv)
    if args.skip_largest:
        args.sizes = sorted(args.sizes, key=lambda s: (s.issues, s.people))[:-1]
    if not args.sizes or args.runs < 1:
        parser.error("nothing to measure: give at least one size and one run")
    return args


def orghealth_command() -> str:
    """The CLI installed beside this interpreter (.venv/bin/orghealth), not `uv run`, whose own process
    would count in the tree."""
    beside = Path(sys.executable).parent / "orghealth"
    return str(beside) if beside.exists() else (shutil.which("orghealth") or "orghealth")


PASSED_THROUGH = {MEMORY_LIMIT_ENV}


def run_pipeline(org: Org, folder: Path) -> dict:
    home = folder / "dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    # The org comes from --config only; tuning knobs (ORGHEALTH_DUCKDB_MEMORY_LIMIT) pass through, so the
    # benchmark can compare them: `ORGHEALTH_DUCKDB_MEMORY_LIMIT=3GB make bench`.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORGHEALTH_") or k in PASSED_THROUGH}
    env["DAGSTER_HOME"] = str(home)  # the CLI then keeps the run, with its event log, in this instance
    db = folder / "orghealth.duckdb"
    cmd = [orghealth_command(), "run", "--config", str(org.config), "--db", str(db), "--as-of", org.as_of()]
    measured = run_measured(cmd, cwd=REPO, env=env, log=folder / "pipeline.log")
    figures = _figures(measured)
    try:
        figures.update(read_stages(home, measured.started, measured.ended, measured.samples))
    except Exception as exc:  # a run that failed early may have kept no run at all: report, do not stop
        figures.update(error=f"no stages: {exc}", stages=None)
    if measured.returncode != 0:
        figures["error"] = _tail(folder / "pipeline.log")
    elif db.exists():
        figures["rows"] = _row_counts(db)
    return figures


def run_floor(org: Org, folder: Path, memory_limit: str | None = None) -> dict:
    folder.mkdir(parents=True)
    tables = folder / "tables.json"
    tables.write_text(json.dumps(org.export_tables()), encoding="utf-8")
    cmd = [sys.executable, str(FLOOR_SCRIPT), str(folder / "floor.duckdb"), str(tables)]
    if memory_limit:
        cmd.append(memory_limit)
    measured = run_measured(cmd, cwd=REPO, env=dict(os.environ), log=folder / "floor.log")
    figures = _figures(measured)
    if measured.returncode == 0:
        figures.update(json.loads((folder / "floor.log").read_text().strip().splitlines()[-1]))
    else:
        figures["error"] = _tail(folder / "floor.log")
    return figures


def _figures(m: Measured) -> dict:
    return {
        "returncode": m.returncode, "wall_s": m.wall_s, "peak_rss_mib": m.peak_rss_mib,
        "kernel_maxrss_mib": m.kernel_maxrss_mib, "sampled_tree_rss_mib": m.sampled_tree_rss_mib,
        "max_processes": m.max_processes,
    }  # fmt: skip


def _row_counts(db: Path) -> dict[str, int | None]:
    counts: dict[str, int | None] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in COUNTED_TABLES:
            try:
                counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except duckdb.CatalogException:  # a table renamed since: the figures matter more than its count
                counts[table] = None
    return counts


def _tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _brief(figures: dict) -> str:
    failed = " FAILED" if figures["returncode"] else ""
    return f"{figures['wall_s']:.1f} s, {figures['peak_rss_mib']:,.0f} MiB{failed}"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_size(size: Size, args: argparse.Namespace) -> dict:
    t0 = time.monotonic()
    org, generated = ensure_org(size, args.work / "orgs", seed=args.seed, as_of=args.as_of)
    how = f"generated in {time.monotonic() - t0:.0f} s" if generated else "cached"
    say(f"{size.label}: org in {org.folder} ({how})")
    result: dict = {"size": size.label, "people": size.people, "issues": size.issues, "org": str(org.folder)}
    result["runs"] = []
    for number in range(1, args.runs + 1):
        folder = args.work / "runs" / f"{size.label}-{datetime.now():%Y%m%dT%H%M%S}-{number}"
        # pipeline, then floor: the pair shares the page cache's state (the exports stay cached after generation)
        pipeline = run_pipeline(org, folder / "pipeline")
        floor = run_floor(org, folder / "floor", args.floor_memory_limit)
        result["runs"].append({"pipeline": pipeline, "floor": floor})
        say(f"{size.label} run {number}/{args.runs}: pipeline {_brief(pipeline)}; floor {_brief(floor)}")
        if peaks := pipeline.get("peak_rss_mib_by_stage"):
            say("  peak RSS (MiB) during " + ", ".join(f"{stage} {mib:,.0f}" for stage, mib in peaks.items()))
        if not args.keep and not (pipeline["returncode"] or floor["returncode"]):
            shutil.rmtree(folder)  # databases reach GBs at the largest size; a failed run is kept to inspect
    result["rows"] = next((r["pipeline"]["rows"] for r in result["runs"] if "rows" in r["pipeline"]), {})
    result["median"] = medians(result["runs"])
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.work = args.work.resolve()
    info = machine()
    print(machine_line(info), flush=True)
    if args.floor_memory_limit:
        print(f"floor DuckDB memory limit: {args.floor_memory_limit} (--floor-memory-limit)", flush=True)
    started = datetime.now()
    results = [bench_size(size, args) for size in args.sizes]
    print()
    print(table(results))
    print("stage columns: seconds, median of the runs; checks include the Data Docs rendered at the run's end;")
    print("other: start-up (imports, definitions), Dagster between steps, exit; x floor, x RSS: median of the")
    print("runs' ratios (pipeline / floor).")
    out = args.json or REPO / "bench" / "results" / f"{started:%Y%m%dT%H%M%S}.json"
    settings = {
        "runs": args.runs,
        "seed": args.seed,
        "as_of": args.as_of,
        "floor_memory_limit": args.floor_memory_limit,
    }
    write_json(out, {"machine": info, "started": started.isoformat(timespec="seconds"), "args": settings,
                     "sizes": results})  # fmt: skip
    print(f"raw figures: {out}")
    failed = any(r["pipeline"]["returncode"] or r["floor"]["returncode"] for res in results for r in res["runs"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
