"""Dashboards as code for Apache Superset: definitions (dashboards/*.yaml), the import bundle, a small client.

No Dagster here: `orghealth superset publish` and the tests call it directly (docs/superset.md).
"""
