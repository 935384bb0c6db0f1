"""SageMaker Metrics (the ``sagemaker-metrics`` client): BatchPutMetrics and BatchGetMetrics.

botocore sends them as REST-JSON to ``metrics.sagemaker.<region>.amazonaws.com``, signed for
``sagemaker``; with ``AWS_ENDPOINT_URL`` they reach the gateway as ``PUT /BatchPutMetrics`` and
``POST /BatchGetMetrics``. IAM authorises them as ``sagemaker:BatchPutMetrics`` and
``sagemaker:BatchGetMetrics`` on the trial component (or training job) they name, and they are
audited under those names. Put values land in the trial component's ``Metrics`` summaries, which
DescribeTrialComponent and Search return, as SageMaker aggregates them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .audit import AuditLog
from .authorization import AccessCheck, Authorizer
from .identity import Caller
from .protocol import ApiCall, Reply, error_reply, json_reply
from .studio_store import TRIAL_COMPONENT, StudioRecord, StudioStore, utcnow

ROUTES = {
    ("PUT", "/BatchPutMetrics"): "BatchPutMetrics",
    ("POST", "/BatchGetMetrics"): "BatchGetMetrics",
}
MAX_PUT = 10
MAX_QUERIES = 100
STATS: dict[str, Callable[[list[float]], float]] = {
    "Min": min,
    "Max": max,
    "Avg": lambda values: sum(values) / len(values),
    "Count": lambda values: float(len(values)),
    "StdDev": lambda values: _stddev(values),
    "Last": lambda values: values[-1],
    "First": lambda values: values[0],
    "Sum": sum,
}
PERIOD_SECONDS = {"OneMinute": 60, "FiveMinute": 300, "OneHour": 3600}


@dataclass(frozen=True)
class Point:
    timestamp: float
    step: int | None
    value: float


def metrics_operation(call: ApiCall) -> str | None:
    """``BatchPutMetrics``/``BatchGetMetrics`` for the metrics client's REST calls, else None."""
    if call.service != "sagemaker" or call.protocol != "rest":
        return None
    method, _, path = call.operation.partition(" ")
    return ROUTES.get((method, path))


def _stddev(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


class MetricsApi:
    """The metrics calls; the points of each trial component live as long as its record."""

    def __init__(self, store: StudioStore, authorizer: Authorizer, audit: AuditLog) -> None:
        self.store = store
        self.authorizer = authorizer
        self.audit = audit
        self._series: dict[str, tuple[StudioRecord, dict[str, list[Point]]]] = {}

    def handle(self, caller: Caller, call: ApiCall, body: bytes, operation: str) -> Reply:
        named = replace(call, operation=operation, protocol="json")
        try:
            params = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            return _error(named, 400, "SerializationException", f"Body is not JSON: {error}")
        if not isinstance(params, dict):
            return _error(named, 400, "SerializationException", "Body must be a JSON object")
        named = replace(named, params=params)
        if operation == "BatchPutMetrics":
            return self._put(caller, named)
        return self._get(caller, named)

    def _decide(self, caller: Caller, call: ApiCall, resources: tuple[str, ...]) -> Reply | None:
        check = AccessCheck(
            "sagemaker", f"sagemaker:{call.operation}", resources, region=call.region
        )
        result = self.authorizer.check(caller, check)
        self.audit.record_result(caller, call, result)
        if result.allowed:
            return None
        return _error(call, 400, "AccessDeniedException", result.message)

    def _put(self, caller: Caller, call: ApiCall) -> Reply:
        name = call.params.get("TrialComponentName")
        data = call.params.get("MetricData")
        if not isinstance(name, str) or not name:
            return _invalid(call, "TrialComponentName must be a non-empty string.")
        if not isinstance(data, list) or not 1 <= len(data) <= MAX_PUT:
            return _invalid(call, f"MetricData must hold 1 to {MAX_PUT} metrics.")
        arn = self.store.arn(TRIAL_COMPONENT, name.lower())
        with self.store.lock:
            denied = self._decide(caller, call, (arn,))
            if denied is not None:
                return denied
            record = self.store.get(TRIAL_COMPONENT, name.lower())
            if record is None:
                message = f"TrialComponent '{arn}' does not exist."
                return _error(call, 404, "ResourceNotFound", message)
            series = self._series_of(record)
            errors = []
            for index, datum in enumerate(data):
                point = _point(datum)
                if point is None:
                    errors.append({"Code": "VALIDATION_ERROR", "MetricIndex": index})
                    continue
                series.setdefault(str(datum["MetricName"]), []).append(point)
            record.fields["Metrics"] = [
                _summary(metric, points, record.arn) for metric, points in series.items()
            ]
            record.fields["LastModifiedTime"] = utcnow()
        return json_reply({"Errors": errors} if errors else {})

    def _get(self, caller: Caller, call: ApiCall) -> Reply:
        queries = call.params.get("MetricQueries")
        if not isinstance(queries, list) or not 1 <= len(queries) <= MAX_QUERIES:
            return _invalid(call, f"MetricQueries must hold 1 to {MAX_QUERIES} queries.")
        if not all(isinstance(q, dict) and isinstance(q.get("ResourceArn"), str) for q in queries):
            return _invalid(call, "Each metric query needs a ResourceArn.")
        resources = tuple(dict.fromkeys(str(q["ResourceArn"]) for q in queries))
        with self.store.lock:
            denied = self._decide(caller, call, resources)
            if denied is not None:
                return denied
            results = [self._query(query) for query in queries]
        return json_reply({"MetricQueryResults": results})

    def _series_of(self, record: StudioRecord) -> dict[str, list[Point]]:
        kept = self._series.get(record.arn)
        if kept is None or kept[0] is not record:  # a new record of that name starts afresh
            kept = (record, {})
            self._series[record.arn] = kept
        return kept[1]

    def _query(self, query: dict[str, Any]) -> dict[str, Any]:
        stat = STATS.get(str(query.get("MetricStat")))
        period = str(query.get("Period"))
        axis = str(query.get("XAxisType"))
        if stat is None or axis not in ("IterationNumber", "Timestamp"):
            return {"Status": "ValidationError", "Message": "MetricStat or XAxisType is invalid."}
        if period != "IterationNumber" and period not in PERIOD_SECONDS:
            return {"Status": "ValidationError", "Message": f"Period {period} is invalid."}
        record = self.store.by_arn(str(query["ResourceArn"]))
        kept = self._series.get(record.arn) if record is not None else None
        points = kept[1].get(str(query.get("MetricName")), []) if kept else []
        start, end = query.get("Start"), query.get("End")
        points = [
            p
            for p in points
            if (start is None or p.timestamp >= float(start))
            and (end is None or p.timestamp <= float(end))
        ]
        buckets: dict[float, list[float]] = {}
        for point in points:
            if period == "IterationNumber" or axis == "IterationNumber":
                key = float(point.step if point.step is not None else 0)
            else:
                key = point.timestamp // PERIOD_SECONDS[period] * PERIOD_SECONDS[period]
            buckets.setdefault(key, []).append(point.value)
        xs = sorted(buckets)
        return {
            "Status": "Complete",
            "XAxisValues": [int(x) for x in xs],
            "MetricValues": [stat(buckets[x]) for x in xs],
        }


def _point(datum: Any) -> Point | None:
    if not isinstance(datum, dict):
        return None
    name, value, timestamp = datum.get("MetricName"), datum.get("Value"), datum.get("Timestamp")
    step = datum.get("Step")
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        return None
    numbers = (value, timestamp)
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
        return None
    if step is not None and (not isinstance(step, int) or isinstance(step, bool) or step < 0):
        return None
    return Point(float(timestamp), step, float(value))  # type: ignore[arg-type]


def _summary(metric: str, points: list[Point], source_arn: str) -> dict[str, Any]:
    values = [p.value for p in points]
    latest = max(points, key=lambda p: p.timestamp)
    return {
        "MetricName": metric,
        "SourceArn": source_arn,
        "TimeStamp": latest.timestamp,
        "Max": max(values),
        "Min": min(values),
        "Last": points[-1].value,
        "Count": len(values),
        "Avg": sum(values) / len(values),
        "StdDev": _stddev(values),
    }


def _invalid(call: ApiCall, message: str) -> Reply:
    return _error(call, 400, "ValidationException", message)


def _error(call: ApiCall, status: int, code: str, message: str) -> Reply:
    """REST-JSON errors name their type in a header too (botocore reads either)."""
    reply = error_reply(call, status, code, message)
    reply.headers["x-amzn-ErrorType"] = code
    return reply
