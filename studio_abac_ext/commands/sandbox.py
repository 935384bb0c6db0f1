"""`studio-abac sandbox`: run the local AWS, or print the environment of one of its principals."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from studio_abac_ext.scenario import Scenario, ScenarioError, default_scenario_path, load_scenario

DEFAULT_PORT = 5000


def register(subparsers: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--scenario",
        type=Path,
        default=argparse.SUPPRESS,
        help="scenario file, YAML or JSON (default: the document's scenario in the package)",
    )
    common.add_argument(
        "--port", type=int, default=argparse.SUPPRESS, help=f"port (default {DEFAULT_PORT})"
    )
    serving = argparse.ArgumentParser(add_help=False)
    serving.add_argument(
        "--host", default=argparse.SUPPRESS, help="address to listen on (default 127.0.0.1)"
    )
    serving.add_argument(
        "--audit-log",
        type=Path,
        default=argparse.SUPPRESS,
        help="append every IAM decision to this JSON-lines file",
    )
    parser = subparsers.add_parser(
        "sandbox",
        parents=[common, serving],
        help="run a local AWS that enforces the scenario's IAM policies (fake keys, no account)",
        description=(
            "Run a local AWS (moto behind an IAM-enforcing gateway) seeded with a scenario, or "
            "print the environment variables that act as one of its principals. "
            "`studio-abac sandbox` alone runs it."
        ),
    )
    parser.set_defaults(func=run_sandbox)
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    run = actions.add_parser(
        "run", parents=[common, serving], help="run the sandbox in the foreground (default)"
    )
    run.set_defaults(func=run_sandbox)
    env = actions.add_parser(
        "env",
        parents=[common],
        help="print `export` lines that act as PRINCIPAL (eval them in a shell)",
    )
    env.add_argument(
        "principal",
        help="an IAM user (usera1), a Studio session (usera1@studio) or a federated user "
        "signed in through the sandbox's SAML IdP (fed:usera1; the sandbox must be running)",
    )
    env.set_defaults(func=print_environment)
    saml = actions.add_parser(
        "saml",
        parents=[common],
        help="sign in at the running sandbox's SAML IdP as fed:NAME and print the SAMLResponse",
        description=(
            "Print the base64 SAMLResponse the sandbox's IdP posts for a federated user, with "
            "the role and SAML provider ARNs, ready for `aws sts assume-role-with-saml`."
        ),
    )
    saml.add_argument("principal", help="a federated user: fed:usera1")
    saml.set_defaults(func=print_saml_response)


def _scenario(args: argparse.Namespace) -> Scenario | None:
    path = getattr(args, "scenario", None) or default_scenario_path()
    try:
        return load_scenario(path)
    except ScenarioError as error:
        print(f"studio-abac sandbox: invalid scenario: {error}", file=sys.stderr)
        return None


def print_environment(args: argparse.Namespace) -> int:
    from studio_abac_ext.sandbox.environment import UnknownPrincipalError, environment_for

    scenario = _scenario(args)
    if scenario is None:
        return 2
    port = getattr(args, "port", DEFAULT_PORT)
    endpoint = f"http://127.0.0.1:{port}"
    from studio_abac_ext.sandbox.federation import SignInError

    try:
        env = environment_for(scenario, args.principal, endpoint, port)
    except UnknownPrincipalError as error:
        print(f"studio-abac sandbox env: {error}", file=sys.stderr)
        return 2
    except SignInError as error:
        print(f"studio-abac sandbox env: federated sign-in failed: {error}", file=sys.stderr)
        return 1
    # A named profile cannot be found in the blank config file the sandbox points at; and what
    # another persona's env set must not outlive it (fed:NAME's session tags claimed by a Studio
    # persona, a Studio persona's metadata by an IAM user).
    leftovers = [name for name in PERSONA_VARIABLES if name not in env]
    print(" ".join(["unset AWS_PROFILE AWS_DEFAULT_PROFILE", *leftovers]))
    for name, value in env.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


# Variables only some personas' env sets.
PERSONA_VARIABLES = (
    "AWS_SESSION_TOKEN",
    "STUDIO_ABAC_SESSION_TAGS",
    "STUDIO_ABAC_RESOURCE_METADATA",
)


def print_saml_response(args: argparse.Namespace) -> int:
    from studio_abac_ext.sandbox.federation import SignInError, sign_in
    from studio_abac_ext.scenario import FEDERATED_PREFIX

    scenario = _scenario(args)
    if scenario is None:
        return 2
    name = args.principal.removeprefix(FEDERATED_PREFIX)
    if name not in {user.name for user in scenario.federated_users}:
        known = ", ".join(f"{FEDERATED_PREFIX}{u.name}" for u in scenario.federated_users)
        print(
            f"studio-abac sandbox saml: unknown federated user {args.principal!r}; "
            f"the scenario has: {known or 'none'}",
            file=sys.stderr,
        )
        return 2
    port = getattr(args, "port", DEFAULT_PORT)
    try:
        signed_in = sign_in(scenario, name, f"http://127.0.0.1:{port}")
    except SignInError as error:
        print(f"studio-abac sandbox saml: {error}", file=sys.stderr)
        return 1
    print(f"SAML_RESPONSE={signed_in.saml_response}")
    print(f"ROLE_ARN={signed_in.role_arn}")
    print(f"PRINCIPAL_ARN={signed_in.provider_arn}")
    print(
        "# aws sts assume-role-with-saml --role-arn $ROLE_ARN --principal-arn $PRINCIPAL_ARN "
        "--saml-assertion $SAML_RESPONSE"
    )
    return 0


def run_sandbox(args: argparse.Namespace) -> int:
    scenario = _scenario(args)
    if scenario is None:
        return 2
    try:
        from studio_abac_ext.sandbox import Sandbox
    except ImportError as error:
        print(
            f"studio-abac sandbox needs moto: pip install 'studio-abac-ext[sandbox]' ({error})",
            file=sys.stderr,
        )
        return 1
    host = getattr(args, "host", "127.0.0.1")
    port = getattr(args, "port", DEFAULT_PORT)
    sandbox = Sandbox(scenario, host=host, port=port, audit_log=getattr(args, "audit_log", None))
    try:
        sandbox.start()
    except OSError as error:
        print(
            f"studio-abac sandbox: cannot listen on {host}:{port}: {error.strerror}",
            file=sys.stderr,
        )
        return 1
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _print_banner(sandbox.endpoint, sandbox.port, scenario, getattr(args, "audit_log", None))
        while not stopping.wait(0.5):
            pass
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("studio-abac sandbox: stopped", flush=True)
    return 0


def _print_banner(endpoint: str, port: int, scenario: Scenario, audit_log: Path | None) -> None:
    lines = [
        f"studio-abac sandbox: a local AWS (account {scenario.account_id}, {scenario.region}) "
        f"listening on {endpoint}",
        f"scenario: {scenario.source}",
        "keys are fake and local; they work only against this sandbox.",
        "",
        "act as a principal in a shell (then run aws, python or jupyter lab):",
    ]
    for principal in scenario.principals():
        port_flag = "" if port == DEFAULT_PORT else f" --port {port}"
        lines.append(f'  eval "$(studio-abac sandbox env {principal}{port_flag})"')
    if audit_log:
        lines.append(f"\nevery IAM decision is appended to {audit_log}")
    lines.append("\nstop with Ctrl-C")
    print("\n".join(lines), flush=True)
