"""SageMaker Search with every filter honoured (moto stops at the first Tags filter).

Filters are AND'ed, SubExpressions combine with the expression's Operator, NestedFilters match
when one element of a list property satisfies all their filters; SortBy/SortOrder and
MaxResults/NextToken paging apply.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .experiments_api import Actor
from .sagemaker_inputs import invalid, max_results, page
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
DEFAULT_PAGE_SIZE = 10
TOKEN_PREFIX = "sandbox-"


def search(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    resource = params.get("Resource")
    if resource not in RESOURCE_ENUM:
        raise invalid(
            f"1 validation error detected: Value '{resource}' at 'resource' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(RESOURCE_ENUM)}]"
        )
    expression = params.get("SearchExpression") or {}
    _check_expression(expression)
    source = _source(str(resource))
    required = _required_tags(expression)
    records = source.records(store)
    if required:
        records = [r for r in records if _has_tags(source.tags(r), required)]
    sort_by = str(params.get("SortBy") or "CreationTime")
    values = _sort_values(source, store, records, sort_by)
    present = [(value, r) for value, r in zip(values, records, strict=True) if value is not MISSING]
    absent = [r for value, r in zip(values, records, strict=True) if value is MISSING]
    descending = params.get("SortOrder", "Descending") == "Descending"
    present.sort(key=lambda pair: _sort_key(pair[0]), reverse=descending)
    ordered = [r for _, r in present] + absent
    # Records are built and matched in result order, only as far as this page needs: a page of
    # 100 out of 10,000 experiments builds and matches 101 records, not 10,000.
    built = (source.build(store, r) for r in ordered)
    matching = (r for r in built if _matches(r, expression))
    needed = _records_needed(params)
    found = list(itertools.islice(matching, needed) if needed is not None else matching)
    chunk, token = page(found, params, default_size=DEFAULT_PAGE_SIZE)
    name = RESULT_NAMES.get(str(resource), str(resource))
    reply: dict[str, Any] = {"Results": [{name: record} for record in chunk]}
    # Exact when every match was read; otherwise a lower bound, as AWS says for large counts
    # (counting all would build every record, which paging avoids).
    exact = needed is None or len(found) < needed
    reply["TotalHits"] = {
        "Value": len(found),
        "Relation": "EqualTo" if exact else "GreaterThanOrEqualTo",
    }
    return {**reply, "NextToken": token} if token else reply


def built_records(store: StudioStore, resource: str) -> list[dict[str, Any]]:
    """Every record of `resource` as Search returns it (GetSearchSuggestions reads them)."""
    source = _source(resource)
    return [source.build(store, r) for r in source.records(store)]


@dataclass(frozen=True)
class _Source:
    """How Search reads one resource's stored records without building them: their fields and
    tags (enough to filter and sort), and how to build the full record of a result."""

    records: Callable[[StudioStore], list[Any]]
    fields: Callable[[Any], dict[str, Any]]
    tags: Callable[[Any], list[dict[str, str]]]
    build: Callable[[StudioStore, Any], dict[str, Any]]
    derived: frozenset[str] = frozenset()  # properties only the built record has


def _sort_values(source: _Source, store: StudioStore, records: list[Any], path: str) -> list[Any]:
    root = path.split(".", 1)[0]
    if root == "Tags":
        return [_lookup({"Tags": source.tags(r)}, path) for r in records]
    if root in source.derived:
        return [_lookup(source.build(store, r), path) for r in records]
    if root == path:
        return [source.fields(r).get(path, MISSING) for r in records]
    return [_lookup(source.fields(r), path) for r in records]


def _records_needed(params: dict[str, Any]) -> int | None:
    """How many matches decide the page and whether another follows; None: every one
    (a malformed token, which ``page`` rejects)."""
    size = max_results(params, DEFAULT_PAGE_SIZE)
    token = params.get("NextToken")
    if token is None:
        return size + 1
    digits = token[len(TOKEN_PREFIX) :] if isinstance(token, str) else ""
    if not (isinstance(token, str) and token.startswith(TOKEN_PREFIX) and digits.isdigit()):
        return None
    return int(digits) + size + 1


def _required_tags(expression: dict[str, Any]) -> dict[str, str]:
    """The ``Tags.<key> Equals <value>`` filters every match must meet (an And expression's own
    filters): records without those tags are skipped before anything is built."""
    if expression.get("Operator", "And") != "And":
        return {}
    required: dict[str, str] = {}
    for item in expression.get("Filters") or []:
        name = str(item["Name"])
        if name.startswith("Tags.") and item.get("Operator", "Equals") == "Equals":
            required.setdefault(name[len("Tags.") :], str(item["Value"]))
    return required


def _has_tags(tags: list[dict[str, str]], required: dict[str, str]) -> bool:
    for key, value in required.items():
        for tag in reversed(tags):  # the last value of a key wins, as in _lookup
            if tag["Key"] == key:
                if tag["Value"] != value:
                    return False
                break
        else:
            return False
    return True


MOTO_COLLECTIONS = {
    "TrainingJob": "training_jobs",
    "Endpoint": "endpoints",
    "Model": "_models",
    "Pipeline": "pipelines",
    "ModelPackageGroup": "model_package_groups",
    "FeatureGroup": "feature_groups",
    "HyperParameterTuningJob": "hyper_parameter_tuning_jobs",
}


def _source(resource: str) -> _Source:
    studio = STUDIO_SOURCES.get(resource)
    if studio is not None:
        return studio
    collection_name = MOTO_COLLECTIONS.get(resource, "")

    def records(store: StudioStore) -> list[dict[str, Any]]:
        collection = getattr(store.moto, collection_name, None) or {}
        return [_moto_record(item) for item in collection.values()]

    return _Source(records, lambda r: r, operator.itemgetter("Tags"), lambda store, record: record)


def _experiment(store: StudioStore, record: StudioRecord) -> dict[str, Any]:
    return _with_tags(record)


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


def _studio_source(
    kind: str, build: Callable[[StudioStore, Any], dict[str, Any]], *derived: str
) -> _Source:
    return _Source(
        lambda store: store.all(kind),
        operator.attrgetter("fields"),
        operator.attrgetter("tags"),
        build,
        frozenset(derived),
    )


STUDIO_SOURCES = {
    "Experiment": _studio_source(EXPERIMENT, _experiment),
    "ExperimentTrial": _studio_source(TRIAL, _trial, "TrialComponentSummaries"),
    "ExperimentTrialComponent": _studio_source(TRIAL_COMPONENT, _component, "Parents"),
}


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
    if isinstance(actual, dict) and ("NumberValue" in actual or "StringValue" in actual):
        # A trial component parameter: a number compares as a number, a string as a string.
        actual = actual["NumberValue"] if "NumberValue" in actual else str(actual["StringValue"])
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
