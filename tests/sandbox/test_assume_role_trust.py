"""sts:AssumeRole through the sandbox and SimulateCustomPolicy with the trust policy agree.

AWS (Policy evaluation logic, "Evaluating identity-based policies with resource-based
policies"): "Role trust policies and KMS key policies are exceptions to this logic, because
they must explicitly allow access for principals." Within one account "If either the
identity-based policy or the resource-based policy within the same account allows the request
and the other doesn't, the request is still allowed": a trust policy that names the caller
itself is enough, one that names only the account leaves it to the caller's identity policies.

Each case makes a role with a trust policy, then asks twice: the sandbox over HTTP (boto3
``sts.assume_role`` as a scenario principal), and ``simulate_custom_policy`` with the trust
policy as ResourcePolicy and the caller's identity policies, read back through IAM, as
PolicyInputList. Both must give the same answer, and a denial must name the same reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from studio_abac_ext.policy import Decision
from studio_abac_ext.policy.arns import ANONYMOUS
from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.simulator.custom_policy import simulate_custom_policy

ACCOUNT = "123456789012"
PROBE = "TrustProbe"
PROBE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{PROBE}"
USERA1 = f"arn:aws:iam::{ACCOUNT}:user/usera1"
TEAM_A_ROLE = "SageMakerStudioDeveloperTeamARole"
BOTH = ["sts:AssumeRole", "sts:TagSession"]


def trust(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal: str, actions: str | list[str] = "sts:AssumeRole", **extra: Any) -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions, **extra}


@dataclass(frozen=True)
class Case:
    """A caller (`usera1` or the Studio session `usera1@studio`) assuming the probe role."""

    trust: dict[str, Any]
    caller: str = "usera1"
    identity_allows: bool = False  # an inline policy allowing AssumeRole+TagSession on it
    principal_tags: dict[str, str] = field(default_factory=dict)  # tags set on usera1
    session_tags: dict[str, str] = field(default_factory=dict)
    expected: str = "allowed"  # or the reason words of the denial


CASES = {
    "account root and an identity allow": Case(
        trust(allow(f"arn:aws:iam::{ACCOUNT}:root")), identity_allows=True
    ),
    "account root without an identity allow": Case(
        trust(allow(f"arn:aws:iam::{ACCOUNT}:root")),
        expected="because no identity-based policy allows the sts:AssumeRole action",
    ),
    "account id without an identity allow": Case(
        trust(allow(ACCOUNT)),
        expected="because no identity-based policy allows the sts:AssumeRole action",
    ),
    "the user itself, no identity policy needed": Case(trust(allow(USERA1))),
    "the caller's role, no identity policy needed": Case(
        trust(allow(f"arn:aws:iam::{ACCOUNT}:role/{TEAM_A_ROLE}")), caller="usera1@studio"
    ),
    "another user, despite an identity allow": Case(
        trust(allow(f"arn:aws:iam::{ACCOUNT}:user/usera2")),
        identity_allows=True,
        expected="because no role trust policy allows the sts:AssumeRole action",
    ),
    "another role than the caller's": Case(
        trust(allow(f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamBRole")),
        caller="usera1@studio",
        identity_allows=True,
        expected="because no role trust policy allows the sts:AssumeRole action",
    ),
    "another account": Case(
        trust(allow("arn:aws:iam::999999999999:root")),
        identity_allows=True,
        expected="because no role trust policy allows the sts:AssumeRole action",
    ),
    "a Deny in the trust policy": Case(
        trust(
            allow(f"arn:aws:iam::{ACCOUNT}:root"),
            {"Effect": "Deny", "Principal": {"AWS": USERA1}, "Action": "sts:AssumeRole"},
        ),
        identity_allows=True,
        expected="with an explicit deny in the role trust policy",
    ),
    "a PrincipalTag condition that holds": Case(
        trust(
            allow(
                f"arn:aws:iam::{ACCOUNT}:root",
                Condition={"StringEquals": {"aws:PrincipalTag/team": "TeamA"}},
            )
        ),
        identity_allows=True,
        principal_tags={"team": "TeamA"},
    ),
    "a PrincipalTag condition that fails": Case(
        trust(
            allow(
                f"arn:aws:iam::{ACCOUNT}:root",
                Condition={"StringEquals": {"aws:PrincipalTag/team": "TeamA"}},
            )
        ),
        identity_allows=True,
        principal_tags={"team": "TeamB"},
        expected="because no role trust policy allows the sts:AssumeRole action",
    ),
    "session tags the trust does not allow tagging with": Case(
        trust(allow(USERA1)),
        session_tags={"studiouserid": "usera1"},
        expected="because no role trust policy allows the sts:TagSession action",
    ),
    "session tags the trust allows": Case(
        trust(allow(USERA1, BOTH)), session_tags={"studiouserid": "usera1"}
    ),
    "session tags on a RequestTag condition that fails": Case(
        trust(
            allow(f"arn:aws:iam::{ACCOUNT}:root"),
            allow(
                f"arn:aws:iam::{ACCOUNT}:root",
                "sts:TagSession",
                Condition={"StringEquals": {"aws:RequestTag/studiouserid": "usera2"}},
            ),
        ),
        identity_allows=True,
        session_tags={"studiouserid": "usera1"},
        expected="because no role trust policy allows the sts:TagSession action",
    ),
}


def _document(value: Any) -> str:
    """A policy document as IAM returns it through boto3 (already decoded) or as text."""
    return value if isinstance(value, str) else json.dumps(value)


def identity_of(iam: Any, caller_arn: str) -> tuple[list[str], dict[str, str]]:
    """The caller's identity policies and principal tags, read through IAM as an admin would."""
    if ":assumed-role/" in caller_arn:
        kind, name = "role", caller_arn.split("/")[1]
    else:
        kind, name = "user", caller_arn.rsplit("/", 1)[-1]
    key = {"role": "RoleName", "user": "UserName"}[kind]
    documents = []
    attached = getattr(iam, f"list_attached_{kind}_policies")(**{key: name})
    for policy in attached["AttachedPolicies"]:
        version = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]["DefaultVersionId"]
        text = iam.get_policy_version(PolicyArn=policy["PolicyArn"], VersionId=version)
        documents.append(_document(text["PolicyVersion"]["Document"]))
    for policy_name in getattr(iam, f"list_{kind}_policies")(**{key: name})["PolicyNames"]:
        inline = getattr(iam, f"get_{kind}_policy")(**{key: name, "PolicyName": policy_name})
        documents.append(_document(inline["PolicyDocument"]))
    tags = getattr(iam, f"list_{kind}_tags")(**{key: name})["Tags"]
    return documents, {t["Key"]: t["Value"] for t in tags}


def simulate(
    caller_arn: str, identity: list[str], tags: dict[str, str], trust_text: str, case: Case
) -> list[Decision]:
    entries: list[dict[str, Any]] = [
        {
            "ContextKeyName": f"aws:PrincipalTag/{k}",
            "ContextKeyValues": [v],
            "ContextKeyType": "string",
        }
        for k, v in tags.items()
    ]
    for k, v in case.session_tags.items():
        entries.append(
            {
                "ContextKeyName": f"aws:RequestTag/{k}",
                "ContextKeyValues": [v],
                "ContextKeyType": "string",
            }
        )
    if case.session_tags:
        entries.append(
            {
                "ContextKeyName": "aws:TagKeys",
                "ContextKeyValues": list(case.session_tags),
                "ContextKeyType": "stringList",
            }
        )
    _, decisions = simulate_custom_policy(
        {
            "PolicyInputList": identity,
            "ResourcePolicy": trust_text,
            "ActionNames": BOTH if case.session_tags else ["sts:AssumeRole"],
            "ResourceArns": [PROBE_ARN],
            "CallerArn": caller_arn,
            "ContextEntries": entries,
        },
        explain=False,
    )
    return decisions


def reason_of(decision: Decision) -> str:
    """The reason words AWS's AccessDenied message gives for a simulated denial."""
    if decision.decision == "explicitDeny":
        kinds = {ref.policy_type for ref in decision.matched_statements}
        where = "the role trust policy" if kinds == {"resource"} else "another policy"
        return f"with an explicit deny in {where}"
    words = {"resource": "role trust policy", "identity": "identity-based policy"}
    policy = words.get(decision.denied_at or "", str(decision.denied_at))
    return f"because no {policy} allows the {decision.action} action"


def arrange(sandbox: Sandbox, case: Case) -> tuple[Any, str]:
    """The probe role and the caller's grants and tags, made by the admin through IAM."""
    iam = sandbox.session_for("admin").client("iam")
    iam.create_role(RoleName=PROBE, AssumeRolePolicyDocument=json.dumps(case.trust))
    caller_sts = sandbox.session_for(case.caller).client("sts")
    caller_arn = caller_sts.get_caller_identity()["Arn"]
    grant = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": BOTH, "Resource": PROBE_ARN}],
        }
    )
    if case.identity_allows and case.caller == "usera1":
        iam.put_user_policy(UserName="usera1", PolicyName="assume-probe", PolicyDocument=grant)
    elif case.identity_allows:
        iam.put_role_policy(RoleName=TEAM_A_ROLE, PolicyName="assume-probe", PolicyDocument=grant)
    if case.principal_tags:
        tags = [{"Key": k, "Value": v} for k, v in case.principal_tags.items()]
        iam.tag_user(UserName="usera1", Tags=tags)
    return caller_sts, caller_arn


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_sandbox_assume_role_agrees_with_simulate_custom_policy(
    fresh_sandbox: Sandbox, case: Case
) -> None:
    # Given the probe role with the case's trust policy, and the caller's grants and tags
    caller_sts, caller_arn = arrange(fresh_sandbox, case)
    admin_iam = fresh_sandbox.session_for("admin").client("iam")
    trust_text = _document(admin_iam.get_role(RoleName=PROBE)["Role"]["AssumeRolePolicyDocument"])
    identity, tags = identity_of(admin_iam, caller_arn)
    # When the caller assumes the role through the sandbox, and the simulator is asked the same
    tags_param = [{"Key": k, "Value": v} for k, v in case.session_tags.items()]
    try:
        reply = caller_sts.assume_role(
            RoleArn=PROBE_ARN,
            RoleSessionName="probe",
            **({"Tags": tags_param} if tags_param else {}),
        )
    except ClientError as error:
        sandbox_answer = error.response["Error"]["Message"]
        assert error.response["Error"]["Code"] == "AccessDenied"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    else:
        sandbox_answer = "allowed"
        assert reply["AssumedRoleUser"]["Arn"].endswith(f":assumed-role/{PROBE}/probe")
    decisions = simulate(caller_arn, identity, tags, trust_text, case)
    denied = [d for d in decisions if not d.allowed]
    simulated = reason_of(denied[0]) if denied else "allowed"
    # Then both give the case's answer, a denial in AWS's words for the same action and role
    assert simulated == case.expected
    if case.expected == "allowed":
        assert sandbox_answer == "allowed"
    else:
        action = denied[0].action
        assert sandbox_answer == (
            f"User: {caller_arn} is not authorized to perform: {action} on resource: "
            f"{PROBE_ARN} {case.expected}"
        )


def test_assume_role_of_a_role_that_does_not_exist_is_denied(fresh_sandbox: Sandbox) -> None:
    # Given usera1 may assume any role by its identity policies
    grant = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
    fresh_sandbox.session_for("admin").client("iam").put_user_policy(
        UserName="usera1", PolicyName="assume-any", PolicyDocument=json.dumps(grant)
    )
    # When usera1 assumes a role no one made
    with pytest.raises(ClientError) as caught:
        fresh_sandbox.session_for("usera1").client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/Nobody", RoleSessionName="probe"
        )
    # Then it is denied: there is no trust policy to allow it
    assert caught.value.response["Error"]["Message"] == (
        f"User: {USERA1} is not authorized to perform: sts:AssumeRole on resource: "
        f"arn:aws:iam::{ACCOUNT}:role/Nobody because no role trust policy allows the "
        "sts:AssumeRole action"
    )


CROSS_CALLER = "arn:aws:iam::999999999999:user/partner"
CROSS_GRANT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": PROBE_ARN}],
    }
)


@pytest.mark.parametrize(
    ("principal", "identity", "expected"),
    [
        ("arn:aws:iam::999999999999:root", [CROSS_GRANT], "allowed"),
        (CROSS_CALLER, [CROSS_GRANT], "allowed"),
        ("arn:aws:iam::999999999999:root", [], "implicitDeny"),
        (CROSS_CALLER, [], "implicitDeny"),
        (f"arn:aws:iam::{ACCOUNT}:root", [CROSS_GRANT], "implicitDeny"),
    ],
    ids=["account+identity", "caller+identity", "account only", "caller only", "own account"],
)
def test_cross_account_assume_role_needs_the_trust_and_the_identity_policy(
    principal: str, identity: list[str], expected: str
) -> None:
    """AWS (Cross-account policy evaluation logic): "To allow cross-account access, you attach
    a resource-based policy to the resource that you want to share. You must also attach an
    identity-based policy to the identity that acts as the principal in the request." The
    sandbox holds one account, so this is asked of the simulator alone."""
    # Given a role of this account trusting `principal`, and a caller of another account
    payload = {
        "PolicyInputList": identity,
        "ResourcePolicy": json.dumps(trust(allow(principal))),
        "ActionNames": ["sts:AssumeRole"],
        "ResourceArns": [PROBE_ARN],
        "CallerArn": CROSS_CALLER,
    }
    # When the caller's AssumeRole is simulated
    _, decisions = simulate_custom_policy(payload, explain=False)
    # Then only the trust policy and the caller's identity policy together allow it
    assert decisions[0].decision == expected


DENY_ALL_SCP = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
)
BUCKET_OBJECT = "arn:aws:s3:::public-bucket/report.csv"


def public_read(principal: Any) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": principal,
                    "Action": "s3:GetObject",
                    "Resource": BUCKET_OBJECT,
                }
            ],
        }
    )


@pytest.mark.parametrize(
    ("caller", "expected"),
    [(ANONYMOUS, "allowed"), (USERA1, "explicitDeny")],
    ids=["anonymous caller", "principal of the account"],
)
def test_scps_constrain_principals_of_the_organisations_accounts_not_anonymous_callers(
    caller: str, expected: str
) -> None:
    """AWS (Service control policies): "SCPs affect only IAM users and roles that are managed
    by accounts that are part of the organization." An unsigned request (``arns.ANONYMOUS``)
    is neither: a public bucket policy lets it read under a Deny-everything SCP."""
    # Given a bucket policy open to everyone and an SCP denying everything
    payload = {
        "PolicyInputList": [],
        "ResourcePolicy": public_read("*"),
        "ServiceControlPolicyInputList": [[DENY_ALL_SCP]],
        "ActionNames": ["s3:GetObject"],
        "ResourceArns": [BUCKET_OBJECT],
        "ResourceOwner": ACCOUNT,
        "CallerArn": caller,
    }
    # When the read is simulated
    _, decisions = simulate_custom_policy(payload, explain=False)
    # Then the SCP denies the account's user and does not apply to the anonymous caller
    assert decisions[0].decision == expected


@pytest.mark.parametrize("principal", [{"AWS": ACCOUNT}, {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}])
def test_an_anonymous_caller_is_named_only_by_the_wildcard_principal(principal: Any) -> None:
    """AWS (Principal element): anonymous access is granted with ``"Principal": "*"``; a grant
    to an account is a grant to its authenticated principals."""
    # Given a bucket policy granting the account, not everyone
    payload = {
        "PolicyInputList": [],
        "ResourcePolicy": public_read(principal),
        "ActionNames": ["s3:GetObject"],
        "ResourceArns": [BUCKET_OBJECT],
        "ResourceOwner": ACCOUNT,
        "CallerArn": ANONYMOUS,
    }
    # When an unsigned read is simulated
    _, decisions = simulate_custom_policy(payload, explain=False)
    # Then it is not allowed
    assert decisions[0].decision == "implicitDeny"


def test_the_sandbox_evaluates_no_unsigned_request_but_the_saml_sign_in(
    fresh_sandbox: Sandbox,
) -> None:
    """The sandbox's one unsigned call is sts:AssumeRoleWithSAML, decided as the SAML provider
    (the trust policy's Federated principal). Any other unsigned call, an anonymous S3 read
    included, is refused before any policy is evaluated: nothing is audited."""
    # Given the audit of a fresh sandbox
    before = len(fresh_sandbox.audit.events())
    # When an unsigned S3 read and an unsigned STS call arrive
    s3 = requests.get(f"{fresh_sandbox.endpoint}/studio-abac-sandbox-org-trail/x", timeout=10)
    sts = requests.post(
        fresh_sandbox.endpoint,
        data={"Action": "GetCallerIdentity", "Version": "2011-06-15"},
        timeout=10,
    )
    # Then both are refused as AWS refuses calls without credentials, and none was decided
    assert (s3.status_code, "<Code>AccessDenied</Code>" in s3.text) == (403, True)
    assert (sts.status_code, "MissingAuthenticationToken" in sts.text) == (403, True)
    assert len(fresh_sandbox.audit.events()) == before
