-- One row per person per as_of: who the person reports to, and how the export's manager reference resolved.
-- materialized: snapshot
-- A reference is tried as an employee id, then as an email, then as a name that only one person has.
-- A reference that resolves to nobody leaves the person without a manager (a root of the tree), and a
-- reporting cycle is cut at its lowest employee id; both are said in `problem`, never dropped silently.
-- column as_of: The date the snapshot describes.
-- column employee_id: The person.
-- column source_file: HRIS export the person's row came from.
-- column source_line: Line of that row.
-- column manager_ref: The manager reference as exported (id, email or name); NULL when blank.
-- column resolved_by: How the reference resolved: id, email, name, none (blank), unknown, ambiguous_name or cycle.
-- column manager_id: The manager's employee id; NULL for a root, an unresolved reference or a cut cycle.
-- column problem: What is wrong with the reference, in words; NULL when nothing is.
WITH RECURSIVE people AS (
    SELECT * FROM staging.hris_people WHERE as_of = $as_of
),
emails AS (
    SELECT email, min(employee_id) AS employee_id FROM people WHERE email IS NOT NULL GROUP BY email
),
names AS (
    SELECT person_name_key(name) AS name_key, min(employee_id) AS employee_id, count(*) AS people
    FROM people GROUP BY 1
),
refs AS (
    SELECT
        p.employee_id,
        p.source_file,
        p.source_line,
        coalesce(p.manager_ref_id, p.manager_ref_email, p.manager_ref_name) AS manager_ref,
        by_id.employee_id AS by_id,
        by_email.employee_id AS by_email,
        by_name.employee_id AS by_name,
        by_name.people AS name_matches
    FROM people AS p
    LEFT JOIN people AS by_id ON by_id.employee_id = coalesce(p.manager_ref_id, p.manager_ref_email, p.manager_ref_name)
    LEFT JOIN emails AS by_email ON by_email.email = lower(coalesce(p.manager_ref_id, p.manager_ref_email, p.manager_ref_name))
    LEFT JOIN names AS by_name ON by_name.name_key = person_name_key(coalesce(p.manager_ref_id, p.manager_ref_email, p.manager_ref_name))
),
resolved AS (
    SELECT
        *,
        CASE
            WHEN manager_ref IS NULL THEN 'none'
            WHEN by_id IS NOT NULL THEN 'id'
            WHEN by_email IS NOT NULL THEN 'email'
            WHEN name_matches = 1 THEN 'name'
            WHEN name_matches > 1 THEN 'ambiguous_name'
            ELSE 'unknown'
        END AS resolved_by,
        coalesce(by_id, by_email, CASE WHEN name_matches = 1 THEN by_name END) AS linked_manager_id
    FROM refs
),
walk(start_id, current_id, path) AS (
    SELECT employee_id, linked_manager_id, [employee_id]
    FROM resolved WHERE linked_manager_id IS NOT NULL
    UNION ALL
    SELECT w.start_id, r.linked_manager_id, list_append(w.path, w.current_id)
    FROM walk AS w
    JOIN resolved AS r ON r.employee_id = w.current_id
    WHERE r.linked_manager_id IS NOT NULL AND NOT list_contains(w.path, w.current_id)
),
cut AS (
    -- Every member of a cycle walks back to itself; the walk that starts at the lowest id names the cut.
    SELECT start_id AS employee_id, list_append(path, start_id) AS cycle
    FROM walk
    WHERE current_id = start_id AND start_id = list_min(path)
)
SELECT
    $as_of::DATE AS as_of,
    r.employee_id,
    r.source_file,
    r.source_line,
    r.manager_ref,
    CASE WHEN c.employee_id IS NOT NULL THEN 'cycle' ELSE r.resolved_by END AS resolved_by,
    CASE WHEN c.employee_id IS NULL THEN r.linked_manager_id END AS manager_id,
    CASE
        WHEN c.employee_id IS NOT NULL THEN
            'reporting cycle ' || array_to_string(c.cycle, ' -> ') || '; this link is cut so the tree has a root'
        WHEN r.resolved_by = 'unknown' THEN
            'manager ' || r.manager_ref || ' matches no employee id, email or name in the snapshot'
        WHEN r.resolved_by = 'ambiguous_name' THEN
            'manager name ' || r.manager_ref || ' matches ' || r.name_matches || ' people; export manager ids instead'
    END AS problem
FROM resolved AS r
LEFT JOIN cut AS c ON c.employee_id = r.employee_id
