"""What the checker cannot see, and the widened policies that assume the worst about it.

The checker's world (``world.py``) fills a fixed set of context keys: the caller's ARN, account,
type, team tag and source identity, the resource's team and user tags, request tags, and a few
service keys. A policy can depend on others: a key the world does not model (``aws:SourceIp``,
``aws:PrincipalTag/project``) or a policy variable the world leaves unresolved (``${aws:username}``
for a role session). Their values in a real request are unknown, so the checker asks the engine a
second time about *relaxed* policies that allow at least what the real ones could allow whatever
those values are:

- an Allow loses each condition entry on an unknown key (or comparing with an unknown variable),
  its Resource patterns read an unknown variable as ``*``, and its NotResource patterns with an
  unknown variable exclude nothing (as the engine decides for an absent key);
- a Deny that mentions an unknown key or variable is dropped (it might not apply).

A finding of the relaxed check that the real check lacks is reported as *possible*, with the keys
it depends on (``depends_on``: each unknown key whose relaxation alone the answer needs, found by
relaxing every other key and asking again): never as all clear.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..policy import Policy, PolicySet, Request, evaluate, parse_policy
from ..policy.variables import parse_template
from .world import TagKeys

VARIABLES_VERSION = "2012-10-17"
_ESCAPES = frozenset({"*", "?", "$"})

# Keys the world sets on its requests whatever the tag keys are (lower case).
_FIXED_KEYS = frozenset(
    {
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:sourceidentity",
        "aws:tagkeys",
        "sagemaker:taggingaction",
        "iam:passedtoservice",
        "sagemaker:owneruserprofilearn",
    }
)
_RESOURCE_TAG_PREFIXES = ("aws:resourcetag/", "sagemaker:resourcetag/", "iam:resourcetag/")


def modelled_keys(tag_keys: TagKeys) -> frozenset[str]:
    """Every context key (lower case) the world gives a value on some request."""
    tags = {tag_keys.team.lower(), tag_keys.user.lower(), "sagemaker:user-profile-arn"}
    keys = set(_FIXED_KEYS)
    keys.add(f"aws:principaltag/{tag_keys.team.lower()}")
    keys |= {prefix + tag for prefix in _RESOURCE_TAG_PREFIXES for tag in tags}
    keys |= {f"aws:requesttag/{tag}" for tag in tags}
    return frozenset(keys)


@dataclass(frozen=True)
class Relaxed:
    """The widened policies and the unknown keys (as written) that each statement used."""

    policies: PolicySet
    unknown_keys: frozenset[str]
    keys_by_statement: dict[tuple[str, str | None], frozenset[str]]
    dropped_denies: tuple[tuple[Policy, frozenset[str]], ...]

    def keys_for(self, statements: Iterable[tuple[str, str | None]]) -> frozenset[str]:
        found: set[str] = set()
        for ref in statements:
            found |= self.keys_by_statement.get(ref, frozenset())
        return frozenset(found)

    def deny_keys_for(self, actions: Sequence[str]) -> frozenset[str]:
        """The unknown keys of dropped Deny statements that cover one of ``actions``."""
        found: set[str] = set()
        lowered = [action.lower() for action in actions]
        for policy, keys in self.dropped_denies:
            statement = policy.statements[0]
            if any(statement.matches_action(action) for action in lowered):
                found |= keys
        return frozenset(found)


class _Relaxer:
    def __init__(self, known: frozenset[str]) -> None:
        self.known = known
        self.unknown: set[str] = set()
        self.keys_by_statement: dict[tuple[str, str | None], frozenset[str]] = {}
        self.dropped: list[tuple[Policy, frozenset[str]]] = []

    def policy(self, policy: Policy) -> Policy:
        unknown_here = {
            key
            for statement in policy.statements
            for key in statement.referenced_keys
            if key.lower() not in self.known
        }
        if not unknown_here:
            return policy
        document: dict[str, Any] = json.loads(policy.text)
        raw = document.get("Statement", [])
        statements = [raw] if isinstance(raw, dict) else list(raw)
        variables = document.get("Version") == VARIABLES_VERSION
        kept = []
        for parsed, statement in zip(policy.statements, statements, strict=True):
            keys = frozenset(k for k in parsed.referenced_keys if k.lower() not in self.known)
            if not keys:
                kept.append(statement)
                continue
            self.unknown |= keys
            self.keys_by_statement[(policy.name, parsed.sid)] = keys
            if parsed.effect == "Deny":
                alone = {**document, "Statement": [statement]}
                self.dropped.append((_reparse(policy, alone), keys))
                continue
            kept.append(self.allow(statement, variables))
        return _reparse(policy, {**document, "Statement": kept})

    def _is_unknown(self, text: str, variables: bool) -> bool:
        return variables and any(
            v.key_lower not in self.known for v in parse_template(text).variables
        )

    def allow(self, statement: dict[str, Any], variables: bool) -> dict[str, Any]:
        widened = dict(statement)
        if "Resource" in widened:
            widened["Resource"] = [
                self._widen(text, variables) for text in _strings(widened["Resource"])
            ]
        if "NotResource" in widened:
            left = [
                text
                for text in _strings(widened["NotResource"])
                if not self._is_unknown(text, variables)
            ]
            del widened["NotResource"]
            widened["NotResource" if left else "Resource"] = left or "*"
        condition = widened.pop("Condition", None)
        if isinstance(condition, dict):
            kept: dict[str, Any] = {}
            for operator, entries in condition.items():
                if not isinstance(entries, dict):
                    continue
                left_entries = {
                    key: values
                    for key, values in entries.items()
                    if key.lower() in self.known
                    and not any(self._is_unknown(str(v), variables) for v in _strings(values))
                }
                if left_entries:
                    kept[operator] = left_entries
            if kept:
                widened["Condition"] = kept
        return widened

    def _widen(self, text: str, variables: bool) -> str:
        if not self._is_unknown(text, variables):
            return text
        return "".join(_written(piece, self.known) for piece in parse_template(text).pieces)


def _written(piece: Any, known: frozenset[str]) -> str:
    """A template piece written back, an unknown variable as ``*``."""
    if isinstance(piece, tuple):
        text, wildcards = piece
        return "${" + text + "}" if not wildcards and text in _ESCAPES else str(text)
    return piece.written if piece.key_lower in known else "*"


def _strings(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _reparse(policy: Policy, document: dict[str, Any]) -> Policy:
    return parse_policy(json.dumps(document), name=policy.name, policy_type=policy.policy_type)


def relax(
    policies: PolicySet, tag_keys: TagKeys, keep: frozenset[str] = frozenset()
) -> Relaxed | None:
    """The widened policy set, or ``None`` when every key the policies use is modelled;
    keys in ``keep`` (lower case) are left as they are written, as if modelled."""
    relaxer = _Relaxer(modelled_keys(tag_keys) | keep)
    identity = [relaxer.policy(p) for p in policies.identity]
    resource = [relaxer.policy(p) for p in policies.resource]
    boundary = None if policies.boundary is None else [relaxer.policy(p) for p in policies.boundary]
    session = None if policies.session is None else [relaxer.policy(p) for p in policies.session]
    scps = (
        None
        if policies.scps is None
        else [[relaxer.policy(p) for p in level] for level in policies.scps]
    )
    if not relaxer.unknown:
        return None
    return Relaxed(
        PolicySet(identity, resource, boundary, session, scps),
        frozenset(relaxer.unknown),
        relaxer.keys_by_statement,
        tuple(relaxer.dropped),
    )


class DependsOn:
    """Which unknown keys a possible finding depends on.

    A key counts when the finding's probe, allowed by the relaxed policies, is no longer allowed
    once that one key is read as written (every other unknown key still relaxed): the answer
    changed with it. When no single key changes it (several statements each grant it on another
    key), every key of the granting statements and of the Deny statements dropped counts."""

    def __init__(self, policies: PolicySet, tag_keys: TagKeys, relaxed: Relaxed) -> None:
        self.policies = policies
        self.tag_keys = tag_keys
        self.relaxed = relaxed
        self._kept: dict[str, PolicySet | None] = {}

    def _relaxed_but(self, key: str) -> PolicySet | None:
        if key not in self._kept:
            partly = relax(self.policies, self.tag_keys, frozenset({key.lower()}))
            self._kept[key] = None if partly is None else partly.policies
        return self._kept[key]

    def _allowed(self, policies: PolicySet | None, requests: Sequence[Request]) -> bool:
        chosen = self.policies if policies is None else policies
        return all(evaluate(r, chosen, explain=False).allowed for r in requests)

    def keys(
        self,
        requests: Sequence[Request] | None,
        statements: Iterable[tuple[str, str | None]],
        actions: Sequence[str],
    ) -> tuple[str, ...]:
        needed: list[str] = []
        if requests:
            for key in sorted(self.relaxed.unknown_keys, key=str.lower):
                if not self._allowed(self._relaxed_but(key), requests):
                    needed.append(key)
        if not needed:
            found = self.relaxed.keys_for(statements) | self.relaxed.deny_keys_for(actions)
            needed = sorted(found or self.relaxed.unknown_keys, key=str.lower)
        return tuple(needed)
