"""Which IAM action, resource ARNs and request tags a SageMaker API call carries.

SageMaker lower-cases resource names in ARNs (experiment/usera1teamaexperiment1 for
USERA1TEAMAEXPERIMENT1); the IAM resource of a call is the ARN of the thing it names.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Parameter naming a resource -> the ARN resource type it names.
NAME_PARAMS = {
    "ExperimentName": "experiment",
    "TrialName": "experiment-trial",
    "TrialComponentName": "experiment-trial-component",
    "TrainingJobName": "training-job",
    "ModelName": "model",
    "EndpointName": "endpoint",
    "EndpointConfigName": "endpoint-config",
    "ProcessingJobName": "processing-job",
    "TransformJobName": "transform-job",
    "NotebookInstanceName": "notebook-instance",
    "HyperParameterTuningJobName": "hyper-parameter-tuning-job",
    "PipelineName": "pipeline",
    "ModelPackageGroupName": "model-package-group",
    "FeatureGroupName": "feature-group",
    "AutoMLJobName": "automl-job",
    "CompilationJobName": "compilation-job",
    "ModelCardName": "model-card",
}
# The noun of an operation (CreateTrial -> Trial) -> the parameter naming its resource.
NOUN_PARAMS = {
    "Experiment": "ExperimentName",
    "Trial": "TrialName",
    "TrialComponent": "TrialComponentName",
    "TrainingJob": "TrainingJobName",
    "Model": "ModelName",
    "Endpoint": "EndpointName",
    "EndpointConfig": "EndpointConfigName",
    "ProcessingJob": "ProcessingJobName",
    "TransformJob": "TransformJobName",
    "NotebookInstance": "NotebookInstanceName",
    "HyperParameterTuningJob": "HyperParameterTuningJobName",
    "Pipeline": "PipelineName",
    "ModelPackageGroup": "ModelPackageGroupName",
    "FeatureGroup": "FeatureGroupName",
}
VERB = re.compile(r"^(Create|Describe|Update|Delete|Stop|Start|Invoke)(?=[A-Z])")
UNSCOPED_PREFIXES = (
    "List",
    "Search",
    "GetSearchSuggestions",
    "BatchGetMetrics",
    "RenderUiTemplate",
)


@dataclass(frozen=True)
class SageMakerTarget:
    """The IAM view of a SageMaker call: every resource must be allowed for the call to pass."""

    action: str
    resources: tuple[str, ...]
    request_tags: dict[str, str] | None
    tag_keys: tuple[str, ...] | None
    creates: bool


def domain_id_for(name: str) -> str:
    """Domain IDs look like AWS's (d- and 12 characters) and are stable for a name."""
    return "d-" + hashlib.sha256(name.encode()).hexdigest()[:12]


def arn(region: str, account_id: str, resource: str) -> str:
    return f"arn:aws:sagemaker:{region}:{account_id}:{resource}"


def sagemaker_target(
    operation: str, params: dict[str, Any], region: str, account: str
) -> SageMakerTarget:
    action = f"sagemaker:{operation}"
    # CreatePresigned*Url acts on an existing resource (its tags count); other Create* make one.
    creates = operation.startswith("Create") and not operation.startswith("CreatePresigned")
    request_tags, tag_keys = _tags_of(operation, params)
    resources = tuple(arn(region, account, r) for r in _resource_paths(operation, params))
    if not resources:
        if "ResourceArn" in params and isinstance(params["ResourceArn"], str):
            resources = (params["ResourceArn"],)
        else:
            if not operation.startswith(UNSCOPED_PREFIXES):
                log.debug("no resource mapping for sagemaker:%s; evaluating on '*'", operation)
            resources = ("*",)
    return SageMakerTarget(action, resources, request_tags, tag_keys, creates)


def _resource_paths(operation: str, params: dict[str, Any]) -> list[str]:
    if operation.startswith(UNSCOPED_PREFIXES):
        return []

    def text(name: str) -> str:
        value = params.get(name)
        return value.lower() if isinstance(value, str) else ""

    domain = params.get("DomainId") if isinstance(params.get("DomainId"), str) else ""
    if operation in ("AssociateTrialComponent", "DisassociateTrialComponent"):
        return [
            f"experiment-trial-component/{text('TrialComponentName')}",
            f"experiment-trial/{text('TrialName')}",
        ]
    if operation.endswith("App") and domain and text("AppName"):
        owner = text("UserProfileName") or text("SpaceName")
        return [f"app/{domain}/{owner}/{text('AppType')}/{text('AppName')}"]
    if operation.endswith(("UserProfile", "PresignedDomainUrl")) and domain:
        return [f"user-profile/{domain}/{text('UserProfileName')}"]
    if operation.endswith("Space") and domain:
        return [f"space/{domain}/{text('SpaceName')}"]
    if operation.endswith("Domain"):
        if domain:
            return [f"domain/{domain}"]
        if operation == "CreateDomain" and isinstance(params.get("DomainName"), str):
            return [f"domain/{domain_id_for(params['DomainName'])}"]
        return []
    noun = VERB.sub("", operation)
    param = NOUN_PARAMS.get(noun)
    if param and text(param):
        return [f"{NAME_PARAMS[param]}/{text(param)}"]
    for param, resource_type in NAME_PARAMS.items():
        if text(param):
            return [f"{resource_type}/{text(param)}"]
    return []


def _tags_of(
    operation: str, params: dict[str, Any]
) -> tuple[dict[str, str] | None, tuple[str, ...] | None]:
    """aws:RequestTag/* and aws:TagKeys: Create* and AddTags send tags, DeleteTags only keys."""
    if operation == "DeleteTags":
        keys = params.get("TagKeys")
        return None, tuple(str(k) for k in keys) if isinstance(keys, list) else ()
    sends_tags = operation == "AddTags" or (
        operation.startswith("Create") and not operation.startswith("CreatePresigned")
    )
    if sends_tags:
        tags = params.get("Tags")
        if not isinstance(tags, list) or not tags:
            return None, None
        pairs = {
            str(t.get("Key")): str(t.get("Value", ""))
            for t in tags
            if isinstance(t, dict) and "Key" in t
        }
        return pairs, tuple(pairs)
    return None, None
