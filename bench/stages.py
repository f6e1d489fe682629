"""Wall time per stage of one finished run, from the run's Dagster event log (no change to the pipeline).

The benchmark runs `orghealth run` with DAGSTER_HOME pointing at a folder of its own, so the CLI keeps the
run in a SQLite instance there (pipelines/runner.py); afterwards its STEP_START / STEP_SUCCESS / STEP_FAILURE
events give each step's wall time. The job runs its steps one after another in one process (in-process
executor), so the stages below add up, with the rest of the process's wall time, to the whole.

Steps by stage (step keys are asset keys joined by "__", or the op name of a multi-asset / multi-check):
  ingest   raw__hris_people, raw_jira, raw_org_config (reading the exports, quarantining bad rows)
  staging  staging__*            core  core__*            marts  marts__*
  checks   expectations_<suite>: every Great Expectations suite is a multi-asset check, one step each;
           plus the resource's teardown after the last step (from the last step's end to the run's end
           event), where the Data Docs of all suites are rendered once per run (assets/resources.py)
  publish  published
  other    start-up before the first step (interpreter, imports, loading the definitions, checking the
           export headers, resource set-up), Dagster's bookkeeping between steps, and the tail after the
           run's end event (the CLI's summary, interpreter exit)
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import dagster as dg

STAGES = ("ingest", "staging", "core", "marts", "checks", "publish", "other")
_LAYER_STAGE = {"raw": "ingest", "staging": "staging", "core": "core", "marts": "marts"}
_STEP_END = {dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
_RUN_END = {dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE}


def stage_of(step_key: str) -> str:
    if step_key.startswith("expectations_"):
        return "checks"
    if step_key == "published":
        return "publish"
    layer = step_key.split("__", 1)[0] if "__" in step_key else step_key.split("_", 1)[0]
    return _LAYER_STAGE.get(layer, "other")  # a step of a kind this file does not know yet: said in "other"


def read_stages(
    dagster_home: Path, started: float, ended: float, samples: tuple[tuple[float, float], ...] = ()
) -> dict:
    """Seconds per stage, the parts of "other", each step's seconds and the run's status, for the one run
    kept in `dagster_home`; `started`/`ended` are the process's start and end (time.time()). With the RSS
    `samples` (time, MiB), also the highest RSS sampled during each stage's steps."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs(limit=2)
        if len(runs) != 1:
            raise RuntimeError(f"{dagster_home}: expected exactly one run, found {len(runs)}")
        run = runs[0]
        events = [e for e in instance.all_logs(run.run_id) if e.dagster_event is not None]
    step_start: dict[str, float] = {}
    steps: dict[str, float] = {}
    step_spans: list[tuple[float, float]] = []
    spans: dict[str, tuple[float, float]] = {}
    run_end = None
    for entry in events:
        kind, key = entry.dagster_event.event_type, entry.dagster_event.step_key
        if kind == dg.DagsterEventType.STEP_START:
            step_start[key] = entry.timestamp
        elif kind in _STEP_END and key in step_start:
            steps[key] = entry.timestamp - step_start[key]
            step_spans.append((step_start[key], entry.timestamp))
            spans[key] = (step_start[key], entry.timestamp)
        elif kind in _RUN_END:
            run_end = entry.timestamp
    seconds: dict[str, float] = defaultdict(float)
    for key, duration in steps.items():
        seconds[stage_of(key)] += duration
    peak_rss: dict[str, float] = defaultdict(float)
    for key, (start, end) in spans.items():
        during = [mib for at, mib in samples if start <= at <= end]
        peak_rss[stage_of(key)] = max([peak_rss[stage_of(key)], *during])
    first_start = min(s for s, _ in step_spans) if step_spans else ended
    last_end = max(e for _, e in step_spans) if step_spans else ended
    run_end = run_end if run_end is not None else last_end
    busy = sum(e - s for s, e in step_spans)
    parts = {
        "startup": first_start - started,
        "between_steps": (last_end - first_start) - busy,
        "teardown": run_end - last_end,  # Data Docs, alerts, closing the database: counted in checks
        "tail": ended - run_end,
    }
    seconds["checks"] += parts["teardown"]
    seconds["other"] += parts["startup"] + parts["between_steps"] + parts["tail"]
    return {
        "run_id": run.run_id,
        "status": run.status.value,
        "stages": {stage: seconds.get(stage, 0.0) for stage in STAGES},
        "parts": parts,
        "steps": dict(sorted(steps.items(), key=lambda kv: -kv[1])),
        "peak_rss_mib_by_stage": {stage: peak_rss[stage] for stage in STAGES if stage in peak_rss},
    }
