"""The extension's settings: ``c.StudioAbac.<trait>`` in a Jupyter config file or on the CLI.

Computed defaults read the environment a Studio space (or ``studio-abac sandbox env``) provides,
so a plain ``jupyter lab`` inside Studio needs no configuration at all.
"""

from __future__ import annotations

import json
import os
from typing import Any

from traitlets import Bool, Dict, Float, Int, List, Unicode, default, validate
from traitlets.config import Configurable

from .aws.athena_sql import parse_denials_source

STUDIO_METADATA_PATH = "/opt/ml/metadata/resource-metadata.json"
RESOURCE_TYPES = ("experiment", "trial", "trial-component", "training-job", "model", "endpoint")
SESSION_TAGS_VARIABLE = "STUDIO_ABAC_SESSION_TAGS"
# STS's limits on session tags (AssumeRole, Tags): "You can pass up to 50 session tags. The plain
# text session tag keys can't exceed 128 characters, and the values can't exceed 256 characters."
MAX_SESSION_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE = 50, 128, 256


def parse_session_tags(text: str, where: str = SESSION_TAGS_VARIABLE) -> dict[str, str]:
    """A JSON object of session tags (``{"studiouserid": "usera1"}``) as the sign-in reports
    them; ValueError naming `where` and the rule broken."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: not JSON ({error.msg} at character {error.pos})") from None
    return check_session_tags(value, where)


def check_session_tags(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: must be a JSON object of tag key to value")
    if len(value) > MAX_SESSION_TAGS:
        raise ValueError(f"{where}: {len(value)} tags, STS allows at most {MAX_SESSION_TAGS}")
    for key, tag in value.items():
        if not isinstance(tag, str):
            raise ValueError(f"{where}: the value of {key!r} must be a string")
        if not 1 <= len(key) <= MAX_TAG_KEY:
            raise ValueError(f"{where}: tag key {key!r} must be 1-{MAX_TAG_KEY} characters")
        if len(tag) > MAX_TAG_VALUE:
            raise ValueError(f"{where}: the value of {key!r} exceeds {MAX_TAG_VALUE} characters")
    return {str(k): v for k, v in value.items()}


class StudioAbac(Configurable):
    """Settings of the studio-abac-ext server extension."""

    region = Unicode(
        help=(
            "AWS region of the SageMaker calls. "
            "Default: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1."
        )
    ).tag(config=True)

    endpoint_url = Unicode(
        "",
        help=(
            "AWS endpoint URL for every client (the local sandbox, a VPC endpoint). "
            "Default: AWS_ENDPOINT_URL, else AWS's own endpoints."
        ),
    ).tag(config=True)

    team_tag_key = Unicode(
        "team", help="Tag key that names a resource's and a principal's team."
    ).tag(config=True)

    user_tag_key = Unicode(
        "studiouserid", help="Tag key that names the Studio user who owns a resource or profile."
    ).tag(config=True)

    team = Unicode(
        "",
        help=(
            "The caller's team when no AWS source reveals it (a Studio execution role usually "
            "cannot read its own tags). Default: STUDIO_ABAC_TEAM."
        ),
    ).tag(config=True)

    studio_user_id = Unicode(
        "",
        help=(
            "The caller's Studio user id when neither IAM nor the user profile reveals it. "
            "Default: STUDIO_ABAC_USER_ID."
        ),
    ).tag(config=True)

    session_tags = Dict(
        value_trait=Unicode(),
        help=(
            "The session tags of the caller's role session, as its sign-in reported them "
            "(AssumeRoleWithSAML's PrincipalTag attributes): AWS has no API that tells a session "
            "its own tags. Used for the team and Studio user id before any other source, and "
            "ignored unless the caller is a role session. Default: STUDIO_ABAC_SESSION_TAGS "
            '(a JSON object, {"studiouserid": "usera1"}), which `studio-abac sandbox env fed:NAME` '
            "prints."
        ),
    ).tag(config=True)

    resource_metadata_path = Unicode(
        help=(
            "Path of Studio's resource-metadata.json (domain, user profile, space). "
            f"Default: STUDIO_ABAC_RESOURCE_METADATA, else {STUDIO_METADATA_PATH}."
        )
    ).tag(config=True)

    policy_sources = List(
        Unicode(),
        help=(
            "Where the caller's policies are read from for explanations, tried in order: "
            "'dir:/abs/path' (policy JSON files, file stem = policy name), "
            "'s3://bucket/prefix' (JSON objects an admin publishes), 'iam' (live IAM, when "
            "permitted). Default: STUDIO_ABAC_POLICY_SOURCES (comma-separated), else ['iam']."
        ),
    ).tag(config=True)

    resource_types = List(
        Unicode(),
        default_value=list(RESOURCE_TYPES),
        help=f"Resource types the resources endpoint offers, among {', '.join(RESOURCE_TYPES)}.",
    ).tag(config=True)

    page_size = Int(100, help="Items per page of the resources endpoint (1-100).").tag(config=True)

    connect_timeout = Float(5.0, help="Seconds to wait for a connection to AWS.").tag(config=True)

    read_timeout = Float(20.0, help="Seconds to wait for an AWS answer.").tag(config=True)

    max_attempts = Int(
        3, help="Attempts per AWS call in botocore's standard retry mode (1 = no retries)."
    ).tag(config=True)

    max_workers = Int(
        8, help="Threads of the one shared pool that runs every blocking AWS call."
    ).tag(config=True)

    identity_cache_seconds = Float(
        300.0, help="How long the caller's identity (ARN, team, user id) is reused."
    ).tag(config=True)

    policy_cache_seconds = Float(
        30.0, help="How long the caller's policies from the policy sources are reused."
    ).tag(config=True)

    read_iam_tags = Bool(
        True,
        help=(
            "Ask IAM for the caller's role or user tags. A team role usually may not, and each "
            "denied attempt is an AccessDenied event in CloudTrail: turn off to avoid the noise."
        ),
    ).tag(config=True)

    denial_pages = Int(
        5,
        help="CloudTrail LookupEvents pages (50 events each) scanned for AccessDenied events.",
    ).tag(config=True)
    denials_source = Unicode(
        "cloudtrail",
        help=(
            "Where the admin view finds denials: 'cloudtrail' (LookupEvents: this account and "
            "region, management events) or 'athena://<workgroup>/<database>/<table>' (Athena over "
            "an organisation trail's table; the workgroup gives the output location)."
        ),
    ).tag(config=True)
    denials_wait_seconds = Float(
        10.0,
        help="Seconds GET admin/denials waits for an Athena query before answering with its "
        "progress (the admin view then polls admin/denials/queries/{id}).",
    ).tag(config=True)
    evaluation_seconds = Float(
        10.0,
        help="Seconds a client-supplied evaluation (admin/simulate, explain, isolation) may run "
        "before it is abandoned with a 503 EvaluationTooLong.",
    ).tag(config=True)
    evaluation_workers = Int(
        2,
        help="Threads for client-supplied evaluations, apart from the AWS pool (max_workers).",
    ).tag(config=True)

    @default("region")
    def _default_region(self) -> str:
        return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"

    @default("endpoint_url")
    def _default_endpoint_url(self) -> str:
        return os.environ.get("AWS_ENDPOINT_URL", "")

    @default("team")
    def _default_team(self) -> str:
        return os.environ.get("STUDIO_ABAC_TEAM", "")

    @default("studio_user_id")
    def _default_studio_user_id(self) -> str:
        return os.environ.get("STUDIO_ABAC_USER_ID", "")

    @default("session_tags")
    def _default_session_tags(self) -> dict[str, str]:
        return parse_session_tags(os.environ.get(SESSION_TAGS_VARIABLE, ""))

    @validate("session_tags")
    def _valid_session_tags(self, proposal: Any) -> dict[str, str]:
        return check_session_tags(proposal["value"], "StudioAbac.session_tags")

    @default("resource_metadata_path")
    def _default_metadata_path(self) -> str:
        return os.environ.get("STUDIO_ABAC_RESOURCE_METADATA", STUDIO_METADATA_PATH)

    @default("policy_sources")
    def _default_policy_sources(self) -> list[str]:
        raw = os.environ.get("STUDIO_ABAC_POLICY_SOURCES", "")
        sources = [part.strip() for part in raw.split(",") if part.strip()]
        return sources or ["iam"]

    @validate("page_size")
    def _valid_page_size(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if not 1 <= value <= 100:
            raise ValueError(f"StudioAbac.page_size must be 1-100 (SageMaker Search), got {value}")
        return value

    @validate("resource_types")
    def _valid_resource_types(self, proposal: Any) -> list[str]:
        unknown = [t for t in proposal["value"] if t not in RESOURCE_TYPES]
        if unknown:
            raise ValueError(f"StudioAbac.resource_types: unknown {unknown}; use {RESOURCE_TYPES}")
        return list(proposal["value"])

    @validate("denials_source")
    def _valid_denials_source(self, proposal: Any) -> str:
        value = str(proposal["value"])
        try:
            parse_denials_source(value)
        except ValueError as error:
            raise ValueError(f"StudioAbac.denials_source: {error}") from None
        return value

    @validate("policy_sources")
    def _valid_policy_sources(self, proposal: Any) -> list[str]:
        for source in proposal["value"]:
            if not (source == "iam" or source.startswith(("dir:", "s3://"))):
                raise ValueError(
                    f"StudioAbac.policy_sources: {source!r} is not 'dir:PATH', 's3://…' or 'iam'"
                )
        return list(proposal["value"])
