-- One row per identity alias in the org config: a Jira accountId or display name named to an employee.
-- column jira_identity: Jira accountId or display name.
-- column employee_id: HRIS employee id it stands for.
SELECT DISTINCT trim(jira_identity) AS jira_identity, trim(employee_id) AS employee_id
FROM raw.config_identity_aliases
