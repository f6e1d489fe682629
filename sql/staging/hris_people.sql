-- One row per person per as_of: raw.hris_people typed and trimmed, quarantined rows left out.
-- materialized: snapshot
-- Dates are parsed with the formats recorded for the snapshot in raw.hris_snapshots.
-- column as_of: The date the snapshot describes.
-- column source_file: HRIS export the row came from.
-- column source_line: Line of the row in that file (header = line 1).
-- column employee_id: HRIS employee id.
-- column name: Person's name.
-- column email: Work email, lower case.
-- column manager_ref_id: Manager reference from the manager id column (an id, or an email or name in some exports).
-- column manager_ref_email: Manager's email, lower case, when the export has that column.
-- column manager_ref_name: Manager's name, when the export has that column.
-- column title: Job title.
-- column department: Department.
-- column team: Team name from the HRIS, when exported.
-- column location: Location.
-- column employment_type: Employment type (Full-time, Contractor, ...).
-- column hire_date: Hire date.
-- column termination_date: Termination date; NULL for current staff.
-- column status: Employment status as exported.
SELECT
    p.as_of,
    p.source_file,
    p.source_line,
    p.employee_id,
    p.name,
    lower(p.email) AS email,
    p.manager_id AS manager_ref_id,
    lower(p.manager_email) AS manager_ref_email,
    p.manager_name AS manager_ref_name,
    p.title,
    p.department,
    p.team,
    p.location,
    p.employment_type,
    strptime(p.hire_date, $date_formats)::DATE AS hire_date,
    strptime(p.termination_date, $date_formats)::DATE AS termination_date,
    p.status
FROM raw.hris_people AS p
WHERE p.as_of = $as_of
    AND NOT EXISTS (
        SELECT 1
        FROM raw.rejected_rows AS r
        WHERE r.as_of = p.as_of
            AND r.source_table = 'hris_people'
            AND r.source_file = p.source_file
            AND r.source_line = p.source_line
    )
