"""The dashboards as code: one YAML file per Superset dashboard (see docs/superset.md).

A package only so that the files ship inside the wheel and are found with importlib.resources.
"""
