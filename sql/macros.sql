-- Functions the models share, loaded on every connection the pipeline opens.

-- Month abbreviations as Jira writes them in the languages it ships (en, de, fr, es, pt, it, nl), folded
-- to lower case without accents or a trailing dot; a name not listed gives NULL, so only that date is lost.
CREATE OR REPLACE MACRO jira_month(token) AS (
    MAP {
        'jan': 1, 'janv': 1, 'ene': 1, 'gen': 1, 'january': 1, 'januar': 1, 'janvier': 1,
        'feb': 2, 'fev': 2, 'fevr': 2, 'february': 2, 'februar': 2,
        'mar': 3, 'mrz': 3, 'mars': 3, 'mrt': 3, 'march': 3, 'marz': 3,
        'apr': 4, 'avr': 4, 'abr': 4, 'april': 4, 'avril': 4,
        'may': 5, 'mai': 5, 'mag': 5, 'mei': 5,
        'jun': 6, 'juin': 6, 'giu': 6, 'june': 6, 'juni': 6,
        'jul': 7, 'juil': 7, 'lug': 7, 'july': 7, 'juli': 7,
        'aug': 8, 'aout': 8, 'ago': 8, 'august': 8,
        'sep': 9, 'sept': 9, 'set': 9, 'september': 9,
        'oct': 10, 'okt': 10, 'out': 10, 'ott': 10, 'october': 10, 'oktober': 10,
        'nov': 11, 'november': 11,
        'dec': 12, 'dez': 12, 'dic': 12, 'december': 12, 'dezember': 12
    }[rtrim(strip_accents(lower(trim(token))), '.')]
);

-- Jira's day/month-name/year dates ("12/Jan/24 3:04 PM", "3/Mär/24 15:04") as a TIMESTAMP.
-- The parts are matched once and bound to p by a one-element list_transform: a scalar subquery would be
-- decorrelated into a copy and a join of the whole table per use (most of a 5M-issue staging build), and a
-- plain macro would match the pattern again for every part.
CREATE OR REPLACE MACRO jira_dmy_timestamp(s) AS list_transform(
    [regexp_extract(
        trim(s),
        '^(\d{1,2})[/ -]([^/ -]+)[/ -](\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])?\.?[Mm]?\.?)?$',
        ['day', 'month', 'year', 'hour', 'minute', 'second', 'meridiem']
    )],
    lambda p: CASE WHEN p.day <> '' THEN try(make_timestamp(
        CASE WHEN length(p.year) = 2 THEN 2000 + p.year::INT ELSE p.year::INT END,
        jira_month(p.month),
        p.day::INT,
        CASE
            WHEN p.hour = '' THEN 0
            WHEN lower(p.meridiem) = 'p' AND p.hour::INT < 12 THEN p.hour::INT + 12
            WHEN lower(p.meridiem) = 'a' AND p.hour::INT = 12 THEN 0
            ELSE p.hour::INT
        END,
        CASE WHEN p.minute = '' THEN 0 ELSE p.minute::INT END,
        CASE WHEN p.second = '' THEN 0 ELSE p.second::DOUBLE END
    )) END
)[1];

-- The CSV's default form ("12/Jan/24 3:04 PM", as Jira writes it) read by strptime, ten times faster than the
-- pattern above. It only shortens that pattern: strptime is more lenient (a one-digit year, whitespace around)
-- and puts a two-digit year from 69 on in the 1900s where Jira means 20xx, so its answer is taken only when
-- the text is exactly how that timestamp prints in Jira's form, from 2000 on. NULL otherwise.
CREATE OR REPLACE MACRO jira_csv_timestamp(s) AS list_transform(
    [try_strptime(s, '%d/%b/%y %I:%M %p')],
    lambda t: CASE
        WHEN t >= TIMESTAMP '2000-01-01'
            AND s IN (strftime(t, '%d/%b/%y %-I:%M %p'), strftime(t, '%-d/%b/%y %-I:%M %p'))
        THEN t
    END
)[1];

-- Any date Jira exports: REST's ISO 8601 with offset (kept as UTC) or the CSV's day/month-name/year.
-- The day/month-name form is tried first, its common spelling by strptime: it is the CSV's, the bulk of a
-- large export, and the ISO formats take twice as long to fail on it. No text reads both ways: the first form
-- needs a month name.
CREATE OR REPLACE MACRO jira_timestamp(s) AS coalesce(
    jira_csv_timestamp(s),
    jira_dmy_timestamp(s),
    timezone('UTC', try_strptime(s, ['%Y-%m-%dT%H:%M:%S.%g%z', '%Y-%m-%dT%H:%M:%S%z'])),
    try_strptime(s, ['%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d'])
);

-- A person's name folded for matching: accents, case, punctuation and spacing do not count.
CREATE OR REPLACE MACRO person_name_key(s) AS nullif(
    trim(regexp_replace(regexp_replace(strip_accents(lower(s)), '[^a-z0-9 ]', ' ', 'g'), '\s+', ' ', 'g')),
    ''
);

-- One key per Jira person across exports: the accountId (Cloud) or user name (Data Center) when there is
-- one, else the email, else the display name.
CREATE OR REPLACE MACRO jira_identity_key(account_id, email, display_name) AS coalesce(
    account_id,
    'email:' || lower(email),
    'name:' || display_name
);

-- The metrics window: resolved after as_of - window_days and on or before as_of (as_of included).
CREATE OR REPLACE MACRO resolved_in_window(resolved_at, as_of, window_days) AS
    resolved_at::DATE > as_of::DATE - window_days::INTEGER AND resolved_at::DATE <= as_of::DATE;

-- Open at as_of: created by then and not resolved by then.
CREATE OR REPLACE MACRO open_at(created_at, resolved_at, as_of) AS
    created_at::DATE <= as_of::DATE AND (resolved_at IS NULL OR resolved_at::DATE > as_of::DATE);
