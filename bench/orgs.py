"""The benchmark's orgs: generated once per size, seed, as_of and generator version, then reused.

Generation is slow at the largest size (minutes) and is never part of a measurement, so each org is written
by ``python -m tools.samplegen`` into a temporary folder that is renamed into place only when complete: an
interrupted generation leaves nothing that a later run would mistake for a finished org.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "tools" / "samplegen"
CONFIG_FILE = "orghealth.yaml"  # what the generator names the org config


@dataclass(frozen=True)
class Size:
    people: int
    issues: int

    @property
    def label(self) -> str:
        return f"{self.people}x{self.issues}"

    @classmethod
    def parse(cls, text: str) -> Size:
        people, _, issues = text.lower().partition("x")
        return cls(int(people), int(issues))


DEFAULT_SIZES = [Size(1_000, 50_000), Size(10_000, 500_000), Size(100_000, 5_000_000)]


@dataclass(frozen=True)
class Org:
    size: Size
    folder: Path

    @property
    def config(self) -> Path:
        return self.folder / CONFIG_FILE

    def as_of(self) -> str:
        return str(self._config()["as_of"])

    def export_tables(self) -> list[tuple[str, str, list[str]]]:
        """What the floor reads: (table, "csv" or "json", files) for every export file the config names.

        Mirrors the pipeline's readers: a path is a file or a folder of .csv and .json files."""
        config = self._config()
        tables = [("hris_people", "csv", [str(self.folder / config["hris"]["path"])])]
        for entry in config["jira"]["paths"]:
            path = self.folder / entry
            files = sorted(path.iterdir()) if path.is_dir() else [path]
            csvs = [f for f in files if f.suffix.lower() == ".csv"]
            pages = [str(f) for f in files if f.suffix.lower() == ".json"]
            tables += [(f"jira_{f.stem}", "csv", [str(f)]) for f in csvs]
            if pages:
                tables.append((f"jira_{path.stem}_pages", "json", pages))
        return tables

    def _config(self) -> dict:
        return yaml.safe_load(self.config.read_text(encoding="utf-8"))


def generator_version() -> str:
    """A digest of the generator's sources: an org written by another version is another benchmark."""
    digest = hashlib.sha256()
    for source in sorted(GENERATOR.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()[:10]


def ensure_org(size: Size, cache: Path, *, seed: int | None, as_of: str | None) -> tuple[Org, bool]:
    """The generated org for `size` under `cache`, generating it first if needed; True when it was generated."""
    seed_part, as_of_part = seed if seed is not None else "default", as_of or "default"
    key = f"{size.label}-seed{seed_part}-asof{as_of_part}-gen{generator_version()}"
    folder = cache / key
    if (folder / CONFIG_FILE).is_file():
        return Org(size, folder), False
    partial = cache / f".{key}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    cmd = [sys.executable, "-m", "tools.samplegen", "--out", str(partial)]
    cmd += ["--people", str(size.people), "--issues", str(size.issues)]
    cmd += ["--seed", str(seed)] if seed is not None else []
    cmd += ["--as-of", as_of] if as_of else []
    subprocess.run(cmd, cwd=REPO, check=True)
    partial.rename(folder)
    return Org(size, folder), True
