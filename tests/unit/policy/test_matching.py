"""The wildcard matcher: exact against a reference, without backtracking, and its parse cache."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from studio_abac_ext.policy import parse_policy
from studio_abac_ext.policy.matching import (
    _tokens,
    compile_arn_glob,
    compile_glob,
    compile_resource_glob,
)
from studio_abac_ext.policy.parsing import PARSED, ParseCache
from studio_abac_ext.policy.variables import ResolvedSegments

ALPHABET = "ab:/*?"


def _reference(segments: ResolvedSegments, *, arn: bool, resource: bool) -> re.Pattern[str]:
    """The same tokens as a backtracking regular expression (fine on short texts)."""
    parts = []
    for kind, char, crosses in _tokens(segments, arn=arn, resource_element=resource):
        if kind == 0:
            parts.append(re.escape(char))
        elif kind == 1:
            parts.append("." if crosses else "[^:]")
        else:
            parts.append(".*" if crosses else "[^:]*")
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


patterns = st.text(ALPHABET, max_size=12)
texts = st.text("ab:/", max_size=14)


@settings(max_examples=600, deadline=None)
@given(pattern=patterns, text=texts, escaped=st.booleans())
def test_every_matcher_agrees_with_the_backtracking_reference(
    pattern: str, text: str, escaped: bool
) -> None:
    # Given a pattern (its wildcards active, or one escaped piece) and a text
    segments: ResolvedSegments = (
        ((pattern, True),) if not escaped else ((pattern, True), ("*", False))
    )
    # When matched as StringLike, ArnLike and a Resource element
    # Then each agrees with the reference regular expression
    assert compile_glob(segments).matches(text) == bool(
        _reference(segments, arn=False, resource=False).match(text)
    )
    assert compile_arn_glob(segments).matches(text) == bool(
        _reference(segments, arn=True, resource=False).match(text)
    )
    assert compile_resource_glob(segments).matches(text) == bool(
        _reference(segments, arn=True, resource=True).match(text)
    )


def test_the_worst_pattern_of_issue_12_is_answered_without_backtracking() -> None:
    # Given the pattern that took a backtracking regex seconds, and AWS's longest ARN
    pattern = "arn:aws:s3:::" + "*a" * 24 + "*b"
    text = "arn:aws:s3:::" + "a" * 2035
    # When matched (as a resource and as StringLike)
    # Then the answer is exact: no "b" at the end, no match; with it, a match
    assert compile_resource_glob(((pattern, True),)).matches(text) is False
    assert compile_glob(((pattern, True),)).matches(text[:-1] + "b") is True


def test_a_star_inside_the_first_segments_uses_the_one_pass_automaton() -> None:
    # Given an ArnLike pattern with stars inside a segment (they may not cross colons)
    glob = compile_arn_glob((("arn:aws:s*r:us-*-1:*:x", True),))
    # Then it matches within segments and never across them
    assert glob.matches("arn:aws:sagemaker:us-east-1:123:x")
    assert not glob.matches("arn:aws:s:r:us-east-1:123:x")
    assert not glob.matches("arn:aws:sagemaker:us-east:west-1:123:x")


def test_the_parse_cache_is_bounded_by_the_size_of_the_texts_it_keeps() -> None:
    # Given a cache of 1,000 characters, keeping none over 600
    cache = ParseCache(max_chars=1000, max_entry_chars=600)
    texts = [json.dumps({"Statement": [], "Id": str(i) * 100}) for i in range(1, 10)]
    parsed = [parse_policy(t, name="p") for t in texts]
    # When more than it can hold is put in
    for text, found in zip(texts, parsed, strict=True):
        cache.put((text, "p", "identity"), found)
    # Then it keeps only the newest texts, within its bound
    assert cache.chars <= 1000
    assert (texts[-1], "p", "identity") in cache
    assert (texts[0], "p", "identity") not in cache
    assert cache.chars == sum(len(t) for t in texts if (t, "p", "identity") in cache)


def test_a_large_client_policy_is_not_retained_by_the_engine() -> None:
    # Given a distinct, large (1.8 MB) policy of the kind a client can send to simulate
    statements = [
        {
            "Sid": f"S{i}",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::b{i}/*",
        }
        for i in range(20_000)
    ]
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    assert len(text) > 1_500_000
    before = PARSED.chars
    # When it is parsed
    policy = parse_policy(text, name="huge")
    # Then it evaluates, but the engine's cache keeps none of it
    assert len(policy.statements) == 20_000
    assert (text, "huge", "identity") not in PARSED
    assert PARSED.chars <= before
    assert PARSED.chars <= PARSED.max_chars


def test_a_small_policy_is_parsed_once() -> None:
    # Given a small policy text
    statement = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    # When it is parsed twice
    # Then the same compiled object comes back, counted in the cache's size
    assert parse_policy(text, name="small") is parse_policy(text, name="small")
    assert (text, "small", "identity") in PARSED
