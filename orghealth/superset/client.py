"""A small Superset session: log in, import a bundle, find dashboards and charts, ask a chart for its data.

Two HTTP clients, each for what it does well against Superset 6.1:

- supersetapiclient (superset-client) logs in (JWT, refreshed when it expires), fetches the CSRF token and
  keeps the cookie it is bound to, which every write needs; it also finds and counts objects. The bundle is
  posted to /api/v1/assets/import/ through its session. Not its import helpers: `dashboards.import_file`
  imports charts, datasets and the database without overwriting them (a changed chart would keep its old
  definition), and `assets.import_file` opens the file by its bare name, relative to the working directory.
- httpx, with the session's bearer token, for what supersetapiclient lacks: a quick reachability probe with a
  timeout (requests without one waits forever on a silent host), a chart with its saved query_context (its
  Chart object drops that field), the charts of a dashboard and POST /api/v1/chart/data (exempt from CSRF).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import requests
from supersetapiclient.client import SupersetClient

from orghealth.errors import OrgHealthError

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class SupersetError(OrgHealthError):
    """Superset is unreachable, refused the login, or rejected a request."""


def _reason(response: requests.Response | httpx.Response) -> str:
    """Superset's error in one line: its message, and the first details it gives."""
    try:
        body = response.json()
    except ValueError:
        title = re.search(r"<title>(.*?)</title>", response.text, re.S)
        return f"HTTP {response.status_code}: {(title[1] if title else response.text).strip()[:300]}"
    if errors := body.get("errors"):
        first = errors[0]
        extra = first.get("extra") or {}
        detail = {k: v for k, v in extra.items() if k not in ("issue_codes",)}
        text = first.get("message", "")
        return f"HTTP {response.status_code}: {text} {json.dumps(detail)[:600] if detail else ''}".strip()
    message = body.get("message") or body.get("msg") or body
    return f"HTTP {response.status_code}: {json.dumps(message)[:600] if not isinstance(message, str) else message}"


@dataclass
class Superset:
    """A logged-in session with one Superset."""

    url: str
    api: SupersetClient  # supersetapiclient: login, CSRF, find, count, the import post
    http: httpx.Client = field(repr=False)  # bearer token: charts, chart data

    def close(self) -> None:
        self.http.close()
        self.api.session.close()

    def __enter__(self) -> Superset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def import_bundle(self, bundle: bytes) -> None:
        """Import (and overwrite) every database, dataset, chart and dashboard of an assets bundle."""
        files = {"bundle": ("orghealth_superset.zip", bundle, "application/zip")}
        try:
            response = self.api.post(self.api.assets.import_url, files=files, headers={"Accept": "application/json"})
        except requests.RequestException as exc:
            raise SupersetError(f"Superset at {self.url} did not answer the import: {exc}") from exc
        if response.status_code != 200:
            raise SupersetError(
                f"Superset at {self.url} rejected the dashboards: {_reason(response)} (its log says why)"
            )

    def dashboard(self, slug: str) -> dict[str, Any]:
        found = self.api.dashboards.find(slug=slug)
        if not found:
            raise SupersetError(f"Superset at {self.url} has no dashboard {slug!r}: publish it first")
        return {"id": found[0].id, "title": found[0].dashboard_title, "url": self.dashboard_url(slug)}

    def dashboard_url(self, slug: str) -> str:
        return f"{self.url}/superset/dashboard/{slug}/"

    def counts(self) -> dict[str, int]:
        """How many databases, datasets, charts and dashboards Superset holds."""
        api = self.api
        return {"databases": api.databases.count(), "datasets": api.datasets.count(), "charts": api.charts.count(),
                "dashboards": api.dashboards.count()}  # fmt: skip

    def _get(self, path: str) -> Any:
        response = self._send("GET", path)
        return response.json()["result"]

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise SupersetError(f"Superset at {self.url} did not answer {method} {path}: {exc}") from exc
        if response.status_code != 200:
            raise SupersetError(f"Superset at {self.url} refused {method} {path}: {_reason(response)}")
        return response

    def dashboard_layout(self, dashboard_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """The dashboard's metadata (json_metadata) and its position (position_json), parsed."""
        found = self._get(f"/api/v1/dashboard/{dashboard_id}")
        return json.loads(found["json_metadata"] or "{}"), json.loads(found["position_json"] or "{}")

    def update_dashboard_metadata(self, dashboard_id: int, metadata: dict[str, Any]) -> None:
        """Replace the dashboard's json_metadata (a write: through the session that holds the CSRF token)."""
        url = f"{self.url}/api/v1/dashboard/{dashboard_id}"
        try:
            response = self.api.put(url, json={"json_metadata": json.dumps(metadata)})
        except requests.RequestException as exc:
            raise SupersetError(f"Superset at {self.url} did not answer PUT {url}: {exc}") from exc
        if response.status_code != 200:
            raise SupersetError(f"Superset at {self.url} refused PUT {url}: {_reason(response)}")

    def dataset_id(self, table_name: str) -> int:
        """The id of the dataset named `table_name` (an org's `acme__thresholds`)."""
        query = f"(filters:!((col:table_name,opr:eq,value:'{table_name}')),columns:!(id))"
        found = self._get(f"/api/v1/dataset/?q={query}")
        if not found:
            raise SupersetError(f"Superset at {self.url} has no dataset {table_name!r}")
        return found[0]["id"]

    def renders_templates(self, dataset_id: int) -> bool:
        """Whether Superset renders Jinja in a query's SQL (ENABLE_TEMPLATE_PROCESSING): a WHERE that holds only
        once rendered, on a dataset with a row; unrendered it is valid SQL that holds for none."""
        context = {
            "datasource": {"id": dataset_id, "type": "table"},
            "queries": [{"columns": [], "metrics": [{"expressionType": "SQL", "sqlExpression": "COUNT(*)",
                                                     "label": "rows"}],
                         "extras": {"where": "'{{ \"rendered\" }}' = 'rendered'"}, "row_limit": 1}],
            "result_format": "json",
            "result_type": "full",
        }  # fmt: skip
        (result,) = self.chart_rows(context)
        return bool(result["data"]) and result["data"][0]["rows"] > 0

    def dashboard_charts(self, dashboard_id: int) -> list[dict[str, Any]]:
        """The dashboard's charts, each with its saved params and query_context."""
        ids = sorted(c["id"] for c in self._get(f"/api/v1/dashboard/{dashboard_id}/charts"))
        return [{"id": i, **self._get(f"/api/v1/chart/{i}")} for i in ids]

    def chart_rows(self, query_context: dict[str, Any]) -> list[dict[str, Any]]:
        """Run a query_context through POST /api/v1/chart/data; one result (rowcount, data) per query."""
        return self._send("POST", "/api/v1/chart/data", json=query_context).json()["result"]


def _probe(url: str) -> None:
    try:
        response = httpx.get(f"{url}/health", timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise SupersetError(f"Superset at {url} is unreachable: {exc or type(exc).__name__}") from exc
    if response.status_code != 200:
        raise SupersetError(f"{url} does not answer like a Superset: GET /health gave HTTP {response.status_code}")


def connect(url: str, username: str, password: str) -> Superset:
    """Log in to the Superset at `url` (e.g. http://127.0.0.1:8088 or https://superset.example.com)."""
    url = url.rstrip("/")
    _probe(url)
    if url.startswith("http://"):  # oauthlib refuses plain http unless told; a local Superset is plain http
        os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    api = SupersetClient(url, username=username, password=password)
    try:
        token = api.session.token["access_token"]  # logs in and fetches the CSRF token
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        what = "refused the login of" if status in (400, 401, 403) else f"failed (HTTP {status}) to log in"
        raise SupersetError(f"Superset at {url} {what} user {username!r}: {exc}".replace("\n", " ")) from exc
    except requests.RequestException as exc:
        raise SupersetError(f"Superset at {url} did not answer the login: {exc}") from exc
    http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    return Superset(url, api, http)
