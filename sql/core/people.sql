-- One row per person per as_of: the HRIS snapshot with the reporting line resolved and the flags metrics use.
-- materialized: snapshot
-- Everyone in the export is here, former staff too; `is_active` says who counts at as_of.
-- column as_of: The date the snapshot describes.
-- column employee_id: HRIS employee id.
-- column name: Name.
-- column email: Work email, lower case.
-- column manager_id: Manager's employee id (see core.reporting_lines for how it resolved); NULL for a root.
-- column team_id: The team the person is a member of: their manager's employee id, or the HRIS team name when hris.team_source is column.
-- column title: Job title.
-- column department: Department.
-- column hris_team: Team name as the HRIS has it.
-- column location: Location.
-- column employment_type: Employment type.
-- column hire_date: Hire date.
-- column termination_date: Termination date; NULL for current staff.
-- column status: Employment status as exported.
-- column is_active: Hired on or before as_of and not terminated on or before it (a Terminated status without a date counts as terminated).
-- column is_engineer: Title matches hris.engineer_titles.
-- column is_contractor: Employment type matches hris.contractor_types.
-- column direct_reports: Active people whose manager this person is, at as_of.
-- column is_leader: Has at least one active direct report.
-- column source_file: HRIS export the row came from.
-- column source_line: Line of the row in that file.
WITH people AS (
    SELECT
        p.*,
        l.manager_id,
        p.hire_date <= $as_of
            AND (p.termination_date IS NULL OR p.termination_date > $as_of)
            AND NOT (
                p.termination_date IS NULL
                AND regexp_matches(coalesce(p.status, ''), '(?i)^\s*(terminated|inactive|former|left|withdrawn)')
            ) AS is_active
    FROM staging.hris_people AS p
    JOIN core.reporting_lines AS l ON l.as_of = p.as_of AND l.employee_id = p.employee_id
    WHERE p.as_of = $as_of
),
reports AS (
    SELECT manager_id, count(*) AS direct_reports
    FROM people WHERE is_active AND manager_id IS NOT NULL
    GROUP BY manager_id
)
SELECT
    p.as_of,
    p.employee_id,
    p.name,
    p.email,
    p.manager_id,
    CASE WHEN $team_source = 'column' THEN p.team ELSE p.manager_id END AS team_id,
    p.title,
    p.department,
    p.team AS hris_team,
    p.location,
    p.employment_type,
    p.hire_date,
    p.termination_date,
    p.status,
    p.is_active,
    regexp_matches(coalesce(p.title, ''), $engineer_titles) AS is_engineer,
    regexp_matches(coalesce(p.employment_type, ''), $contractor_types) AS is_contractor,
    coalesce(r.direct_reports, 0) AS direct_reports,
    coalesce(r.direct_reports, 0) > 0 AS is_leader,
    p.source_file,
    p.source_line
FROM people AS p
LEFT JOIN reports AS r ON r.manager_id = p.employee_id
