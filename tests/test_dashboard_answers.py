"""The leader's questions, answered on the rendered dashboard of a hand-worked org: read in headless Chromium off a
real Superset, after real CLI runs, and compared with answers worked out by hand.

It needs the whole stack because each answer is what a person reads: the job's tables, the dashboard file, the
bundle's views and charts, Superset's query and its table rendering. The org is the metrics org
(tests/fixtures/metrics_org, worked by hand in tests/test_marts.py and tests/models/), named "Metrics", run by
`orghealth run` as a user would, three times (tests/metrics_snapshots.py):

1. D1 = 2026-11-20, published. Stream-owning leaders (owned_streams > 0; Xan, legacy's STL, has left and leads no
   one): Dan Dir owns mig and ops, one of the org's 8 mapped items each (tests/models/test_leader_focus.py):
   "owns 2 streams (Page migration, Operations); focus 13% on Page migration, under 80%"; Max Web owns web, 1 of
   his 4 items: "focus 25% on Web shop, under 80%"; Mia Pay owns pay, 4 of 4: single-threaded.
   Who others wait on (tests/test_marts.py, test_team_dependencies): Mia Pay's team blocks Max Web's team twice
   (PAY-1 and PAY-4, both resolved), Max Web's team blocks Mia Pay's once (open): Mia Pay's team comes first,
   with 2 links, 0 open, 2 resolved, though it has no open link (the old heatmap of open links hid it).
2. D2 = 2026-11-27, published: Nia joined, Ian left, Eva moved team: "1 joined, 1 left, 1 moved team since
   20 Nov 2026"; Mia, now STL of legacy too, owns two streams (tests/test_changes_e2e.py). The filters: the
   Snapshot filter at D1 shows D1's answers again; a team or a leader's org narrows the leaders and the links to it
   (Max Web's team: Max alone, and both links, which touch his team; Moe Idle's org: no STL and no link).
3. 2026-12-04, blocked: its export has a row with a hire date that is not a date, 1 of 13 rows rejected, past the
   1% limit. The published data stays D2's, and the page's first row says so and why.
"""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard_page import TEXT_BOXES_JS, layout_problems, table_rows, with_filters
from tests.metrics_snapshots import BROKEN, D1, D2, hris_broken, hris_d1, hris_d2, write_config
from tests.superset_server import (
    FIXTURE_PASSWORD,
    FIXTURE_USER,
    Superset,
    orghealth_cli,
    running_superset,
    superset_template,  # noqa: F401  (a fixture)
)
from tests.test_superset_dashboard import browser, log_in, orghealth, settled_charts  # noqa: F401  (browser: a fixture)

pytestmark = pytest.mark.slow

DASHBOARD = "metrics-stl-org-health"  # the org_name "Metrics", slugged
CHARTS = 19  # charts of dashboards/stl_org_health.yaml
LEADERS = "Which leaders are not single-threaded, and why?"
WAITED_ON = "Which teams do others wait on most?"
PAIRS = "Who blocks whom, pair by pair?"
CHANGED = "What changed in the whole org since the last snapshot?"
TRUST = "Can I trust what I see?"


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory, superset_template: Path) -> Iterator[Superset]:  # noqa: F811
    state = tmp_path_factory.mktemp("superset-answers")
    with running_superset(
        state / "superset", username=FIXTURE_USER, password=FIXTURE_PASSWORD, template=superset_template
    ) as server:
        yield server


class Org:
    """The metrics org's folder: its configs, its database, and the runs made so far."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "metrics.duckdb"

    def run(self, name: str, hris: str, legacy_stl: str, as_of: date) -> Any:
        config = write_config(self.folder, name, hris, legacy_stl, org_name="Metrics")
        return orghealth_cli("run", "--config", str(config), "--db", str(self.db), "--as-of", as_of.isoformat())


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory, superset: Superset) -> Org:
    """The metrics org after D1, published to the Superset."""
    org = Org(tmp_path_factory.mktemp("metrics-org"))
    first = org.run("hris-d1", hris_d1(), "xan@m.example", D1)
    assert first.returncode == 0, first.stderr
    config = org.folder / "hris-d1.yaml"
    orghealth("superset", "publish", "--url", superset.url, "--config", str(config), "--db", str(org.db),
              env=superset.env())  # fmt: skip
    return org


def open_dashboard(driver: Any, superset: Superset, **picked: str) -> list[dict[str, Any]]:
    """Load the dashboard, with filters picked when given; every chart drawn (narrowed, a chart may hold nothing)."""
    driver.get(with_filters(f"{superset.url}/superset/dashboard/{DASHBOARD}/?standalone=1", **picked))
    charts = settled_charts(driver, CHARTS)
    drawn = {"rendered", "empty"} if picked else {"rendered"}
    assert all(c["state"] in drawn for c in charts), {c["name"]: c["text"] for c in charts}
    return charts


def test_each_answer_is_on_the_page_after_a_good_run_then_a_blocked_one(
    org: Org,
    superset: Superset,
    browser: Any,  # noqa: F811
) -> None:
    log_in(browser, superset)

    # D1: the leaders who are not single-threaded, with the reasons in words, and the team others wait on most.
    open_dashboard(browser, superset)
    leaders = table_rows(browser, LEADERS)
    flagged = {r["Leader"]: r["Why not"] for r in leaders if r["Single-threaded?"].startswith("✗")}
    assert flagged == {
        "Dan Dir": "owns 2 streams (Page migration, Operations); focus 13% on Page migration, under 80%",
        "Max Web": "focus 25% on Web shop, under 80%",
    }
    assert [r["Leader"] for r in leaders if r["Single-threaded?"].startswith("✓")] == ["Mia Pay"]
    waited_on = table_rows(browser, WAITED_ON)
    assert waited_on[0] == {"Team others wait on": "Mia Pay's team", "Links": "2", "Open": "0", "Resolved": "2",
                            "Teams waiting": "1"}  # fmt: skip
    assert [r["Team others wait on"] for r in waited_on] == ["Mia Pay's team", "Max Web's team"]
    assert not layout_problems(browser.execute_script(TEXT_BOXES_JS))

    # D2: one person joined, one left, one moved team.
    second = org.run("hris-d2", hris_d2(), "mia@m.example", D2)
    assert second.returncode == 0, second.stderr
    open_dashboard(browser, superset)
    changed = {r["Topic"]: r["Since the snapshot before"] for r in table_rows(browser, CHANGED)}
    assert changed["People"] == "1 joined, 1 left, 1 moved team since 20 Nov 2026"
    # Mia became STL of legacy too: two streams, though her org works on pay alone (focus 100%).
    flagged = {r["Leader"]: r["Why not"] for r in table_rows(browser, LEADERS) if r["Single-threaded?"][0] == "✗"}
    assert flagged["Mia Pay"] == "owns 2 streams (Payments, Legacy reports)"

    # The Snapshot filter goes back to D1: D1's answers again. With a team picked too, only that team's leader.
    open_dashboard(browser, superset, snapshot=D1.isoformat())
    leaders = table_rows(browser, LEADERS)
    assert {r["Leader"]: r["Why not"] for r in leaders if r["Single-threaded?"][0] == "✗"} == {
        "Dan Dir": "owns 2 streams (Page migration, Operations); focus 13% on Page migration, under 80%",
        "Max Web": "focus 25% on Web shop, under 80%",
    }
    changed = {r["Topic"]: r["Since the snapshot before"] for r in table_rows(browser, CHANGED)}
    assert changed == {"Snapshots": "this is the first snapshot: there is nothing earlier to compare it with"}
    open_dashboard(browser, superset, snapshot=D1.isoformat(), scope="Team: Max Web's team")
    assert [(r["Leader"], r["Single-threaded?"]) for r in table_rows(browser, LEADERS)] == [
        ("Max Web", "✗ not single-threaded")
    ]
    # Both of D1's links touch Max's team (tests/test_marts.py): Mia's team blocks it twice, it blocks Mia's once.
    pairs = {
        (r["Blocking team"], r["Waiting team"]): r["Links"]
        for r in table_rows(browser, "Who blocks whom, pair by pair?")
    }
    assert pairs == {("Mia Pay's team", "Max Web's team"): "2", ("Max Web's team", "Mia Pay's team"): "1"}
    open_dashboard(browser, superset, snapshot=D1.isoformat(), scope="Org: Moe Idle")
    assert table_rows(browser, LEADERS) == []  # Moe owns no stream
    assert table_rows(browser, PAIRS) == []  # and his team has no cross-team link

    # A blocked night: the page still shows D2's data, and its first row says the last run was blocked, and why.
    blocked = org.run("hris-broken", hris_broken(), "mia@m.example", BROKEN)
    assert blocked.returncode == 1 and "quality gate stopped publication" in blocked.stderr
    open_dashboard(browser, superset)
    (status,) = table_rows(browser, TRUST)
    days_old = (date.today() - D2).days  # the data is D2's, however old that is today
    line = status["Data as of · last run · age"]
    assert line.startswith("Data as of 27 Nov 2026 · last run ")
    assert re.search(r"UTC \(cli, for 4 Dec 2026\): blocked \(blocked: 1 data error — .+\) · ", line), line
    assert "rejected" in line  # why: the malformed row, rejected past the limit
    assert line.endswith(f" · {days_old} days old")
    assert (status["Days old"], status["Data errors (last run)"]) == (str(days_old), "1")
