"""``studio-abac simulate-custom-policy``: AWS's ``iam simulate-custom-policy``, offline, explained.

Accepts the AWS CLI's input (``--cli-input-json`` or the flags, with ``file://`` and plain JSON
for list values and the shorthand ``ContextKeyName=k,ContextKeyValues=v,ContextKeyType=string``)
and prints AWS's response, ``{"EvaluationResults": [...], "IsTruncated": false}``: one result per
action and resource (ActionNames x ResourceArns, in that order). Each result adds our
``Explanation``; its "policies" name the policies, whose texts are given once, in a top-level
"Policies" list. ``--decision-only`` leaves explanations (and "Policies") out. ``--batch FILE``
reads one input object per line and writes one output object per line, in order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from ..policy import Decision, render_summary
from ..simulator.batch import BatchSimulator
from ..simulator.custom_policy import SimulationInputError

COMMAND = "simulate-custom-policy"
_FLAG_FIELDS = {
    "policy_input_list": "PolicyInputList",
    "permissions_boundary_policy_input_list": "PermissionsBoundaryPolicyInputList",
    "session_policy_input_list": "SessionPolicyInputList",
    "action_names": "ActionNames",
    "resource_arns": "ResourceArns",
}


class CliInputError(ValueError):
    """A flag whose value cannot be read; the message names the flag."""


def _read_argument(value: str, flag: str) -> str:
    """A flag's text, or the file a ``file://`` value points at (as the AWS CLI does)."""
    if not value.startswith("file://"):
        return value
    path = Path(value[len("file://") :]).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliInputError(f"{flag}: cannot read {path}: {exc.strerror}") from None


def _json_argument(value: str, flag: str) -> Any:
    text = _read_argument(value, flag)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliInputError(f"{flag}: invalid JSON ({exc.msg} at line {exc.lineno})") from None


def _policy_items(values: Iterable[str], flag: str) -> list[Any]:
    """Policies: each value a document, or a JSON list of document strings, or a file."""
    items: list[Any] = []
    for value in values:
        text = _read_argument(value, flag)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            items.append(text)  # let the policy parser report the position
            continue
        if isinstance(parsed, list) and all(isinstance(p, str | dict) for p in parsed):
            items.extend(parsed)
        else:
            items.append(text if isinstance(parsed, dict) else parsed)
    return items


def _shorthand_entry(value: str) -> dict[str, Any]:
    """``ContextKeyName=k,ContextKeyValues=v1,v2,ContextKeyType=stringList``."""
    entry: dict[str, Any] = {}
    current: str | None = None
    for part in value.split(","):
        name, sep, rest = part.partition("=")
        if sep and name in ("ContextKeyName", "ContextKeyValues", "ContextKeyType"):
            current = name
            entry[name] = [rest] if name == "ContextKeyValues" else rest
        elif current == "ContextKeyValues":
            entry["ContextKeyValues"].append(part)
        else:
            raise CliInputError(f"--context-entries: cannot read {value!r}")
    return entry


def _context_entries(values: Iterable[str]) -> list[Any]:
    entries: list[Any] = []
    for value in values:
        if value.startswith("ContextKeyName="):
            entries.append(_shorthand_entry(value))
            continue
        parsed = _json_argument(value, "--context-entries")
        entries.extend(parsed if isinstance(parsed, list) else [parsed])
    return entries


def _payload_from_args(args: argparse.Namespace) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    if args.cli_input_json:
        loaded = _json_argument(args.cli_input_json, "--cli-input-json")
        if not isinstance(loaded, dict):
            raise CliInputError("--cli-input-json: must be a JSON object")
        payload.update(loaded)
    for attribute, field in _FLAG_FIELDS.items():
        values = getattr(args, attribute)
        if values is None:
            continue
        flag = "--" + attribute.replace("_", "-")
        if field in ("ActionNames", "ResourceArns"):
            payload[field] = [v for value in values for v in _names(value, flag)]
        else:
            payload[field] = _policy_items(values, flag)
    if args.resource_policy is not None:
        payload["ResourcePolicy"] = _read_argument(args.resource_policy, "--resource-policy")
    if args.scp_input_list is not None:
        payload["ServiceControlPolicyInputList"] = [_policy_items(args.scp_input_list, "--scp")]
    if args.caller_arn is not None:
        payload["CallerArn"] = args.caller_arn
    if args.context_entries is not None:
        payload["ContextEntries"] = _context_entries(args.context_entries)
    return payload


def _names(value: str, flag: str) -> list[str]:
    text = _read_argument(value, flag)
    if text.lstrip().startswith("["):
        parsed = _json_argument(text, flag)
        if isinstance(parsed, list):
            return [str(item) for item in parsed]
    return [text]


def _text_response(decisions: list[Decision]) -> str:
    return "".join(
        f"{d.decision}: {d.action} on {d.resource}\n  {render_summary(d)}\n" for d in decisions
    )


def _warn(simulator: BatchSimulator, where: str) -> None:
    """Policies that evaluate but that AWS would refuse or that look wrong: say so once."""
    for warning in simulator.take_warnings():
        sys.stderr.write(f"studio-abac {COMMAND}: warning: {where}{warning}\n")


def _run_batch(args: argparse.Namespace, out: TextIO) -> int:
    if args.batch == "-":
        return _run_lines(args, sys.stdin, out)
    try:
        handle = Path(args.batch).open(encoding="utf-8")  # noqa: SIM115 - closed just below
    except OSError as exc:
        raise CliInputError(f"--batch: cannot read {args.batch}: {exc.strerror}") from None
    with handle:
        return _run_lines(args, handle, out)


def _run_lines(args: argparse.Namespace, lines: Iterable[str], out: TextIO) -> int:
    """One output line per input line, in order, each written at once; a bad line gets an
    Error object."""
    failures = 0
    text_output = args.output == "text"
    simulator = BatchSimulator(explain=text_output or not args.decision_only)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            payload, policy_keys = simulator.decode(line)
            decisions = simulator.simulate(payload, policy_keys)
            _warn(simulator, f"line {number}: ")
        except (json.JSONDecodeError, SimulationInputError) as exc:
            failures += 1
            error = {"Code": "InvalidInput", "Message": f"line {number}: {exc}"}
            out.write(json.dumps({"Error": error}) + "\n")
            continue
        if text_output:
            out.write(_text_response(decisions))
        else:
            out.write(simulator.response(decisions) + "\n")
    return 1 if failures else 0


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    try:
        if args.batch:
            return _run_batch(args, out)
        payload = _payload_from_args(args)
        text_output = args.output == "text"
        simulator = BatchSimulator(explain=text_output or not args.decision_only)
        decisions = simulator.simulate(payload)
        _warn(simulator, "")
        if text_output:
            out.write(_text_response(decisions))
        else:
            response = json.loads(simulator.response(decisions))
            out.write(json.dumps(response, indent=2) + "\n")
        return 0
    except (CliInputError, SimulationInputError) as exc:
        sys.stderr.write(f"studio-abac {COMMAND}: error: {exc}\n")
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 1


def _silence_stdout() -> None:
    """The reader went away (``| head``): send what is still buffered nowhere, so the
    interpreter's final flush does not fail with a second broken pipe and a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass  # not a real file (captured output): nothing will be flushed to a pipe
    finally:
        os.close(devnull)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help="simulate IAM policies offline, like 'aws iam simulate-custom-policy', with reasons",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cli-input-json", help="the whole input as JSON or file://PATH")
    parser.add_argument(
        "--policy-input-list", nargs="+", metavar="POLICY", help="identity policies (JSON/file://)"
    )
    parser.add_argument("--permissions-boundary-policy-input-list", nargs="+", metavar="POLICY")
    parser.add_argument("--session-policy-input-list", nargs="+", metavar="POLICY")
    parser.add_argument("--scp-input-list", nargs="+", metavar="POLICY", help="one level of SCPs")
    parser.add_argument("--resource-policy", metavar="POLICY")
    parser.add_argument("--action-names", nargs="+", metavar="ACTION")
    parser.add_argument("--resource-arns", nargs="+", metavar="ARN")
    parser.add_argument("--caller-arn", metavar="ARN")
    parser.add_argument(
        "--context-entries",
        nargs="+",
        metavar="ENTRY",
        help="JSON list, file://PATH, or ContextKeyName=k,ContextKeyValues=v,ContextKeyType=string",
    )
    parser.add_argument("--batch", metavar="FILE", help="one input object per line ('-': stdin)")
    parser.add_argument(
        "--decision-only", action="store_true", help="leave the Explanation out (faster)"
    )
    parser.add_argument("--output", choices=("json", "text"), default="json")
    parser.set_defaults(func=run)
