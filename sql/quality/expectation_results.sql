-- One row per expectation per suite per run: every outcome of the quality gate, kept for trends.
-- materialized: ddl
-- A run that fails its gate changes nothing in the published database; its results are in the working
-- database beside it, in Dagster's check history and in the Data Docs.
-- column as_of: The run's as_of date.
-- column run_id: The Dagster run id.
-- column checked_at: When the expectation was evaluated (UTC).
-- column suite: The suite (a file in expectations/).
-- column guarded_table: The table whose asset the suite guards.
-- column expectation: The Great Expectations expectation type.
-- column column_name: The column it checks; NULL for table-level expectations.
-- column severity: error (blocks publication) or warning (an org-health finding: reported, never blocking).
-- column success: Whether the expectation held.
-- column observed_value: What was observed, as text (a rate, a row count), when the expectation reports one.
-- column unexpected_count: Rows that broke the expectation.
-- column unexpected_examples: A few of the offending values, as JSON.
-- column why: What the expectation protects, from the suite file.
CREATE TABLE IF NOT EXISTS quality.expectation_results (
    as_of DATE NOT NULL,
    run_id VARCHAR NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    suite VARCHAR NOT NULL,
    guarded_table VARCHAR NOT NULL,
    expectation VARCHAR NOT NULL,
    column_name VARCHAR,
    severity VARCHAR NOT NULL,
    success BOOLEAN NOT NULL,
    observed_value VARCHAR,
    unexpected_count BIGINT,
    unexpected_examples VARCHAR,
    why VARCHAR
);
