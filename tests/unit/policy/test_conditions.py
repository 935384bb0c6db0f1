"""Condition operators, from AWS's "IAM JSON policy elements: Condition operators"."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timezone
from typing import Any

import pytest

from studio_abac_ext.policy.wire import condition_dict

from .helpers import condition_holds, decide_condition

CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # String
    ("string_equals_matches", {"StringEquals": {"k": "a"}}, {"k": "a"}, True),
    ("string_equals_is_case_sensitive", {"StringEquals": {"k": "a"}}, {"k": "A"}, False),
    ("string_equals_values_are_ored", {"StringEquals": {"k": ["a", "b"]}}, {"k": "b"}, True),
    ("string_equals_missing_key_is_false", {"StringEquals": {"k": "a"}}, {}, False),
    ("string_not_equals_differs", {"StringNotEquals": {"k": "a"}}, {"k": "b"}, True),
    ("string_not_equals_same", {"StringNotEquals": {"k": ["a", "b"]}}, {"k": "b"}, False),
    ("string_not_equals_missing_key_is_true", {"StringNotEquals": {"k": "a"}}, {}, True),
    ("ignore_case_matches", {"StringEqualsIgnoreCase": {"k": "TeamA"}}, {"k": "teama"}, True),
    (
        "not_equals_ignore_case",
        {"StringNotEqualsIgnoreCase": {"k": "TeamA"}},
        {"k": "TEAMA"},
        False,
    ),
    ("string_like_star", {"StringLike": {"k": "home/*"}}, {"k": "home/a/b"}, True),
    ("string_like_question", {"StringLike": {"k": "v?"}}, {"k": "v1"}, True),
    ("string_like_question_one_char", {"StringLike": {"k": "v?"}}, {"k": "v12"}, False),
    ("string_like_case_sensitive", {"StringLike": {"k": "Home*"}}, {"k": "home"}, False),
    ("string_not_like", {"StringNotLike": {"k": "tmp-*"}}, {"k": "prod-1"}, True),
    ("string_equals_number_value", {"StringEquals": {"k": 5}}, {"k": "5"}, True),
    # Numeric
    ("numeric_equals", {"NumericEquals": {"n": "10"}}, {"n": 10}, True),
    ("numeric_equals_float_text", {"NumericEquals": {"n": "10"}}, {"n": "10.0"}, True),
    ("numeric_not_equals", {"NumericNotEquals": {"n": "10"}}, {"n": 11}, True),
    ("numeric_less_than", {"NumericLessThan": {"n": "10"}}, {"n": 9}, True),
    ("numeric_less_than_equal_edge", {"NumericLessThan": {"n": "10"}}, {"n": 10}, False),
    ("numeric_less_than_equals", {"NumericLessThanEquals": {"n": "10"}}, {"n": 10}, True),
    ("numeric_greater_than", {"NumericGreaterThan": {"n": "10"}}, {"n": 10.5}, True),
    ("numeric_greater_than_equals", {"NumericGreaterThanEquals": {"n": 10}}, {"n": 9}, False),
    (
        "numeric_request_not_a_number_never_matches",
        {"NumericEquals": {"n": "1"}},
        {"n": "x"},
        False,
    ),
    # Date
    (
        "date_less_than",
        {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": datetime(2025, 6, 1, tzinfo=timezone.utc)},
        True,
    ),
    (
        "date_greater_than",
        {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2025-06-01T00:00:00Z"},
        False,
    ),
    (
        "date_equals_epoch_policy_value",
        {"DateEquals": {"aws:EpochTime": "1767225600"}},
        {"aws:EpochTime": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        "date_not_equals",
        {"DateNotEquals": {"d": "2026-01-01T00:00:00Z"}},
        {"d": "2026-01-02T00:00:00Z"},
        True,
    ),
    (
        "date_less_than_equals",
        {"DateLessThanEquals": {"d": "2026-01-01T00:00:00Z"}},
        {"d": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        "date_greater_than_equals",
        {"DateGreaterThanEquals": {"d": "2026-01-01T00:00:00+01:00"}},
        {"d": "2026-01-01T00:00:00Z"},
        True,
    ),
    # Bool
    ("bool_true", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": True}, True),
    (
        "bool_json_false",
        {"Bool": {"aws:SecureTransport": False}},
        {"aws:SecureTransport": "false"},
        True,
    ),
    (
        "bool_mismatch",
        {"Bool": {"aws:SecureTransport": "true"}},
        {"aws:SecureTransport": False},
        False,
    ),
    ("bool_missing_is_false", {"Bool": {"aws:SecureTransport": "false"}}, {}, False),
    # Binary
    ("binary_equals", {"BinaryEquals": {"b": "QmluYXJ5"}}, {"b": b"Binary"}, True),
    ("binary_differs", {"BinaryEquals": {"b": "QmluYXJ5"}}, {"b": b"binary"}, False),
    # IP
    (
        "ip_v4_in_cidr",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.7"},
        True,
    ),
    (
        "ip_v4_outside",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "198.51.100.1"},
        False,
    ),
    (
        "ip_object_value",
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": ipaddress.ip_address("10.9.9.9")},
        True,
    ),
    (
        "ip_v6_in_cidr",
        {"IpAddress": {"aws:SourceIp": "2001:db8:1234::/48"}},
        {"aws:SourceIp": "2001:db8:1234:ffff::1"},
        True,
    ),
    (
        "ip_v6_request_against_v4_cidr",
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": "2001:db8::1"},
        False,
    ),
    (
        "not_ip_address_outside",
        {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": "11.0.0.1"},
        True,
    ),
    (
        "not_ip_address_inside",
        {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "10.0.0.0/8"]}},
        {"aws:SourceIp": "10.0.0.1"},
        False,
    ),
    (
        "ip_single_address_without_mask",
        {"IpAddress": {"aws:SourceIp": "10.0.0.1"}},
        {"aws:SourceIp": "10.0.0.1"},
        True,
    ),
    # ARN
    (
        "arn_like_per_segment",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:topic-*"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic-a"},
        True,
    ),
    (
        "arn_like_wildcard_does_not_cross_segments",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:t"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:x:123456789012:t"},
        False,
    ),
    (
        "arn_equals_accepts_wildcards_like_arn_like",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::bucket-*"}},
        {"aws:SourceArn": "arn:aws:s3:::bucket-1"},
        True,
    ),
    (
        "arn_not_like",
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin*"}},
        {"aws:PrincipalArn": "arn:aws:iam::1:role/Dev"},
        True,
    ),
    (
        "arn_not_equals_same",
        {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/Dev"}},
        {"aws:PrincipalArn": "arn:aws:iam::1:role/Dev"},
        False,
    ),
    ("arn_like_non_arn_request_value", {"ArnLike": {"k": "arn:aws:s3:::b"}}, {"k": "b"}, False),
    # Null
    ("null_true_key_absent", {"Null": {"aws:RequestTag/team": "true"}}, {}, True),
    (
        "null_true_key_present",
        {"Null": {"aws:RequestTag/team": "true"}},
        {"aws:RequestTag/team": "A"},
        False,
    ),
    (
        "null_false_key_present",
        {"Null": {"aws:RequestTag/team": "false"}},
        {"aws:RequestTag/team": "A"},
        True,
    ),
    ("null_false_json_bool", {"Null": {"aws:RequestTag/team": False}}, {}, False),
    (
        "null_empty_list_counts_as_absent",
        {"Null": {"aws:TagKeys": "true"}},
        {"aws:TagKeys": []},
        True,
    ),
    # IfExists
    ("if_exists_missing_key_is_true", {"StringEqualsIfExists": {"k": "a"}}, {}, True),
    ("if_exists_present_key_is_checked", {"StringEqualsIfExists": {"k": "a"}}, {"k": "b"}, False),
    ("numeric_if_exists_missing", {"NumericLessThanIfExists": {"n": "3"}}, {}, True),
    # Keys and operators
    (
        "keys_are_case_insensitive",
        {"StringEquals": {"AWS:PrincipalTag/Team": "A"}},
        {"aws:principaltag/team": "A"},
        True,
    ),
    ("keys_are_anded", {"StringEquals": {"a": "1", "b": "2"}}, {"a": "1", "b": "3"}, False),
    (
        "operators_are_anded",
        {"StringEquals": {"a": "1"}, "StringLike": {"b": "x*"}},
        {"a": "1", "b": "xy"},
        True,
    ),
    ("operator_names_are_case_insensitive", {"stringequals": {"a": "1"}}, {"a": "1"}, True),
]


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_condition_operator(
    condition: dict[str, Any], context: dict[str, Any], expected: bool
) -> None:
    # Given an Allow statement with one condition block
    # When a request with the context is evaluated
    # Then the statement allows exactly when the condition holds
    assert condition_holds(condition, context) is expected


SET_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    (
        "for_any_value_one_matches",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
        {"aws:TagKeys": ["project", "team"]},
        True,
    ),
    (
        "for_any_value_none_matches",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
        {"aws:TagKeys": ["project"]},
        False,
    ),
    (
        "for_any_value_missing_key_is_false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
        {},
        False,
    ),
    (
        "for_any_value_empty_set_is_false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
        {"aws:TagKeys": []},
        False,
    ),
    (
        "for_all_values_every_value_listed",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "project"]}},
        {"aws:TagKeys": ["team", "project"]},
        True,
    ),
    (
        "for_all_values_one_value_not_listed",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
        {"aws:TagKeys": ["team", "owner"]},
        False,
    ),
    (
        "for_all_values_missing_key_is_true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
        {},
        True,
    ),
    (
        "for_all_values_empty_set_is_true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
        {"aws:TagKeys": []},
        True,
    ),
    (
        "for_all_values_string_like",
        {"ForAllValues:StringLike": {"attrs": ["Post*", "Message"]}},
        {"attrs": ["PostDateTime", "Message"]},
        True,
    ),
    (
        "for_any_value_negated_one_value_outside",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}},
        {"aws:TagKeys": ["team", "x"]},
        True,
    ),
    (
        "for_any_value_negated_all_inside",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}},
        {"aws:TagKeys": ["team"]},
        False,
    ),
    (
        "for_all_values_negated_none_listed",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}},
        {"aws:TagKeys": ["team", "x"]},
        True,
    ),
    (
        "for_all_values_negated_one_listed",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}},
        {"aws:TagKeys": ["team", "secret"]},
        False,
    ),
    (
        "set_operator_treats_a_single_value_as_a_one_element_set",
        {"ForAnyValue:StringEquals": {"k": ["a"]}},
        {"k": "a"},
        True,
    ),
    (
        "for_all_values_if_exists_missing",
        {"ForAllValues:StringEqualsIfExists": {"k": ["a"]}},
        {},
        True,
    ),
    ("for_any_value_numeric", {"ForAnyValue:NumericGreaterThan": {"n": "5"}}, {"n": [1, 7]}, True),
    # AWS's documentation is silent; the IAM policy simulator matches any value.
    (
        "plain_operator_on_multivalued_key_matches_any_value_like_the_simulator",
        {"StringEquals": {"k": "b"}},
        {"k": ["a", "b"]},
        True,
    ),
    (
        "plain_negated_operator_on_multivalued_key_is_true_only_if_no_value_matches",
        {"StringNotEquals": {"k": "b"}},
        {"k": ["a", "b"]},
        False,
    ),
]


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [case[1:] for case in SET_CASES],
    ids=[case[0] for case in SET_CASES],
)
def test_set_qualifiers_and_multivalued_keys(
    condition: dict[str, Any], context: dict[str, Any], expected: bool
) -> None:
    # Given an Allow statement with a set-qualified (or plain) condition
    # When a request with single or multi-valued keys is evaluated
    # Then AWS's set rules decide
    assert condition_holds(condition, context) is expected


def test_unknown_operator_never_grants_and_is_reported() -> None:
    # Given an Allow whose condition uses an operator IAM does not have
    decision = decide_condition({"StringEqualsSometimes": {"k": "a"}}, {"k": "a"})
    # When evaluated
    # Then it does not grant, and the explanation lists it as unevaluable
    assert decision.decision == "implicitDeny"
    assert decision.explanation is not None
    assert (
        decision.explanation.unevaluable[0].reason
        == "cannot evaluate: unknown operator 'StringEqualsSometimes'"
    )


def test_deny_with_unknown_operator_denies_to_fail_closed() -> None:
    # Given a Deny whose condition cannot be evaluated, next to an Allow for everything
    decision = decide_condition({"Frobnicate": {"k": "a"}}, {}, effect="Deny")
    # When evaluated
    # Then the Deny is not skipped: it denies and is reported
    assert decision.decision == "explicitDeny"
    assert decision.explanation is not None
    assert [u.reason for u in decision.explanation.unevaluable] == [
        "cannot evaluate: unknown operator 'Frobnicate'"
    ]
    assert "could not be evaluated" in decision.to_dict()["summary"]


def test_deny_with_one_false_condition_does_not_deny_even_if_another_is_unevaluable() -> None:
    # Given a Deny with a condition that is false and one that cannot be evaluated
    condition = {"StringEquals": {"k": "other"}, "Frobnicate": {"k": "a"}}
    # When evaluated
    decision = decide_condition(condition, {"k": "a"}, effect="Deny")
    # Then the false condition settles it (conditions are AND'ed): the Allow applies
    assert decision.decision == "allowed"


@pytest.mark.parametrize(
    "condition",
    [
        {"NumericEquals": {"n": "ten"}},
        {"DateLessThan": {"d": "yesterday"}},
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}},
        {"Bool": {"b": "yes"}},
        {"BinaryEquals": {"b": "!!!"}},
        {"Null": {"k": "maybe"}},
        {"NullIfExists": {"k": "true"}},
        {"ForSomeValues:StringEquals": {"k": "a"}},
    ],
    ids=["numeric", "date", "cidr", "bool", "base64", "null", "null-if-exists", "qualifier"],
)
def test_invalid_policy_values_make_the_condition_unevaluable(condition: dict[str, Any]) -> None:
    # Given an Allow whose condition value is not valid for its operator
    # When evaluated with a context that would otherwise match
    decision = decide_condition(condition, {"n": "10", "d": "2020-01-01T00:00:00Z", "k": "a"})
    # Then it never grants, and says why
    assert decision.decision == "implicitDeny"
    assert decision.explanation is not None
    assert decision.explanation.unevaluable[0].reason.startswith("cannot evaluate")


def test_condition_trace_shows_values_reason_and_lines() -> None:
    # Given a condition that fails on a tag value
    decision = decide_condition(
        {"StringEquals": {"aws:PrincipalTag/team": "TeamA"}}, {"aws:PrincipalTag/team": "TeamB"}
    )
    # When the explanation is read
    assert decision.explanation is not None
    trace = condition_dict(decision.explanation.closest[0].conditions[0])
    # Then it carries the operator, key, both sides, the result and why
    assert trace["operator"] == "StringEquals"
    assert trace["key"] == "aws:PrincipalTag/team"
    assert trace["keyPresent"] is True
    assert trace["requestValues"] == ["TeamB"]
    assert trace["policyValues"] == ["TeamA"]
    assert trace["resolvedPolicyValues"] == ["TeamA"]
    assert trace["result"] is False
    assert trace["reason"] == "aws:PrincipalTag/team (TeamB) does not equal TeamA"
    start, end = trace["lines"]
    assert 1 <= start <= end


def test_missing_key_reason_says_why_the_condition_failed() -> None:
    # Given a ForAnyValue condition and a request without the key
    decision = decide_condition({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}, {})
    assert decision.explanation is not None
    trace = decision.explanation.closest[0].conditions[0]
    # Then the reason names the missing key and the rule
    assert trace.reason == "aws:TagKeys is missing; ForAnyValue is false when the key is absent"
    assert decision.missing_context_keys == ("aws:TagKeys",)


@pytest.mark.parametrize(
    ("operator", "tag_keys", "denied"),
    [
        ("StringNotEquals", ["note", "team"], True),
        ("StringNotEquals", ["note"], False),
        ("StringEquals", ["note", "team"], True),
        ("StringEquals", ["other", "note"], False),
        ("StringNotLike", ["note", "team*x"], True),
    ],
)
def test_multivalued_condition_keys_require_condition_set_operators_and_a_deny_never_fails_open(
    operator: str, tag_keys: list[str], denied: bool
) -> None:
    """AWS (reference_policies_single-vs-multi-valued-condition-keys.html): "Multivalued
    condition keys require condition set operators ForAllValues or ForAnyValue." What a plain
    operator does is not said; whichever reading holds, the Deny applies (docs/engine.md)."""
    # Given a Deny with a plain operator on aws:TagKeys ("note" is the only key allowed)
    value = "note" if operator.startswith("StringNot") else "team"
    condition = {operator: {"aws:TagKeys": value}}
    # When a request carries several tag keys
    decision = decide_condition(condition, {"aws:TagKeys": tag_keys}, effect="Deny")
    # Then the Deny applies as soon as one reading makes it apply
    assert (decision.decision == "explicitDeny") is denied
