"""SageMaker resources through Search: one AWS call per page, tags included in every record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from .clients import AwsRunner

Scope = Literal["team", "mine", "all"]


@dataclass(frozen=True)
class ResourceKind:
    """How one resource type appears in Search and which IAM actions change it."""

    type: str
    search_resource: str
    record_key: str
    noun: str
    delete_action: str | None
    update_action: str | None
    has_created_by: bool

    @property
    def name_field(self) -> str:
        return f"{self.noun}Name"

    @property
    def arn_field(self) -> str:
        return f"{self.noun}Arn"


KINDS: dict[str, ResourceKind] = {
    kind.type: kind
    for kind in (
        ResourceKind(
            "experiment",
            "Experiment",
            "Experiment",
            "Experiment",
            "sagemaker:DeleteExperiment",
            "sagemaker:UpdateExperiment",
            True,
        ),
        ResourceKind(
            "trial",
            "ExperimentTrial",
            "Trial",
            "Trial",
            "sagemaker:DeleteTrial",
            "sagemaker:UpdateTrial",
            True,
        ),
        ResourceKind(
            "trial-component",
            "ExperimentTrialComponent",
            "TrialComponent",
            "TrialComponent",
            "sagemaker:DeleteTrialComponent",
            "sagemaker:UpdateTrialComponent",
            True,
        ),
        ResourceKind(
            "training-job",
            "TrainingJob",
            "TrainingJob",
            "TrainingJob",
            "sagemaker:DeleteTrainingJob",
            "sagemaker:UpdateTrainingJob",
            False,
        ),
        # SageMaker has no UpdateModel: a model is replaced, not changed.
        ResourceKind("model", "Model", "Model", "Model", "sagemaker:DeleteModel", None, False),
        ResourceKind(
            "endpoint",
            "Endpoint",
            "Endpoint",
            "Endpoint",
            "sagemaker:DeleteEndpoint",
            "sagemaker:UpdateEndpoint",
            False,
        ),
    )
}


@dataclass(frozen=True)
class ResourceSearch:
    """The one Search request of a page of the caller's resources."""

    kind: ResourceKind
    scope: Scope
    team_tag_key: str
    team: str | None
    user_tag_key: str
    user_id: str | None
    profile_name: str | None
    text: str
    page_size: int
    next_token: str | None


@dataclass(frozen=True)
class ResourceRecord:
    """A Search record, reduced to what the REST API shows."""

    type: str
    name: str
    arn: str
    created: datetime | None
    tags: dict[str, str]
    created_by_profile: str | None


def _owner_expression(query: ResourceSearch) -> dict[str, Any]:
    """Mine = tagged with my user id, or created by my Studio user profile."""
    filters = []
    if query.user_id:
        filters.append(
            {"Name": f"Tags.{query.user_tag_key}", "Operator": "Equals", "Value": query.user_id}
        )
    if query.profile_name and query.kind.has_created_by:
        filters.append(
            {
                "Name": "CreatedBy.UserProfileName",
                "Operator": "Equals",
                "Value": query.profile_name,
            }
        )
    return {"SubExpressions": [{"Filters": [f]} for f in filters], "Operator": "Or"}


def search_params(query: ResourceSearch) -> dict[str, Any]:
    """The one Search request for a page: team/owner filters, name text, newest first."""
    filters: list[dict[str, Any]] = []
    expression: dict[str, Any] = {}
    if query.scope in ("team", "mine") and query.team:
        filters.append(
            {"Name": f"Tags.{query.team_tag_key}", "Operator": "Equals", "Value": query.team}
        )
    if query.text:
        filters.append({"Name": query.kind.name_field, "Operator": "Contains", "Value": query.text})
    if query.scope == "mine":
        expression["SubExpressions"] = [_owner_expression(query)]
    if filters:
        expression["Filters"] = filters
    params: dict[str, Any] = {
        "Resource": query.kind.search_resource,
        "SortBy": "CreationTime",
        "SortOrder": "Descending",
        "MaxResults": query.page_size,
    }
    if expression:
        params["SearchExpression"] = {**expression, "Operator": "And"}
    if query.next_token:
        params["NextToken"] = query.next_token
    return params


def parse_record(kind: ResourceKind, result: dict[str, Any]) -> ResourceRecord | None:
    body = result.get(kind.record_key)
    if not isinstance(body, dict):
        return None
    if kind.type == "model" and isinstance(body.get("Model"), dict):
        body = body["Model"]  # Search wraps models in a ModelDashboardModel
    name = body.get(kind.name_field)
    arn = body.get(kind.arn_field)
    if not isinstance(name, str) or not isinstance(arn, str):
        return None
    created = body.get("CreationTime")
    created_by = body.get("CreatedBy") or {}
    profile = created_by.get("UserProfileName") if isinstance(created_by, dict) else None
    return ResourceRecord(
        type=kind.type,
        name=name,
        arn=arn,
        created=created if isinstance(created, datetime) else None,
        tags={str(t["Key"]): str(t.get("Value", "")) for t in body.get("Tags") or []},
        created_by_profile=profile if isinstance(profile, str) else None,
    )


async def search_resources(
    runner: AwsRunner, query: ResourceSearch
) -> tuple[list[ResourceRecord], str | None]:
    reply = await runner.call("sagemaker", "search", **search_params(query))
    records = [parse_record(query.kind, result) for result in reply.get("Results", [])]
    return [r for r in records if r is not None], reply.get("NextToken") or None


async def find_by_name(runner: AwsRunner, kind: ResourceKind, name: str) -> ResourceRecord | None:
    """One resource by exact name (names are case-insensitive in SageMaker)."""
    reply = await runner.call(
        "sagemaker",
        "search",
        Resource=kind.search_resource,
        SearchExpression={
            "Filters": [{"Name": kind.name_field, "Operator": "Equals", "Value": name}]
        },
        MaxResults=5,
    )
    for result in reply.get("Results", []):
        record = parse_record(kind, result)
        if record is not None and record.name.lower() == name.lower():
            return record
    return None


async def resource_tags(runner: AwsRunner, arn: str) -> dict[str, str]:
    """A resource's tags through ListTags (the caller's own permission); 50 tags at most per
    resource, so one page in practice."""
    listed = await runner.pages(
        "sagemaker", "list_tags", arn, max_pages=10, ResourceArn=arn, MaxResults=100
    )
    return {str(t["Key"]): str(t.get("Value", "")) for page in listed for t in page.get("Tags", [])}
