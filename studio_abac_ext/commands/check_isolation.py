"""``studio-abac check-isolation``: can a team reach past its tag boundary?"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from ..isolation.checker import DEFAULT_TAG_KEYS, IsolationReport, TagKeys, run_isolation_check
from ..isolation.findings import Severity, worst_severity
from ..isolation.report import render_json, render_report
from ..policy import Policy, PolicyParseError, PolicySet, PolicyType, parse_policy

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class InputError(Exception):
    """A bad flag or file; the message names it and the rule it breaks."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check-isolation",
        help="check whether a team role's policies keep teams and users apart",
        description=(
            "Ask the policy engine, for every SageMaker action and the IAM/STS actions that "
            "matter, whether a member of one team can change, delete, re-tag or read another "
            "team's (or user's) resources, directly or in several steps."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--policy",
        metavar="FILE",
        action="append",
        type=Path,
        help="an identity policy of the team's execution role (JSON); repeat for each",
    )
    source.add_argument(
        "--role",
        metavar="ARN",
        help="read the role's inline, attached and boundary policies live from IAM",
    )
    parser.add_argument("--boundary", metavar="FILE", type=Path, help="permissions boundary")
    parser.add_argument(
        "--scp",
        metavar="FILE",
        action="append",
        type=Path,
        default=[],
        help="a service control policy applying to the account (repeatable; one level)",
    )
    parser.add_argument("--team-key", default=DEFAULT_TAG_KEYS.team, help="team tag key")
    parser.add_argument("--user-key", default=DEFAULT_TAG_KEYS.user, help="user tag key")
    parser.add_argument("--team", help="the role's team (default: its team tag, or TeamA)")
    parser.add_argument("--other-team", default=None, help="the other team (default: TeamB)")
    parser.add_argument("--account-id", default="123456789012")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--json", action="store_true", help='print {"findings": [...]}')
    parser.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        type=_severity,
        help="exit 1 when a finding at or above this severity exists "
        "(critical, high, medium, low, info)",
    )
    parser.set_defaults(func=run)


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _read_policy(path: Path, flag: str, policy_type: PolicyType) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{flag} {path}: cannot be read: {error.strerror}") from None
    try:
        return parse_policy(text, name=path.stem, policy_type=policy_type)
    except PolicyParseError as error:
        raise InputError(f"{flag} {path}: {error}") from None


def _policies_from_files(args: argparse.Namespace) -> PolicySet:
    identity = [_read_policy(path, "--policy", "identity") for path in args.policy]
    return PolicySet(identity=identity, boundary=_boundary(args), scps=_scps(args))


def _boundary(args: argparse.Namespace) -> list[Policy] | None:
    if args.boundary is None:
        return None
    return [_read_policy(args.boundary, "--boundary", "boundary")]


def _scps(args: argparse.Namespace) -> list[list[Policy]] | None:
    if not args.scp:
        return None
    return [[_read_policy(path, "--scp", "scp") for path in args.scp]]


def _policies_from_role(args: argparse.Namespace) -> tuple[PolicySet, dict[str, str]]:
    # Imported here so that checking local files never needs AWS credentials or boto3.
    from ..aws.errors import AwsError
    from ..aws.iam_policies import default_iam_client, load_role_policies

    try:
        role = load_role_policies(default_iam_client(), args.role)
        policies = role.to_policy_set(scps=_scps(args))
    except ValueError as error:  # a bad ARN, or a PolicyParseError in a stored policy
        raise InputError(f"--role {args.role}: {error}") from None
    except AwsError as error:
        raise InputError(f"--role {args.role}: {error}") from None
    if args.boundary is not None:
        policies = PolicySet(
            identity=policies.identity, boundary=_boundary(args), scps=policies.scps
        )
    return policies, dict(role.tags)


def _check(args: argparse.Namespace) -> IsolationReport:
    tag_keys = TagKeys(team=args.team_key, user=args.user_key)
    if args.role:
        policies, role_tags = _policies_from_role(args)
    else:
        policies, role_tags = _policies_from_files(args), {}
    own_team = args.team or role_tags.get(tag_keys.team) or "TeamA"
    other_team = args.other_team or ("TeamB" if own_team != "TeamB" else "TeamA")
    try:
        return run_isolation_check(
            policies,
            tag_keys=tag_keys,
            teams=(own_team, other_team),
            account_id=args.account_id,
            region=args.region,
        )
    except ValueError as error:
        raise InputError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    try:
        report = _check(args)
    except InputError as error:
        print(f"studio-abac check-isolation: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(render_json(report) if args.json else render_report(report))
    worst = worst_severity(report.findings)
    if args.fail_on is not None and worst is not None and worst.at_least(args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK
