"""orghealth's domain code: config, export readers, the SQL runner, quality suites, publication. No Dagster here."""
