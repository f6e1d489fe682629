"""A throwaway Apache Superset for a test: its own state folder, a free port, always stopped afterwards.

    from tests.superset_server import Superset, superset, superset_template  # noqa: F401  (the fixtures)

    def test_x(superset: Superset):            # user FIXTURE_USER / FIXTURE_PASSWORD (admin / orghealth-test)
        superset.url                            # http://127.0.0.1:PORT
        superset.env()                          # os.environ + SUPERSET_USERNAME / SUPERSET_PASSWORD for the CLI
        superset.api().get("/api/v1/dashboard/")  # a logged-in requests.Session (JWT + CSRF token)

    with running_superset(tmp_path / "superset", username="u", password="p") as s:  # without the fixtures
        ...

It runs `superset/server.sh init` then `start` with SUPERSET_STATE (metadata, pid, log) under the test's tmp dir and
SUPERSET_PORT set, and `stop` in teardown, also when start or the test fails. The admin user and password are the
caller's (SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD for server.sh). Without .superset/venv the test is skipped.

A first `init` (db upgrade, create-admin, init: three Superset CLI starts) takes 45-95 s on 2 cores, start to healthy
~10 s. So `metadata_template` initialises once and keeps the result in .superset/test-templates/<key>/ (gitignored;
the key hashes the pins, config, server.sh and the credentials; xdist workers take turns through a lock), and each
server starts from a copy: server.sh's init stamp then matches and it skips all three commands (start ~12 s in all).
A template made under older pins or config is still safe: its stamp differs, and init upgrades the copy.
"""

import fcntl
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
SERVER_SH = REPO / "superset" / "server.sh"
VENV = REPO / ".superset" / "venv"
TEMPLATES = REPO / ".superset" / "test-templates"
SKIP_REASON = "no Superset venv (.superset/venv): run `make superset-install` (`make test` does)"
INIT_TIMEOUT = 300  # first init ~45 s, ~60 s right after install (first imports compile .pyc)
START_TIMEOUT = 180  # server.sh waits up to 120 s for /health
STOP_TIMEOUT = 60
ORGHEALTH = str(Path(os.environ.get("VIRTUAL_ENV") or REPO / ".venv") / "bin" / "orghealth")
CLI_TIMEOUT = 600


def orghealth_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`orghealth ARGS` from the repository, as a user types it; its output captured."""
    return subprocess.run([ORGHEALTH, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=CLI_TIMEOUT)


@dataclass(frozen=True)
class Superset:
    """A running Superset: where it answers, who may log in, and where its state (log, metadata) lives."""

    url: str
    username: str
    password: str
    state: Path

    def env(self) -> dict[str, str]:
        """os.environ plus the credentials `orghealth superset publish/check` read."""
        return {**os.environ, "SUPERSET_USERNAME": self.username, "SUPERSET_PASSWORD": self.password}

    def log(self, lines: int = 40) -> str:
        """The last lines of the server's log, for an assertion message."""
        path = self.state / "superset.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def api(self) -> requests.Session:
        """A requests.Session logged in through the REST API: Bearer token, CSRF header and cookie, Referer.

        Paths may be given relative to the server: session.get("/api/v1/chart/").
        """
        session = _BaseUrlSession(self.url)
        login = session.post(
            "/api/v1/security/login",
            json={"username": self.username, "password": self.password, "provider": "db", "refresh": True},
            timeout=30,
        )
        login.raise_for_status()
        session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        csrf = session.get("/api/v1/security/csrf_token/", timeout=30)
        csrf.raise_for_status()
        session.headers.update({"X-CSRFToken": csrf.json()["result"], "Referer": self.url})
        return session


class _BaseUrlSession(requests.Session):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if url.startswith("/"):
            url = self.base + url
        return super().request(method, url, *args, **kwargs)


def require_venv() -> None:
    """Skip the calling test when Superset's venv is not installed."""
    if not (VENV / "bin" / "superset").exists():
        pytest.skip(SKIP_REASON)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_sh(command: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([str(SERVER_SH), command], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def _server_env(state: Path, port: int, username: str, password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERSET_")}
    env |= {
        "SUPERSET_STATE": str(state),
        "SUPERSET_PORT": str(port),
        "SUPERSET_ADMIN_USER": username,
        "SUPERSET_ADMIN_PASSWORD": password,
    }
    return env


def init_metadata(state: Path, username: str, password: str) -> Path:
    """`server.sh init` in state (no server started); returns its home folder (superset.db, secret_key, stamp)."""
    require_venv()
    done = _server_sh("init", _server_env(state, 0, username, password), INIT_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"superset/server.sh init failed:\n{done.stdout}\n{done.stderr}")
    return state / "home"


@contextmanager
def running_superset(
    state: Path,
    *,
    username: str = "admin",
    password: str | None = None,
    template: Path | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[Superset]:
    """Start a Superset with its state in `state` on a free port; yield it; always stop it.

    template: a home folder made by init_metadata with the same username and password (it is copied into state,
    so init has nothing left to do). password defaults to a random one. settings: environment variables
    superset/superset_config.py reads (SUPERSET_TEMPLATE_PROCESSING=0).
    """
    require_venv()
    password = password or secrets.token_urlsafe(12)
    port = free_port()
    env = _server_env(state, port, username, password) | (settings or {})
    state.mkdir(parents=True, exist_ok=True)
    if template is not None:
        shutil.copytree(template, state / "home", dirs_exist_ok=True)
    try:
        for command, timeout in (("init", INIT_TIMEOUT), ("start", START_TIMEOUT)):
            done = _server_sh(command, env, timeout)
            if done.returncode != 0:
                raise RuntimeError(f"superset/server.sh {command} failed:\n{done.stdout}\n{done.stderr}")
        yield Superset(url=f"http://127.0.0.1:{port}", username=username, password=password, state=state)
    finally:
        _server_sh("stop", env, STOP_TIMEOUT)


def metadata_template(username: str, password: str) -> Path:
    """A home folder initialised for these credentials, made once and kept in .superset/test-templates/."""
    require_venv()
    key = hashlib.sha256(username.encode() + b"\0" + password.encode())
    for path in (REPO / "superset" / "requirements.txt", REPO / "superset" / "superset_config.py", SERVER_SH):
        key.update(path.read_bytes())
    folder = TEMPLATES / key.hexdigest()[:16]
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    with open(TEMPLATES / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one xdist worker initialises, the others wait and reuse it
        if not (folder / "home" / ".init.sha256").exists():
            scratch = Path(tempfile.mkdtemp(dir=TEMPLATES, prefix=".init-"))
            try:
                init_metadata(scratch, username, password)
                shutil.rmtree(folder, ignore_errors=True)
                scratch.rename(folder)  # whole or not at all
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    return folder / "home"


# The fixtures' credentials: fixed, so that the kept template's admin matches (a local server on a random port,
# alive for one test module; not a secret).
FIXTURE_USER = "admin"
FIXTURE_PASSWORD = "orghealth-test"


@pytest.fixture(scope="session")
def superset_template() -> Path:
    """Superset metadata initialised for FIXTURE_USER / FIXTURE_PASSWORD (see metadata_template)."""
    return metadata_template(FIXTURE_USER, FIXTURE_PASSWORD)


@pytest.fixture
def superset(tmp_path: Path, superset_template: Path) -> Iterator[Superset]:
    """A Superset of this test's own, started from the kept metadata template, stopped afterwards."""
    with running_superset(
        tmp_path / "superset", username=FIXTURE_USER, password=FIXTURE_PASSWORD, template=superset_template
    ) as server:
        yield server
