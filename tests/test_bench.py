"""`make bench` keeps working: the benchmark on a tiny org, once, prints its table and writes its figures.

Nothing here judges speed (benchmarks print figures; tests do not time things): it checks that every stage
was found in the run's event log and that the figures are consistent with each other.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
STAGES = ("ingest", "staging", "core", "marts", "checks", "publish")


def bench(work: Path, figures: Path, memory_limit: str, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORGHEALTH_")}
    env["ORGHEALTH_DUCKDB_MEMORY_LIMIT"] = memory_limit  # passed through to the run, and said in the figures
    return subprocess.run(
        [sys.executable, "-m", "bench.run", "--sizes", "200x2000", "--runs", "1", "--work", str(work),
         "--json", str(figures), *extra],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_the_benchmark_runs_a_tiny_org_and_prints_the_table(tmp_path):
    figures = tmp_path / "figures.json"
    done = bench(tmp_path / "work", figures, "700MB", "--floor-memory-limit", "600MB")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "200x2000" in done.stdout and "floor" in done.stdout
    assert "pipeline DuckDB memory limit: 700MB" in done.stdout
    assert "floor DuckDB memory limit: 600MB" in done.stdout
    written = json.loads(figures.read_text())
    assert written["args"]["floor_memory_limit"] == "600MB"
    ((size,),) = [written["sizes"]]
    assert (size["people"], size["issues"]) == (200, 2000)
    (run,) = size["runs"]
    pipeline = run["pipeline"]
    assert pipeline["returncode"] == 0 and pipeline["status"] == "SUCCESS"
    assert all(pipeline["stages"][stage] > 0 for stage in STAGES), pipeline["stages"]
    # The stages, with start-up and exit ("other"), make up the process's wall time.
    assert sum(pipeline["stages"].values()) == pytest.approx(pipeline["wall_s"], rel=0.1)
    assert pipeline["peak_rss_mib"] > 0
    # Sampled every 0.2 s: at least the longer stages have a sample, none above the process's peak.
    by_stage = pipeline["peak_rss_mib_by_stage"]
    assert by_stage["ingest"] > 0 and max(by_stage.values()) <= pipeline["peak_rss_mib"]


def test_the_benchmark_runs_the_pipeline_under_the_memory_limit_it_is_given(tmp_path):
    figures = tmp_path / "figures.json"
    # Too little for any run, the pipeline's or the floor's: both must fail, and say why.
    done = bench(tmp_path / "work", figures, "1MB", "--floor-memory-limit", "1MB")
    assert done.returncode == 1, done.stderr[-3000:]  # a failed run: reported, its figures still written
    ((size,),) = [json.loads(figures.read_text())["sizes"]]
    (run,) = size["runs"]
    assert run["pipeline"]["returncode"] == 1
    assert "DuckDB needed more memory than its limit of 1MB" in run["pipeline"]["error"]
    assert run["floor"]["returncode"] == 1 and "memory" in run["floor"]["error"].lower()
