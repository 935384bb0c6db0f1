"""``studio-abac setup``: apply a scenario's policies, roles, users and Studio profiles to AWS."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..admin.setup_plan import Plan, build_plan
from ..aws.account_setup import AccountClients, SetupError, apply_calls, read_account_state
from ..scenario import ScenarioError, load_scenario

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "setup",
        help="apply a scenario (policies, team roles, users, Studio profiles) to an account",
        description=(
            "Create or update the scenario's managed policies, team roles (team tag, trust "
            "policy), IAM users' policies and Studio user profiles (studiouserid tag, the team's "
            "execution role). Idempotent: a second run changes nothing. Uses boto3's default "
            "credential chain and AWS_ENDPOINT_URL, so it works against the sandbox and AWS."
        ),
    )
    parser.add_argument("--scenario", metavar="FILE", type=Path, required=True)
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.set_defaults(func=run)


def _print_plan(plan: Plan, as_json: bool) -> None:
    print(json.dumps(plan.to_dict(), indent=2) if as_json else plan.render())


def run(args: argparse.Namespace) -> int:
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as error:
        print(f"studio-abac setup: error: --scenario {error}", file=sys.stderr)
        return EXIT_USAGE
    clients = AccountClients.from_environment(scenario.region)
    try:
        plan = build_plan(scenario, read_account_state(scenario, clients))
    except SetupError as error:
        print(f"studio-abac setup: cannot read the account: {error}", file=sys.stderr)
        return EXIT_FAILED
    _print_plan(plan, args.json)
    if plan.blockers:
        print("studio-abac setup: refusing to apply: see BLOCKED above", file=sys.stderr)
        return EXIT_FAILED
    if args.dry_run or not plan.calls:
        return EXIT_OK
    try:
        applied = apply_calls(plan.calls, clients)
    except SetupError as error:
        done = f"{error.applied_before} of {len(plan.calls)} call(s) applied"
        print(f"studio-abac setup: stopped after {done}: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not args.json:
        print(f"applied {applied} call(s)")
    return EXIT_OK
