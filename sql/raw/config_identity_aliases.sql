-- One row per identity alias in the org config of the latest run: a Jira identity named to an employee.
-- materialized: ddl
-- column jira_identity: Jira accountId or display name, as written in identity.aliases.
-- column employee_id: The HRIS employee id it stands for.
CREATE TABLE IF NOT EXISTS raw.config_identity_aliases (
    jira_identity VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL
);
