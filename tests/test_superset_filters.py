"""The filters' placeholders in a view's SQL (orghealth/superset/filters.py), expanded without Superset.

Unpicked, a view shows the latest snapshot of the whole org, so the API, reports and `orghealth superset check`,
which send no filter, never mix dates. What Superset's Jinja does with a picked value is checked in the browser
(tests/test_dashboard_answers.py).
"""

import duckdb
import pytest

from orghealth.superset.filters import expand

VIEW = (
    "SELECT team_id, engineers FROM marts.team_size AS t "
    "WHERE as_of = :snapshot(marts.team_size) AND :in_scope(team, t.team_id, t.as_of) ORDER BY team_id"
)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.team_size (as_of DATE, team_id VARCHAR, engineers INTEGER)")
    con.execute("INSERT INTO marts.team_size VALUES ('2026-11-13', 'E1', 3), ('2026-11-20', 'E1', 4), "
                "('2026-11-20', 'E2', 9)")  # fmt: skip
    yield con
    con.close()


def test_unpicked_a_view_shows_the_latest_snapshot_of_the_whole_org(con):
    # Two snapshots; the latest (2026-11-20) has E1 with 4 engineers and E2 with 9; no scope narrows them.
    assert con.execute(expand(VIEW, jinja=False)).fetchall() == [("E1", 4), ("E2", 9)]


def test_the_default_still_names_the_scope_columns_so_a_wrong_one_fails_early(con):
    wrong = VIEW.replace("t.team_id, t.as_of", "t.team, t.as_of")
    with pytest.raises(duckdb.BinderException, match="team"):
        con.execute(expand(wrong, jinja=False))


def test_for_superset_the_placeholders_become_jinja_reading_the_filters():
    sql = expand(VIEW, jinja=True)
    assert ":snapshot" not in sql and ":in_scope" not in sql
    assert "{% if filter_values('snapshot') %}" in sql and "{{ filter_values('snapshot')|where_in }}" in sql
    assert "picked_scope.team_id = t.team_id" in sql and "picked_scope.as_of = t.as_of" in sql
    assert sql.count("{% endif %}") == 2
