"""SageMaker experiment calls: create with tags, read back, update, delete; SageMaker's rules
for names and tags. The name rule is written once in Python, ``scenario/rules.py``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..scenario.rules import SAGEMAKER_NAME
from .clients import AwsRunner
from .resources import ResourceRecord, resource_tags

# An experiment, trial or trial component name: ``^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$``, used
# with ``fullmatch`` (``$`` alone lets a trailing newline through).
ENTITY_NAME = SAGEMAKER_NAME
MAX_TAGS = 50
MAX_DESCRIPTION = 3072


def experiment_arn(region: str, account: str, name: str) -> str:
    """SageMaker lower-cases names in ARNs."""
    return f"arn:aws:sagemaker:{region}:{account}:experiment/{name.lower()}"


async def create_experiment(
    runner: AwsRunner,
    arn: str,
    name: str,
    tags: Mapping[str, str],
    description: str | None,
    display_name: str | None,
) -> str:
    params: dict[str, Any] = {
        "ExperimentName": name,
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
    }
    if description is not None:
        params["Description"] = description
    if display_name is not None:
        params["DisplayName"] = display_name
    reply = await runner.call("sagemaker", "create_experiment", resource=arn, **params)
    return str(reply.get("ExperimentArn") or arn)


async def update_experiment(
    runner: AwsRunner, arn: str, name: str, description: str | None, display_name: str | None
) -> None:
    params: dict[str, Any] = {"ExperimentName": name}
    if description is not None:
        params["Description"] = description
    if display_name is not None:
        params["DisplayName"] = display_name
    await runner.call("sagemaker", "update_experiment", resource=arn, **params)


async def delete_experiment(runner: AwsRunner, arn: str, name: str) -> None:
    await runner.call("sagemaker", "delete_experiment", resource=arn, ExperimentName=name)


async def experiment_record(runner: AwsRunner, arn: str, name: str) -> ResourceRecord:
    """The experiment as AWS has it now, its tags included: the name in AWS's own spelling
    (names are case-insensitive: ``caseexp1`` finds ``CaseExp1``)."""
    reply = await runner.call("sagemaker", "describe_experiment", resource=arn, ExperimentName=name)
    stored_arn = str(reply.get("ExperimentArn") or arn)
    created = reply.get("CreationTime")
    profile = (reply.get("CreatedBy") or {}).get("UserProfileName")
    return ResourceRecord(
        "experiment",
        str(reply.get("ExperimentName") or name),
        stored_arn,
        created if isinstance(created, datetime) else None,
        await resource_tags(runner, stored_arn),
        profile if isinstance(profile, str) else None,
    )
