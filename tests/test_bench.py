"""`make bench` keeps working: the benchmark on a tiny org, once, prints its table and writes its figures.

Nothing here judges speed (benchmarks print figures; tests do not time things): it checks that every stage
was found in the run's event log and that the figures are consistent with each other.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
STAGES = ("ingest", "staging", "core", "marts", "checks", "publish")


def test_the_benchmark_runs_a_tiny_org_and_prints_the_table(tmp_path):
    figures = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--sizes", "200x2000", "--runs", "1", "--work", str(tmp_path / "work"),
         "--json", str(figures)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "200x2000" in done.stdout and "floor" in done.stdout
    ((size,),) = [json.loads(figures.read_text())["sizes"]]
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
