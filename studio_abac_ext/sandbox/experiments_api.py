"""Experiments, trials, trial components and tags, as SageMaker answers them.

Fills moto's gaps: tags given at create time are kept, names are checked and unique (SageMaker
names are case-insensitive: their ARNs are lower-cased), UpdateExperiment exists, and missing
resources give ResourceNotFound instead of a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .sagemaker_inputs import optional_text, page, required_name, tag_list
from .studio_store import (
    EXPERIMENT,
    TRIAL,
    TRIAL_COMPONENT,
    ApiError,
    StudioRecord,
    StudioStore,
    merge_tags,
    utcnow,
)

NOUNS = {EXPERIMENT: "Experiment", TRIAL: "Trial", TRIAL_COMPONENT: "TrialComponent"}


@dataclass(frozen=True)
class Actor:
    """Who acts, as SageMaker records it: CreatedBy/LastModifiedBy and Studio's automatic tags."""

    created_by: dict[str, str] = field(default_factory=dict)
    auto_tags: tuple[tuple[str, str], ...] = ()


Handler = Callable[[StudioStore, dict[str, Any], Actor], dict[str, Any]]


def not_found(store: StudioStore, kind: str, key: str) -> ApiError:
    return ApiError("ResourceNotFound", f"{NOUNS[kind]} '{store.arn(kind, key)}' does not exist.")


def existing(store: StudioStore, kind: str, params: dict[str, Any]) -> StudioRecord:
    name = required_name(params, f"{NOUNS[kind]}Name")
    record = store.get(kind, name.lower())
    if record is None:
        raise not_found(store, kind, name.lower())
    return record


def _create(store: StudioStore, kind: str, params: dict[str, Any], actor: Actor) -> StudioRecord:
    noun = NOUNS[kind]
    name = required_name(params, f"{noun}Name")
    display = optional_text(params, "DisplayName", 120) or name
    tags = tag_list(params)
    if store.get(kind, name.lower()) is not None:
        raise ApiError("ValidationException", f"{noun} with name ({name}) already exists.")
    now = utcnow()
    fields: dict[str, Any] = {
        f"{noun}Name": name,
        "DisplayName": display,
        "CreationTime": now,
        "CreatedBy": dict(actor.created_by),
        "LastModifiedTime": now,
        "LastModifiedBy": dict(actor.created_by),
    }
    auto = [{"Key": key, "Value": value} for key, value in actor.auto_tags]
    initial_tags: list[dict[str, str]] = []
    merge_tags(initial_tags, tags + auto)
    record = store.add(kind, name.lower(), fields, initial_tags)
    fields[f"{noun}Arn"] = record.arn
    return record


def create_experiment(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    description = optional_text(params, "Description", 3072)
    record = _create(store, EXPERIMENT, params, actor)
    if description is not None:
        record.fields["Description"] = description
    return {"ExperimentArn": record.arn}


def create_trial(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    experiment = existing(store, EXPERIMENT, params)
    record = _create(store, TRIAL, params, actor)
    record.fields["ExperimentName"] = experiment.fields["ExperimentName"]
    return {"TrialArn": record.arn}


def create_trial_component(
    store: StudioStore, params: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    record = _create(store, TRIAL_COMPONENT, params, actor)
    for key in (
        "Status",
        "StartTime",
        "EndTime",
        "Parameters",
        "InputArtifacts",
        "OutputArtifacts",
    ):
        if key in params:
            record.fields[key] = params[key]
    record.fields.setdefault("Status", {"PrimaryStatus": "InProgress"})
    record.fields["Metrics"] = []
    return {"TrialComponentArn": record.arn}


def _describe(kind: str) -> Handler:
    def describe(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
        return dict(existing(store, kind, params).fields)

    return describe


def _update(kind: str, fields: tuple[str, ...]) -> Handler:
    def update(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
        record = existing(store, kind, params)
        changes = {key: params[key] for key in fields if key in params}
        if "DisplayName" in changes:
            optional_text(params, "DisplayName", 120)
        if "Description" in changes:
            optional_text(params, "Description", 3072)
        record.fields.update(changes)
        record.fields["LastModifiedTime"] = utcnow()
        record.fields["LastModifiedBy"] = dict(actor.created_by)
        return {f"{NOUNS[kind]}Arn": record.arn}

    return update


def _delete(kind: str) -> Handler:
    def delete(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
        record = existing(store, kind, params)
        _refuse_if_in_use(store, record)
        store.remove(kind, record.key)
        return {f"{NOUNS[kind]}Arn": record.arn}

    return delete


def _refuse_if_in_use(store: StudioStore, record: StudioRecord) -> None:
    """SageMaker deletes no parent of a live child: "All trials associated with the experiment
    must be deleted first", "All trial components that make up the trial must be deleted first",
    "A trial component must be disassociated from all trials before the trial component can be
    deleted" (the API reference of DeleteExperiment, DeleteTrial, DeleteTrialComponent)."""
    name = record.fields[f"{NOUNS[record.kind]}Name"]
    if record.kind == EXPERIMENT:
        trials = [
            t for t in store.all(TRIAL) if t.fields.get("ExperimentName", "").lower() == record.key
        ]
        if trials:
            raise ApiError(
                "ValidationException",
                f"Experiment '{name}' has {len(trials)} associated trial(s) "
                f"(e.g. '{trials[0].fields['TrialName']}'); delete them first.",
            )
    elif record.kind == TRIAL:
        components = [c for c in store.all(TRIAL_COMPONENT) if record.key in c.links]
        if components:
            raise ApiError(
                "ValidationException",
                f"Trial '{name}' has {len(components)} associated trial component(s) "
                f"(e.g. '{components[0].fields['TrialComponentName']}'); disassociate or "
                "delete them first.",
            )
    elif record.links:
        raise ApiError(
            "ValidationException",
            f"TrialComponent '{name}' is associated with {len(record.links)} trial(s) "
            f"(e.g. '{sorted(record.links)[0]}'); disassociate it from all trials first.",
        )


def summary(record: StudioRecord) -> dict[str, Any]:
    noun = NOUNS[record.kind]
    keys = (f"{noun}Name", f"{noun}Arn", "DisplayName", "CreationTime", "LastModifiedTime")
    extra = ("Status", "CreatedBy", "LastModifiedBy") if record.kind == TRIAL_COMPONENT else ()
    return {key: record.fields[key] for key in keys + extra if key in record.fields}


def _list(kind: str) -> Handler:
    def list_records(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
        records = [r for r in store.all(kind) if _matches_list_filters(store, r, params)]
        sort_key = (
            "CreationTime" if params.get("SortBy", "CreationTime") == "CreationTime" else "Name"
        )
        records.sort(
            key=lambda r: r.fields["CreationTime"] if sort_key == "CreationTime" else r.key,
            reverse=params.get("SortOrder", "Descending") == "Descending",
        )
        chunk, token = page(records, params, default_size=10)
        reply: dict[str, Any] = {f"{NOUNS[kind]}Summaries": [summary(r) for r in chunk]}
        if token:
            reply["NextToken"] = token
        return reply

    return list_records


def _matches_list_filters(store: StudioStore, record: StudioRecord, params: dict[str, Any]) -> bool:
    created = record.fields["CreationTime"].timestamp()
    if "CreatedAfter" in params and created <= float(params["CreatedAfter"]):
        return False
    if "CreatedBefore" in params and created >= float(params["CreatedBefore"]):
        return False
    experiment = str(params.get("ExperimentName", "")).lower()
    trial = str(params.get("TrialName", "")).lower()
    if record.kind == TRIAL:
        if experiment and record.fields.get("ExperimentName", "").lower() != experiment:
            return False
        component = str(params.get("TrialComponentName", "")).lower()
        if component:
            linked = store.get(TRIAL_COMPONENT, component)
            return linked is not None and record.key in linked.links
    if record.kind == TRIAL_COMPONENT:
        if trial and trial not in record.links:
            return False
        if experiment:
            trials = [store.get(TRIAL, key) for key in record.links]
            names = {t.fields.get("ExperimentName", "").lower() for t in trials if t is not None}
            return experiment in names
    return True


def associate(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    component = existing(store, TRIAL_COMPONENT, params)
    trial = existing(store, TRIAL, params)
    component.links.add(trial.key)
    return {"TrialComponentArn": component.arn, "TrialArn": trial.arn}


def disassociate(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    component = existing(store, TRIAL_COMPONENT, params)
    trial = existing(store, TRIAL, params)
    component.links.discard(trial.key)
    return {"TrialComponentArn": component.arn, "TrialArn": trial.arn}


def _tagged(store: StudioStore, params: dict[str, Any]) -> list[dict[str, str]]:
    arn = params.get("ResourceArn")
    if not isinstance(arn, str):
        raise ApiError("ValidationException", "ResourceArn is required.")
    tags = store.tag_list(arn)
    if tags is None:
        raise ApiError("ResourceNotFound", f"Resource '{arn}' does not exist.")
    return tags


def add_tags(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    added = tag_list(params)
    tags = _tagged(store, params)
    merge_tags(tags, added)
    return {"Tags": added}


def delete_tags(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    keys = params.get("TagKeys")
    if not isinstance(keys, list) or not keys:
        raise ApiError("ValidationException", "TagKeys must name at least one tag key.")
    tags = _tagged(store, params)
    tags[:] = [tag for tag in tags if tag["Key"] not in keys]
    return {}


def list_tags(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    tags = _tagged(store, params)
    chunk, token = page(list(tags), params, default_size=50)
    return {"Tags": chunk, **({"NextToken": token} if token else {})}


HANDLERS: dict[str, Handler] = {
    "CreateExperiment": create_experiment,
    "DescribeExperiment": _describe(EXPERIMENT),
    "UpdateExperiment": _update(EXPERIMENT, ("DisplayName", "Description")),
    "DeleteExperiment": _delete(EXPERIMENT),
    "ListExperiments": _list(EXPERIMENT),
    "CreateTrial": create_trial,
    "DescribeTrial": _describe(TRIAL),
    "UpdateTrial": _update(TRIAL, ("DisplayName",)),
    "DeleteTrial": _delete(TRIAL),
    "ListTrials": _list(TRIAL),
    "CreateTrialComponent": create_trial_component,
    "DescribeTrialComponent": _describe(TRIAL_COMPONENT),
    "UpdateTrialComponent": _update(
        TRIAL_COMPONENT,
        (
            "DisplayName",
            "Status",
            "StartTime",
            "EndTime",
            "Parameters",
            "InputArtifacts",
            "OutputArtifacts",
        ),
    ),
    "DeleteTrialComponent": _delete(TRIAL_COMPONENT),
    "ListTrialComponents": _list(TRIAL_COMPONENT),
    "AssociateTrialComponent": associate,
    "DisassociateTrialComponent": disassociate,
    "AddTags": add_tags,
    "DeleteTags": delete_tags,
    "ListTags": list_tags,
}
