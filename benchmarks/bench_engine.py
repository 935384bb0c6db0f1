"""Throughput of the policy engine on the document's policies (prints figures; no timed checks).

Run: ``python benchmarks/bench_engine.py [--lines N] [--requests N] [--profile MODE]``.
Measures, on one core (the script runs in one thread), best of five runs:

- ``evaluate`` alone, with and without explanation (policies parsed once);
- the batch path of ``simulate-custom-policy`` (``_run_lines``: JSON lines in, JSON lines out,
  exactly what ``--batch`` runs) on realistic lines: each line is one AWS SimulateCustomPolicy
  input asking about several actions on several resources of one team for one caller, so one
  line fans out to ActionNames x ResourceArns decisions. Both rates are printed: input lines
  per second and decisions (EvaluationResults written) per second;
- the same batch path on one-decision lines (one action, one resource: the worst case, where
  the cost of reading and writing a line is not shared);
- for reference, how ``--batch`` handled a line before it had its own path:
  ``simulate_custom_policy`` + ``json.dumps`` (with today's engine underneath).

``--profile batch-explain`` (or ``batch-decision-only``) prints a cProfile of one batch run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
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
from studio_abac_ext.simulator.custom_policy import simulate_custom_policy

DATA = Path(__file__).resolve().parent.parent / "tests" / "unit" / "policy" / "data"
TEAM_POLICIES = (
    "team-1-sagemaker-read-only",
    "team-2-supporting-services",
    "team-3-studio-developer",
)
POLICY_LISTS = (  # which of the document's policies a line's role has
    TEAM_POLICIES,
    ("team-3-studio-developer",),
    ("team-1-sagemaker-read-only", "team-3-studio-developer"),
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


def _context(rng: random.Random, number: int, creating: bool) -> tuple[str, dict[str, Any]]:
    team, owner = rng.choice(TEAMS), rng.choice(TEAMS)
    principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/Studio{team or 'None'}Role/s{number % 50}"
    tags = {"team": rng.choice(TEAMS) or "TeamA"} if creating and rng.random() < 0.8 else None
    context = build_request_context(
        principal_arn=principal,
        principal_tags={"team": team} if team else {},
        resource_tags={"team": owner} if owner and not creating else {},
        request_tags=tags,
    )
    return principal, context


def _entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "ContextKeyName": key,
            "ContextKeyValues": value if isinstance(value, list) else [str(value)],
            "ContextKeyType": "stringList" if isinstance(value, list) else "string",
        }
        for key, value in context.items()
    ]


def _single_requests(count: int, seed: int = 7) -> list[tuple[Request, dict[str, Any]]]:
    """One action on one resource per input: requests, each with its AWS-shaped input."""
    rng = random.Random(seed)
    texts = list(_texts().values())
    out: list[tuple[Request, dict[str, Any]]] = []
    for number in range(count):
        action = rng.choice(ACTIONS)
        principal, context = _context(rng, number, action.split(":")[1].startswith("Create"))
        resource = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/exp-{number}"
        payload = {
            "PolicyInputList": texts,
            "ActionNames": [action],
            "ResourceArns": [resource],
            "CallerArn": principal,
            "ContextEntries": _entries(context),
        }
        out.append((Request(action, resource, principal, context), payload))
    return out


def _fan_out_lines(count: int, seed: int = 11) -> tuple[list[str], int]:
    """Inputs asking about 2-8 actions on 1-4 resources of one team; the lines and the
    number of decisions they ask for."""
    rng = random.Random(seed)
    texts = _texts()
    lines: list[str] = []
    decisions = 0
    for number in range(count):
        actions = rng.sample(ACTIONS, rng.randint(2, 8))
        creating = any(a.split(":")[1].startswith("Create") for a in actions)
        principal, context = _context(rng, number, creating and rng.random() < 0.5)
        kind = rng.choice(("experiment", "experiment-trial", "training-job"))
        resources = [
            f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:{kind}/r{number}-{i}"
            for i in range(rng.randint(1, 4))
        ]
        payload = {
            "PolicyInputList": [texts[name] for name in rng.choice(POLICY_LISTS)],
            "ActionNames": actions,
            "ResourceArns": resources,
            "CallerArn": principal,
            "ContextEntries": _entries(context),
        }
        lines.append(json.dumps(payload))
        decisions += len(actions) * len(resources)
    return lines, decisions


def _best_seconds(run: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _report_engine(label: str, count: int, run: Callable[[], object]) -> None:
    seconds = _best_seconds(run)
    print(f"  {label:<44} {count / seconds:>9,.0f} decisions/s  ({seconds * 1000:6.1f} ms)")


def _report_batch(label: str, lines: list[str], decisions: int, decision_only: bool) -> None:
    namespace = argparse.Namespace(decision_only=decision_only, output="json")
    out = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):  # the policies' warnings, run after run
        seconds = _best_seconds(lambda: _run_lines(namespace, lines, io.StringIO()))
        _run_lines(namespace, lines, out)
    written = sum(
        len(json.loads(line)["EvaluationResults"]) for line in out.getvalue().splitlines()
    )
    if written != decisions:  # count what was written, never what was asked for
        raise SystemExit(f"{label}: wrote {written} results, expected {decisions}")
    print(
        f"  {label:<30} {len(lines) / seconds:>8,.0f} lines/s {decisions / seconds:>9,.0f} "
        f"decisions/s  ({seconds * 1000:6.1f} ms, {len(out.getvalue()) / len(lines) / 1024:5.1f}"
        " KiB out per line)"
    )


def _engine_figures(requests: list[Request], policies: PolicySet) -> None:
    print(f"evaluate() alone, {len(requests)} requests, policies parsed once:")
    _report_engine(
        "no explanation",
        len(requests),
        lambda: [evaluate(r, policies, explain=False) for r in requests],
    )
    _report_engine(
        "with explanation", len(requests), lambda: [evaluate(r, policies) for r in requests]
    )
    _report_engine(
        "with explanation + to_dict + json.dumps",
        len(requests),
        lambda: [json.dumps(evaluate(r, policies).to_dict()) for r in requests],
    )


def _reference_figures(payloads: list[dict[str, Any]]) -> None:
    lines = [json.dumps(p) for p in payloads]

    def previous(explain: bool) -> None:
        for line in lines:
            output, _ = simulate_custom_policy(json.loads(line), explain=explain)
            io.StringIO().write(json.dumps(output) + "\n")

    print(
        "reference: simulate_custom_policy + json.dumps per one-decision line (how --batch ran "
        "lines before it had its own path; today's engine):"
    )
    _report_engine("simulate_custom_policy, no explanation", len(lines), lambda: previous(False))
    _report_engine("simulate_custom_policy, with explanation", len(lines), lambda: previous(True))


def _profile(mode: str, lines: list[str]) -> None:
    namespace = argparse.Namespace(decision_only=mode == "batch-decision-only", output="json")
    profiler = cProfile.Profile()
    with contextlib.redirect_stderr(io.StringIO()):
        profiler.runcall(_run_lines, namespace, lines, io.StringIO())
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1000, help="fan-out input lines")
    parser.add_argument("--requests", type=int, default=3000, help="one-decision requests")
    parser.add_argument("--profile", choices=("batch-explain", "batch-decision-only"))
    args = parser.parse_args()
    lines, fan_out_decisions = _fan_out_lines(args.lines)
    if args.profile:
        _profile(args.profile, lines)
        return
    texts = _texts()
    cases = _single_requests(args.requests)
    policies = PolicySet(identity=[parse_policy(texts[name], name=name) for name in TEAM_POLICIES])
    requests = [request for request, _ in cases]
    outcomes = [evaluate(r, policies, explain=False).decision for r in requests]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"one thread; machine load average {load} (other work on the machine slows every figure)")
    print(
        "one-decision requests: "
        + ", ".join(f"{k}={outcomes.count(k)}" for k in sorted(set(outcomes)))
    )
    _engine_figures(requests, policies)
    print(
        f"batch path, {len(lines)} lines asking {fan_out_decisions} decisions "
        f"({fan_out_decisions / len(lines):.1f} per line: 2-8 actions x 1-4 resources), "
        f"{sum(map(len, lines)) / len(lines) / 1024:.1f} KiB per input line:"
    )
    _report_batch("--decision-only", lines, fan_out_decisions, True)
    _report_batch("with explanation", lines, fan_out_decisions, False)
    print("  (targets: >= 50,000 decisions/s --decision-only, >= 10,000/s with explanation;")
    print("   a decision is one EvaluationResult written, counted in the output)")
    single = [json.dumps(payload) for _, payload in cases]
    print(f"batch path, {len(single)} one-decision lines (worst case):")
    _report_batch("--decision-only", single, len(single), True)
    _report_batch("with explanation", single, len(single), False)
    _reference_figures([payload for _, payload in cases])


if __name__ == "__main__":
    main()
