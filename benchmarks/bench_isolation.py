"""Time the isolation checker: every SageMaker action x the ownership/tag cases.

    python benchmarks/bench_isolation.py [--repeat 5]

Prints, for the document's team policies, the hardened example set and a set that exercises every
widening (patterns naming regions and names, a condition on an extra request tag, keys the checker
cannot see: the variant probes, the relaxed second pass and the dependsOn questions), the time of
the decision matrix alone (explain=False) and of the whole check (with explanations for findings).
The target is under 2 s for the whole check.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio_abac_ext.data.iam_catalog import load_iam_catalog
from studio_abac_ext.isolation.checker import run_isolation_check
from studio_abac_ext.isolation.hardened import hardened_policy_set
from studio_abac_ext.isolation.matrix import Evaluator, MatrixBuilder
from studio_abac_ext.isolation.world import TagKeys, World
from studio_abac_ext.policy import PolicySet, parse_policy
from studio_abac_ext.scenario import default_scenario_path

TARGET_SECONDS = 2.0
TEAM_POLICIES = (
    "team-1-sagemaker-read-only",
    "team-2-supporting-services",
    "team-3-studio-developer",
)


def document_policy_set() -> PolicySet:
    folder = default_scenario_path().parent / "policies"
    return PolicySet(
        identity=[
            parse_policy((folder / f"{name}.json").read_text(encoding="utf-8"), name=name)
            for name in TEAM_POLICIES
        ]
    )


WIDENING_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "NamedAndPlaced",
            "Effect": "Allow",
            "Action": ["sagemaker:*"],
            "Resource": [
                "arn:aws:sagemaker:eu-west-1:*:*",
                "arn:aws:sagemaker:*:*:experiment/${aws:PrincipalTag/team}-*",
                "arn:aws:sagemaker:*:*:app/*/${aws:username}/*",
            ],
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        },
        {
            "Sid": "TagOnCreate",
            "Effect": "Allow",
            "Action": ["sagemaker:Create*", "sagemaker:AddTags"],
            "Resource": "*",
            "Condition": {
                "ForAnyValue:StringEquals": {"aws:TagKeys": ["project"]},
                "StringEquals": {"aws:RequestTag/cost-center": "ml"},
            },
        },
        {
            "Sid": "NotViaServices",
            "Effect": "Deny",
            "Action": "sagemaker:Delete*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:ViaAWSService": "true"}},
        },
    ],
}


def widening_policy_set() -> PolicySet:
    return PolicySet(identity=[parse_policy(json.dumps(WIDENING_POLICY), name="widening")])


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    load_iam_catalog()  # one-off JSON load, not part of a check
    world = World(TagKeys(), "TeamA", "TeamB", "123456789012", "us-east-1")
    print(f"{'policies':<12} {'part':<22} {'decisions':>9} {'min s':>7} {'median s':>9}")
    for label, policies in (
        ("document", document_policy_set()),
        ("hardened", hardened_policy_set()),
        ("widening", widening_policy_set()),
    ):
        evaluator = Evaluator(policies)
        builder = MatrixBuilder(world, load_iam_catalog(), evaluator)
        matrix_times = timed(builder.build, args.repeat)
        decisions = evaluator.evaluations // args.repeat
        report = run_isolation_check(policies)
        check_times = timed(partial(run_isolation_check, policies), args.repeat)
        for part, count, times in (
            ("matrix (explain=False)", decisions, matrix_times),
            ("whole check", report.evaluations, check_times),
        ):
            print(
                f"{label:<12} {part:<22} {count:>9} {min(times):>7.3f} "
                f"{statistics.median(times):>9.3f}"
            )
        possible = sum(finding.certainty == "possible" for finding in report.findings)
        verdict = "under" if max(check_times) < TARGET_SECONDS else "OVER"
        print(
            f"{'':<12} {len(report.findings)} findings ({possible} possible) over "
            f"{report.actions_checked} actions; whole check {verdict} {TARGET_SECONDS:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
