from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orghealth.settings import RunSettings, resolve_settings
from pipelines.runner import RunResult, run_pipeline

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_ORG = FIXTURES / "small_org"
AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="session", autouse=True)
def private_dagster_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The runs tests start record into a Dagster instance of this session's own (one per xdist worker): never into
    the dagster_home/ that `make demo` or `make serve` made in a developer's checkout, which the CLI would otherwise
    pick from the working directory (pipelines/runner.py, instance_home). Subprocesses inherit it."""
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        yield home


def run_small_org(db: Path, config: Path = SMALL_ORG / "orghealth.yaml", **overrides) -> RunResult:
    settings: RunSettings = resolve_settings(config, db_path=db, **overrides)
    return run_pipeline(settings)


@pytest.fixture(scope="session")
def small_org_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-worked small org (tests/fixtures/small_org), run once through the real Dagster job."""
    db = tmp_path_factory.mktemp("small_org") / "orghealth.duckdb"
    run_small_org(db)
    return db


@pytest.fixture
def sql(small_org_db: Path) -> Callable[..., list[tuple]]:
    """Run a query against the small org's database and return all rows."""
    con = duckdb.connect(str(small_org_db), read_only=True)

    def query(text: str, params: dict | None = None) -> list[tuple]:
        return con.execute(text, params).fetchall()

    yield query
    con.close()
