"""The IAM policy engine: parse policies, evaluate requests the way AWS does, explain why.

Pure code (no I/O, no boto3); imports nothing else of the extension (only the standard
library). Every other package may import it. Inside, imports point down:
``arns``/``variables`` <- ``matching``/``operators`` <- ``model`` <- ``parsing``; ``model`` <-
``conditions``/``principals`` <- ``statements`` <- ``explainer`` <- ``evaluate``, which uses
``explanation`` (data), ``summary`` (prose) and ``wire`` (the one JSON encoder).
The public API:

>>> policy = parse_policy(text, name="team-3-studio-developer")
>>> request = Request(action=..., resource=..., context=...)
>>> decision = evaluate(request, PolicySet(identity=[policy]))
>>> decision.decision, render_summary(decision), decision.to_dict()
"""

from __future__ import annotations

from .context import ContextScalar, ContextValue, build_request_context
from .evaluate import Decision, PolicySet, Request, evaluate, evaluate_many, render_summary
from .explanation import ConditionTrace, Explanation, MissingKeyDeny, StatementRef, StatementTrace
from .model import Policy, PolicyParseError, PolicyType, Span, Statement
from .parsing import parse_policy

__all__ = [
    "ConditionTrace",
    "ContextScalar",
    "ContextValue",
    "Decision",
    "Explanation",
    "MissingKeyDeny",
    "Policy",
    "PolicyParseError",
    "PolicySet",
    "PolicyType",
    "Request",
    "Span",
    "Statement",
    "StatementRef",
    "StatementTrace",
    "build_request_context",
    "evaluate",
    "evaluate_many",
    "parse_policy",
    "render_summary",
]
