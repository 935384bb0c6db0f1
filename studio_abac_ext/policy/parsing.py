"""Reading and validating policy documents into :class:`~.document.Policy` objects.

Structure errors (wrong types, a missing Effect) raise :class:`PolicyParseError` naming the
JSON path and the rule. Content the engine cannot evaluate (an unknown condition operator, a
value that is not a number for NumericEquals) is kept and marked, so evaluation can fail
closed and explain why instead of refusing the whole policy.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping

from .jsonpos import JsonPath, JsonSyntaxError, LocatedDocument, read_json
from .matching import Glob, compile_actions, compile_resource_glob
from .model import (
    POLICY_TYPES,
    VARIABLES_VERSION,
    ConditionClause,
    Policy,
    PolicyParseError,
    PolicyType,
    PrincipalEntry,
    Span,
    Statement,
)
from .operators import Prepared, parse_operator
from .variables import Template, literal_template, parse_template

_KNOWN_VERSIONS = (VARIABLES_VERSION, "2008-10-17")
_POLICY_KEYS = ("Version", "Id", "Statement")
_STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
)
_PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_path(path: JsonPath) -> str:
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part)}]")
    return "".join(out)


class _Builder:
    def __init__(self, document: LocatedDocument, name: str, policy_type: PolicyType) -> None:
        self.document = document
        self.name = name
        self.policy_type = policy_type
        self.warnings: list[str] = []
        self.variables = False

    def error(self, path: JsonPath, rule: str) -> PolicyParseError:
        return PolicyParseError(format_path(path), rule)

    def span(self, path: JsonPath, *, include_key: bool = False) -> Span:
        start, end = self.document.span_of(path, include_key=include_key)
        return Span(start.line, start.column, end.line, end.column)

    def build(self) -> Policy:
        if self.document.duplicate_keys:
            raise self.error(self.document.duplicate_keys[0], "duplicate key")
        root = self.document.value
        if not isinstance(root, dict):
            raise self.error((), "a policy must be a JSON object")
        self.check_keys(root, (), _POLICY_KEYS)
        version = root.get("Version")
        if version is not None and version not in _KNOWN_VERSIONS:
            raise self.error(("Version",), 'must be "2012-10-17" or "2008-10-17"')
        self.variables = version == VARIABLES_VERSION
        policy_id = root.get("Id")
        if policy_id is not None and not isinstance(policy_id, str):
            raise self.error(("Id",), "must be a string")
        if "Statement" not in root:
            raise self.error(("Statement",), "is required")
        raw = root["Statement"]
        statements: tuple[Statement, ...]
        if isinstance(raw, dict):
            statements = (self.statement(raw, ("Statement",), 0),)
        elif isinstance(raw, list):
            statements = tuple(
                self.statement(item, ("Statement", i), i) for i, item in enumerate(raw)
            )
        else:
            raise self.error(("Statement",), "must be an object or a list of objects")
        self.warn_duplicate_sids(statements)
        return Policy(
            name=self.name,
            policy_type=self.policy_type,
            text=self.document.text,
            version=version,
            statements=statements,
            policy_id=policy_id,
            warnings=tuple(self.warnings),
        )

    def warn_duplicate_sids(self, statements: tuple[Statement, ...]) -> None:
        """AWS documents that a Sid must be unique within an IAM policy, and IAM refuses such
        documents; we warn and still evaluate (statements are told apart by position)."""
        first_seen: dict[str, int] = {}
        for statement in statements:
            if not statement.sid:
                continue
            first = first_seen.setdefault(statement.sid, statement.index)
            if first != statement.index:
                self.warnings.append(
                    f"{format_path(('Statement', statement.index, 'Sid'))}: duplicate Sid "
                    f"{statement.sid!r} (also $.Statement[{first}]); IAM requires each Sid to "
                    "be unique within a policy"
                )

    def check_keys(self, node: dict[str, object], path: JsonPath, allowed: tuple[str, ...]) -> None:
        for key in node:
            if key not in allowed:
                expected = ", ".join(allowed)
                raise self.error((*path, key), f"unknown element (expected one of {expected})")

    def string_list(self, value: object, path: JsonPath) -> tuple[str, ...]:
        if isinstance(value, str):
            items: list[object] = [value]
        elif isinstance(value, list) and value:
            items = value
        else:
            raise self.error(path, "must be a string or a non-empty list of strings")
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item:
                item_path = path if isinstance(value, str) else (*path, i)
                raise self.error(item_path, "must be a non-empty string")
        return tuple(str(item) for item in items)

    def one_of(self, node: dict[str, object], path: JsonPath, names: tuple[str, str]) -> str | None:
        present = [name for name in names if name in node]
        if len(present) > 1:
            raise self.error((*path, names[1]), f"use {names[0]} or {names[1]}, not both")
        return present[0] if present else None

    def statement(self, node: object, path: JsonPath, index: int) -> Statement:
        if not isinstance(node, dict):
            raise self.error(path, "a statement must be a JSON object")
        self.check_keys(node, path, _STATEMENT_KEYS)
        sid = node.get("Sid")
        if sid is not None and not isinstance(sid, str):
            raise self.error((*path, "Sid"), "must be a string")
        effect = node.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise self.error((*path, "Effect"), 'must be "Allow" or "Deny"')
        action_key = self.one_of(node, path, ("Action", "NotAction"))
        if action_key is None:
            raise self.error((*path, "Action"), "is required (Action or NotAction)")
        actions = self.string_list(node[action_key], (*path, action_key))
        for i, action in enumerate(actions):
            if action != "*" and not re.match(r"^[A-Za-z0-9_-]+:[^:]+$", action):
                action_path = (*path, action_key) if len(actions) == 1 else (*path, action_key, i)
                raise self.error(action_path, 'must be "*" or "service:action"')
        resources, not_resource, static = self.resources(node, path)
        principals, not_principal = self.principals(node, path)
        conditions = self.conditions(node.get("Condition"), (*path, "Condition"))
        return Statement(
            sid=sid,
            effect=effect,
            index=index,
            span=self.span(path),
            actions=actions,
            not_action=action_key == "NotAction",
            action_matcher=compile_actions(actions),
            resources=resources,
            not_resource=not_resource,
            static_resources=static,
            principals=principals,
            not_principal=not_principal,
            conditions=conditions,
            referenced_keys=_referenced_keys(conditions, resources),
        )

    def resources(
        self, node: dict[str, object], path: JsonPath
    ) -> tuple[tuple[Template, ...] | None, bool, tuple[Glob, ...] | None]:
        key = self.one_of(node, path, ("Resource", "NotResource"))
        if key is None:
            if self.policy_type != "resource":
                raise self.error((*path, "Resource"), "is required (Resource or NotResource)")
            return None, False, None
        written = self.string_list(node[key], (*path, key))
        for value in written:
            if value != "*" and not value.startswith("arn:"):
                self.warnings.append(
                    f"{format_path((*path, key))}: {value!r} is not an ARN; it matches only itself"
                )
        templates = tuple(
            parse_template(value) if self.variables else literal_template(value)
            for value in written
        )
        static = None
        if not any(t.has_variables for t in templates):
            static = tuple(compile_resource_glob(t.resolve({}) or ()) for t in templates)
        return templates, key == "NotResource", static

    def principals(
        self, node: dict[str, object], path: JsonPath
    ) -> tuple[tuple[PrincipalEntry, ...] | None, bool]:
        key = self.one_of(node, path, ("Principal", "NotPrincipal"))
        if key is None:
            if self.policy_type == "resource":
                raise self.error((*path, "Principal"), "is required in a resource policy")
            return None, False
        if self.policy_type != "resource":
            raise self.error(
                (*path, key), f"is only allowed in resource policies, not {self.policy_type}"
            )
        value = node[key]
        if value == "*":
            return (PrincipalEntry("*", "*"),), key == "NotPrincipal"
        if not isinstance(value, dict) or not value:
            raise self.error((*path, key), 'must be "*" or an object such as {"AWS": [...]}')
        entries: list[PrincipalEntry] = []
        for kind, raw in value.items():
            if kind not in _PRINCIPAL_KINDS:
                raise self.error(
                    (*path, key, kind), f"must be one of {', '.join(_PRINCIPAL_KINDS)}"
                )
            for item in self.string_list(raw, (*path, key, kind)):
                entries.append(PrincipalEntry("*" if item == "*" else kind, item))
        return tuple(entries), key == "NotPrincipal"

    def conditions(self, node: object, path: JsonPath) -> tuple[ConditionClause, ...]:
        if node is None:
            return ()
        if not isinstance(node, dict):
            raise self.error(path, "must be an object of operators")
        clauses: list[ConditionClause] = []
        for operator_name, block in node.items():
            block_path = (*path, operator_name)
            if not isinstance(block, dict) or not block:
                raise self.error(block_path, "must be a non-empty object of condition keys")
            for key, raw_values in block.items():
                key_path = (*block_path, key)
                values = self.condition_values(raw_values, key_path)
                clauses.append(self.clause(operator_name, key, values, key_path))
        return tuple(clauses)

    def condition_values(self, raw: object, path: JsonPath) -> tuple[str, ...]:
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            raise self.error(path, "must have at least one value")
        values: list[str] = []
        for i, item in enumerate(items):
            if isinstance(item, bool):
                values.append("true" if item else "false")
            elif isinstance(item, str | int | float):
                values.append(item if isinstance(item, str) else json.dumps(item))
            else:
                item_path = (*path, i) if isinstance(raw, list) else path
                raise self.error(item_path, "must be a string, number or boolean")
        return tuple(values)

    def clause(
        self, operator_name: str, key: str, values: tuple[str, ...], path: JsonPath
    ) -> ConditionClause:
        operator = parse_operator(operator_name)
        spec = operator.spec
        with_variables = self.variables and spec is not None and spec.supports_variables
        templates = tuple(
            parse_template(v) if with_variables else literal_template(v) for v in values
        )
        problem = operator.problem
        static: tuple[Prepared, ...] | None = None
        if spec is not None and not any(t.has_variables for t in templates):
            try:
                static = tuple(spec.prepare(t.resolve({}) or ()) for t in templates)
            except ValueError as exc:
                problem = f"invalid value for {spec.name}: {exc}"
        return ConditionClause(
            operator=operator,
            key=key,
            key_lower=key.lower(),
            values=values,
            templates=templates,
            static_prepared=static,
            problem=problem,
            span=self.span(path, include_key=True),
        )


def _referenced_keys(
    conditions: tuple[ConditionClause, ...], resources: tuple[Template, ...] | None
) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for clause in conditions:
        seen.setdefault(clause.key_lower, clause.key)
        for template in clause.templates:
            for variable in template.variables:
                seen.setdefault(variable.key_lower, variable.key)
    for template in resources or ():
        for variable in template.variables:
            seen.setdefault(variable.key_lower, variable.key)
    return tuple(seen.values())


class ParseCache:
    """Parsed policies by (text, name, type), least recently used first out, bounded by the
    total length of the texts kept (not by their number): the client-supplied policies of a
    simulation cannot pin more than ``max_chars`` characters of text (and their compiled
    forms, a small multiple of it). A text longer than ``max_entry_chars`` is never kept."""

    def __init__(self, max_chars: int, max_entry_chars: int) -> None:
        self.max_chars = max_chars
        self.max_entry_chars = max_entry_chars
        self.chars = 0
        self._entries: OrderedDict[tuple[str, str, str], Policy] = OrderedDict()
        self._lock = threading.Lock()  # the server evaluates on several threads

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: tuple[str, str, str]) -> Policy | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, str], policy: Policy) -> None:
        size = len(key[0])
        with self._lock:
            if size > self.max_entry_chars or key in self._entries:
                return
            self._entries[key] = policy
            self.chars += size
            while self.chars > self.max_chars:
                (text, _, _), _ = self._entries.popitem(last=False)
                self.chars -= len(text)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.chars = 0


PARSED = ParseCache(max_chars=4_000_000, max_entry_chars=64_000)
"""The engine's one parse cache. IAM's largest documents are 10,240 characters (inline) and
6,144 (managed); a role's policies together stay far below the bound."""


def _parse_text(text: str, name: str, policy_type: PolicyType) -> Policy:
    key = (text, name, policy_type)
    found = PARSED.get(key)
    if found is None:
        found = _parse_uncached(text, name, policy_type)
        PARSED.put(key, found)
    return found


def _parse_uncached(text: str, name: str, policy_type: PolicyType) -> Policy:
    try:
        document = read_json(text)
    except JsonSyntaxError as exc:
        raise PolicyParseError(
            "$",
            f"invalid JSON at line {exc.position.line}, column {exc.position.column}: "
            f"{exc.message}",
            line=exc.position.line,
            column=exc.position.column,
        ) from None
    return _Builder(document, name, policy_type).build()


def parse_policy(
    text: str | Mapping[str, object], *, name: str, policy_type: PolicyType = "identity"
) -> Policy:
    """Parse and compile a policy document (cached: same text, name and type, same object)."""
    if policy_type not in POLICY_TYPES:
        raise PolicyParseError("$", f"policy_type must be one of {', '.join(POLICY_TYPES)}")
    if isinstance(text, Mapping):
        try:
            text = json.dumps(text, indent=2)
        except (TypeError, ValueError) as exc:
            raise PolicyParseError("$", f"the document is not JSON-serialisable: {exc}") from None
    if not isinstance(text, str):
        raise PolicyParseError("$", "a policy must be a JSON string or a dict")
    return _parse_text(text, name, policy_type)
