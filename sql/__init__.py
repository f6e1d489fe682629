"""The SQL that builds every table: one file per table under sql/<schema>/, its header documenting it.

A package only so that the files ship inside the wheel and are found with importlib.resources.
"""
