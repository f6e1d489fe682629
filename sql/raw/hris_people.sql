-- One row per HRIS export row per as_of, as exported: text under canonical field names.
-- materialized: ddl
-- Filled by the ingest step; a run replaces the rows of its own as_of, so daily snapshots accumulate.
-- Rows that could not be read at all (wrong number of fields, blank id) are only in raw.rejected_rows.
-- column as_of: The date this snapshot describes (the run's --as-of).
-- column source_file: Path of the HRIS export the row was read from.
-- column source_line: Line in that file where the row starts (the header is line 1).
-- column employee_id: Employee id as exported.
-- column name: Person's name as exported.
-- column email: Work email as exported.
-- column manager_id: Manager reference as exported in the manager id column (may hold an id, email or name).
-- column manager_email: Manager's email as exported, when the export has that column.
-- column manager_name: Manager's name as exported, when the export has that column.
-- column title: Job title as exported.
-- column department: Department as exported.
-- column team: Team as exported (used for teams only when hris.team_source is column).
-- column location: Location as exported.
-- column employment_type: Employment type as exported (Full-time, Contractor, ...).
-- column hire_date: Hire date as exported (text; staging parses it).
-- column termination_date: Termination date as exported (text; empty for current staff).
-- column status: Employment status as exported (Active, Terminated, ...).
CREATE TABLE IF NOT EXISTS raw.hris_people (
    as_of DATE NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,
    employee_id VARCHAR,
    name VARCHAR,
    email VARCHAR,
    manager_id VARCHAR,
    manager_email VARCHAR,
    manager_name VARCHAR,
    title VARCHAR,
    department VARCHAR,
    team VARCHAR,
    location VARCHAR,
    employment_type VARCHAR,
    hire_date VARCHAR,
    termination_date VARCHAR,
    status VARCHAR
);
