"""The Dagster code location loads, and its asset graph is the lineage of the SQL files."""

import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import defs

ROOT = Path(__file__).resolve().parents[1]


def deps(key: str) -> set[str]:
    graph = defs.resolve_asset_graph()
    return {"/".join(k.path) for k in graph.get(dg.AssetKey(key.split("/"))).parent_keys}


def test_every_sql_model_is_an_asset_with_its_lineage():
    keys = {"/".join(k.path) for k in defs.resolve_asset_graph().get_all_asset_keys()}
    sql_tables = {
        f"{p.parent.name}/{p.stem}" for layer in ("staging", "core") for p in (ROOT / "sql" / layer).glob("*.sql")
    }
    assert sql_tables <= keys
    assert {"raw/hris_people", "raw/jira_issues", "raw/jira_issue_links", "raw/config_work_streams"} <= keys
    assert deps("staging/hris_people") == {"raw/hris_people"}  # raw.rejected_rows is written by that asset
    assert deps("core/people") == {"core/reporting_lines", "staging/hris_people"}
    assert deps("core/work_item_placement") == {"staging/jira_issues", "staging/work_streams"}
    assert deps("core/work_items") == {"core/work_item_placement", "staging/jira_issues"}


def test_the_job_runs_in_one_process_so_steps_never_fight_over_the_duckdb_file():
    job = defs.resolve_job_def("orghealth")
    assert job.executor_def.name == "in_process"


@pytest.mark.slow
def test_workspace_yaml_loads_with_the_dagster_cli():
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "All code locations passed validation" in result.stderr + result.stdout
