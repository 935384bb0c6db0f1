"""The documentation corpus: cases from AWS's IAM User Guide, each with the sentence it
comes from, decided by the engine as the sentence says (see aws_docs/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from studio_abac_ext.policy import Policy, PolicySet, PolicyType, Request, evaluate, parse_policy

CORPUS = Path(__file__).parent / "aws_docs"
DECISIONS = ("allowed", "explicitDeny", "implicitDeny")


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path in sorted(CORPUS.glob("*.yaml")):
        page = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in page["cases"]:
            found.append((page["source"], f"{path.stem}:{case['name']}", case))
    return found


CASES = _cases()


def _policy(document: dict[str, Any], name: str, policy_type: PolicyType) -> Policy:
    text = json.dumps({"Version": "2012-10-17", **document}, indent=2)
    return parse_policy(text, name=name, policy_type=policy_type)


def _policies(case: dict[str, Any]) -> PolicySet:
    def listed(field: str, policy_type: PolicyType) -> list[Policy] | None:
        if field not in case:
            return None
        return [_policy(d, f"{field}-{i}", policy_type) for i, d in enumerate(case[field])]

    resource = case.get("resource")
    scps = case.get("scps")
    return PolicySet(
        identity=listed("identity", "identity") or [],
        resource=[_policy(resource, "resource", "resource")] if resource else [],
        boundary=listed("boundary", "boundary"),
        session=listed("session", "session"),
        scps=None
        if scps is None
        else [
            [_policy(d, f"scp-{n}-{i}", "scp") for i, d in enumerate(level)]
            for n, level in enumerate(scps)
        ],
    )


def test_the_corpus_is_large_and_every_case_names_its_source_and_sentence() -> None:
    # Given the corpus
    # Then it holds enough cases, each quoting AWS and expecting a real decision
    assert len(CASES) >= 60
    for source, name, case in CASES:
        assert source.startswith("https://docs.aws.amazon.com/IAM/"), name
        assert case.get("sentence_source", source).startswith("https://docs.aws.amazon.com/IAM/")
        assert len(case["sentence"]) > 20, name
        assert case["expected"] in DECISIONS, name
    assert len({name for _, name, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("source", "name", "case"), CASES, ids=[name for _, name, _ in CASES])
def test_the_engine_decides_as_the_documentation_says(
    source: str, name: str, case: dict[str, Any]
) -> None:
    # Given the case's policies and request (AWS: case["sentence"], on the page `source`)
    request = case["request"]
    # When the engine decides, with and without an explanation
    decided = [
        evaluate(
            Request(
                request["action"],
                request.get("resource", "*"),
                request.get("caller"),
                request.get("context", {}),
                request.get("resource_owner"),
            ),
            _policies(case),
            explain=explain,
        )
        for explain in (True, False)
    ]
    # Then the decision is the one the sentence implies, either way
    assert [d.decision for d in decided] == [case["expected"]] * 2, case["sentence"]
