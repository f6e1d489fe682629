"""The whole asset graph (keys, dependencies, partitions, checks) against a committed snapshot.

A wiring change, such as a SQL file that starts reading another table or an asset that loses its
partitions, shows up here as a readable diff. After a deliberate change, rewrite the snapshot with
`ORGHEALTH_UPDATE_SNAPSHOTS=1 uv run pytest tests/test_asset_graph.py` and review the diff.
"""

import json
import os
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def describe_graph() -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = node.partitions_def
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "partitions": None if partitions is None else str(partitions),
            "checks": sorted(f"{c.name} ({'blocking' if graph.get(c).blocking else 'warn'})" for c in node.check_keys),
        }
    job = defs.resolve_job_def("orghealth")
    return {
        "job": {"name": job.name, "executor": job.executor_def.name, "partitions": str(job.partitions_def)},
        "assets": assets,
    }


def test_the_asset_graph_matches_its_snapshot():
    current = describe_graph()
    if os.environ.get("ORGHEALTH_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_per_date_tables_are_daily_partitions_and_the_latest_export_is_not():
    graph = defs.resolve_asset_graph()
    daily = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).partitions_def is not None}
    assert {"raw/hris_people", "core/people", "core/identity_map", "core/work_streams", "published"} <= daily
    assert {"marts/" + m for m in ("leader_focus", "team_size", "org_health", "work_attribution")} <= daily
    assert not {"raw/jira_issues", "staging/jira_issues", "core/work_items", "core/issue_links"} & daily
    assert isinstance(graph.get(dg.AssetKey("published")).partitions_def, dg.DailyPartitionsDefinition)
