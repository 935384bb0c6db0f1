"""The environment a principal needs to use the sandbox: fake keys, endpoint and, for Studio
sessions, what a Studio space provides (resource metadata and the role's policies)."""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
from pathlib import Path

from studio_abac_ext.scenario import FEDERATED_PREFIX, PolicyDocument, Scenario

from .identity import session_access_key

STUDIO_SUFFIX = "@studio"
S3_BUCKET_ARN = re.compile(r"arn:aws:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?![a-z0-9.-])")


class UnknownPrincipalError(ValueError):
    def __init__(self, principal: str, scenario: Scenario) -> None:
        known = ", ".join(scenario.principals())
        super().__init__(f"unknown principal {principal!r}; the scenario has: {known}")


def state_root(port: int) -> Path:
    """Where per-principal files live: stable for a port, so `sandbox env` and the server agree."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / "studio-abac-sandbox" / str(port)


def environment_for(scenario: Scenario, principal: str, endpoint: str, port: int) -> dict[str, str]:
    """Every variable boto3, the aws CLI and the extension need to act as `principal`."""
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": scenario.region,
        "AWS_REGION": scenario.region,
        # A developer's real ~/.aws must never leak into the sandbox.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    directory = state_root(port) / principal.replace(":", "-")
    if principal.startswith(FEDERATED_PREFIX):
        policies = _federated_session(scenario, principal, endpoint, env)
    elif principal.endswith(STUDIO_SUFFIX):
        owner = principal[: -len(STUDIO_SUFFIX)]
        try:
            profile = scenario.profile_of(owner)
        except KeyError:
            raise UnknownPrincipalError(principal, scenario) from None
        key_id, secret, token = session_access_key(scenario.account_id, principal)
        env.update(AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret, AWS_SESSION_TOKEN=token)
        role = scenario.role(profile.execution_role)
        policies = role.managed_policies + role.inline_policies
        metadata = _write_metadata(scenario, profile.name, role.arn(scenario.account_id), directory)
        env["STUDIO_ABAC_RESOURCE_METADATA"] = str(metadata)
    else:
        try:
            user = scenario.user(principal)
        except KeyError:
            raise UnknownPrincipalError(principal, scenario) from None
        key = user.access_keys[0]
        env.update(AWS_ACCESS_KEY_ID=key.access_key_id, AWS_SECRET_ACCESS_KEY=key.secret_access_key)
        policies = user.managed_policies + user.inline_policies
    env["STUDIO_ABAC_POLICY_SOURCES"] = f"dir:{_write_policies(policies, directory / 'policies')}"
    env["SAGEMAKER_USER_CONFIG_OVERRIDE"] = str(_write_sdk_config(scenario, policies, directory))
    return env


def _federated_session(
    scenario: Scenario, principal: str, endpoint: str, env: dict[str, str]
) -> tuple[PolicyDocument, ...]:
    """Sign in at the running sandbox's IdP and AssumeRoleWithSAML, as a browser sign-in would."""
    from .federation import assume_role_with_saml, sign_in

    name = principal[len(FEDERATED_PREFIX) :]
    try:
        user = scenario.federated_user(name)
    except KeyError:
        raise UnknownPrincipalError(principal, scenario) from None
    credentials = assume_role_with_saml(
        sign_in(scenario, name, endpoint), endpoint, scenario.region
    )
    env.update(
        AWS_ACCESS_KEY_ID=credentials["AccessKeyId"],
        AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
        AWS_SESSION_TOKEN=credentials["SessionToken"],
    )
    # AWS has no API that tells a session its own tags: the sign-in knows them, so it says them.
    env["STUDIO_ABAC_SESSION_TAGS"] = json.dumps(user.session_tags, sort_keys=True)
    role = scenario.role(user.role)
    return role.managed_policies + role.inline_policies


def sdk_default_bucket(scenario: Scenario, policies: tuple[PolicyDocument, ...]) -> str:
    """The scenario's bucket the principal's policies name (the team's: the document's
    `<S3 BucketName>`), else the SDK's own default name."""
    for policy in policies:
        found = S3_BUCKET_ARN.search(policy.text)
        if found:
            return found.group(1)
    return f"sagemaker-{scenario.region}-{scenario.account_id}"


def _write_sdk_config(
    scenario: Scenario, policies: tuple[PolicyDocument, ...], directory: Path
) -> Path:
    """The SageMaker Python SDK's config file: its default bucket, so ``Session.default_bucket()``
    needs no STS call (the SDK sends that one to sts.amazonaws.com, past AWS_ENDPOINT_URL), and
    no telemetry (the SDK reports to an S3 address of AWS's, unreachable from the sandbox)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "sagemaker-config.yaml"
    bucket = sdk_default_bucket(scenario, policies)
    text = (
        "SchemaVersion: '1.0'\n"
        "SageMaker:\n"
        "  PythonSDK:\n"
        "    Modules:\n"
        "      TelemetryOptOut: true\n"
        "      Session:\n"
        f"        DefaultS3Bucket: {json.dumps(bucket)}\n"
    )
    _write_atomically(path, text)
    return path.resolve()


def _write_metadata(scenario: Scenario, profile_name: str, role_arn: str, directory: Path) -> Path:
    domain_id = scenario.domain.domain_id
    space = f"{profile_name.lower()}-space"
    metadata = {
        "AppType": "JupyterLab",
        "DomainId": domain_id,
        "UserProfileName": profile_name,
        "SpaceName": space,
        "ResourceName": "default",
        "ResourceArn": (
            f"arn:aws:sagemaker:{scenario.region}:{scenario.account_id}:"
            f"app/{domain_id}/{space}/jupyterlab/default"
        ),
        "ExecutionRoleArn": role_arn,
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "resource-metadata.json"
    _write_atomically(path, json.dumps(metadata, indent=2))
    return path.resolve()


def _write_policies(policies: tuple[PolicyDocument, ...], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    wanted = {f"{policy.name}.json" for policy in policies}
    for stale in directory.glob("*.json"):
        if stale.name not in wanted:
            stale.unlink()
    for policy in policies:
        _write_atomically(directory / f"{policy.name}.json", policy.text)
    return directory.resolve()


def _write_atomically(path: Path, text: str) -> None:
    """Readers (a running Jupyter server) never see a half-written file."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
