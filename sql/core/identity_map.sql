-- One row per Jira person (assignee or reporter) per as_of: the HRIS employee they are, and how that was found.
-- materialized: snapshot
-- Matched against the HRIS snapshot of this run's as_of, former staff included: by email (any case), then
-- by identity.aliases (accountId or display name), then by a display name only one HRIS person has.
-- Unmatched identities stay here with employee_id NULL and a note on what to do.
-- column as_of: The HRIS snapshot the person was matched against.
-- column identity_key: The Jira person's key: accountId or user name, else email:<email>, else name:<display name>.
-- column account_id: Jira accountId (Cloud) or user name (Data Center).
-- column display_name: Display name (the most frequent one, if it changed).
-- column email: Email where an export carries it, lower case.
-- column employee_id: The HRIS employee this person is; NULL when unmatched.
-- column matched_by: email, alias or name; NULL when unmatched.
-- column assigned_items: Issues assigned to this person.
-- column reported_items: Issues reported by this person.
-- column note: Why an identity is unmatched and what to do about it; NULL when matched.
WITH sightings AS (
    SELECT
        jira_identity_key(assignee_account_id, assignee_email, assignee_name) AS identity_key,
        assignee_account_id AS account_id, assignee_name AS display_name, assignee_email AS email,
        1 AS assigned, 0 AS reported
    FROM staging.jira_issues
    WHERE coalesce(assignee_account_id, assignee_email, assignee_name) IS NOT NULL
    UNION ALL
    SELECT
        jira_identity_key(reporter_account_id, reporter_email, reporter_name),
        reporter_account_id, reporter_name, reporter_email, 0, 1
    FROM staging.jira_issues
    WHERE coalesce(reporter_account_id, reporter_email, reporter_name) IS NOT NULL
),
identities AS (
    SELECT
        identity_key,
        any_value(account_id) AS account_id,
        mode(display_name) AS display_name,
        max(email) AS email,
        sum(assigned)::BIGINT AS assigned_items,
        sum(reported)::BIGINT AS reported_items
    FROM sightings
    GROUP BY identity_key
),
people AS (
    SELECT * FROM core.people WHERE as_of = $as_of
),
by_email AS (
    SELECT email, arg_max(employee_id, is_active) AS employee_id FROM people WHERE email IS NOT NULL GROUP BY email
),
by_name AS (
    SELECT person_name_key(name) AS name_key, min(employee_id) AS employee_id, count(*) AS people
    FROM people GROUP BY 1
),
by_alias AS (
    SELECT a.jira_identity, a.employee_id, p.employee_id IS NOT NULL AS known
    FROM staging.identity_aliases AS a
    LEFT JOIN people AS p ON p.employee_id = a.employee_id
),
matched AS (
    SELECT
        i.*,
        e.employee_id AS email_match,
        coalesce(a_id.employee_id, a_name.employee_id) AS alias_target,
        coalesce(a_id.known, a_name.known) AS alias_known,
        n.employee_id AS name_match,
        n.people AS name_matches
    FROM identities AS i
    LEFT JOIN by_email AS e ON e.email = i.email
    LEFT JOIN by_alias AS a_id ON a_id.jira_identity = i.account_id
    LEFT JOIN by_alias AS a_name ON a_name.jira_identity = i.display_name
    LEFT JOIN by_name AS n ON n.name_key = person_name_key(i.display_name)
)
SELECT
    $as_of::DATE AS as_of,
    identity_key,
    account_id,
    display_name,
    email,
    coalesce(email_match, CASE WHEN alias_known THEN alias_target END, CASE WHEN name_matches = 1 THEN name_match END)
        AS employee_id,
    CASE
        WHEN email_match IS NOT NULL THEN 'email'
        WHEN alias_known THEN 'alias'
        WHEN name_matches = 1 THEN 'name'
    END AS matched_by,
    assigned_items,
    reported_items,
    CASE
        WHEN email_match IS NOT NULL OR alias_known OR name_matches = 1 THEN NULL
        WHEN alias_target IS NOT NULL THEN
            'identity.aliases names employee ' || alias_target || ', who is not in the HRIS snapshot'
        WHEN name_matches > 1 THEN
            'display name matches ' || name_matches || ' HRIS people; add this accountId to identity.aliases'
        ELSE 'no HRIS person has this email or name; add it to identity.aliases if it is an employee'
    END AS note
FROM matched
