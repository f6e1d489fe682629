-- One row per expectation per run: what the quality gate found, for the data-quality panel.
-- The example rows (unexpected_examples) stay in the published database: they may name people.
SELECT * EXCLUDE (unexpected_examples) FROM src.quality.expectation_results
