"""Small builders for one-statement policies, so tables of cases stay readable."""

from __future__ import annotations

from typing import Any

from studio_abac_ext.policy import Decision, PolicySet, Request, evaluate, parse_policy

ACTION = "sagemaker:DeleteExperiment"
RESOURCE = "arn:aws:sagemaker:us-east-1:123456789012:experiment/x"


def statement(
    effect: str = "Allow",
    action: Any = ACTION,
    resource: Any = "*",
    condition: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": resource, **extra}
    if condition is not None:
        body["Condition"] = condition
    return body


def policy_doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        doc["Version"] = version
    return doc


def decide_condition(
    condition: dict[str, Any], context: dict[str, Any], *, effect: str = "Allow"
) -> Decision:
    """Evaluate one Allow (or Deny + allow-all) statement with ``condition`` for ``context``."""
    statements = [statement(effect, condition=condition)]
    if effect == "Deny":
        statements.append(statement("Allow"))
    policy = parse_policy(policy_doc(*statements), name="p")
    return evaluate(Request(ACTION, RESOURCE, None, context), PolicySet(identity=[policy]))


def condition_holds(condition: dict[str, Any], context: dict[str, Any]) -> bool:
    return decide_condition(condition, context).allowed
