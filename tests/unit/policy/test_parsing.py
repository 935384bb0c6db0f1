"""Parsing and validating policy documents: spans, errors naming path and rule, caching."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio_abac_ext.policy import PolicyParseError, parse_policy

from .conftest import DATA, load_policy


def test_statement_and_condition_spans_point_at_their_lines() -> None:
    # Given the document's team-3 policy
    policy = load_policy("team-3-studio-developer")
    # When its statements are read
    create = policy.statements[4]
    # Then each statement and condition knows its lines and columns
    assert create.sid == "AmazonSageMakerCreate"
    assert (create.span.start_line, create.span.start_column) == (36, 5)
    assert (create.span.end_line, create.span.end_column) == (53, 5)
    assert [c.span.lines for c in create.conditions] == [(45, 47), (50, 50)]
    assert [s.index for s in policy.statements] == list(range(6))
    assert policy.version == "2012-10-17"


def test_statement_may_be_a_single_object() -> None:
    # Given a policy whose Statement is one object
    policy = parse_policy(
        '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}', name="p"
    )
    # Then it has one statement spanning the object
    assert len(policy.statements) == 1
    assert policy.statements[0].span.start_column == 15
    assert policy.version is None


def test_dict_input_is_serialised_and_spans_refer_to_that_text() -> None:
    # Given a policy as a dict
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
    }
    # When parsed
    policy = parse_policy(doc, name="d")
    # Then its text is the indented JSON and the span points into it
    assert policy.text == json.dumps(doc, indent=2)
    lines = policy.text.splitlines()
    span = policy.statements[0].span
    assert lines[span.start_line - 1].strip() == "{"
    assert lines[span.end_line - 1].strip() == "}"


def test_parsing_is_cached_per_text_name_and_type() -> None:
    # Given the same text parsed twice, and once under another name
    text = '{"Statement": []}'
    # Then equal inputs give the same object
    assert parse_policy(text, name="a") is parse_policy(text, name="a")
    assert parse_policy(text, name="a") is not parse_policy(text, name="b")


def test_placeholder_resource_parses_with_a_warning() -> None:
    # Given the document's team-2 policy with its "<S3 BucketName>" placeholder
    policy = load_policy("team-2-supporting-services")
    # Then it parses, and the placeholder is flagged
    assert any("<S3 BucketName>" in w for w in policy.warnings)


def test_duplicate_sids_are_warned_about_with_both_positions() -> None:
    # Given a policy where two of three statements share a Sid, and one has none
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Same", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
            {"Sid": "Same", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
        ],
    }
    # When parsed
    policy = parse_policy(doc, name="dup")
    # Then it still parses, with one warning naming the second Sid and the first
    assert len(policy.statements) == 3
    assert policy.warnings == (
        "$.Statement[2].Sid: duplicate Sid 'Same' (also $.Statement[0]); "
        "IAM requires each Sid to be unique within a policy",
    )


def test_distinct_and_missing_sids_give_no_warning() -> None:
    # Given the document's team-3 policy (distinct Sids) and a policy of Sid-less statements
    anonymous = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}] * 2}
    # Then neither warns
    assert load_policy("team-3-studio-developer").warnings == ()
    assert parse_policy(anonymous, name="anon").warnings == ()


ERRORS: list[tuple[str, Any, str, str]] = [
    ("not_an_object", "[]", "$", "a policy must be a JSON object"),
    ("missing_statement", '{"Version": "2012-10-17"}', "$.Statement", "is required"),
    (
        "bad_version",
        '{"Version": "2020-01-01", "Statement": []}',
        "$.Version",
        'must be "2012-10-17" or "2008-10-17"',
    ),
    (
        "unknown_top_level",
        '{"Statement": [], "Statements": []}',
        "$.Statements",
        "unknown element (expected one of Version, Id, Statement)",
    ),
    (
        "bad_effect",
        '{"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}',
        "$.Statement[0].Effect",
        'must be "Allow" or "Deny"',
    ),
    (
        "missing_action",
        '{"Statement": [{"Effect": "Allow", "Resource": "*"}]}',
        "$.Statement[0].Action",
        "is required (Action or NotAction)",
    ),
    (
        "action_and_not_action",
        '{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}]}',
        "$.Statement[0].NotAction",
        "use Action or NotAction, not both",
    ),
    (
        "action_without_service",
        '{"Statement": [{"Effect": "Allow", "Action": ["s3:Get", "Get"], "Resource": "*"}]}',
        "$.Statement[0].Action[1]",
        'must be "*" or "service:action"',
    ),
    (
        "empty_action_list",
        '{"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}',
        "$.Statement[0].Action",
        "must be a string or a non-empty list of strings",
    ),
    (
        "missing_resource",
        '{"Statement": [{"Effect": "Allow", "Action": "*"}]}',
        "$.Statement[0].Resource",
        "is required (Resource or NotResource)",
    ),
    (
        "principal_in_identity_policy",
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}',
        "$.Statement[0].Principal",
        "is only allowed in resource policies, not identity",
    ),
    (
        "condition_not_object",
        '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": []}]}',
        "$.Statement[0].Condition",
        "must be an object of operators",
    ),
    (
        "condition_block_not_object",
        '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", '
        '"Condition": {"StringEquals": "x"}}]}',
        "$.Statement[0].Condition.StringEquals",
        "must be a non-empty object of condition keys",
    ),
    (
        "condition_value_object",
        '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", '
        '"Condition": {"StringEquals": {"aws:TagKeys": {"a": 1}}}}]}',
        '$.Statement[0].Condition.StringEquals["aws:TagKeys"]',
        "must be a string, number or boolean",
    ),
    (
        "condition_value_empty_list",
        '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", '
        '"Condition": {"StringEquals": {"k": []}}}]}',
        "$.Statement[0].Condition.StringEquals.k",
        "must have at least one value",
    ),
    (
        "duplicate_key",
        '{"Statement": [{"Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}]}',
        "$.Statement[0].Effect",
        "duplicate key",
    ),
    (
        "unknown_statement_key",
        '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Conditions": {}}]}',
        "$.Statement[0].Conditions",
        "unknown element (expected one of Sid, Effect, Action, NotAction, Resource, "
        "NotResource, Principal, NotPrincipal, Condition)",
    ),
    (
        "statement_not_object",
        '{"Statement": ["x"]}',
        "$.Statement[0]",
        "a statement must be a JSON object",
    ),
    (
        "sid_not_string",
        '{"Statement": [{"Sid": 1, "Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        "$.Statement[0].Sid",
        "must be a string",
    ),
]


@pytest.mark.parametrize(
    ("text", "path", "rule"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_malformed_policy_names_the_path_and_the_rule(text: str, path: str, rule: str) -> None:
    # Given a malformed identity policy
    # When parsed
    with pytest.raises(PolicyParseError) as caught:
        parse_policy(text, name="bad")
    # Then the error names the JSON path and the rule
    assert (caught.value.path, caught.value.rule) == (path, rule)
    assert str(caught.value) == f"{path}: {rule}"


def test_resource_policy_needs_a_principal() -> None:
    # Given a resource policy statement without Principal
    text = '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
    # Then parsing names the missing element
    with pytest.raises(PolicyParseError, match=r"\$\.Statement\[0\]\.Principal: is required"):
        parse_policy(text, name="rp", policy_type="resource")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"Statement": [}', 1, 16),
        ('{\n  "Statement": [\n    {"Effect": "Allow",,}\n  ]\n}', 3, 24),
        ('{"Statement": "unterminated', 1, 15),
        ("", 1, 1),
        ('{"a": 1} trailing', 1, 10),
    ],
)
def test_invalid_json_gives_line_and_column(text: str, line: int, column: int) -> None:
    # Given text that is not JSON
    # When parsed
    with pytest.raises(PolicyParseError) as caught:
        parse_policy(text, name="bad")
    # Then the error gives the line and column where reading stopped
    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.path == "$"
    assert caught.value.rule.startswith(f"invalid JSON at line {line}, column {column}: ")


def test_unknown_operator_parses_and_is_marked() -> None:
    # Given a policy with an operator IAM does not have
    text = (
        '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", '
        '"Condition": {"Foo": {"k": "v"}}}}'
    )
    # When parsed
    clause = parse_policy(text, name="p").statements[0].conditions[0]
    # Then parsing succeeds and the condition carries the problem for evaluation to report
    assert clause.problem == "unknown operator 'Foo'"


def test_every_document_policy_parses() -> None:
    # Given every policy file of the document (the trust statement wrapped in a policy)
    names = sorted(p.stem for p in DATA.glob("*.json"))
    # Then each parses
    for name in names:
        doc = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
        if "Statement" not in doc:
            parse_policy(
                {"Version": "2012-10-17", "Statement": [doc]}, name=name, policy_type="resource"
            )
        else:
            assert parse_policy(
                (DATA / f"{name}.json").read_text(encoding="utf-8"), name=name
            ).statements
