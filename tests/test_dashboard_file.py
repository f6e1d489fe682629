"""The dashboard file (orghealth/dashboard_file.py): what Superset may read, on hand-made published tables.

The source database below is written by hand: four teams, nine engineers with work, one STL. Every expected
value is worked out in the comments from those rows, with k = publish.min_group_size = 3.
"""

import hashlib
import hmac
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orghealth.config import OrgConfig, PublishConfig
from orghealth.dashboard_file import staged, write_dashboard_file
from orghealth.errors import ConfigError
from orghealth.settings import resolve_settings
from tests.conftest import SMALL_ORG

D = date(2026, 11, 20)
KEY = b"a test key that is long enough"

# Teams (manager mode: a team's id is its manager's). team: (name, manager, headcount, contractors)
TEAMS = {
    "E1": ("Ana Lima's team", "Ana Lima", 6, 1),
    "E2": ("Platform", "Bo Chen", 2, 1),
    "E4": ("Data", "Di Eze", 4, 2),
    "E5": ("Web", "Ed Fox", 5, 0),
}
# Engineers with work per team: (engineers, of whom split)
ENGINEERS = {"E1": (4, 1), "E2": (1, 1), "E4": (1, 0), "E5": (3, 2)}
PEOPLE = {"E1": "Ana Lima", "E2": "Bo Chen", "E4": "Di Eze", "E5": "Ed Fox", "E9": "Ivy Ng"}


def make_source(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA core; CREATE SCHEMA marts; CREATE SCHEMA quality")
    con.execute("CREATE TABLE core.people (as_of DATE, employee_id VARCHAR, name VARCHAR, email VARCHAR, "
                "termination_date DATE, employment_type VARCHAR, team_id VARCHAR, is_active BOOLEAN)")  # fmt: skip
    for employee_id, name in PEOPLE.items():
        email = name.lower().replace(" ", ".") + "@x.example"
        con.execute("INSERT INTO core.people VALUES ($d, $i, $n, $e, NULL, 'Contractor', NULL, true)",
                    {"d": D, "i": employee_id, "n": name, "e": email})  # fmt: skip
    con.execute("CREATE TABLE core.teams (as_of DATE, team_id VARCHAR, team_name VARCHAR, manager_id VARCHAR, "
                "manager_name VARCHAR)")  # fmt: skip
    con.execute("CREATE TABLE core.org_members (as_of DATE, leader_id VARCHAR, employee_id VARCHAR, "
                "levels_below INTEGER, member_active BOOLEAN)")  # fmt: skip
    con.execute("CREATE TABLE marts.team_size (as_of DATE, team_id VARCHAR, team_name VARCHAR, manager_id VARCHAR, "
                "manager_name VARCHAR, headcount INTEGER, contractors INTEGER)")  # fmt: skip
    for team_id, (name, manager, headcount, contractors) in TEAMS.items():
        con.execute(
            "INSERT INTO core.teams VALUES ($d, $t, $n, $t, $m)", {"d": D, "t": team_id, "n": name, "m": manager}
        )
        con.execute("INSERT INTO marts.team_size VALUES ($d, $t, $n, $t, $m, $h, $c)",
                    {"d": D, "t": team_id, "n": name, "m": manager, "h": headcount, "c": contractors})  # fmt: skip
    con.execute("CREATE TABLE marts.shared_people (as_of DATE, employee_id VARCHAR, name VARCHAR, team_id VARCHAR, "
                "streams_worked INTEGER, top_share DOUBLE, is_split BOOLEAN)")  # fmt: skip
    for team_id, (engineers, split) in ENGINEERS.items():
        for n in range(engineers):
            is_split = n < split
            con.execute("INSERT INTO marts.shared_people VALUES ($d, $i, $n, $t, $s, $sh, $split)",
                        {"d": D, "i": f"{team_id}-eng{n}", "n": f"Engineer {team_id}-{n}", "t": team_id,
                         "s": 2 if is_split else 1, "sh": 0.5 if is_split else 1.0, "split": is_split})  # fmt: skip
    con.execute("CREATE TABLE marts.org_health AS SELECT $d::DATE AS as_of, 9 AS engineers_with_work, "
                "4 AS split_engineers, 4 / 9 AS split_engineer_share, 0 AS single_threaded_leaders, "
                "2 AS teams_within_pizza, 3 AS cross_team_links", {"d": D})  # fmt: skip
    con.execute("CREATE TABLE marts.leader_focus AS SELECT $d::DATE AS as_of, 'E1' AS leader_id, "
                "'Ana Lima' AS leader_name, 0.5 AS focus_ratio, 0 AS owned_streams, NULL::DOUBLE AS owned_focus, "
                "false AS single_threaded", {"d": D})  # fmt: skip
    con.execute("CREATE TABLE marts.stream_ownership AS SELECT $d::DATE AS as_of, 'web' AS stream_id, "
                "'ed.fox@x.example' AS stl, 'E5' AS stl_id, 'E2' AS top_team", {"d": D})  # fmt: skip
    for table in ("team_alignment", "team_dependency_summary"):
        con.execute(f"CREATE TABLE marts.{table} AS SELECT as_of, team_id, team_name FROM core.teams")
    con.execute("CREATE TABLE marts.team_dependencies AS SELECT $d::DATE AS as_of, 'E2' AS dependent_team, "
                "'Platform' AS dependent_team_name, 'E1' AS blocking_team, 'Ana Lima''s team' AS blocking_team_name, "
                "3 AS links", {"d": D})  # fmt: skip
    con.execute("CREATE TABLE core.work_streams AS SELECT $d::DATE AS as_of, 1 AS position, 'web' AS stream_id, "
                "'Web' AS stream_name, 'product' AS kind, 'ed.fox@x.example' AS stl_email, 'E5' AS stl_employee_id, "
                "'Ed Fox' AS stl_name, true AS stl_active", {"d": D})  # fmt: skip
    con.execute("CREATE TABLE marts.work_attribution AS SELECT $d::DATE AS as_of, 'team' AS attribution", {"d": D})
    con.execute("CREATE TABLE quality.expectation_results AS SELECT $d::DATE AS as_of, 'r1' AS run_id, "
                "TIMESTAMP '2026-11-21 02:00' AS checked_at, 'core_people' AS suite, 'expect_unique' AS expectation, "
                "'email' AS column_name, 'error' AS severity, false AS success, "
                "'[{\"email\": \"ivy.ng@x.example\"}]' AS unexpected_examples", {"d": D})  # fmt: skip
    con.close()
    return path


def config(**publish) -> OrgConfig:
    return OrgConfig(publish=PublishConfig(**publish))


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def token(employee_id: str, key: bytes = KEY) -> str:
    return "p-" + hmac.new(key, employee_id.encode(), hashlib.sha256).hexdigest()[:12]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return make_source(tmp_path / "published.duckdb")


def test_the_file_holds_the_marts_quality_and_lookups_and_no_raw_hr_record(source, tmp_path):
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(), None)
    tables = query(target, "SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1")
    assert [t for (t,) in tables] == [
        "lookups.scopes", "lookups.snapshots", "lookups.streams", "lookups.thresholds",
        "marts.leader_focus", "marts.org_health", "marts.shared_people_by_team", "marts.snapshot_changes",
        "marts.stl_changes", "marts.stream_ownership", "marts.team_alignment", "marts.team_dependencies",
        "marts.team_dependency_summary", "marts.team_size", "marts.work_attribution", "ops.run_log",
        "quality.expectation_results",
    ]  # fmt: skip
    columns = {c for (c,) in query(target, "SELECT DISTINCT column_name FROM duckdb_columns()")}
    assert not columns & {"email", "stl", "termination_date", "employment_type", "employee_id", "unexpected_examples"}
    everything = " ".join(str(row) for (t,) in tables for row in query(target, f"SELECT * FROM {t}"))
    assert "@x.example" not in everything  # no email, not even inside the quality examples
    assert "Engineer E" not in everything  # no individual contributor's row from shared_people
    assert query(target, "SELECT stream_id, stl_id, stl_name FROM marts.stream_ownership") == [("web", "E5", "Ed Fox")]
    assert query(target, "SELECT * FROM lookups.streams") == [(1, "web", "Web", "product")]
    assert query(target, "SELECT focus_threshold, team_max_engineers, min_group_size FROM lookups.thresholds") == [
        (0.8, 8, 3)
    ]


def test_contractors_are_hidden_for_small_teams_and_the_next_smallest_until_k_people(source, tmp_path):
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(min_group_size=3), None)
    rows = query(target, "SELECT team_id, headcount, contractors, contractors_hidden FROM marts.team_size ORDER BY 1")
    # E2 (2 people) is under k. Hidden alone, the org's total contractors (4) minus the shown ones would give
    # E2's own count, so the next smallest team, E4 (4 people), is hidden too: 2 + 4 >= 3. E5 and E1 show.
    assert rows == [("E1", 6, 1, False), ("E2", 2, None, True), ("E4", 4, None, True), ("E5", 5, 0, False)]
    # What subtraction gives: the total minus the shown counts is E2 and E4 together, over 6 people.
    total = sum(contractors for (_, _, _, contractors) in TEAMS.values())
    shown = sum(c for (_, _, c, hidden) in rows if not hidden)
    assert total - shown == TEAMS["E2"][3] + TEAMS["E4"][3] == 3
    # Structure is always shown: every team's headcount, the small ones included.
    assert [h for (_, h, _, _) in rows] == [6, 2, 4, 5]


def test_no_small_team_means_nothing_hidden(source, tmp_path):
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(min_group_size=2), None)  # E2 has exactly 2
    assert query(target, "SELECT count(*) FILTER (WHERE contractors_hidden) FROM marts.team_size") == [(0,)]


def test_shared_people_are_published_per_team_with_small_teams_pooled(source, tmp_path):
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(min_group_size=3), None)
    rows = query(target, "SELECT team_id, team_name, pooled_teams, engineers, split_engineers, split_share "
                         "FROM marts.shared_people_by_team ORDER BY team_id NULLS LAST")  # fmt: skip
    # Engineers with work: E1 4 (1 split), E2 1 (1), E4 1 (0), E5 3 (2). E2 and E4 are under k; pooled they
    # are 2, still under k, so the next smallest team, E5 (3), joins the pool: 5 engineers, 3 split.
    assert rows == [
        ("E1", "Ana Lima's team", 1, 4, 1, 0.25),
        (None, "small teams (pooled)", 3, 5, 3, 0.6),
    ]
    # The rows add up to the org totals, so the totals minus the shown teams give the pool, never one team.
    assert query(target, "SELECT sum(engineers), sum(split_engineers) FROM marts.shared_people_by_team") == [(9, 4)]
    assert query(target, "SELECT engineers_with_work, split_engineers FROM marts.org_health") == [(9, 4)]


def test_an_org_with_fewer_engineers_than_k_hides_its_split_counts(source, tmp_path):
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(min_group_size=10), None)  # 9 engineers in all
    assert query(
        target, "SELECT team_id, engineers, split_engineers, split_share FROM marts.shared_people_by_team"
    ) == [(None, 9, None, None)]
    assert query(target, "SELECT engineers_with_work, split_engineers, split_engineer_share FROM marts.org_health") == [
        (9, None, None)
    ]


def test_pseudonymised_people_are_keyed_hashes_stable_across_runs(source, tmp_path):
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(pseudonymise=True, named_roles=["stls"]), KEY)
    # Only the STL (E5) keeps a name; the leaders E1, E2 and E4 become HMAC-SHA256(key, employee id).
    assert query(
        target, "SELECT team_id, team_name, manager_id, manager_name FROM marts.team_size ORDER BY headcount"
    ) == [
        (token("E2"), "Platform", token("E2"), token("E2")),  # an HRIS team name is no one's: kept
        (token("E4"), "Data", token("E4"), token("E4")),
        ("E5", "Web", "E5", "Ed Fox"),
        (token("E1"), f"{token('E1')}'s team", token("E1"), token("E1")),  # named after its manager: hashed
    ]
    assert query(target, "SELECT leader_id, leader_name FROM marts.leader_focus") == [(token("E1"), token("E1"))]
    assert query(target, "SELECT dependent_team, blocking_team, blocking_team_name FROM marts.team_dependencies") == [
        (token("E2"), token("E1"), f"{token('E1')}'s team")
    ]
    assert query(target, "SELECT stl_id, stl_name, top_team FROM marts.stream_ownership") == [
        ("E5", "Ed Fox", token("E2"))
    ]
    tables = ("marts.team_size", "marts.leader_focus", "marts.team_dependencies", "marts.team_alignment")
    everything = str([query(target, f"SELECT * FROM {t}") for t in tables])
    for name in ("Ana Lima", "Bo Chen", "Di Eze", "'E1'", "'E2'", "'E4'"):
        assert name not in everything
    # Stable: the same key gives the same pseudonyms in the next run, so trends join; another key does not.
    again = tmp_path / "again.duckdb"
    write_dashboard_file(source, again, config(pseudonymise=True, named_roles=["stls"]), KEY)
    assert query(again, "SELECT team_id FROM marts.team_size ORDER BY 1") == query(
        target, "SELECT team_id FROM marts.team_size ORDER BY 1"
    )
    other = tmp_path / "other.duckdb"
    write_dashboard_file(source, other, config(pseudonymise=True, named_roles=["stls"]), b"another key, also long")
    assert query(other, "SELECT leader_id FROM marts.leader_focus") == [(token("E1", b"another key, also long"),)]


def test_changes_since_the_snapshot_before_are_counts_and_named_roles(source, tmp_path):
    # An earlier snapshot, D0: Gus Old (E7) was active and has left by D; Ivy Ng (E9) was not there yet (joined);
    # no one changed team (all NULL). web's STL was Bo Chen (E2), Ed Fox (E5) at D: one stream change. Ana Lima
    # (E1) was single-threaded on web at D0 and owns nothing at D: one leader flip. D0's last run failed the
    # no_stl finding; D's run failed no warning: 0 new, 1 resolved. Headcount 5 (E1, E2, E4, E5, E7) -> 5
    # (E1, E2, E4, E5, E9); the org_health counts are the rows' own.
    d0 = date(2026, 11, 13)
    con = duckdb.connect(str(source))
    for employee_id, name in [("E1", "Ana Lima"), ("E2", "Bo Chen"), ("E4", "Di Eze"), ("E5", "Ed Fox"),
                              ("E7", "Gus Old")]:  # fmt: skip
        con.execute("INSERT INTO core.people VALUES ($d, $i, $n, NULL, NULL, 'Contractor', NULL, true)",
                    {"d": d0, "i": employee_id, "n": name})  # fmt: skip
    con.execute("INSERT INTO core.work_streams VALUES ($d, 1, 'web', 'Web', 'product', 'bo.chen@x.example', 'E2', "
                "'Bo Chen', true)", {"d": d0})  # fmt: skip
    con.execute("INSERT INTO marts.stream_ownership VALUES ($d, 'web', 'bo.chen@x.example', 'E2', 'E2')", {"d": d0})
    con.execute("INSERT INTO marts.leader_focus VALUES ($d, 'E1', 'Ana Lima', 0.9, 1, 0.9, true)", {"d": d0})
    con.execute("INSERT INTO marts.org_health VALUES ($d, 9, 4, 4 / 9, 1, 2, 1)", {"d": d0})
    con.execute("INSERT INTO quality.expectation_results VALUES ($d, 'r0', TIMESTAMP '2026-11-14 02:00', "
                "'marts_stream_ownership', 'expect_in_set', 'no_stl', 'warning', false, NULL)", {"d": d0})  # fmt: skip
    con.close()
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(pseudonymise=True, named_roles=["stls"]), KEY)
    assert query(target, "SELECT * FROM marts.snapshot_changes") == [
        (D, d0, 1, 1, 0, 2, 1, 1, 0, 1, 5, 5, 1, 0, 2, 2, 1, 3)
    ]
    # STLs keep their names (named_roles: stls); Ana Lima leads but owns no stream at D: a pseudonym.
    assert query(target, "SELECT * EXCLUDE (as_of, previous_as_of) FROM marts.stl_changes ORDER BY change DESC") == [
        ("stream", "web", "Web", "E2", "Bo Chen", "E5", "Ed Fox", None, None, None, None, "STL replaced"),
        ("leader", None, None, None, None, None, None, token("E1"), token("E1"), True, False,
         "no longer single-threaded: owns no stream"),
    ]  # fmt: skip
    everything = str(query(target, "SELECT * FROM marts.snapshot_changes") + query(
        target, "SELECT * FROM marts.stl_changes"))  # fmt: skip
    for private in ("Ana Lima", "Gus Old", "Ivy Ng", "E7", "E9", "@x.example"):
        assert private not in everything


def test_leaders_and_stls_keep_their_names_by_default(source, tmp_path):
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(pseudonymise=True), KEY)
    assert query(target, "SELECT leader_id, leader_name FROM marts.leader_focus") == [("E1", "Ana Lima")]
    assert query(target, "SELECT count(*) FROM marts.team_size WHERE manager_name LIKE 'p-%'") == [(0,)]


def test_pseudonymising_without_a_key_in_the_environment_is_refused(tmp_path, monkeypatch):
    org = tmp_path / "orghealth.yaml"
    org.write_text((SMALL_ORG / "orghealth.yaml").read_text() + "publish:\n  pseudonymise: true\n")
    for name in ("hris.csv", "jira"):
        (tmp_path / name).symlink_to(SMALL_ORG / name)
    monkeypatch.delenv("ORGHEALTH_PSEUDONYMISE_KEY", raising=False)
    with pytest.raises(
        ConfigError, match="ORGHEALTH_PSEUDONYMISE_KEY is not set.*refuses to pseudonymise with a default"
    ):
        resolve_settings(org)
    monkeypatch.setenv("ORGHEALTH_PSEUDONYMISE_KEY", "short")
    with pytest.raises(ConfigError, match="shorter than 16 characters"):
        resolve_settings(org)
    monkeypatch.setenv("ORGHEALTH_PSEUDONYMISE_KEY", KEY.decode())
    settings = resolve_settings(org)
    assert settings.pseudonym_key == KEY and KEY.decode() not in repr(settings)
    assert settings.dashboard_path == settings.db_path.with_name("orghealth-dashboards.duckdb")


def test_a_failed_publication_leaves_the_dashboard_file_as_it_was(source, tmp_path):
    target = tmp_path / "dashboards.duckdb"
    target.write_bytes(b"the previous dashboard file")
    with pytest.raises(RuntimeError), staged(source, target, config(), None):
        raise RuntimeError("the published file could not be moved")
    assert target.read_bytes() == b"the previous dashboard file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dashboards.duckdb", "published.duckdb"]


def test_scopes_list_each_leaders_org_and_each_team_by_the_names_shown(source, tmp_path):
    # The tree: E9 Ivy Ng (no team of her own in TEAMS) leads E1 Ana and E2 Bo; E1 leads E4 Di and E5 Ed.
    con = duckdb.connect(str(source))
    members = [("E9", "E9", 0), ("E9", "E1", 1), ("E9", "E2", 1), ("E9", "E4", 2), ("E9", "E5", 2),
               ("E1", "E1", 0), ("E1", "E4", 1), ("E1", "E5", 1)]  # fmt: skip
    for leader, member, levels in members:
        con.execute("INSERT INTO core.org_members VALUES ($d, $l, $m, $n, true)",
                    {"d": D, "l": leader, "m": member, "n": levels})  # fmt: skip
    con.close()
    target = tmp_path / "dashboards.duckdb"
    write_dashboard_file(source, target, config(pseudonymise=True), KEY)
    got = query(target, "SELECT scope, list(team_id ORDER BY team_id) FILTER (WHERE team_id IS NOT NULL), "
                        "list(leader_id ORDER BY leader_id) FILTER (WHERE leader_id IS NOT NULL) FROM lookups.scopes "
                        "GROUP BY scope ORDER BY scope")  # fmt: skip
    # Leaders (someone reports to them): E9 and E1. E1 and every team manager keep their names (named roles: they
    # head a leader_focus row or a team); E9 heads neither in this source, so she shows by pseudonym. Ivy's org holds
    # the teams whose manager is in it (all four) and its leaders (E1, E9); Ana's, her team and Di's and Ed's. A
    # team's scope is the team and its manager.
    ivy = token("E9")
    assert got == [
        ("Org: Ana Lima", ["E1", "E4", "E5"], ["E1"]),
        (f"Org: {ivy}", ["E1", "E2", "E4", "E5"], ["E1", ivy]),
        ("Team: Ana Lima's team", ["E1"], ["E1"]),
        ("Team: Data", ["E4"], ["E4"]),
        ("Team: Platform", ["E2"], ["E2"]),
        ("Team: Web", ["E5"], ["E5"]),
    ]
