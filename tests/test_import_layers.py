"""`make lint` keeps imports pointing one way: entry points -> Dagster code -> domain code (import-linter).

The contracts live in pyproject.toml; here they run on a copy of the code, once as it is and once with an
import that points the wrong way, which must fail.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipelines", "assets", "orghealth", "tools", "sql", "expectations", "dashboards")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
         "sys.exit(lint_imports_command())", "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_as_it_is_keeps_every_contract(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("orghealth/config.py", "import assets.resources", "entry points -> Dagster code -> domain code"),
        ("assets/tables.py", "import pipelines.runner", "entry points -> Dagster code -> domain code"),
        ("orghealth/errors.py", "import dagster", "Domain code imports no Dagster"),
        ("assets/publish.py", "import tools.samplegen", "The runtime never imports the sample generator"),
    ],
)
def test_an_import_that_points_the_wrong_way_fails(tree, module, line, contract):
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout
    broken = [text for text in result.stdout.splitlines() if text.endswith("BROKEN")]
    assert any(contract in text for text in broken), result.stdout
