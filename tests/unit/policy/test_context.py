"""build_request_context: the request context AWS builds for a call."""

from __future__ import annotations

from datetime import datetime, timezone

from studio_abac_ext.policy import build_request_context
from studio_abac_ext.policy.context import normalize_context


def test_role_session_context_has_role_arn_account_tags_and_both_resource_tag_keys() -> None:
    # Given a Studio role session acting on a tagged SageMaker resource
    context = build_request_context(
        principal_arn="arn:aws:sts::123456789012:assumed-role/TeamARole/SageMaker",
        principal_tags={"team": "TeamA"},
        resource_tags={"team": "TeamA"},
    )
    # Then it holds what AWS fills in
    assert context == {
        "aws:PrincipalArn": "arn:aws:iam::123456789012:role/TeamARole",
        "aws:PrincipalAccount": "123456789012",
        "aws:PrincipalType": "AssumedRole",
        "aws:PrincipalTag/team": "TeamA",
        "aws:ResourceTag/team": "TeamA",
        "sagemaker:ResourceTag/team": "TeamA",
    }


def test_iam_user_gets_aws_username_and_request_tags_give_tag_keys() -> None:
    # Given an IAM user creating a tagged resource
    context = build_request_context(
        principal_arn="arn:aws:iam::123456789012:user/path/usera1",
        request_tags={"team": "TeamA", "project": "p"},
        extra={"aws:SourceIp": "10.0.0.1"},
    )
    # Then aws:username, aws:RequestTag/* and aws:TagKeys are set, plus the extra keys
    assert context["aws:username"] == "usera1"
    assert context["aws:PrincipalType"] == "User"
    assert context["aws:RequestTag/team"] == "TeamA"
    assert context["aws:TagKeys"] == ["team", "project"]
    assert context["aws:SourceIp"] == "10.0.0.1"


def test_role_sessions_have_no_username_and_no_tag_keys_without_request_tags() -> None:
    # Given a role session with no request tags
    context = build_request_context(principal_arn="arn:aws:sts::1:assumed-role/R/s")
    # Then neither aws:username nor aws:TagKeys appears
    assert "aws:username" not in context
    assert "aws:TagKeys" not in context


def test_typed_values_are_normalized_to_text_with_case_insensitive_keys() -> None:
    # Given typed context values
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    normalized = normalize_context(
        {"A:B": True, "n": 5, "d": moment, "bin": b"hi", "l": ["x"], "e": []}
    )
    # Then keys are lower-cased, values are text, lists are multi-valued and empty lists absent
    assert normalized == {
        "a:b": (("true",), False),
        "n": (("5",), False),
        "d": (("2026-01-02T03:04:05Z",), False),
        "bin": (("aGk=",), False),
        "l": (("x",), True),
    }
