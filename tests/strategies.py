"""Hypothesis strategies for random policies and requests, shared by the property tests.

The engine's own vocabulary (``ENGINE_VOCABULARY``: several services, variables, Not* elements,
wildcards, odd operators) feeds ``tests/unit/policy/test_properties.py``; another test passes its
own ``PolicyVocabulary`` to the same generator (the isolation checker's soundness test uses
SageMaker actions and ARNs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from studio_abac_ext.policy import Policy, PolicySet, Request, parse_policy

ACTIONS = ["sagemaker:DeleteExperiment", "sagemaker:CreateApp", "s3:GetObject", "iam:PassRole"]
ACTION_PATTERNS = [
    *ACTIONS,
    "sagemaker:*",
    "sagemaker:Delete*",
    "*",
    "s3:Get?bject",
    "SAGEMAKER:create*",
]
RESOURCES = [
    "arn:aws:sagemaker:us-east-1:123456789012:experiment/x",
    "arn:aws:s3:::bucket/home/alice/file",
    "arn:aws:iam::123456789012:role/Exec",
    "*",
]
RESOURCE_PATTERNS = [
    *RESOURCES,
    "arn:aws:sagemaker:*:*:experiment/*",
    "arn:aws:s3:::bucket/home/${aws:username}/*",
    "arn:aws:s3:::bucket/${*}",
    "<S3 BucketName>",
]
KEYS = [
    "aws:PrincipalTag/team",
    "sagemaker:ResourceTag/team",
    "aws:TagKeys",
    "aws:SourceIp",
    "n",
    "aws:username",
]
OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringEqualsIgnoreCase",
    "StringNotLike",
    "NumericLessThan",
    "NumericEquals",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "NotIpAddress",
    "ArnLike",
    "Null",
    "BinaryEquals",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringLike",
    "StringEqualsIfExists",
    "ForAllValues:StringNotEquals",
    "Bogus",
    "NumericGreaterThanIfExists",
]
VALUES = [
    "TeamA",
    "TeamB",
    "team",
    "10",
    "true",
    "10.0.0.0/8",
    "2026-01-01T00:00:00Z",
    "Zm9v",
    "${aws:PrincipalTag/team}",
    "${sagemaker:ResourceTag/team}",
    "${missing, 'TeamA'}",
    "a*",
    "?",
    "arn:aws:s3:::bucket/*",
    "not a number",
]
CONTEXT_VALUES = st.one_of(
    st.sampled_from(["TeamA", "TeamB", "team", "10.1.2.3", "2001:db8::1", "5", "true", "alice"]),
    st.integers(-5, 20),
    st.booleans(),
    st.lists(st.sampled_from(["team", "project", "TeamA"]), max_size=3),
    st.text(max_size=5),
)


@dataclass(frozen=True)
class PolicyVocabulary:
    """The words a random statement is made of."""

    action_patterns: tuple[str, ...]
    resource_patterns: tuple[str, ...]
    keys: tuple[str, ...]
    operators: tuple[str, ...]
    values: tuple[str, ...]
    sids: tuple[str, ...] = ("A", "B", "Deny1")


ENGINE_VOCABULARY = PolicyVocabulary(
    tuple(ACTION_PATTERNS), tuple(RESOURCE_PATTERNS), tuple(KEYS), tuple(OPERATORS), tuple(VALUES)
)


def one_or_many(values: list[str] | tuple[str, ...]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(values), st.lists(st.sampled_from(values), min_size=1, max_size=3)
    )


def conditions_of(vocabulary: PolicyVocabulary) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        st.sampled_from(vocabulary.operators),
        st.dictionaries(
            st.sampled_from(vocabulary.keys), one_or_many(vocabulary.values), min_size=1, max_size=2
        ),
        max_size=3,
    )


conditions = conditions_of(ENGINE_VOCABULARY)


@st.composite
def statements(
    draw: st.DrawFn, effect: str | None = None, vocabulary: PolicyVocabulary = ENGINE_VOCABULARY
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        draw(st.sampled_from(["Action", "NotAction"])): draw(
            one_or_many(vocabulary.action_patterns)
        ),
        draw(st.sampled_from(["Resource", "NotResource"])): draw(
            one_or_many(vocabulary.resource_patterns)
        ),
    }
    if draw(st.booleans()):
        body["Sid"] = draw(st.sampled_from(vocabulary.sids))
    condition = draw(conditions_of(vocabulary))
    if condition:
        body["Condition"] = condition
    return body


@st.composite
def policies(
    draw: st.DrawFn,
    name: str,
    policy_type: str = "identity",
    vocabulary: PolicyVocabulary = ENGINE_VOCABULARY,
    max_statements: int = 4,
) -> Policy:
    chosen = st.lists(statements(vocabulary=vocabulary), max_size=max_statements)
    doc: dict[str, Any] = {"Statement": draw(chosen)}
    if draw(st.booleans()):
        doc["Version"] = "2012-10-17"
    return parse_policy(doc, name=name, policy_type=policy_type)  # type: ignore[arg-type]


@st.composite
def policy_sets(draw: st.DrawFn) -> PolicySet:
    identity = draw(st.lists(policies("identity"), max_size=3))
    boundary = draw(st.one_of(st.none(), st.lists(policies("boundary", "boundary"), max_size=1)))
    session = draw(st.one_of(st.none(), st.lists(policies("session", "session"), max_size=1)))
    scps = draw(
        st.one_of(st.none(), st.lists(st.lists(policies("scp", "scp"), max_size=1), max_size=2))
    )
    return PolicySet(identity=identity, boundary=boundary, session=session, scps=scps)


requests = st.builds(
    Request,
    action=st.sampled_from(ACTIONS),
    resource=st.sampled_from(RESOURCES),
    principal_arn=st.sampled_from(
        [
            None,
            "arn:aws:sts::123456789012:assumed-role/Dev/alice",
            "arn:aws:iam::123456789012:user/alice",
        ]
    ),
    context=st.dictionaries(st.sampled_from(KEYS), CONTEXT_VALUES, max_size=4),
)
