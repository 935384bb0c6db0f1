"""The caller's policies for explanations, from the first source that can provide them.

Sources: ``dir:/path`` (policy JSON files, file stem = policy name), ``s3://bucket/prefix/``
(JSON objects an admin publishes, directly under the prefix; a team role cannot read IAM),
``iam`` (live IAM, when the caller may read its own role's policies). Sources that failed before
the one that answered are kept with their reasons, so a misconfigured bucket does not go unseen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..policy import Policy, PolicyParseError, PolicySet, parse_policy
from .clients import AwsRunner
from .errors import AwsAccessDeniedError, AwsError, AwsUnavailableError
from .iam_policies import load_role_policies

log = logging.getLogger(__name__)
MAX_S3_POLICIES = 50


@dataclass(frozen=True)
class SkippedSource:
    """A policy source that was tried and could not provide the policies."""

    source: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "reason": self.reason}


@dataclass(frozen=True)
class KnownPolicies:
    """The policies in force for the caller, or None and why they are unknown; ``skipped``
    holds the sources tried before, in order."""

    policies: PolicySet | None
    source: str | None
    reason: str | None
    skipped: tuple[SkippedSource, ...] = ()

    @property
    def known(self) -> bool:
        return self.policies is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "known": self.known,
            "source": self.source,
            "reason": self.reason,
            "skipped": [skipped.to_dict() for skipped in self.skipped],
        }


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


def _s3_location(url: str) -> tuple[str, str]:
    """Bucket and key prefix; the prefix is a folder, so ``s3://b/team`` reads ``team/*.json``."""
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if not bucket:
        raise PolicySourceError(f"{url} names no bucket")
    return bucket, prefix if not prefix or prefix.endswith("/") else prefix + "/"


def _denied(url: str, action: str, arn: str, denied: AwsAccessDeniedError) -> PolicySourceError:
    """S3's denials rarely name the permission (often just "Access Denied"): we know it."""
    return PolicySourceError(
        f"{url}: {denied.code}: your policies do not allow {action} on {arn} ({denied.message})"
    )


async def _s3_policy_keys(runner: AwsRunner, bucket: str, prefix: str, url: str) -> list[str]:
    # The delimiter keeps sub-folders (an archive, drafts) out: only the published set counts.
    arn = f"arn:aws:s3:::{bucket}"
    try:
        listing = await runner.call(
            "s3",
            "list_objects_v2",
            resource=arn,
            Bucket=bucket,
            Prefix=prefix,
            Delimiter="/",
            MaxKeys=MAX_S3_POLICIES + 1,
        )
    except AwsAccessDeniedError as denied:
        raise _denied(url, "s3:ListBucket", arn, denied) from denied
    keys = [o["Key"] for o in listing.get("Contents", []) if o["Key"].endswith(".json")]
    if len(keys) > MAX_S3_POLICIES or listing.get("IsTruncated"):
        raise PolicySourceError(f"{url} holds more than {MAX_S3_POLICIES} objects")
    return sorted(keys)


async def _s3_text(runner: AwsRunner, bucket: str, key: str) -> str:
    arn = f"arn:aws:s3:::{bucket}/{key}"
    try:
        reply = await runner.call("s3", "get_object", resource=arn, Bucket=bucket, Key=key)
    except AwsAccessDeniedError as denied:
        raise _denied(f"s3://{bucket}/{key}", "s3:GetObject", arn, denied) from denied
    body: bytes = await runner.run(reply["Body"].read)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PolicySourceError(f"s3://{bucket}/{key} is not UTF-8 text: {error}") from None


async def read_policy_s3(runner: AwsRunner, url: str) -> PolicySet:
    bucket, prefix = _s3_location(url)
    try:
        keys = await _s3_policy_keys(runner, bucket, prefix, url)
        texts = [(PurePosixPath(key).stem, await _s3_text(runner, bucket, key)) for key in keys]
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
    except AwsError as error:
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
    failures: list[SkippedSource] = []
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
            failures.append(SkippedSource(source, str(failed)))
            continue
        except AwsUnavailableError as error:
            failures.append(SkippedSource(source, f"{source}: AWS unavailable ({error.code})"))
            continue
        if failures:
            log.info("caller's policies from %s after: %s", source, failures)
        return KnownPolicies(policies, source, None, tuple(failures))
    reason = "; ".join(f.reason for f in failures) if failures else "no policy source is configured"
    log.info("caller's policies unknown: %s", reason)
    return KnownPolicies(None, None, reason, tuple(failures))
