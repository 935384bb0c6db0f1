"""The caller's policies for explanations, from the first source that can provide them.

Sources: ``dir:/path`` (policy JSON files, file stem = policy name), ``s3://bucket/prefix``
(JSON objects an admin publishes; a team role cannot read IAM), ``iam`` (live IAM, when the
caller may read its own role's policies).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..policy import Policy, PolicyParseError, PolicySet, parse_policy
from .clients import AwsRunner
from .errors import AwsError, AwsUnavailableError
from .iam_policies import RolePoliciesError, load_role_policies

log = logging.getLogger(__name__)
MAX_S3_POLICIES = 50


@dataclass(frozen=True)
class KnownPolicies:
    """The policies in force for the caller, or None and why they are unknown."""

    policies: PolicySet | None
    source: str | None
    reason: str | None

    @property
    def known(self) -> bool:
        return self.policies is not None

    def to_dict(self) -> dict[str, Any]:
        return {"known": self.known, "source": self.source, "reason": self.reason}


class PolicySourceError(Exception):
    """One source could not provide the policies; the next one is tried."""


def _parse_all(named_texts: list[tuple[str, str]], where: str) -> PolicySet:
    if not named_texts:
        raise PolicySourceError(f"{where} holds no policy JSON files")
    policies: list[Policy] = []
    for name, text in named_texts:
        try:
            policies.append(parse_policy(text, name=name))
        except PolicyParseError as error:
            raise PolicySourceError(f"policy {name} in {where} does not parse: {error}") from error
    return PolicySet(identity=policies)


def read_policy_dir(path: str) -> PolicySet:
    directory = Path(path)
    if not directory.is_dir():
        raise PolicySourceError(f"{path} is not a directory")
    files = sorted(directory.glob("*.json"))
    try:
        texts = [(file.stem, file.read_text(encoding="utf-8")) for file in files]
    except OSError as error:
        raise PolicySourceError(f"cannot read {path}: {error}") from error
    return _parse_all(texts, path)


async def read_policy_s3(runner: AwsRunner, url: str) -> PolicySet:
    bucket, _, prefix = url[len("s3://") :].partition("/")
    try:
        listing = await runner.call(
            "s3", "list_objects_v2", Bucket=bucket, Prefix=prefix, MaxKeys=1000
        )
        keys = [o["Key"] for o in listing.get("Contents", []) if o["Key"].endswith(".json")]
        texts = []
        for key in keys[:MAX_S3_POLICIES]:
            reply = await runner.call("s3", "get_object", Bucket=bucket, Key=key)
            body = await runner.run(reply["Body"].read)
            texts.append((PurePosixPath(key).stem, body.decode("utf-8")))
    except AwsUnavailableError:
        raise
    except AwsError as error:
        raise PolicySourceError(f"{url}: {error.code}: {error.message}") from error
    return _parse_all(texts, url)


async def read_policy_iam(runner: AwsRunner, role_name: str | None) -> PolicySet:
    if not role_name:
        raise PolicySourceError("live IAM is read for roles only, and the caller is not a role")
    iam = runner.clients.get("iam")
    try:
        role = await runner.run(lambda: load_role_policies(iam, role_name))
    except RolePoliciesError as error:
        raise PolicySourceError(f"IAM: {error.action} failed ({error.code})") from error
    try:
        policies: PolicySet = role.to_policy_set()
        return policies
    except PolicyParseError as error:
        raise PolicySourceError(f"a policy of {role_name} does not parse: {error}") from error


async def load_policies(
    runner: AwsRunner, sources: list[str], role_name: str | None
) -> KnownPolicies:
    """Try ``sources`` in order; the first that yields parsable policies wins."""
    failures: list[str] = []
    for source in sources:
        try:
            if source.startswith("dir:"):
                path = source[len("dir:") :]
                policies = await runner.run(lambda path=path: read_policy_dir(path))
            elif source.startswith("s3://"):
                policies = await read_policy_s3(runner, source)
            else:
                policies = await read_policy_iam(runner, role_name)
        except PolicySourceError as failed:
            failures.append(str(failed))
            continue
        except AwsUnavailableError as error:
            failures.append(f"{source}: AWS unavailable ({error.code})")
            continue
        return KnownPolicies(policies, source, None)
    reason = "; ".join(failures) if failures else "no policy source is configured"
    log.info("caller's policies unknown: %s", reason)
    return KnownPolicies(None, None, reason)
