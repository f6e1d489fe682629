"""The Great Expectations suites: one YAML file per table or group.

A package only so that the files ship inside the wheel and are found with importlib.resources.
"""
