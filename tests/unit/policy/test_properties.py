"""Property tests: random policies and requests never crash, explanations never change the
decision, and a Deny added anywhere never turns a decision into "allowed"."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_abac_ext.policy import PolicyParseError, PolicySet, Request, evaluate, parse_policy
from tests.strategies import policy_sets, requests, statements

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(policy_set=policy_sets(), request=requests)
def test_random_policies_and_requests_never_crash_and_serialise(
    policy_set: PolicySet, request: Request
) -> None:
    # Given any valid policies and any request
    # When evaluated with an explanation
    decision = evaluate(request, policy_set, explain=True)
    # Then a decision comes back, and its dict is JSON with a summary
    body = json.loads(json.dumps(decision.to_dict()))
    assert body["decision"] in ("allowed", "explicitDeny", "implicitDeny")
    assert body["summary"]


@SETTINGS
@given(policy_set=policy_sets(), request=requests)
def test_turning_explanation_off_never_changes_the_decision(
    policy_set: PolicySet, request: Request
) -> None:
    # Given any policies and request
    # When evaluated with and without explanation
    explained = evaluate(request, policy_set, explain=True)
    plain = evaluate(request, policy_set, explain=False)
    # Then decision, matched statements and missing keys agree
    assert plain.decision == explained.decision
    assert plain.matched_statements == explained.matched_statements
    assert set(plain.missing_context_keys) == set(explained.missing_context_keys)


@SETTINGS
@given(
    policy_set=policy_sets(),
    request=requests,
    deny=statements(effect="Deny"),
    layer=st.sampled_from(["identity", "boundary", "session", "scp"]),
)
def test_adding_a_deny_never_turns_a_decision_into_allowed(
    policy_set: PolicySet, request: Request, deny: dict[str, Any], layer: str
) -> None:
    # Given any policies, and a Deny statement added to one layer
    before = evaluate(request, policy_set, explain=False)
    extra = parse_policy(
        {"Version": "2012-10-17", "Statement": [deny]}, name="deny", policy_type=layer
    )  # type: ignore[arg-type]
    identity = list(policy_set.identity)
    boundary = None if policy_set.boundary is None else list(policy_set.boundary)
    session = None if policy_set.session is None else list(policy_set.session)
    scps = [list(level) for level in policy_set.scps or [[]]]
    if layer == "identity":
        identity.append(extra)
    elif layer == "boundary":
        boundary = [*(boundary or []), extra]
    elif layer == "session":
        session = [*(session or []), extra]
    else:
        scps[0].append(extra)
    widened = PolicySet(
        identity,
        boundary=boundary,
        session=session,
        scps=scps if policy_set.scps or layer == "scp" else None,
    )
    # When the request is evaluated again
    after = evaluate(request, widened, explain=False)
    # Then it is allowed only if it was allowed before
    assert not after.allowed or before.allowed


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=60), st.from_regex(r'\{"Statement": ?[\[\{].{0,40}', fullmatch=True)
    )
)
def test_random_text_never_crashes_the_parser(text: str) -> None:
    # Given any text
    # When parsed
    # Then it parses or raises PolicyParseError, never anything else
    try:
        parse_policy(text, name="fuzz")
    except PolicyParseError as err:
        assert err.path.startswith("$")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "Statement",
                    "Effect",
                    "Action",
                    "Resource",
                    "Condition",
                    "Principal",
                    "StringEquals",
                    "Version",
                    "NotAction",
                    "k",
                    "Sid",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(doc=json_values, policy_type=st.sampled_from(["identity", "resource", "scp"]))
def test_random_json_documents_never_crash_the_parser(doc: Any, policy_type: str) -> None:
    # Given any JSON value
    # When parsed as a policy
    # Then it parses or raises PolicyParseError naming a path
    try:
        parse_policy(json.dumps(doc), name="fuzz", policy_type=policy_type)  # type: ignore[arg-type]
    except PolicyParseError as err:
        assert err.path.startswith("$") and err.rule
