"""docs/metrics.md describes every mart and every column the SQL builds, and nothing it does not."""

import re
from pathlib import Path

from orghealth.sql_models import load_models

DOC = (Path(__file__).resolve().parents[1] / "docs" / "metrics.md").read_text(encoding="utf-8")


def test_every_mart_and_column_is_in_docs_metrics_md():
    marts = [m for m in load_models() if m.schema == "marts"]
    documented_tables = set(re.findall(r"marts\.([a-z_]+)", DOC))
    assert {m.name for m in marts} <= documented_tables
    documented_columns = set(re.findall(r"`([a-z_]+)`", DOC))
    for m in marts:
        missing = set(m.columns) - {"as_of"} - documented_columns
        assert not missing, f"{m.table}: {sorted(missing)} not in docs/metrics.md"


def test_the_thresholds_in_the_docs_are_the_config_defaults():
    from orghealth.config import MetricsConfig

    defaults = MetricsConfig()
    assert "`metrics.window_days`" in DOC and f"{defaults.window_days} days" in DOC
    assert f"`metrics.focus_threshold` ({defaults.focus_threshold})" in DOC
    assert f"`metrics.alignment_threshold` ({defaults.alignment_threshold})" in DOC
    assert f"`metrics.project_max_days` ({defaults.project_max_days})" in DOC
    assert f"engineers > {defaults.team_max_engineers}" in DOC and f"headcount > {defaults.team_max_headcount}" in DOC
    assert f"engineers < {defaults.team_min_engineers}" in DOC
