"""A chart's Superset form data (its `params`) and its saved `query_context`, from a chart definition.

Superset's browser code builds a chart's query from its form data each time it draws the chart; the saved
query_context is what the server uses without a browser (`POST /api/v1/chart/data`, reports, thumbnails),
and a chart without one answers 400 there. Superset builds it in TypeScript (each plugin's buildQuery), so
this module does the same for the viz types the dashboards use, following Superset 6.1's buildQuery of
each: the base query object (columns, metrics, filters, extras, row limit), the x-axis as a BASE_AXIS
column, and the post-processing steps the chart's renderer expects (pivot, sort, flatten, rank).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from orghealth.superset.definitions import Annotation, Chart, DashboardDefinitionError

METRIC_KEYS = ("metric", "metrics", "metrics_b", "percent_metrics", "timeseries_limit_metric", "x_axis_sort")
PLACEHOLDER_DATASOURCE = "0__table"  # the import replaces it with the dataset's id
TIMESERIES = {"echarts_timeseries_bar", "echarts_timeseries_line", "echarts_area", "echarts_timeseries_scatter"}
# Not handlebars: it compiles its template with eval, which Superset's default content security policy refuses.
SUPPORTED = TIMESERIES | {
    "big_number", "big_number_total", "mixed_timeseries", "heatmap_v2", "table", "pie", "graph_chart",
}  # fmt: skip
THRESHOLD = re.compile(r"^\{(\w+)\}$")  # a param value that is `{column}` of lookups.thresholds


def _option(kind: str, text: str) -> str:
    """A stable optionName, as Superset's UI gives every adhoc metric and filter."""
    return f"{kind}_{hashlib.sha1(text.encode()).hexdigest()[:12]}"


def adhoc_metric(value: Any) -> Any:
    """`SUM(x)` or {label: L, sql: SUM(x)} -> Superset's adhoc SQL metric; anything else is kept as it is."""
    if isinstance(value, str):
        value = {"sql": value}
    if isinstance(value, dict) and set(value) <= {"label", "sql"} and "sql" in value:
        label = value.get("label", value["sql"])
        return {
            "expressionType": "SQL",
            "sqlExpression": value["sql"],
            "label": label,
            "hasCustomLabel": "label" in value,
            "optionName": _option("metric", label + value["sql"]),
        }
    return value


def metric_label(metric: Any) -> str:
    return metric if isinstance(metric, str) else metric["label"]


def adhoc_where(sql: str) -> dict[str, Any]:
    return {
        "expressionType": "SQL",
        "clause": "WHERE",
        "sqlExpression": sql,
        "filterOptionName": _option("filter", sql),
    }


def formula_layer(annotation: Annotation, thresholds: dict[str, Any]) -> dict[str, Any]:
    """A FORMULA annotation layer: a line at a constant, `{column}` taken from lookups.thresholds."""
    try:
        value = annotation.value.format(**thresholds)
    except KeyError as exc:
        raise DashboardDefinitionError(
            f"annotation {annotation.name!r}: {{{exc.args[0]}}} is not a column of lookups.thresholds "
            f"({', '.join(thresholds)})"
        ) from None
    return {
        "name": annotation.name,
        "annotationType": "FORMULA",
        "sourceType": "",
        "value": value,
        "overrides": {"time_range": None},
        "show": True,
        "showLabel": True,
        "showMarkers": False,
        "hideLine": False,
        "style": "dashed",
        "width": 2,
        "opacity": "",
        "color": annotation.color,
        "titleColumn": "",
        "descriptionColumns": [],
        "timeColumn": "",
        "intervalEndColumn": "",
    }


def form_data(chart: Chart, thresholds: dict[str, Any]) -> dict[str, Any]:
    """The chart's params as Superset stores them: the definition's params with metrics, filters and
    annotations spelled out."""
    if chart.viz not in SUPPORTED:
        raise DashboardDefinitionError(
            f"chart {chart.id}: viz {chart.viz!r} has no query builder here; supported: {', '.join(sorted(SUPPORTED))}"
        )
    params = {k: _expand(k, _thresholds_in(v, thresholds, chart)) for k, v in chart.params.items()}
    where = [adhoc_where(w) for w in chart.where]
    data = {
        "datasource": PLACEHOLDER_DATASOURCE,
        "viz_type": chart.viz,
        "row_limit": 10000,
        "extra_form_data": {},
        **params,
        "adhoc_filters": where + params.get("adhoc_filters", []),
        "annotation_layers": [formula_layer(a, thresholds) for a in chart.annotations],
    }
    if chart.viz == "mixed_timeseries":
        data["adhoc_filters_b"] = where + params.get("adhoc_filters_b", [])
    return data


def _thresholds_in(value: Any, thresholds: dict[str, Any], chart: Chart) -> Any:
    """A param value written `{column}` (e.g. a conditional format's target) takes lookups.thresholds' value."""
    if isinstance(value, dict):
        return {k: _thresholds_in(v, thresholds, chart) for k, v in value.items()}
    if isinstance(value, list):
        return [_thresholds_in(v, thresholds, chart) for v in value]
    if isinstance(value, str) and (match := THRESHOLD.match(value)):
        if match[1] not in thresholds:
            raise DashboardDefinitionError(
                f"chart {chart.id}: {value} is not a column of lookups.thresholds ({', '.join(thresholds)})"
            )
        return thresholds[match[1]]
    return value


def _expand(key: str, value: Any) -> Any:
    if key not in METRIC_KEYS:
        return value
    if key == "x_axis_sort":  # a metric's label or a column name
        return value
    return [adhoc_metric(v) for v in value] if isinstance(value, list) else adhoc_metric(value)


# --- the query object every chart starts from (Superset's buildQueryObject) ---


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _filters(fd: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    simple, where, having = [], [], []
    for f in fd.get("adhoc_filters", []):
        if f.get("expressionType") == "SIMPLE":
            value = {"val": f["comparator"]} if f.get("comparator") is not None else {}
            simple.append({"col": f["subject"], "op": f["operator"], **value})
        else:
            (where if f.get("clause", "WHERE") == "WHERE" else having).append(f"({f['sqlExpression']})")
    return simple, {"where": " AND ".join(where), "having": " AND ".join(having)}


def base_query(fd: dict[str, Any]) -> dict[str, Any]:
    raw = fd.get("query_mode") == "raw"
    columns = _list(fd.get("all_columns")) if raw else _list(fd.get("groupby")) + _list(fd.get("columns"))
    metrics = None if raw else [m for k in ("metric", "metrics", "percent_metrics") for m in _list(fd.get(k))]
    filters, extras = _filters(fd)
    if fd.get("time_grain_sqla"):
        extras["time_grain_sqla"] = fd["time_grain_sqla"]
    query: dict[str, Any] = {
        "filters": filters,
        "extras": extras,
        "applied_time_extras": {},
        "columns": columns,
        "metrics": metrics,
        "orderby": [_order(o) for o in _list(fd.get("order_by_cols"))] if raw else [],
        "annotation_layers": fd.get("annotation_layers", []),
        "row_limit": fd.get("row_limit"),
        "series_limit": fd.get("series_limit", 0),
        "group_others_when_limit_reached": fd.get("group_others_when_limit_reached", False),
        "order_desc": fd.get("order_desc", True),
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
    }
    if fd.get("time_range"):
        query["time_range"] = fd["time_range"]
    return {k: v for k, v in query.items() if v is not None}


def _order(item: Any) -> list[Any]:
    return json.loads(item) if isinstance(item, str) else list(item)


def x_axis_column(fd: dict[str, Any]) -> dict[str, Any]:
    column = {"columnType": "BASE_AXIS", "sqlExpression": fd["x_axis"], "label": fd["x_axis"], "expressionType": "SQL",
              "isColumnReference": True}  # fmt: skip
    if fd.get("time_grain_sqla"):
        column["timeGrain"] = fd["time_grain_sqla"]
    return column


def _pivot(fd: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    return {
        "operation": "pivot",
        "options": {
            "index": [fd["x_axis"]],
            "columns": [c if isinstance(c, str) else c["label"] for c in _list(fd.get("groupby"))],
            "aggregates": {metric_label(m): {"operator": "mean"} for m in query["metrics"]},
            # The time-series charts' control defaults to showing empty columns; the big number has no such control.
            "drop_missing_columns": not fd.get("show_empty_columns", fd["viz_type"] in TIMESERIES),
        },
    }


def _sort(fd: dict[str, Any], query: dict[str, Any]) -> dict[str, Any] | None:
    """Bars ordered by a metric or by the x-axis (Superset's sortOperator: no groupby only)."""
    key, ascending = fd.get("x_axis_sort"), fd.get("x_axis_sort_asc")
    if key is None or ascending is None or fd.get("groupby"):
        return None
    if key == fd["x_axis"]:
        return {"operation": "sort", "options": {"is_sort_index": True, "ascending": ascending}}
    if key in [metric_label(m) for m in query["metrics"]]:
        return {"operation": "sort", "options": {"by": key, "ascending": ascending}}
    return None


FLATTEN = {"operation": "flatten"}


# --- one builder per viz type (each plugin's buildQuery) ---


def _ordered_by_first_metric(query: dict[str, Any], fd: dict[str, Any]) -> dict[str, Any]:
    """Superset's normalizeOrderBy: a query without an order is ordered by its first metric."""
    if query.get("metrics") and not query.get("orderby"):
        query["orderby"] = [[query["metrics"][0], not fd.get("order_desc", True)]]
    return query


def _timeseries(fd: dict[str, Any]) -> list[dict[str, Any]]:
    query = _ordered_by_first_metric(base_query(fd), fd)
    query["columns"] = [x_axis_column(fd), *_list(fd.get("groupby"))]
    query["series_columns"] = _list(fd.get("groupby"))
    query["time_offsets"] = []
    steps = [_pivot(fd, query), _sort(fd, query), FLATTEN]
    query["post_processing"] = [s for s in steps if s]
    return [query]


def _mixed(fd: dict[str, Any]) -> list[dict[str, Any]]:
    """Two queries: A from the plain keys, B from the keys ending in _b (falling back to the plain ones)."""
    plain = {k: v for k, v in fd.items() if not k.endswith("_b")}
    b = {**plain, **{k[:-2]: v for k, v in fd.items() if k.endswith("_b")}}
    queries = []
    for part in (plain, b):
        query = base_query(part)
        query["columns"] = [x_axis_column(part), *_list(part.get("groupby"))]
        query["series_columns"] = _list(part.get("groupby"))
        query["post_processing"] = [_pivot(part, query), FLATTEN]
        queries.append(query)
    return queries


def _big_number(fd: dict[str, Any]) -> list[dict[str, Any]]:
    """Big number with trendline: the metric per x-axis value, oldest first."""
    query = base_query(fd)
    del query["orderby"]  # a big number's query has none
    query["columns"] = [x_axis_column(fd)]
    query["post_processing"] = [_pivot(fd, query), FLATTEN]
    return [query]


def _big_number_total(fd: dict[str, Any]) -> list[dict[str, Any]]:
    query = base_query(fd)
    del query["orderby"]
    return [query]


def _heatmap(fd: dict[str, Any]) -> list[dict[str, Any]]:
    query = base_query(fd)
    metric = metric_label(fd["metric"])
    query["columns"] = [x_axis_column(fd), fd["groupby"]]
    across = {"x": fd["x_axis"], "y": fd["groupby"]}.get(fd.get("normalize_across", "heatmap"))
    query["orderby"] = [
        [metric if "value" in sort else column, sort.endswith("asc")]
        for key, column in (("sort_x_axis", fd["x_axis"]), ("sort_y_axis", fd["groupby"]))
        if (sort := fd.get(key))
    ]
    rank = {"metric": metric, **({"group_by": across} if across else {})}
    query["post_processing"] = [{"operation": "rank", "options": rank}]
    return [query]


def _table(fd: dict[str, Any]) -> list[dict[str, Any]]:
    query = base_query(fd)
    if fd.get("query_mode") != "raw":
        _ordered_by_first_metric(query, fd)
    query["post_processing"] = []
    query["time_offsets"] = []
    return [query]


def _pie(fd: dict[str, Any]) -> list[dict[str, Any]]:
    query = base_query(fd)
    query["orderby"] = [[fd["metric"], False]] if fd.get("sort_by_metric", True) else []
    return [query]


def _graph(fd: dict[str, Any]) -> list[dict[str, Any]]:
    """Nodes and edges: source, target (and their categories) as columns, the edge metric."""
    query = base_query(fd)
    query["columns"] = [fd[k] for k in ("source", "target", "source_category", "target_category") if fd.get(k)]
    query["orderby"] = [[fd["source"], True], [fd["target"], True]]
    return [query]


BUILDERS = {
    **dict.fromkeys(TIMESERIES, _timeseries),
    "mixed_timeseries": _mixed,
    "big_number": _big_number,
    "big_number_total": _big_number_total,
    "heatmap_v2": _heatmap,
    "table": _table,
    "pie": _pie,
    "graph_chart": _graph,
}


def query_context(fd: dict[str, Any]) -> dict[str, Any]:
    """The query_context Superset's browser would save for this form data (Superset 6.1)."""
    return {
        "datasource": {"id": int(fd["datasource"].split("__")[0]), "type": "table"},
        "force": False,
        "queries": BUILDERS[fd["viz_type"]](fd),
        "form_data": fd,
        "result_format": "json",
        "result_type": "full",
    }
