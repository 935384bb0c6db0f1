"""Property tests for the shortcuts of the batch path: each must say what the plain path says."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from studio_abac_ext.policy import PolicySet, Request, evaluate, evaluate_many
from studio_abac_ext.policy.context import normalize_context
from studio_abac_ext.policy.statements import PreparedRequest, evaluate_statement
from studio_abac_ext.simulator.output import ResponseWriter

from .test_properties import SETTINGS, policy_sets, requests


@SETTINGS
@given(policy_set=policy_sets(), request=requests)
def test_explained_traces_are_those_of_every_statement_evaluated_one_by_one(
    policy_set: PolicySet, request: Request
) -> None:
    # Given any policies and request
    prepared = PreparedRequest(
        request.action,
        request.action.lower(),
        request.resource,
        request.principal_arn,
        normalize_context(request.context),
    )
    ordered = [p for level in policy_set.scps or () for p in level]
    ordered += [*policy_set.resource, *policy_set.identity]
    ordered += [*(policy_set.boundary or ()), *(policy_set.session or ())]
    # When the request is explained, and each statement evaluated on its own
    explanation = evaluate(request, policy_set).explanation
    one_by_one = [
        evaluate_statement(policy, statement, prepared, True, False).trace
        for policy in ordered
        for statement in policy.statements
    ]
    # Then the explanation lists the same traces, in the same order
    assert explanation is not None
    assert list(explanation.statements) == one_by_one


@SETTINGS
@given(
    policy_set=policy_sets(),
    shared=requests,
    actions=st.lists(st.sampled_from(["sagemaker:CreateApp", "s3:GetObject"]), min_size=1),
    explain=st.booleans(),
)
def test_evaluate_many_decides_as_evaluate_does_one_by_one(
    policy_set: PolicySet, shared: Request, actions: list[str], explain: bool
) -> None:
    # Given requests that share one context object, as a fan-out does
    batch = [Request(a, shared.resource, shared.principal_arn, shared.context) for a in actions]
    # When decided together and one by one
    together = evaluate_many(batch, policy_set, explain=explain)
    alone = [evaluate(r, policy_set, explain=explain) for r in batch]
    # Then the decisions are the same
    assert [d.to_dict() for d in together] == [d.to_dict() for d in alone]


@SETTINGS
@given(policy_set=policy_sets(), request=requests)
def test_written_explanation_is_to_dict_with_policies_named(
    policy_set: PolicySet, request: Request
) -> None:
    # Given any decision, and a writer that has already written another
    decision = evaluate(request, policy_set)
    writer = ResponseWriter()
    writer.evaluation_result(evaluate(request, policy_set), explain=True)
    # When its EvaluationResult is written as text
    written = json.loads(writer.evaluation_result(decision, explain=True))
    # Then its explanation is to_dict's, key for key and in order, the policies only named
    expected = decision.to_dict()
    expected["policies"] = [{"name": p["name"], "type": p["type"]} for p in expected["policies"]]
    assert written["Explanation"] == expected
    assert list(written["Explanation"]) == list(expected)
    assert written["EvalDecision"] == decision.decision
    assert written["MissingContextValues"] == list(decision.missing_context_keys)
