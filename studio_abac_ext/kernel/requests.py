"""The requests this kernel sends, kept so that a denial can say exactly what was asked.

``before-parameter-build`` keeps each call's parameters (after auto-tagging) in botocore's request
context; ``after-call`` files the call away when AWS answered with a denial. The resource ARN
SageMaker would name is derived from the parameters, for messages that name none.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

CONTEXT_KEY = "studio_abac_request"
OTHER_DENIAL_CODES = ("UnauthorizedOperation", "AuthorizationError")
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
class DeniedRequest:
    request: SentRequest
    code: str
    message: str


def is_denial_code(code: str) -> bool:
    return code.startswith("AccessDenied") or code in (
        "UnauthorizedOperation",
        "AuthorizationError",
    )


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
    """The last denied requests of this kernel, newest last."""

    def __init__(self, size: int = 20) -> None:
        self._denied: deque[DeniedRequest] = deque(maxlen=size)
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

    def after_call(self, parsed: Any, context: dict[str, Any], **kwargs: Any) -> None:
        request = context.get(CONTEXT_KEY)
        error = parsed.get("Error") if isinstance(parsed, dict) else None
        if not isinstance(request, SentRequest) or not isinstance(error, dict):
            return
        code = str(error.get("Code", ""))
        if is_denial_code(code):
            with self._lock:
                self._denied.append(DeniedRequest(request, code, str(error.get("Message", ""))))

    def find(self, operation: str, code: str, message: str) -> SentRequest | None:
        """The request a ClientError reports, newest first."""
        with self._lock:
            for denied in reversed(self._denied):
                found = denied.request.operation == operation and denied.code == code
                if found and denied.message == message:
                    return denied.request
        return None
