"""The wheel is the whole product: built, installed into a fresh venv and run outside the repository.

`orghealth demo` from an installed wheel needs every data file (the SQL models, the expectation suites, the
embedded sample org) to ship inside the wheel and to be found with importlib.resources, not through the
repository's working tree. Expected values come from the sample's own files (its HRIS CSV, read here with the
csv module, and planted.json), not from the pipeline.
"""

import csv
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "orghealth" / "sample_org" / "data"
UV = str(REPO / ".tools" / "bin" / "uv") if (REPO / ".tools" / "bin" / "uv").exists() else shutil.which("uv") or "uv"
PACKAGES = ["pipelines", "assets", "orghealth", "sql", "expectations", "dashboards"]


def sample_facts() -> tuple[dict, set[str], int]:
    """The sample's config, the employee ids that must reach core.people, and the malformed row's line."""
    config = yaml.safe_load((SAMPLE / "orghealth.yaml").read_text(encoding="utf-8"))
    planted = json.loads((SAMPLE / "planted.json").read_text(encoding="utf-8"))
    with (SAMPLE / config["hris"]["path"]).open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    ids = [row[header.index("Employee ID")] for row in rows]
    assert len(ids) == planted["people"] == len(set(ids))
    # The one planted bad row (README: "the only bad row"), at its physical line (the header is line 1).
    line, bad_id = planted["malformed_hris_line"], planted["malformed_hris_employee"]
    assert rows[line - 2][header.index("Employee ID")] == bad_id
    return config, set(ids) - {bad_id}, line


def clean_env() -> dict[str, str]:
    """The caller's environment without anything that points at the repository or its settings."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "DAGSTER_HOME", "UV_PROJECT_ENVIRONMENT", "PYTHONHOME"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("ORGHEALTH_")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(REPO)))
    return env


def run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(cmd)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def expected_data_files() -> set[str]:
    """Files the wheel must hold: every module of the five packages and their data files."""
    wanted = set()
    for pattern in [
        "sql/marts/*.sql",
        "sql/**/*.sql",
        "sql/macros.sql",
        "expectations/*.yml",
        "dashboards/*.yaml",
        "orghealth/sample_org/data/**/*",
        *(f"{p}/**/*.py" for p in PACKAGES),
    ]:
        found = {p.relative_to(REPO).as_posix() for p in REPO.glob(pattern) if p.is_file()}
        assert found, f"nothing in the repository matches {pattern}"
        wanted |= found
    return {f for f in wanted if "__pycache__" not in f}


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_outside_the_repository(tmp_path: Path) -> None:
    env = clean_env()
    config, people, bad_line = sample_facts()
    as_of = str(config["as_of"])

    # Build the wheel and check its file list.
    dist = tmp_path / "dist"
    run([UV, "build", "--wheel", "--out-dir", str(dist)], cwd=REPO, env=env, timeout=300)
    (wheel,) = dist.glob("orghealth-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = expected_data_files() - names
    assert not missing, f"the wheel lacks {sorted(missing)}"
    for required in [
        "sql/macros.sql",
        "sql/marts/leader_focus.sql",
        "expectations/core_people.yml",
        "sql/dashboards/macros.sql",
        "sql/dashboards/marts/team_size.sql",
        "dashboards/stl_org_health.yaml",
        "orghealth/sample_org/data/orghealth.yaml",
        "orghealth/sample_org/data/hris_people.csv",
        "orghealth/sample_org/data/jira_export.csv",
        "orghealth/sample_org/data/jira_json/page-001.json",
    ]:
        assert required in names, f"the wheel lacks {required}"
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    entry_points = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "orghealth = pipelines.cli:app" in entry_points

    # A fresh venv with only the wheel (and its dependencies) in it.
    venv = tmp_path / "venv"
    run([UV, "venv", "--python", "3.11", str(venv)], cwd=tmp_path, env=env, timeout=300)
    python = venv / "bin" / "python"
    run([UV, "pip", "install", "--python", str(python), str(wheel)], cwd=tmp_path, env=env, timeout=600)

    # The packages are imported from the venv, not from the repository.
    work = tmp_path / "work"
    work.mkdir()
    code = (
        "import sql, orghealth, pipelines; print(sql.__file__); print(*orghealth.__path__); print(pipelines.__file__)"
    )
    out = run([str(python), "-c", code], cwd=work, env=env, timeout=120).stdout.split()
    for where in out:
        assert Path(where).is_relative_to(venv), f"{where} is not inside {venv}"
        assert not Path(where).is_relative_to(REPO), f"{where} is inside the repository"

    # The demo, run from a working directory outside the repository.
    db = tmp_path / "demo.duckdb"
    demo = [str(venv / "bin" / "orghealth"), "demo", "--db", str(db), "--weeks", "1"]
    result = run(demo, cwd=work, env=env, timeout=600)
    assert f"database: {db}" in result.stdout
    assert f"as_of:    {as_of}" in result.stdout
    assert db.is_file() and db.with_name("demo-dashboards.duckdb").is_file()
    assert not (work / "data").exists(), "the demo wrote into the working directory although --db was given"

    con = duckdb.connect(str(db), read_only=True)
    try:
        loaded = {r[0] for r in con.execute("SELECT employee_id FROM core.people WHERE as_of = ?", [as_of]).fetchall()}
        assert len(loaded) == len(people)
        assert loaded == people
        rejected = con.execute("SELECT source_file, source_line FROM raw.rejected_rows WHERE as_of = ?", [as_of])
        rejected = rejected.fetchall()
        assert [line for _, line in rejected] == [bad_line]
        # The inputs were the sample files installed with the wheel.
        (source,) = {r[0] for r in con.execute("SELECT DISTINCT source_file FROM core.people").fetchall()}
        assert Path(source).is_relative_to(venv), source
        assert Path(rejected[0][0]).is_relative_to(venv), rejected[0][0]

        # Every mart the package defines was built, with rows for the sample's as_of.
        marts = sorted(p.stem for p in (REPO / "sql" / "marts").glob("*.sql"))
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        }
        assert set(marts) <= tables, f"marts missing from the database: {sorted(set(marts) - tables)}"
        for mart in marts:
            (count,) = con.execute(f"SELECT count(*) FROM marts.{mart} WHERE as_of = ?", [as_of]).fetchone()
            assert count > 0, f"marts.{mart} has no rows for {as_of}"
        streams = con.execute("SELECT streams FROM marts.org_health WHERE as_of = ?", [as_of]).fetchall()
        assert streams == [(len(config["work_streams"]),)]
    finally:
        con.close()
