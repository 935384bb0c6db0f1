"""The S3 policy source: a team role that may not read IAM reads the policies an admin published
as JSON objects in a bucket; a bucket it cannot read falls back to the next source, and says why.

The admin persona may manage IAM, so it grants itself and the team role what S3 publishing needs,
as an administrator would; the sandbox then enforces those grants like AWS.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio_abac_ext.sandbox import Sandbox
from tests.http_errors import expect_http_error

BUCKET = "studio-abac-published-policies"
TEAM_B_ROLE = "SageMakerStudioDeveloperTeamBRole"
PREFIX = "teamb/"
SOURCE = f"s3://{BUCKET}/{PREFIX}"


def allow(*statements: tuple[list[str], list[str]]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": actions, "Resource": resources}
                for actions, resources in statements
            ],
        }
    )


def publish_team_policies(sandbox: Sandbox, objects: dict[str, bytes] | None = None) -> list[str]:
    """The admin writes Team B's role policies, as IAM has them, to the bucket: one JSON object
    per policy, named after it. Returns the published names."""
    admin = sandbox.session_for("admin")
    iam: Any = admin.client("iam")
    iam.put_user_policy(
        UserName="admin",
        PolicyName="publish-team-policies",
        PolicyDocument=allow((["s3:*"], [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"])),
    )
    s3: Any = admin.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    names = []
    for attached in iam.list_attached_role_policies(RoleName=TEAM_B_ROLE)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        text = document["Document"]
        body = text if isinstance(text, str) else json.dumps(text)
        s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}{attached['PolicyName']}.json", Body=body)
        names.append(attached["PolicyName"])
    for key, body in (objects or {}).items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    return names


def let_team_b_read(sandbox: Sandbox, bucket: str = BUCKET) -> None:
    sandbox.session_for("admin").client("iam").put_role_policy(
        RoleName=TEAM_B_ROLE,
        PolicyName="read-published-policies",
        PolicyDocument=allow(
            (["s3:ListBucket"], [f"arn:aws:s3:::{bucket}"]),
            (["s3:GetObject"], [f"arn:aws:s3:::{bucket}/{PREFIX}*"]),
        ),
    )


@pytest.fixture
def persona() -> str:
    return "userb1@studio"


PERSONA_DIR = "the sandbox's policy directory of the persona"


@pytest.fixture
def studio_abac_config(persona_env: dict[str, str], request: pytest.FixtureRequest) -> dict:
    """The policy sources: only S3 unless a test names others."""
    sources = getattr(request, "param", [SOURCE])
    directory = persona_env["STUDIO_ABAC_POLICY_SOURCES"]
    return {"policy_sources": [directory if s == PERSONA_DIR else s for s in sources]}


async def identity_policies(jp_fetch: Any) -> dict[str, Any]:
    response = await jp_fetch("studio-abac-ext", "identity")
    policies: dict[str, Any] = json.loads(response.body)["policies"]
    return policies


async def test_denial_is_explained_with_the_policies_published_in_s3(jp_fetch, fresh_sandbox):
    # Given the admin published Team B's policies to S3 (and an archived, broken one in a
    # sub-folder), and let Team B's role read them
    published = publish_team_policies(
        fresh_sandbox, {f"{PREFIX}archive/old-draft.json": b"{not json"}
    )
    let_team_b_read(fresh_sandbox)
    # When UserB1's server reads its policies, with only S3 configured
    policies = await identity_policies(jp_fetch)
    # Then they come from S3, the archive left aside
    assert policies == {"known": True, "source": SOURCE, "reason": None, "skipped": []}
    # When UserB1 deletes Team A's experiment
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "experiments", "teama-seeded-experiment", method="DELETE"),
        403,
        "AccessDenied",
    )
    # Then the explanation is built from the published policies and names them
    assert body["policies"]["source"] == SOURCE
    explained = {policy["name"] for policy in body["explanation"]["policies"]}
    assert explained == set(published)
    assert "team-3-studio-developer" in json.dumps(body["explanation"]["closest"])


@pytest.mark.parametrize("studio_abac_config", [[SOURCE, PERSONA_DIR]], indirect=True)
async def test_a_bucket_the_role_may_not_read_falls_back_to_the_next_source(
    jp_fetch, fresh_sandbox, persona_env
):
    # Given published policies that Team B's role was never allowed to read
    publish_team_policies(fresh_sandbox)
    # When UserB1's server reads its policies, S3 first, then the policy directory
    policies = await identity_policies(jp_fetch)
    # Then they come from the directory, and the S3 attempt is reported with AWS's refusal
    assert policies["known"] is True
    assert policies["source"] == persona_env["STUDIO_ABAC_POLICY_SOURCES"]
    [skipped] = policies["skipped"]
    assert skipped["source"] == SOURCE
    assert "AccessDenied" in skipped["reason"] and "s3:ListBucket" in skipped["reason"]


MISSING = "s3://studio-abac-no-such-bucket/teamb/"


@pytest.mark.parametrize("studio_abac_config", [[MISSING, PERSONA_DIR]], indirect=True)
async def test_a_missing_bucket_falls_back_to_the_next_source(jp_fetch, fresh_sandbox):
    # Given Team B's role may read a bucket that does not exist
    let_team_b_read(fresh_sandbox, "studio-abac-no-such-bucket")
    # When UserB1's server reads its policies
    policies = await identity_policies(jp_fetch)
    # Then the next source answers and the S3 attempt says the bucket does not exist
    assert policies["known"] is True and policies["source"].startswith("dir:")
    [skipped] = policies["skipped"]
    assert skipped["source"] == MISSING and "NoSuchBucket" in skipped["reason"]


@pytest.mark.parametrize("studio_abac_config", [[SOURCE, PERSONA_DIR]], indirect=True)
async def test_an_object_that_is_not_text_falls_back_and_is_named(jp_fetch, fresh_sandbox):
    # Given the published policies sit next to an object that is not UTF-8 text
    publish_team_policies(fresh_sandbox, {f"{PREFIX}exported.json": b"\xff\xfe{}"})
    let_team_b_read(fresh_sandbox)
    # When UserB1's server reads its policies
    policies = await identity_policies(jp_fetch)
    # Then the next source answers, and the skipped S3 source names the object and the rule
    assert policies["known"] is True and policies["source"].startswith("dir:")
    [skipped] = policies["skipped"]
    assert f"{PREFIX}exported.json" in skipped["reason"] and "UTF-8" in skipped["reason"]


@pytest.mark.parametrize("studio_abac_config", [[SOURCE]], indirect=True)
async def test_without_a_fallback_the_policies_are_unknown_with_every_reason(
    jp_fetch, fresh_sandbox
):
    # Given Team B's role may list the bucket but not read its objects
    publish_team_policies(fresh_sandbox)
    fresh_sandbox.session_for("admin").client("iam").put_role_policy(
        RoleName=TEAM_B_ROLE,
        PolicyName="list-published-policies",
        PolicyDocument=allow((["s3:ListBucket"], [f"arn:aws:s3:::{BUCKET}"])),
    )
    # When UserB1's server reads its policies from S3 only
    policies = await identity_policies(jp_fetch)
    # Then they are unknown, and the reason names the object and the missing s3:GetObject
    assert policies["known"] is False and policies["source"] is None
    assert (
        "s3:GetObject" in policies["reason"] and "team-1-sagemaker-read-only" in policies["reason"]
    )
    assert [s["source"] for s in policies["skipped"]] == [SOURCE]
