"""The SageMaker state moto lacks or mangles: experiments, trials, trial components, Studio
domains, user profiles, spaces and apps, kept with their tags, the clock of training jobs, plus
tag access for moto's own resources."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from moto.sagemaker.models import SageMakerModelBackend, sagemaker_backends

EXPERIMENT = "Experiment"
TRIAL = "ExperimentTrial"
TRIAL_COMPONENT = "ExperimentTrialComponent"
DOMAIN = "Domain"
USER_PROFILE = "UserProfile"
APP = "App"
SPACE = "Space"
ARN_TYPES = {
    EXPERIMENT: "experiment",
    TRIAL: "experiment-trial",
    TRIAL_COMPONENT: "experiment-trial-component",
    DOMAIN: "domain",
    USER_PROFILE: "user-profile",
    APP: "app",
    SPACE: "space",
}
MAX_TAGS = 50
# How long a training job created in the sandbox stays InProgress (and Stopping) before it ends.
TRAINING_SECONDS_VARIABLE = "STUDIO_ABAC_SANDBOX_TRAINING_SECONDS"
DEFAULT_TRAINING_SECONDS = 5.0


class ApiError(Exception):
    """An AWS service error (code, message, HTTP status) raised by the gateway's own operations."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class StudioRecord:
    kind: str
    key: str
    arn: str
    fields: dict[str, Any]
    tags: list[dict[str, str]] = field(default_factory=list)
    links: set[str] = field(default_factory=set)  # trial keys of a trial component


@dataclass
class TrainingRun:
    """When a training job started, how long it runs, and when a StopTrainingJob came."""

    started: datetime
    seconds: float
    stop_requested: datetime | None = None


def training_seconds_default() -> float:
    value = os.environ.get(TRAINING_SECONDS_VARIABLE, "")
    try:
        return max(0.0, float(value)) if value else DEFAULT_TRAINING_SECONDS
    except ValueError:
        return DEFAULT_TRAINING_SECONDS


class StudioStore:
    """Records by kind and lower-cased key; one lock guards the store and moto's SageMaker tags."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region
        self.lock = threading.RLock()
        self._records: dict[str, dict[str, StudioRecord]] = {kind: {} for kind in ARN_TYPES}
        self.training_runs: dict[str, TrainingRun] = {}  # by lower-cased job name
        self.training_seconds = training_seconds_default()

    @property
    def moto(self) -> SageMakerModelBackend:
        backend: SageMakerModelBackend = sagemaker_backends[self.account_id][self.region]
        return backend

    def reset(self) -> None:
        with self.lock:
            self._records = {kind: {} for kind in ARN_TYPES}
            self.training_runs = {}
            self.training_seconds = training_seconds_default()

    def arn(self, kind: str, key: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{self.account_id}:{ARN_TYPES[kind]}/{key}"

    def add(
        self, kind: str, key: str, fields: dict[str, Any], tags: list[dict[str, str]]
    ) -> StudioRecord:
        record = StudioRecord(kind, key, self.arn(kind, key), fields, list(tags))
        self._records[kind][key] = record
        return record

    def get(self, kind: str, key: str) -> StudioRecord | None:
        return self._records[kind].get(key)

    def remove(self, kind: str, key: str) -> None:
        self._records[kind].pop(key, None)

    def all(self, kind: str) -> list[StudioRecord]:
        return list(self._records[kind].values())

    def by_arn(self, arn: str) -> StudioRecord | None:
        for kind, type_name in ARN_TYPES.items():
            prefix = f"arn:aws:sagemaker:{self.region}:{self.account_id}:{type_name}/"
            if arn.startswith(prefix):
                return self._records[kind].get(arn[len(prefix) :])
        return None

    def tag_list(self, arn: str) -> list[dict[str, str]] | None:
        """The live tag list of a SageMaker resource (ours or moto's); None if absent."""
        record = self.by_arn(arn)
        if record is not None:
            return record.tags
        moto_resource = self._moto_resource(arn)
        if moto_resource is None:
            return None
        if getattr(moto_resource, "tags", None) is None:
            moto_resource.tags = []
        tags: list[dict[str, str]] = moto_resource.tags
        return tags

    def resource_tags(self, arn: str) -> dict[str, str]:
        with self.lock:
            tags = self.tag_list(arn) or []
            return {t["Key"]: t["Value"] for t in tags}

    def _moto_resource(self, arn: str) -> Any:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "sagemaker" or "/" not in parts[5]:
            return None
        resource_type, name = parts[5].split("/", 1)
        collections = {
            "training-job": "training_jobs",
            "model": "_models",
            "endpoint": "endpoints",
            "endpoint-config": "endpoint_configs",
            "processing-job": "processing_jobs",
            "transform-job": "transform_jobs",
            "notebook-instance": "notebook_instances",
            "pipeline": "pipelines",
            "model-package-group": "model_package_groups",
            "hyper-parameter-tuning-job": "hyper_parameter_tuning_jobs",
        }
        collection = getattr(self.moto, collections.get(resource_type, ""), None)
        if not isinstance(collection, dict):
            return None
        for resource_name, resource in collection.items():
            if resource_name.lower() == name.lower():
                return resource[0] if isinstance(resource, list) else resource
        return None


def merge_tags(existing: list[dict[str, str]], added: list[dict[str, str]]) -> None:
    """AddTags semantics: a new value replaces the old one for the same key; at most 50 tags."""
    merged = {t["Key"]: t["Value"] for t in existing}
    merged.update({t["Key"]: t.get("Value", "") for t in added})
    if len(merged) > MAX_TAGS:
        raise ApiError("ValidationException", f"A resource can have at most {MAX_TAGS} tags.")
    existing[:] = [{"Key": key, "Value": value} for key, value in merged.items()]
