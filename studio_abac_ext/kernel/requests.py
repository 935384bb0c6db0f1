"""The requests this kernel sends, kept so that a denial can say exactly what was asked.

``before-parameter-build`` keeps each call's parameters (after auto-tagging) in botocore's request
context; ``after-call`` files the call away when AWS answered with an error, with the very response
dict botocore then raises as ``ClientError.response``, so a denial finds its request by identity.
Which errors are denials is not decided here: ``aws.errors.classify`` is the one place that reads
botocore's error codes. The resource ARN SageMaker would name is derived from the parameters, for
messages that name none.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

CONTEXT_KEY = "studio_abac_request"
# SageMaker's name parameters and the ARN resource type each names (ARNs lower-case the name).
SAGEMAKER_NAME_PARAMS = (
    ("TrialComponentName", "experiment-trial-component"),
    ("TrialName", "experiment-trial"),
    ("ExperimentName", "experiment"),
    ("TrainingJobName", "training-job"),
    ("EndpointConfigName", "endpoint-config"),
    ("EndpointName", "endpoint"),
    ("ModelName", "model"),
    ("ProcessingJobName", "processing-job"),
    ("TransformJobName", "transform-job"),
    ("HyperParameterTuningJobName", "hyper-parameter-tuning-job"),
    ("PipelineName", "pipeline"),
    ("ModelPackageGroupName", "model-package-group"),
    ("FeatureGroupName", "feature-group"),
)
NOUN = re.compile(r"^(?:Create|Describe|Update|Delete|Stop|Start|BatchPut)(?P<noun>[A-Za-z]+?)s?$")


@dataclass(frozen=True)
class SentRequest:
    """One call as it left the kernel; ``tags`` are those sent, after auto-tagging."""

    service: str  # the IAM prefix (signing name): sagemaker-metrics calls are sagemaker:...
    operation: str
    params: dict[str, Any]
    region: str

    @property
    def tags(self) -> dict[str, str]:
        tags = self.params.get("Tags")
        if not isinstance(tags, list):
            return {}
        return {str(t["Key"]): str(t.get("Value", "")) for t in tags if isinstance(t, dict)}


@dataclass(frozen=True)
class FailedRequest:
    """A call AWS answered with an error, and the parsed response botocore raises it with."""

    request: SentRequest
    response: Any


def sagemaker_arn(operation: str, params: dict[str, Any], region: str, account: str) -> str | None:
    """The ARN of the SageMaker resource a call names, preferring the one its noun names."""
    if isinstance(params.get("ResourceArn"), str):
        return str(params["ResourceArn"])
    match = NOUN.match(operation)
    noun = f"{match.group('noun')}Name" if match else ""
    ordered = sorted(SAGEMAKER_NAME_PARAMS, key=lambda pair: pair[0] != noun)
    for param, resource_type in ordered:
        value = params.get(param)
        if isinstance(value, str) and value:
            return f"arn:aws:sagemaker:{region}:{account}:{resource_type}/{value.lower()}"
    return None


def derived_resource(request: SentRequest, account: str) -> str:
    params = request.params
    if request.service == "sagemaker":
        return sagemaker_arn(request.operation, params, request.region, account) or "*"
    if request.service == "s3" and isinstance(params.get("Bucket"), str):
        key = params.get("Key")
        return f"arn:aws:s3:::{params['Bucket']}" + (f"/{key}" if isinstance(key, str) else "")
    return "*"


class RequestLog:
    """The last requests of this kernel that AWS answered with an error, newest last."""

    def __init__(self, size: int = 20) -> None:
        self._failed: deque[FailedRequest] = deque(maxlen=size)
        self._lock = threading.Lock()

    def before_parameter_build(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **kwargs: Any
    ) -> None:
        service_model = model.service_model
        context[CONTEXT_KEY] = SentRequest(
            service=service_model.signing_name or service_model.endpoint_prefix,
            operation=model.name,
            params=params,  # the very dict botocore serialises, so later handlers' tags show
            region=str(context.get("client_region") or ""),
        )

    def after_call(
        self, http_response: Any, parsed: Any, context: dict[str, Any], **kwargs: Any
    ) -> None:
        request = context.get(CONTEXT_KEY)
        # botocore raises a ClientError with this very dict when the status is 300 or more.
        if isinstance(request, SentRequest) and getattr(http_response, "status_code", 0) >= 300:
            with self._lock:
                self._failed.append(FailedRequest(request, parsed))

    def find(self, response: Any) -> SentRequest | None:
        """The request whose answer a ClientError carries (its ``response``), newest first."""
        with self._lock:
            for failed in reversed(self._failed):
                if failed.response is response:
                    return failed.request
        return None
