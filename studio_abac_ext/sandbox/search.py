"""SageMaker Search with every filter honoured (moto stops at the first Tags filter).

Filters are AND'ed, SubExpressions combine with the expression's Operator, NestedFilters match
when one element of a list property satisfies all their filters; SortBy/SortOrder and
MaxResults/NextToken paging apply.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .experiments_api import Actor
from .sagemaker_inputs import invalid, page
from .studio_store import EXPERIMENT, TRIAL, TRIAL_COMPONENT, StudioRecord, StudioStore

RESOURCE_ENUM = (
    "TrainingJob",
    "Experiment",
    "ExperimentTrial",
    "ExperimentTrialComponent",
    "Endpoint",
    "Model",
    "ModelPackage",
    "ModelPackageGroup",
    "Pipeline",
    "PipelineExecution",
    "FeatureGroup",
    "FeatureMetadata",
    "Image",
    "ImageVersion",
    "Project",
    "HyperParameterTuningJob",
    "ModelCard",
)
RESULT_NAMES = {"ExperimentTrial": "Trial", "ExperimentTrialComponent": "TrialComponent"}
OPERATORS = {
    "Equals",
    "NotEquals",
    "GreaterThan",
    "GreaterThanOrEqualTo",
    "LessThan",
    "LessThanOrEqualTo",
    "Contains",
    "Exists",
    "NotExists",
    "In",
}
MISSING = object()


def search(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    resource = params.get("Resource")
    if resource not in RESOURCE_ENUM:
        raise invalid(
            f"1 validation error detected: Value '{resource}' at 'resource' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(RESOURCE_ENUM)}]"
        )
    expression = params.get("SearchExpression") or {}
    _check_expression(expression)
    records = [r for r in _records(store, str(resource)) if _matches(r, expression)]
    sort_by = str(params.get("SortBy") or "CreationTime")
    descending = params.get("SortOrder", "Descending") == "Descending"
    present = [r for r in records if _lookup(r, sort_by) is not MISSING]
    absent = [r for r in records if _lookup(r, sort_by) is MISSING]
    present.sort(key=lambda r: _sort_key(_lookup(r, sort_by)), reverse=descending)
    chunk, token = page(present + absent, params, default_size=10)
    name = RESULT_NAMES.get(str(resource), str(resource))
    reply: dict[str, Any] = {"Results": [{name: record} for record in chunk]}
    return {**reply, "NextToken": token} if token else reply


def _records(store: StudioStore, resource: str) -> list[dict[str, Any]]:
    if resource == "Experiment":
        return [_with_tags(r) for r in store.all(EXPERIMENT)]
    if resource == "ExperimentTrial":
        return [_trial(store, r) for r in store.all(TRIAL)]
    if resource == "ExperimentTrialComponent":
        return [_component(store, r) for r in store.all(TRIAL_COMPONENT)]
    collections = {
        "TrainingJob": "training_jobs",
        "Endpoint": "endpoints",
        "Model": "_models",
        "Pipeline": "pipelines",
        "ModelPackageGroup": "model_package_groups",
        "FeatureGroup": "feature_groups",
        "HyperParameterTuningJob": "hyper_parameter_tuning_jobs",
    }
    collection = getattr(store.moto, collections.get(resource, ""), None) or {}
    return [_moto_record(item) for item in collection.values()]


def _with_tags(record: StudioRecord) -> dict[str, Any]:
    return {**record.fields, "Tags": [dict(t) for t in record.tags]}


def _trial(store: StudioStore, record: StudioRecord) -> dict[str, Any]:
    components = [c for c in store.all(TRIAL_COMPONENT) if record.key in c.links]
    summaries = [
        {
            "TrialComponentName": c.fields["TrialComponentName"],
            "TrialComponentArn": c.arn,
            "CreationTime": c.fields["CreationTime"],
            "CreatedBy": c.fields.get("CreatedBy", {}),
        }
        for c in components
    ]
    return {**_with_tags(record), "TrialComponentSummaries": summaries}


def _component(store: StudioStore, record: StudioRecord) -> dict[str, Any]:
    parents = []
    for key in sorted(record.links):
        trial = store.get(TRIAL, key)
        if trial is not None:
            parents.append(
                {
                    "TrialName": trial.fields["TrialName"],
                    "ExperimentName": trial.fields["ExperimentName"],
                }
            )
    return {**_with_tags(record), "Parents": parents}


def _moto_record(item: Any) -> dict[str, Any]:
    item = item[0] if isinstance(item, list) else item
    record = dict(item.response_object)
    record["Tags"] = [dict(t) for t in (getattr(item, "tags", None) or [])]
    return record


def _check_expression(expression: Any, depth: int = 0) -> None:
    if not isinstance(expression, dict):
        raise invalid("SearchExpression must be an object")
    if depth > 5:
        raise invalid("SearchExpression nests SubExpressions more than 5 levels deep")
    operator = expression.get("Operator", "And")
    if operator not in ("And", "Or"):
        raise invalid(f"Value '{operator}' at 'searchExpression.operator' must be And or Or")
    nested = expression.get("NestedFilters") or []
    filters = list(expression.get("Filters") or [])
    for group in nested:
        filters += group.get("Filters") or []
    if len(filters) > 20:
        raise invalid("A SearchExpression can have at most 20 filters")
    for item in filters:
        if not isinstance(item, dict) or not isinstance(item.get("Name"), str):
            raise invalid("Each filter needs a Name")
        if item.get("Operator", "Equals") not in OPERATORS:
            raise invalid(
                f"Value '{item.get('Operator')}' at 'filter.operator' is not a valid operator"
            )
        if item.get("Operator", "Equals") not in ("Exists", "NotExists") and "Value" not in item:
            raise invalid(
                f"Filter on '{item['Name']}' with operator {item.get('Operator')} needs a Value"
            )
    for sub in expression.get("SubExpressions") or []:
        _check_expression(sub, depth + 1)


def _matches(record: dict[str, Any], expression: dict[str, Any]) -> bool:
    results = [_filter_holds(record, f) for f in expression.get("Filters") or []]
    for group in expression.get("NestedFilters") or []:
        results.append(_nested_holds(record, group))
    results += [_matches(record, sub) for sub in expression.get("SubExpressions") or []]
    if not results:
        return True
    return all(results) if expression.get("Operator", "And") == "And" else any(results)


def _nested_holds(record: dict[str, Any], group: dict[str, Any]) -> bool:
    prefix = str(group.get("NestedPropertyName", ""))
    elements = _lookup(record, prefix)
    if not isinstance(elements, list):
        return False
    filters = group.get("Filters") or []
    for element in elements:
        holds = True
        for item in filters:
            name = str(item["Name"])
            relative = name[len(prefix) + 1 :] if name.startswith(prefix + ".") else name
            holds = holds and _filter_holds(element, {**item, "Name": relative})
        if holds:
            return True
    return False


def _lookup(record: Any, path: str) -> Any:
    """A dotted property: Tags.team reads the tag, lists match through their elements."""
    current: Any = record
    parts = path.split(".") if path else []
    for index, part in enumerate(parts):
        if isinstance(current, dict) and part == "Tags" and isinstance(current.get("Tags"), list):
            tags = {t["Key"]: t["Value"] for t in current["Tags"]}
            rest = ".".join(parts[index + 1 :])
            return tags.get(rest, MISSING) if rest else current["Tags"]
        if isinstance(current, list):
            values = [_lookup(item, ".".join(parts[index:])) for item in current]
            values = [v for v in values if v is not MISSING]
            return values if values else MISSING
        if not isinstance(current, dict) or part not in current:
            return MISSING
        current = current[part]
    return current


def _filter_holds(record: Any, item: dict[str, Any]) -> bool:
    operator = item.get("Operator", "Equals")
    actual = _lookup(record, str(item["Name"]))
    if operator == "Exists":
        return actual is not MISSING
    if operator == "NotExists":
        return actual is MISSING
    if actual is MISSING:
        return operator == "NotEquals"
    candidates = actual if isinstance(actual, list) else [actual]
    if operator == "NotEquals":
        return all(not _compare(c, "Equals", item["Value"]) for c in candidates)
    return any(_compare(c, operator, item["Value"]) for c in candidates)


def _compare(actual: Any, operator: str, expected: Any) -> bool:
    if operator == "In":
        return any(_compare(actual, "Equals", v.strip()) for v in str(expected).split(","))
    if operator == "Contains":
        return str(expected) in str(actual)
    left, right = _comparable(actual, expected)
    if operator == "Equals":
        return bool(left == right)
    try:
        return {
            "GreaterThan": left > right,
            "GreaterThanOrEqualTo": left >= right,
            "LessThan": left < right,
            "LessThanOrEqualTo": left <= right,
        }[operator]
    except TypeError:
        return False


def _comparable(actual: Any, expected: Any) -> tuple[Any, Any]:
    if isinstance(actual, datetime):
        return actual.timestamp(), _as_timestamp(expected)
    if isinstance(actual, (int, float)) and not isinstance(actual, bool):
        try:
            return float(actual), float(expected)
        except (TypeError, ValueError):
            return str(actual), str(expected)
    return str(actual), str(expected)


def _as_timestamp(value: Any) -> float | str:
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def _sort_key(value: Any) -> Any:
    if isinstance(value, datetime):
        return (0, value.timestamp(), "")
    if isinstance(value, (int, float)):
        return (0, float(value), "")
    return (1, 0.0, str(value))
