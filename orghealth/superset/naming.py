"""Whose objects they are: every name and uuid in a Superset bundle derives from the org it is published for.

Several orgs share one Superset when each publishes objects of its own. An org is its name (the config's
`org_name`, else the published database file's stem) and the slug made of it (`Acme Corp.` -> `acme-corp`):

    database   orghealth-acme                 uuid5 of database/orghealth-acme
    dataset    acme__team_size                uuid5 of dataset/acme__team_size
    chart      (the YAML's title)             uuid5 of chart/acme-stl-org-health/leader_focus
    dashboard  acme-stl-org-health,           uuid5 of dashboard/acme-stl-org-health
               "STL org health · Acme"

The uuids derive from these names only, so publishing the same org again overwrites what it made last time and
publishing another org never touches it. Dataset names carry the org because Superset's SQLite metadata keeps a
dataset's table_name unique across all databases (docs/superset.md); a slug never holds `_`, so `__` cannot be
read two ways.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from orghealth.config import org_slug
from orghealth.errors import ConfigError
from orghealth.settings import RunSettings

NAMESPACE = uuid.UUID("5b0e8e52-3f7e-4d8a-9a55-0c1f6d2b7a41")  # orghealth's: uuid5(NAMESPACE, name) per object


def object_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{name}"))


@dataclass(frozen=True)
class Org:
    """The org a bundle is published for: its name as people read it, and the slug Superset's names use."""

    name: str
    slug: str

    @classmethod
    def named(cls, name: str) -> Org:
        slug = org_slug(name)
        if not slug:
            raise ConfigError(f"org name {name!r} has no letter or digit to name its Superset objects by: set org_name")
        return cls(name, slug)

    @property
    def database_name(self) -> str:
        return f"orghealth-{self.slug}"

    def dataset_name(self, name: str) -> str:
        """The org's dataset of a table or view of the dashboard file: team_size -> acme__team_size."""
        return f"{self.slug}__{name}"

    def dashboard_slug(self, slug: str) -> str:
        return f"{self.slug}-{slug}"

    def dashboard_title(self, title: str) -> str:
        return f"{title} · {self.name}"

    @property
    def database_uuid(self) -> str:
        return object_uuid("database", self.database_name)

    def dataset_uuid(self, name: str) -> str:
        return object_uuid("dataset", self.dataset_name(name))

    def chart_uuid(self, dashboard_slug: str, chart_id: str) -> str:
        return object_uuid("chart", f"{self.dashboard_slug(dashboard_slug)}/{chart_id}")

    def dashboard_uuid(self, slug: str) -> str:
        return object_uuid("dashboard", self.dashboard_slug(slug))


def org_of(settings: RunSettings) -> Org:
    """The org of a config and its published database: the config's org_name, else the database file's stem."""
    if settings.config.org_name:
        return Org.named(settings.config.org_name)
    stem = settings.db_path.stem
    if not org_slug(stem):
        raise ConfigError(
            f"database file {settings.db_path.name} gives no org name to publish under: set org_name in "
            f"{settings.config_path}"
        )
    return Org.named(stem)
