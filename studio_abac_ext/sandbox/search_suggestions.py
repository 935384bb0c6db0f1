"""GetSearchSuggestions: the property names of Search's records that begin with a hint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .experiments_api import Actor
from .sagemaker_inputs import invalid
from .search import RESOURCE_ENUM, built_records
from .studio_store import StudioStore

MAX_HINT_LENGTH = 100
# Properties whose members are named by a key of theirs, as Search's filters name them.
NAMED_LISTS = {"Tags": "Key", "Metrics": "MetricName"}
NAMED_MAPS = ("Parameters", "HyperParameters")


def get_search_suggestions(
    store: StudioStore, params: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    resource = params.get("Resource")
    if resource not in RESOURCE_ENUM:
        raise invalid(
            f"1 validation error detected: Value '{resource}' at 'resource' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(RESOURCE_ENUM)}]"
        )
    query = params.get("SuggestionQuery") or {}
    name_query = query.get("PropertyNameQuery") if isinstance(query, dict) else None
    if not isinstance(name_query, dict):
        return {"PropertyNameSuggestions": []}
    hint = name_query.get("PropertyNameHint")
    if not isinstance(hint, str) or len(hint) > MAX_HINT_LENGTH:
        raise invalid(
            "1 validation error detected: Value at "
            "'suggestionQuery.propertyNameQuery.propertyNameHint' failed to satisfy "
            f"constraint: Member must not be null and have length <= {MAX_HINT_LENGTH}"
        )
    names = {
        name
        for record in built_records(store, str(resource))
        for name in property_names(record)
        if name.lower().startswith(hint.lower())
    }
    return {"PropertyNameSuggestions": [{"PropertyName": name} for name in sorted(names)]}


def property_names(value: Any, prefix: str = "") -> Iterator[str]:
    """The dotted names Search filters on: Tags.team, Parameters.rate, Metrics.loss.Max..."""
    if isinstance(value, dict):
        for key, member in value.items():
            path = f"{prefix}{key}"
            if key in NAMED_LISTS and isinstance(member, list):
                for element in member:
                    if isinstance(element, dict) and NAMED_LISTS[key] in element:
                        named = f"{path}.{element[NAMED_LISTS[key]]}"
                        if key == "Tags":
                            yield named
                        else:
                            yield from _leaves(element, named, NAMED_LISTS[key])
            elif key in NAMED_MAPS and isinstance(member, dict):
                yield from (f"{path}.{name}" for name in member)
            else:
                yield from property_names(member, f"{path}.")
    elif isinstance(value, list):
        for element in value:
            yield from property_names(element, prefix)
    elif prefix:
        yield prefix[:-1]


def _leaves(element: dict[str, Any], path: str, naming_key: str) -> Iterator[str]:
    for key in element:
        if key != naming_key:
            yield f"{path}.{key}"
