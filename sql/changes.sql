-- What changed between two snapshots: the table macros behind `orghealth diff`, the run's one-line summary
-- (orghealth/changes.py), the org-health findings alerts compare (orghealth/alerts/findings.py) and the
-- dashboard file's marts.snapshot_changes and marts.stl_changes. Written once here, read by all of them.
--
-- A snapshot is an as_of with a row in marts.org_health (a date the job built to the end). Each macro reads
-- the database named `db`, by its catalog name: current_database() on a connection to the file itself,
-- 'src' where the dashboard file's build attaches the run's working copy. A `pairs` argument names a table
-- of (previous_as_of, as_of) to compare: one pair for a diff, every consecutive pair for the dashboard.
-- They are TEMP macros: they live only in the connection that loads them, a read-only one included.

-- `schema.table` of the database named db, quoted for query_table (a file's catalog may be "my-org 2").
CREATE OR REPLACE TEMP MACRO table_of(db, name) AS '"' || replace(db, '"', '""') || '".' || name;

-- A share as a whole percentage: 0.875 -> '88%'.
CREATE OR REPLACE TEMP MACRO as_percent(share) AS printf('%.0f%%', 100 * share);

-- Every snapshot with the one just before it (previous_as_of NULL for the first).
CREATE OR REPLACE TEMP MACRO consecutive_snapshots(db) AS TABLE
    SELECT lag(as_of) OVER (ORDER BY as_of) AS previous_as_of, as_of
    FROM (SELECT DISTINCT as_of FROM query_table(table_of(db, 'marts.org_health')));

-- The headline measures of each snapshot: active headcount (core.people) and three marts.org_health counts.
CREATE OR REPLACE TEMP MACRO snapshot_headline(db) AS TABLE
    SELECT h.as_of, coalesce(p.headcount, 0) AS headcount, h.single_threaded_leaders, h.teams_within_pizza,
           h.cross_team_links
    FROM query_table(table_of(db, 'marts.org_health')) AS h
    LEFT JOIN (
        SELECT as_of, count(*) FILTER (WHERE is_active) AS headcount
        FROM query_table(table_of(db, 'core.people'))
        GROUP BY as_of
    ) AS p ON p.as_of = h.as_of;

-- One row per person who joined, left or moved team between a pair's two snapshots:
-- joined: active at as_of and not at previous_as_of (absent from that snapshot, or inactive in it);
-- left: active at previous_as_of and not at as_of; moved: active at both, in another team (core.people.team_id;
-- in manager mode a new manager is a new team). Team names are core.teams' at each end.
CREATE OR REPLACE TEMP MACRO people_changes(db, pairs) AS TABLE
    WITH active AS (
        SELECT as_of, employee_id, name, team_id FROM query_table(table_of(db, 'core.people')) WHERE is_active
    ),
    teams AS (
        SELECT as_of, team_id, team_name FROM query_table(table_of(db, 'core.teams'))
    ),
    before AS (
        SELECT p.previous_as_of, p.as_of, x.employee_id, x.name, x.team_id
        FROM query_table(pairs) AS p JOIN active AS x ON x.as_of = p.previous_as_of
    ),
    after AS (
        SELECT p.previous_as_of, p.as_of, x.employee_id, x.name, x.team_id
        FROM query_table(pairs) AS p JOIN active AS x ON x.as_of = p.as_of
    ),
    compared AS (
        SELECT
            previous_as_of,
            as_of,
            employee_id,
            coalesce(a.name, b.name) AS name,
            CASE WHEN b.employee_id IS NULL THEN 'joined' WHEN a.employee_id IS NULL THEN 'left' ELSE 'moved' END
                AS change,
            b.team_id AS from_team_id,
            a.team_id AS to_team_id
        FROM before AS b
        FULL JOIN after AS a USING (previous_as_of, as_of, employee_id)
        WHERE b.employee_id IS NULL OR a.employee_id IS NULL OR b.team_id IS DISTINCT FROM a.team_id
    )
    SELECT
        c.previous_as_of,
        c.as_of,
        c.change,
        c.employee_id,
        c.name,
        c.from_team_id,
        coalesce(tb.team_name, c.from_team_id) AS from_team,
        c.to_team_id,
        coalesce(ta.team_name, c.to_team_id) AS to_team
    FROM compared AS c
    LEFT JOIN teams AS tb ON tb.as_of = c.previous_as_of AND tb.team_id = c.from_team_id
    LEFT JOIN teams AS ta ON ta.as_of = c.as_of AND ta.team_id = c.to_team_id;

-- Why a leader is not single-threaded at a snapshot, in words, from their marts.leader_focus row (NULLs when
-- they are not a leader then) and the streams they own (`owned`: ids in config order).
CREATE OR REPLACE TEMP MACRO not_single_threaded_because(is_leader, owned_streams, owned_focus, owned) AS CASE
    WHEN NOT is_leader THEN 'not a leader (no active direct reports)'
    WHEN owned_streams = 0 THEN 'owns no stream'
    WHEN owned_streams > 1 THEN 'owns ' || owned_streams || ' streams (' || owned || ')'
    WHEN owned_focus IS NULL THEN 'owns ' || owned || ' but their org has no mapped work in the window'
    ELSE 'owned focus on ' || owned || ' is ' || as_percent(owned_focus) || ', below the focus threshold'
END;

-- One row per change of single-threaded leadership between a pair's two snapshots.
-- change 'stream': a stream whose STL (core.work_streams) is not the same at both: replaced, named, removed,
-- or the same STL no longer (or now) an active employee; a stream added to or removed from the config too.
-- change 'leader': a leader whose single_threaded (marts.leader_focus) differs; not a leader counts as false.
-- Names are columns, never inside `reason`, so the dashboard file can show them by pseudonym.
CREATE OR REPLACE TEMP MACRO stl_changes(db, pairs) AS TABLE
    WITH streams AS (
        SELECT as_of, position, stream_id, stream_name, stl_email, stl_employee_id, stl_name, stl_active
        FROM query_table(table_of(db, 'core.work_streams'))
    ),
    stream_before AS (
        SELECT p.previous_as_of, p.as_of, s.* EXCLUDE (as_of)
        FROM query_table(pairs) AS p JOIN streams AS s ON s.as_of = p.previous_as_of
    ),
    stream_after AS (
        SELECT p.previous_as_of, p.as_of, s.* EXCLUDE (as_of)
        FROM query_table(pairs) AS p JOIN streams AS s ON s.as_of = p.as_of
    ),
    stream_rows AS (
        SELECT
            previous_as_of,
            as_of,
            'stream' AS change,
            stream_id,
            coalesce(a.stream_name, b.stream_name) AS stream_name,
            b.stl_employee_id AS previous_stl_id,
            b.stl_name AS previous_stl_name,
            b.stl_email AS previous_stl_email,
            a.stl_employee_id AS stl_id,
            a.stl_name AS stl_name,
            a.stl_email AS stl_email,
            NULL::VARCHAR AS leader_id,
            NULL::VARCHAR AS leader_name,
            NULL::BOOLEAN AS was_single_threaded,
            NULL::BOOLEAN AS is_single_threaded,
            CASE
                WHEN b.stream_id IS NULL THEN 'stream added to the config'
                WHEN a.stream_id IS NULL THEN 'stream removed from the config'
                WHEN b.stl_email IS NULL THEN 'STL named'
                WHEN a.stl_email IS NULL THEN 'STL removed: the stream has none'
                WHEN b.stl_email <> a.stl_email THEN 'STL replaced'
                WHEN b.stl_active THEN 'STL no longer an active employee'
                ELSE 'STL now an active employee'
            END AS reason
        FROM stream_before AS b
        FULL JOIN stream_after AS a USING (previous_as_of, as_of, stream_id)
        WHERE b.stream_id IS NULL OR a.stream_id IS NULL
            OR b.stl_email IS DISTINCT FROM a.stl_email OR b.stl_active <> a.stl_active
    ),
    owned AS (
        SELECT as_of, stl_employee_id AS leader_id, string_agg(stream_id, ', ' ORDER BY position) AS owned
        FROM streams WHERE stl_employee_id IS NOT NULL
        GROUP BY ALL
    ),
    leaders AS (
        SELECT f.as_of, f.leader_id, f.leader_name, f.owned_streams, f.owned_focus, f.single_threaded, o.owned
        FROM query_table(table_of(db, 'marts.leader_focus')) AS f
        LEFT JOIN owned AS o ON o.as_of = f.as_of AND o.leader_id = f.leader_id
    ),
    leader_before AS (
        SELECT p.previous_as_of, p.as_of, l.* EXCLUDE (as_of)
        FROM query_table(pairs) AS p JOIN leaders AS l ON l.as_of = p.previous_as_of
    ),
    leader_after AS (
        SELECT p.previous_as_of, p.as_of, l.* EXCLUDE (as_of)
        FROM query_table(pairs) AS p JOIN leaders AS l ON l.as_of = p.as_of
    ),
    leader_rows AS (
        SELECT
            previous_as_of,
            as_of,
            'leader' AS change,
            NULL::VARCHAR AS stream_id,
            NULL::VARCHAR AS stream_name,
            NULL::VARCHAR AS previous_stl_id,
            NULL::VARCHAR AS previous_stl_name,
            NULL::VARCHAR AS previous_stl_email,
            NULL::VARCHAR AS stl_id,
            NULL::VARCHAR AS stl_name,
            NULL::VARCHAR AS stl_email,
            leader_id,
            coalesce(a.leader_name, b.leader_name) AS leader_name,
            coalesce(b.single_threaded, false) AS was_single_threaded,
            coalesce(a.single_threaded, false) AS is_single_threaded,
            CASE
                WHEN coalesce(a.single_threaded, false)
                THEN 'now single-threaded on ' || a.owned || ' (before: '
                    || not_single_threaded_because(b.leader_id IS NOT NULL, b.owned_streams, b.owned_focus, b.owned)
                    || ')'
                ELSE 'no longer single-threaded: '
                    || not_single_threaded_because(a.leader_id IS NOT NULL, a.owned_streams, a.owned_focus, a.owned)
            END AS reason
        FROM leader_before AS b
        FULL JOIN leader_after AS a USING (previous_as_of, as_of, leader_id)
        WHERE coalesce(b.single_threaded, false) <> coalesce(a.single_threaded, false)
    )
    SELECT * FROM stream_rows
    UNION ALL
    SELECT * FROM leader_rows;

-- The last run of each as_of that recorded quality results: the run whose results were checked last.
CREATE OR REPLACE TEMP MACRO last_quality_runs(db) AS TABLE
    SELECT as_of, arg_max(run_id, checked_at) AS run_id
    FROM query_table(table_of(db, 'quality.expectation_results'))
    GROUP BY as_of;

-- The org-health findings of each as_of's last run: one row per failed warning-severity expectation,
-- named by (suite, expectation, column_name), column_name '' for a table-level expectation.
CREATE OR REPLACE TEMP MACRO snapshot_findings(db) AS TABLE
    SELECT DISTINCT r.as_of, r.suite, r.expectation, coalesce(r.column_name, '') AS column_name
    FROM query_table(table_of(db, 'quality.expectation_results')) AS r
    JOIN last_quality_runs(db) AS l ON l.as_of = r.as_of AND l.run_id = r.run_id
    WHERE r.severity = 'warning' AND NOT r.success;

-- One row per finding that is new at as_of (its last run failed it, previous_as_of's did not) or resolved
-- (the reverse), for the pairs whose two snapshots both have a quality run recorded.
CREATE OR REPLACE TEMP MACRO finding_changes(db, pairs) AS TABLE
    WITH checked AS (
        SELECT p.previous_as_of, p.as_of
        FROM query_table(pairs) AS p
        WHERE p.previous_as_of IN (SELECT as_of FROM last_quality_runs(db))
            AND p.as_of IN (SELECT as_of FROM last_quality_runs(db))
    ),
    found AS (SELECT * FROM snapshot_findings(db)),
    before AS (
        SELECT c.previous_as_of, c.as_of, f.suite, f.expectation, f.column_name
        FROM checked AS c JOIN found AS f ON f.as_of = c.previous_as_of
    ),
    after AS (
        SELECT c.previous_as_of, c.as_of, f.suite, f.expectation, f.column_name
        FROM checked AS c JOIN found AS f ON f.as_of = c.as_of
    )
    SELECT
        previous_as_of, as_of, CASE WHEN b.suite IS NULL THEN 'new' ELSE 'resolved' END AS change,
        suite, expectation, column_name
    FROM before AS b
    FULL JOIN after AS a USING (previous_as_of, as_of, suite, expectation, column_name)
    WHERE b.suite IS NULL OR a.suite IS NULL;

-- One row per pair: how many people joined, left and moved, STL changes, findings new and resolved, and the
-- headline measures at both ends. The findings counts are NULL when a snapshot has no quality run recorded.
CREATE OR REPLACE TEMP MACRO snapshot_change_counts(db, pairs) AS TABLE
    WITH people AS (
        SELECT
            previous_as_of,
            as_of,
            count(*) FILTER (WHERE change = 'joined') AS joiners,
            count(*) FILTER (WHERE change = 'left') AS leavers,
            count(*) FILTER (WHERE change = 'moved') AS movers
        FROM people_changes(db, pairs)
        GROUP BY ALL
    ),
    stl AS (
        SELECT
            previous_as_of,
            as_of,
            count(*) FILTER (WHERE change = 'stream') AS stream_stl_changes,
            count(*) FILTER (WHERE change = 'leader') AS single_threaded_flips
        FROM stl_changes(db, pairs)
        GROUP BY ALL
    ),
    findings AS (
        SELECT
            previous_as_of,
            as_of,
            count(*) FILTER (WHERE change = 'new') AS findings_new,
            count(*) FILTER (WHERE change = 'resolved') AS findings_resolved
        FROM finding_changes(db, pairs)
        GROUP BY ALL
    ),
    checked AS (SELECT as_of FROM last_quality_runs(db)),
    headline AS (SELECT * FROM snapshot_headline(db))
    SELECT
        p.as_of,
        p.previous_as_of,
        coalesce(pe.joiners, 0) AS joiners,
        coalesce(pe.leavers, 0) AS leavers,
        coalesce(pe.movers, 0) AS movers,
        coalesce(s.stream_stl_changes, 0) + coalesce(s.single_threaded_flips, 0) AS stl_changes,
        coalesce(s.stream_stl_changes, 0) AS stream_stl_changes,
        coalesce(s.single_threaded_flips, 0) AS single_threaded_flips,
        CASE WHEN cb.as_of IS NOT NULL AND ca.as_of IS NOT NULL THEN coalesce(f.findings_new, 0) END AS findings_new,
        CASE WHEN cb.as_of IS NOT NULL AND ca.as_of IS NOT NULL THEN coalesce(f.findings_resolved, 0) END
            AS findings_resolved,
        hb.headcount AS headcount_before,
        ha.headcount AS headcount_after,
        hb.single_threaded_leaders AS single_threaded_leaders_before,
        ha.single_threaded_leaders AS single_threaded_leaders_after,
        hb.teams_within_pizza AS teams_within_pizza_before,
        ha.teams_within_pizza AS teams_within_pizza_after,
        hb.cross_team_links AS cross_team_links_before,
        ha.cross_team_links AS cross_team_links_after
    FROM query_table(pairs) AS p
    LEFT JOIN people AS pe ON pe.previous_as_of = p.previous_as_of AND pe.as_of = p.as_of
    LEFT JOIN stl AS s ON s.previous_as_of = p.previous_as_of AND s.as_of = p.as_of
    LEFT JOIN findings AS f ON f.previous_as_of = p.previous_as_of AND f.as_of = p.as_of
    LEFT JOIN checked AS cb ON cb.as_of = p.previous_as_of
    LEFT JOIN checked AS ca ON ca.as_of = p.as_of
    LEFT JOIN headline AS hb ON hb.as_of = p.previous_as_of
    LEFT JOIN headline AS ha ON ha.as_of = p.as_of;
