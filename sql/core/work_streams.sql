-- One row per work stream in the org config per as_of, with its single-threaded leader (STL) looked up in the HRIS.
-- materialized: snapshot
-- The STL is matched by email against the HRIS snapshot of this run's as_of.
-- column as_of: The HRIS snapshot the STL was looked up in.
-- column position: Place in the config, from 1.
-- column stream_id: Stream id.
-- column stream_name: Stream name.
-- column kind: program (long-term, years), product (a cohesive whole for customers) or project (short-term, days to months).
-- column stl_email: Email of the stream's STL as configured; NULL when the stream has none.
-- column stl_employee_id: The STL's employee id; NULL when there is none or the email is not in the HRIS.
-- column stl_name: The STL's name.
-- column stl_active: Whether the STL is an active employee at as_of (false when missing or gone).
-- column match_projects: Jira project keys mapped to the stream.
-- column match_epics: Epic keys mapped to the stream.
-- column match_labels: Labels mapped to the stream.
-- column match_components: Components mapped to the stream.
SELECT
    $as_of::DATE AS as_of,
    s.position,
    s.stream_id,
    s.stream_name,
    s.kind,
    s.stl_email,
    p.employee_id AS stl_employee_id,
    p.name AS stl_name,
    coalesce(p.is_active, false) AS stl_active,
    s.match_projects,
    s.match_epics,
    s.match_labels,
    s.match_components
FROM staging.work_streams AS s
LEFT JOIN (
    SELECT email, arg_max(employee_id, is_active) AS employee_id, arg_max(name, is_active) AS name,
           max(is_active) AS is_active
    FROM core.people
    WHERE as_of = $as_of AND email IS NOT NULL
    GROUP BY email
) AS p ON p.email = s.stl_email
