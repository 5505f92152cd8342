"""Expand the compact chart specs of `boards/*.yaml` into Superset chart configs (params + saved query_context) and
the dashboard around them (a grid: charts fill rows of 12 columns in the order the YAML lists them).

A chart spec:
    key: exec_gmv            # unique over all boards (its UUID derives from it)
    title: GMV
    viz: big_number_total    # big_number_total | echarts_timeseries_line | echarts_timeseries_bar | table | pie
                             # | pivot_table_v2 (rows: groupby, columns: pivot_columns)
    dataset: paid_orders
    metrics: [gmv]           # saved metrics of the dataset
    groupby: [vendor]        # table / pie / categorical bar (x axis = first groupby)
    time_grain: P1D          # line / bar over the dataset's time column
    time_range: last 90 days # else the board's ("last N days" ends now; or any Superset range: "No filter")
    order_by: gmv            # table / pie ordering (descending), default: first metric
    row_limit: 20
    width: 4                 # of 12; height: 50
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable

TIMESERIES = {"echarts_timeseries_line", "echarts_timeseries_bar"}


_LAST_DAYS = re.compile(r"^last (\d+) days$", re.IGNORECASE)


def superset_range(time_range: str) -> str:
    """"last 90 days" -> a range up to now. Superset's own "Last quarter" ends at today's midnight, so the day's
    orders (a demo's, a live day's) would be missing from every chart."""
    match = _LAST_DAYS.match(time_range.strip())
    return f'DATEADD(DATETIME("now"), -{match.group(1)}, day) : now' if match else time_range


def _time_filter(column: str, time_range: str) -> dict[str, Any]:
    return {"clause": "WHERE", "subject": column, "operator": "TEMPORAL_RANGE", "comparator": time_range,
            "expressionType": "SIMPLE"}


def _params(spec: dict[str, Any], time_col: str, time_range: str) -> dict[str, Any]:
    viz, metrics, groupby = spec["viz"], list(spec["metrics"]), list(spec.get("groupby", []))
    params: dict[str, Any] = {"viz_type": viz, "adhoc_filters": [_time_filter(time_col, time_range)],
                              "time_range": time_range, "extra_form_data": {}, "dashboards": []}
    if viz == "big_number_total":
        params.update(metric=metrics[0], header_font_size=0.4, subheader_font_size=0.15,
                      y_axis_format=spec.get("format", "SMART_NUMBER"), time_format="smart_date")
    elif viz in TIMESERIES and not spec.get("categorical"):
        params.update(x_axis=time_col, time_grain_sqla=spec.get("time_grain", "P1D"), metrics=metrics,
                      groupby=groupby, row_limit=spec.get("row_limit", 10000), show_legend=True,
                      rich_tooltip=True, y_axis_format=spec.get("format", "SMART_NUMBER"), truncate_metric=True,
                      comparison_type="values", order_desc=True)
    elif viz in TIMESERIES:  # a bar per category (x axis = the first groupby)
        params.update(x_axis=groupby[0], metrics=metrics, groupby=groupby[1:], row_limit=spec.get("row_limit", 100),
                      x_axis_sort_asc=True, x_axis_sort=groupby[0], show_legend=bool(groupby[1:]),
                      y_axis_format=spec.get("format", "SMART_NUMBER"), order_desc=True)
    elif viz == "table":
        params.update(query_mode="aggregate", groupby=groupby, metrics=metrics, all_columns=[],
                      percent_metrics=[], timeseries_limit_metric=spec.get("order_by", metrics[0]),
                      order_desc=True, row_limit=spec.get("row_limit", 50), server_pagination=False,
                      table_timestamp_format="smart_date", show_cell_bars=True)
    elif viz == "pivot_table_v2":  # rows = groupby, columns = pivot_columns
        params.update(groupbyRows=groupby, groupbyColumns=list(spec.get("pivot_columns", [])), metrics=metrics,
                      aggregateFunction="Sum", metricsLayout="COLUMNS", row_limit=spec.get("row_limit", 10000),
                      date_format=spec.get("date_format", "smart_date"), valueFormat=spec.get("format", "SMART_NUMBER"),
                      rowOrder="key_a_to_z", colOrder="key_a_to_z", order_desc=True, transposePivot=False)
    elif viz == "pie":
        params.update(groupby=groupby, metric=metrics[0], row_limit=spec.get("row_limit", 20), donut=True,
                      show_labels=True, label_type="key_percent", number_format=spec.get("format", "SMART_NUMBER"),
                      sort_by_metric=True, show_legend=True)
    else:
        raise ValueError(f"chart {spec['key']}: unsupported viz {viz!r}")
    return params


def _query(spec: dict[str, Any], time_col: str, time_range: str) -> dict[str, Any]:
    """The saved query the chart data API runs: the same question as the chart, rows without post-processing."""
    viz, metrics, groupby = spec["viz"], list(spec["metrics"]), list(spec.get("groupby", []))
    columns: list[Any] = list(groupby) + list(spec.get("pivot_columns", []))
    orderby = [[spec.get("order_by", metrics[0]), False]]
    if viz in TIMESERIES and not spec.get("categorical"):
        columns = [{"timeGrain": spec.get("time_grain", "P1D"), "columnType": "BASE_AXIS", "sqlExpression": time_col,
                    "label": time_col, "expressionType": "SQL"}, *groupby]
        orderby = [[time_col, True]]
    elif viz == "big_number_total":
        columns, orderby = [], []
    return {"filters": [{"col": time_col, "op": "TEMPORAL_RANGE", "val": time_range}],
            "extras": {"having": "", "where": ""}, "applied_time_extras": {}, "columns": columns,
            "metrics": metrics, "orderby": orderby, "annotation_layers": [],
            "row_limit": spec.get("row_limit", 10000), "series_limit": 0, "order_desc": True, "url_params": {},
            "custom_params": {}, "custom_form_data": {}, "time_range": time_range, "post_processing": []}


def chart_config(spec: dict[str, Any], dataset, time_range: str, uuid_of: Callable[[str, str], str]) -> dict:
    spec = {**spec, "metrics": spec.get("metrics") or [spec["metric"]]}
    unknown = [m for m in spec["metrics"] if m not in dataset.spec.get("metrics", {})]
    columns = {n for n, _ in dataset.columns}
    unknown += [c for c in spec.get("groupby", []) + spec.get("pivot_columns", []) if c not in columns]
    if unknown:
        raise ValueError(f"chart {spec['key']}: {unknown} not in dataset {dataset.key}")
    time_range = superset_range(spec.get("time_range", time_range))
    params = _params(spec, dataset.time_column, time_range)
    query_context = {"datasource": {"id": 0, "type": "table"}, "force": False,
                     "queries": [_query(spec, dataset.time_column, time_range)], "form_data": params,
                     "result_format": "json", "result_type": "full"}
    return {"_key": spec["key"], "slice_name": spec["title"], "description": spec.get("description"),
            "certified_by": None, "certification_details": None, "viz_type": spec["viz"], "params": params,
            "query_context": json.dumps(query_context), "cache_timeout": None,
            "uuid": uuid_of("chart", spec["key"]), "version": "1.0.0", "dataset_uuid": dataset.uuid}


def _position(charts: list[tuple[dict, dict]], title: str) -> dict[str, Any]:
    position: dict[str, Any] = {"DASHBOARD_VERSION_KEY": "v2",
                                "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
                                "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
                                "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": title}, "type": "HEADER"}}
    row, used = None, 12
    for n, (spec, chart) in enumerate(charts):
        width = int(spec.get("width", 6))
        if row is None or used + width > 12:
            row = f"ROW-{len([k for k in position if k.startswith('ROW-')]) + 1}"
            position[row] = {"children": [], "id": row, "meta": {"background": "BACKGROUND_TRANSPARENT"},
                             "parents": ["ROOT_ID", "GRID_ID"], "type": "ROW"}
            position["GRID_ID"]["children"].append(row)
            used = 0
        node = f"CHART-{spec['key']}"
        position[node] = {"children": [], "id": node, "parents": ["ROOT_ID", "GRID_ID", row], "type": "CHART",
                          "meta": {"chartId": n + 1, "height": int(spec.get("height", 50)), "width": width,
                                   "sliceName": chart["slice_name"], "uuid": chart["uuid"]}}
        position[row]["children"].append(node)
        used += width
    return position


def chart_assets(key: str, board: dict[str, Any], datasets: dict, uuid_of: Callable[[str, str], str]):
    """(chart configs, dashboard config) of one board."""
    time_range = board.get("time_range", "last 90 days")
    pairs = []
    for spec in board["charts"]:
        if spec["dataset"] not in datasets:
            raise ValueError(f"board {key}: chart {spec['key']} names unknown dataset {spec['dataset']!r}")
        pairs.append((spec, chart_config(spec, datasets[spec["dataset"]], time_range, uuid_of)))
    dashboard = {"dashboard_title": board["title"], "description": board.get("description"), "css": "",
                 "slug": board.get("slug", key), "certified_by": None, "certification_details": None,
                 "published": True, "uuid": uuid_of("dashboard", key), "position": _position(pairs, board["title"]),
                 "metadata": {"color_scheme": "supersetColors", "refresh_frequency": 0, "expanded_slices": {},
                              "label_colors": {}, "timed_refresh_immune_slices": [], "cross_filters_enabled": True,
                              "default_filters": "{}", "chart_configuration": {},
                              "native_filter_configuration": []},
                 "version": "1.0.0"}
    return [chart for _, chart in pairs], dashboard
