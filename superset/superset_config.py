# Superset's config for the local dashboards (read by Superset through SUPERSET_CONFIG_PATH; see superset/server.sh).
# Only what differs from Superset 6.1's defaults is set here; each line says why.
import os
import secrets
from pathlib import Path

# All of Superset's state lives in the repo's .superset/ (gitignored), never in ~/.superset.
_HOME = Path(os.environ.get("SUPERSET_HOME") or Path(__file__).resolve().parent.parent / ".superset" / "home")
_HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # SUPERSET_SECRET_KEY wins. Without it, a random key made once for this checkout and kept in .superset/home/
    # (local use only): Superset refuses to start on its built-in default key, and the key must stay the same across
    # restarts because it encrypts the stored database connections. Never printed.
    if key := os.environ.get("SUPERSET_SECRET_KEY"):
        return key
    path = _HOME / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# Metadata (users, connections, datasets, charts, dashboards): SQLite, enough for one local user.
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}?check_same_thread=false"

# CSRF stays on (Superset's default): REST writes send X-CSRFToken from /api/v1/security/csrf_token/ and a Referer.
WTF_CSRF_ENABLED = True

# Kept on (the default). It only blocks the sqlite, shillelagh and superset dialects; a DuckDB file such as
# duckdb:////abs/path/file.duckdb?access_mode=read_only is allowed as it is (checked with Superset 6.1.0).
PREVENT_UNSAFE_DB_CONNECTIONS = True

# Dashboard import (/api/v1/dashboard/import/, `superset import-dashboards`) needs no feature flag in 6.1.
# Template processing (Jinja in a dataset's SQL) lets the dashboard's views read its filters' values
# (filter_values): the Snapshot filter and the leader's org or team filter (orghealth/superset/filters.py).
# SUPERSET_TEMPLATE_PROCESSING=0 turns it off, as on a Superset without the flag (a test checks publish says so).
FEATURE_FLAGS: dict[str, bool] = {
    "ENABLE_TEMPLATE_PROCESSING": os.environ.get("SUPERSET_TEMPLATE_PROCESSING", "1") != "0",
}
