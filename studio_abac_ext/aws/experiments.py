"""SageMaker experiment calls: create with tags, update, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .clients import AwsRunner


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
