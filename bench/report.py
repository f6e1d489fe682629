"""What the benchmark prints and writes: the machine, the medians table, the raw figures as JSON."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from bench.orgs import REPO
from bench.stages import STAGES
from orghealth.database import MEMORY_LIMIT_ENV, writer_config


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text().split()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    commit = _git("rev-parse", "--short", "HEAD").stdout.strip() or "?"
    # The working tree is what runs: say when it differs from the commit (read-only: no index refresh written).
    if _git("diff", "--quiet", "HEAD", "--").returncode == 1:
        commit += " + uncommitted changes"
    limit = writer_config()["memory_limit"]
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2, 1),
        "cpu": model,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        **{package: version(package) for package in ("duckdb", "dagster", "polars", "great_expectations")},
        "commit": commit,
        # The pipeline's DuckDB limit, as its runs will open DuckDB: figures depend on it.
        "duckdb_memory_limit": limit if os.environ.get(MEMORY_LIMIT_ENV) else f"{limit} (default)",
    }


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "--no-optional-locks", *args], cwd=REPO, capture_output=True, text=True)


def machine_line(m: dict) -> str:
    return (
        f"machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['os']}\n"
        f"python {m['python']}, duckdb {m['duckdb']}, dagster {m['dagster']}, polars {m['polars']}, "
        f"great_expectations {m['great_expectations']}, commit {m['commit']}\n"
        f"pipeline DuckDB memory limit: {m['duckdb_memory_limit']} ({MEMORY_LIMIT_ENV})"
    )


def medians(runs: list[dict]) -> dict:
    """The median of each figure over the runs (each figure on its own, as the issue asks)."""
    ok = [r for r in runs if r["pipeline"]["returncode"] == 0 and r["floor"]["returncode"] == 0]
    ok = [r for r in ok if r["pipeline"].get("stages")]  # a run whose event log could not be read: no stages
    if not ok:
        return {}

    def med(get) -> float:
        return statistics.median(get(r) for r in ok)

    m = {
        "runs": len(ok),
        "pipeline_s": med(lambda r: r["pipeline"]["wall_s"]),
        "floor_s": med(lambda r: r["floor"]["wall_s"]),
        "pipeline_rss_mib": med(lambda r: r["pipeline"]["peak_rss_mib"]),
        "floor_rss_mib": med(lambda r: r["floor"]["peak_rss_mib"]),
        "stages": {s: med(lambda r, s=s: r["pipeline"]["stages"][s]) for s in STAGES},
        "parts": {p: med(lambda r, p=p: r["pipeline"]["parts"][p]) for p in ok[0]["pipeline"]["parts"]},
    }
    # The ratios are taken per run, then their median: a pipeline run and its floor run go back to back, so
    # the pair shares whatever else the machine was doing at the time.
    m["time_ratio"] = med(lambda r: r["pipeline"]["wall_s"] / r["floor"]["wall_s"])
    m["rss_ratio"] = med(lambda r: r["pipeline"]["peak_rss_mib"] / r["floor"]["peak_rss_mib"])
    return m


HEADER = ["size", "runs", "pipeline s", *STAGES, "floor s", "x floor", "RSS MiB", "floor MiB", "x RSS"]


def table(results: list[dict]) -> str:
    rows = [HEADER]
    for result in results:
        m = result["median"]
        if not m:
            rows.append([result["size"], "0", "failed (see the JSON and the logs)"])
            continue
        rows.append([
            result["size"], str(m["runs"]), f"{m['pipeline_s']:.1f}",
            *(f"{m['stages'][s]:.1f}" for s in STAGES),
            f"{m['floor_s']:.1f}", f"{m['time_ratio']:.1f}",
            f"{m['pipeline_rss_mib']:,.0f}", f"{m['floor_rss_mib']:,.0f}", f"{m['rss_ratio']:.1f}",
        ])  # fmt: skip
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(HEADER))]
    lines = ["  ".join(cell.rjust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
