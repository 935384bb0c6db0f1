"""``studio-abac setup``: apply a scenario's policies, roles, users and Studio profiles to AWS."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from ..aws.account_setup import AccountClients, apply_call, read_account_state
from ..aws.errors import AwsAccessDeniedError, AwsError
from ..scenario import ScenarioError, load_scenario
from ..setup.plan import Federation, Plan, build_plan
from . import athena_table

SAML_PROVIDER = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:saml-provider/[\w+=,.@-]{1,128}$")

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
    parser.add_argument("--scenario", metavar="FILE", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument(
        "--federation-provider",
        metavar="ARN",
        help="SAML provider ARN: add the sts:TagSession transitive-tag statement for it to the "
        "trust policy of every team role",
    )
    parser.add_argument("--team-key", default="team", help="the team tag key (team roles)")
    parser.add_argument("--user-key", default="studiouserid", help="the transitive user tag key")
    athena_table.add_arguments(parser)
    parser.set_defaults(func=run)


def _print_plan(plan: Plan, as_json: bool) -> None:
    print(json.dumps(plan.to_dict(), indent=2) if as_json else plan.render())


def _federation(args: argparse.Namespace) -> Federation | None:
    """The federation settings; ``ValueError`` names the bad flag."""
    provider = args.federation_provider
    if provider is None:
        return None
    if not SAML_PROVIDER.match(provider):
        raise ValueError(
            f"--federation-provider {provider!r}: expected a SAML provider ARN such as "
            "arn:aws:iam::123456789012:saml-provider/Okta"
        )
    return Federation(provider, team_key=args.team_key, user_key=args.user_key)


def _failure(error: AwsError, target: str = "") -> str:
    """AWS's words, plus the permission to ask for when AWS refused the caller."""
    if not isinstance(error, AwsAccessDeniedError):
        return str(error)
    where = f" on {target}" if target else ""
    return f"{error} (the caller needs {error.action}{where})"


def _apply(plan: Plan, clients: AccountClients) -> int:
    """Run the plan's calls in order, stopping at the first failure; the exit code."""
    for done, setup_call in enumerate(plan.calls):
        try:
            apply_call(clients, setup_call)
        except AwsError as error:
            stopped = f"{done} of {len(plan.calls)} call(s) applied"
            message = _failure(error, setup_call.target)
            print(f"studio-abac setup: stopped after {stopped}: {message}", file=sys.stderr)
            return EXIT_FAILED
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.athena_table:
        return athena_table.run(args)
    if args.scenario is None:
        print(
            "studio-abac setup: error: --scenario FILE (or --athena-table) is required",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as error:
        print(f"studio-abac setup: error: --scenario {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        federation = _federation(args)
    except ValueError as error:
        print(f"studio-abac setup: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    clients = AccountClients.from_environment(scenario.region)
    try:
        plan = build_plan(scenario, read_account_state(scenario, clients), federation)
    except AwsError as error:
        print(f"studio-abac setup: cannot read the account: {_failure(error)}", file=sys.stderr)
        return EXIT_FAILED
    _print_plan(plan, args.json)
    if plan.blockers:
        print("studio-abac setup: refusing to apply: see BLOCKED above", file=sys.stderr)
        return EXIT_FAILED
    if args.dry_run or not plan.calls:
        return EXIT_OK
    if _apply(plan, clients) != EXIT_OK:
        return EXIT_FAILED
    if not args.json:
        print(f"applied {len(plan.calls)} call(s)")
    return EXIT_OK
