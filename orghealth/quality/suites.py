"""Expectation suites: one YAML file per table or group in expectations/, readable without Python.

    suite: core_people                 # the suite's name (the file's stem by convention)
    key: employee_id                   # optional: the column(s) naming a row, shown beside offending values
    guards: core.people                # the table whose Dagster asset the checks attach to
    table: core.people                 # what to validate (this run's as_of only, for snapshot tables) ...
    query: SELECT ... WHERE as_of = $as_of   # ... or a query, when a derived column is clearer
    expectations:
      - type: expect_column_values_to_be_unique   # any Great Expectations expectation type
        column: employee_id                       # its arguments
        severity: error                           # error blocks publication; warning is a finding
        why: Two people with one id make every count wrong.

Each expectation becomes a Great Expectations `ExpectationConfiguration` whose native severity
(`FailureSeverity`) carries orghealth's: `error` is GX `critical`, `warning` is GX `warning`.

`${quality.min_match_rate}` in an argument stands for that config value. `expect_row_count_not_to_drop`
(argument `max_drop`) is orghealth's own: fewer rows than (1 - max_drop) x the previous snapshot's fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from orghealth.errors import ConfigError
from orghealth.files import package_dir

EXPECTATIONS_DIR = package_dir("expectations")
ROW_COUNT_NOT_TO_DROP = "expect_row_count_not_to_drop"
_CONFIG_REF = re.compile(r"^\$\{([a-z_]+(?:\.[a-z_]+)+)\}$")


class ExpectationSpec(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    severity: Literal["error", "warning"]
    why: str

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    @property
    def column(self) -> str | None:
        """The column checked, or both of a pair ("termination_date, hire_date")."""
        kwargs = self.kwargs
        if "column_A" in kwargs:
            return f"{kwargs['column_A']}, {kwargs['column_B']}"
        return kwargs.get("column")


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suite: str
    key: str | list[str] | None = None
    guards: str
    table: str | None = None
    query: str | None = None
    expectations: list[ExpectationSpec]

    @model_validator(mode="after")
    def _table_or_query(self) -> Suite:
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of table and query")
        return self

    @property
    def keys(self) -> list[str]:
        return [self.key] if isinstance(self.key, str) else list(self.key or [])

    def severities(self) -> set[str]:
        return {e.severity for e in self.expectations}


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[Suite]:
    suites = []
    for path in sorted(directory.glob("*.yml")):
        try:
            suites.append(Suite.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))))
        except (yaml.YAMLError, ValidationError) as exc:
            raise ConfigError(f"expectation suite {path} is not valid: {exc}") from exc
    names = [s.suite for s in suites]
    if len(names) != len(set(names)):
        raise ConfigError(f"expectation suites in {directory} repeat a suite name: {sorted(names)}")
    return suites


def resolve(value: Any, settings: dict[str, Any]) -> Any:
    """Replace a `${section.key}` reference by the config value it names."""
    if isinstance(value, str) and (match := _CONFIG_REF.match(value)):
        node: Any = settings
        for part in match[1].split("."):
            if not isinstance(node, dict) or part not in node:
                raise ConfigError(f"expectation argument {value} names no config setting")
            node = node[part]
        return node
    if isinstance(value, list):
        return [resolve(v, settings) for v in value]
    return value
