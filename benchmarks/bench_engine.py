"""Throughput of the policy engine on the document's policies (prints figures, asserts nothing).

Run: ``python benchmarks/bench_engine.py [--requests N]``. Measures, on one core:
- ``evaluate`` with and without explanation (policies parsed once, from the parse cache);
- the batch path of ``simulate-custom-policy`` (JSON line in, JSON line out), with
  ``--decision-only`` and with explanations.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio_abac_ext.commands.simulate import _run_lines
from studio_abac_ext.policy import (
    PolicySet,
    Request,
    build_request_context,
    evaluate,
    parse_policy,
)

DATA = Path(__file__).resolve().parent.parent / "tests" / "unit" / "policy" / "data"
TEAM_POLICIES = (
    "team-1-sagemaker-read-only",
    "team-2-supporting-services",
    "team-3-studio-developer",
)
ACCOUNT = "123456789012"
ACTIONS = (
    "sagemaker:DeleteExperiment",
    "sagemaker:UpdateExperiment",
    "sagemaker:CreateExperiment",
    "sagemaker:CreateTrial",
    "sagemaker:DescribeExperiment",
    "sagemaker:ListExperiments",
    "sagemaker:AssociateTrialComponent",
    "sagemaker:StopTrainingJob",
    "sagemaker:CreateApp",
    "sagemaker:DeleteApp",
    "sagemaker:AddTags",
    "sagemaker:CreatePresignedDomainUrl",
    "s3:GetObject",
    "ecr:BatchGetImage",
    "logs:PutLogEvents",
    "kms:Decrypt",
)
TEAMS = ("TeamA", "TeamB", "TeamC", None)


def _texts() -> dict[str, str]:
    return {name: (DATA / f"{name}.json").read_text(encoding="utf-8") for name in TEAM_POLICIES}


def _requests(count: int, seed: int = 7) -> list[tuple[Request, dict[str, Any]]]:
    """Varied requests, each with its AWS-shaped simulate input."""
    rng = random.Random(seed)
    texts = list(_texts().values())
    out: list[tuple[Request, dict[str, Any]]] = []
    for number in range(count):
        team, owner = rng.choice(TEAMS), rng.choice(TEAMS)
        action = rng.choice(ACTIONS)
        principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/Studio{team or 'None'}Role/s{number % 50}"
        resource = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/exp-{number}"
        creating = action.split(":")[1].startswith("Create")
        tags = {"team": rng.choice(TEAMS) or "TeamA"} if creating and rng.random() < 0.8 else None
        context = build_request_context(
            principal_arn=principal,
            principal_tags={"team": team} if team else {},
            resource_tags={"team": owner} if owner and not creating else {},
            request_tags=tags,
        )
        request = Request(action, resource, principal, context)
        entries = [
            {
                "ContextKeyName": key,
                "ContextKeyValues": value if isinstance(value, list) else [str(value)],
                "ContextKeyType": "stringList" if isinstance(value, list) else "string",
            }
            for key, value in context.items()
        ]
        payload = {
            "PolicyInputList": texts,
            "ActionNames": [action],
            "ResourceArns": [resource],
            "CallerArn": principal,
            "ContextEntries": entries,
        }
        out.append((request, payload))
    return out


def _measure(label: str, count: int, run: Callable[[], None], repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    print(f"{label:<48} {count / best:>10,.0f} decisions/s  ({best * 1000:.1f} ms for {count})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    cases = _requests(args.requests)
    texts = _texts()
    policies = PolicySet(identity=[parse_policy(texts[name], name=name) for name in TEAM_POLICIES])
    requests = [request for request, _ in cases]
    decisions = [evaluate(r, policies, explain=False).decision for r in requests]
    print(f"{len(requests)} requests; decisions: ", end="")
    print(", ".join(f"{k}={decisions.count(k)}" for k in sorted(set(decisions))))

    def engine(explain: bool) -> Callable[[], None]:
        def run() -> None:
            for request in requests:
                evaluate(request, policies, explain=explain)

        return run

    def engine_parse_per_request() -> None:
        for request in requests:
            per_request = PolicySet(
                identity=[parse_policy(texts[name], name=name) for name in TEAM_POLICIES]
            )
            evaluate(request, per_request, explain=False)

    def engine_to_dict() -> None:
        for request in requests:
            json.dumps(evaluate(request, policies, explain=True).to_dict())

    lines = [json.dumps(payload) for _, payload in cases]

    def batch(decision_only: bool) -> Callable[[], None]:
        namespace = argparse.Namespace(decision_only=decision_only, output="json")

        def run() -> None:
            _run_lines(namespace, lines, io.StringIO())

        return run

    _measure("evaluate, no explanation", len(requests), engine(False))
    _measure("evaluate, parse (cached) per request", len(requests), engine_parse_per_request)
    _measure("evaluate, with explanation", len(requests), engine(True))
    _measure("evaluate + to_dict + json.dumps", len(requests), engine_to_dict)
    _measure("batch path, --decision-only", len(lines), batch(True))
    _measure("batch path, with explanation", len(lines), batch(False))


if __name__ == "__main__":
    main()
