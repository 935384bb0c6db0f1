"""Decoding batch lines that repeat large values: always what ``json.loads`` gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio_abac_ext.simulator.batch_decoding import RememberingDecoder

from .conftest import DATA

POLICY = (DATA / "team-3-studio-developer.json").read_text(encoding="utf-8")
OTHER_POLICY = (DATA / "team-1-sagemaker-read-only.json").read_text(encoding="utf-8")
FIELDS = ("PolicyInputList", "ResourcePolicy")


def _line(**fields: Any) -> str:
    return json.dumps({"ActionNames": ["s3:GetObject"], **fields})


def test_a_repeated_policy_is_decoded_once_and_keyed_by_its_text() -> None:
    # Given two lines carrying the same policy, with different other fields
    decoder = RememberingDecoder(FIELDS)
    first_line = _line(PolicyInputList=[POLICY], CallerArn="a")
    second_line = _line(PolicyInputList=[POLICY], CallerArn="b")
    # When both are decoded
    first, first_keys = decoder.decode(first_line)
    second, second_keys = decoder.decode(second_line)
    # Then each equals json.loads; the policy string is the remembered one, the keys equal
    assert first == json.loads(first_line)
    assert second == json.loads(second_line)
    assert second["PolicyInputList"][0] is first["PolicyInputList"][0]
    assert second_keys["PolicyInputList"] == first_keys["PolicyInputList"]
    assert "ResourcePolicy" not in second_keys


def test_policies_are_remembered_one_by_one_whatever_list_they_come_in() -> None:
    # Given a remembered policy, then lists that add another policy before and after it
    decoder = RememberingDecoder(FIELDS)
    alone, alone_keys = decoder.decode(_line(PolicyInputList=[POLICY]))
    after, after_keys = decoder.decode(_line(PolicyInputList=[OTHER_POLICY, POLICY]))
    before, before_keys = decoder.decode(_line(PolicyInputList=[POLICY, OTHER_POLICY]))
    # Then every list has its own policies and key, sharing the decoded strings
    assert after["PolicyInputList"] == [OTHER_POLICY, POLICY]
    assert before["PolicyInputList"] == [POLICY, OTHER_POLICY]
    assert after["PolicyInputList"][1] is alone["PolicyInputList"][0]
    assert before["PolicyInputList"][1] is after["PolicyInputList"][0]
    keys = [alone_keys["PolicyInputList"], after_keys["PolicyInputList"]]
    assert len({*keys, before_keys["PolicyInputList"]}) == 3


def test_a_longer_policy_starting_like_a_remembered_one_is_read_whole() -> None:
    # Given a remembered policy and another that begins with the same text
    decoder = RememberingDecoder(FIELDS)
    decoder.decode(_line(ResourcePolicy=POLICY))
    longer = POLICY + " "
    # When a line carries the longer one
    payload, keys = decoder.decode(_line(ResourcePolicy=longer))
    # Then it is read whole, under another key
    assert payload["ResourcePolicy"] == longer
    assert keys["ResourcePolicy"] != json.dumps(POLICY)


@pytest.mark.parametrize(
    "line",
    [
        # the field name as a nested key, before the top-level one
        json.dumps(
            {
                "ContextEntries": [{"PolicyInputList": [POLICY], "ContextKeyName": "k"}],
                "PolicyInputList": [OTHER_POLICY],
            }
        ),
        # the field given twice: the last one wins, as in json.loads
        '{"PolicyInputList": ' + json.dumps([POLICY]) + ', "PolicyInputList": ["x"]}',
        # the placeholder the decoder uses, sent on purpose, outside and inside a policy
        json.dumps({"PolicyInputList": [POLICY], "CallerArn": "\x00remembered"}),
        json.dumps({"PolicyInputList": [POLICY + "\x00remembered"], "CallerArn": "x"}),
        # spaces around the colon, and a field that is not a list
        '{"PolicyInputList"  :  ' + json.dumps([POLICY]) + ', "ResourcePolicy" : 7}',
        # integers beyond 64 bits, which orjson would read as floats
        '{"PolicyInputList": ' + json.dumps([POLICY]) + ', "ActionNames": -9223372036854775809}',
    ],
    ids=[
        "nested-key",
        "repeated-key",
        "placeholder-outside",
        "placeholder-inside",
        "spacing",
        "huge-integer",
    ],
)
def test_awkward_lines_decode_as_json_loads_does(line: str) -> None:
    # Given a decoder that already remembers the policy list
    decoder = RememberingDecoder(FIELDS)
    decoder.decode(_line(PolicyInputList=[POLICY]))
    # When an awkward line is decoded
    payload, _ = decoder.decode(line)
    # Then it is exactly json.loads's answer
    assert payload == json.loads(line)


@pytest.mark.parametrize(
    "line",
    [
        '{"PolicyInputList": ' + json.dumps([POLICY]) + ', "ActionNames": [}',
        '{"PolicyInputList": ' + json.dumps([POLICY])[:-1],
        "{not json",
    ],
    ids=["bad-after-policy", "truncated-policy", "not-json"],
)
def test_invalid_lines_raise_json_loads_own_error(line: str) -> None:
    # Given a decoder that remembers the policy list
    decoder = RememberingDecoder(FIELDS)
    decoder.decode(_line(PolicyInputList=[POLICY]))
    # When an invalid line is decoded
    with pytest.raises(json.JSONDecodeError) as raised:
        decoder.decode(line)
    # Then the error is json.loads's, positions included
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(line)
    assert str(raised.value) == str(expected.value)


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*FIELDS, "k", "x"]), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.dictionaries(
            st.sampled_from([*FIELDS, "ActionNames", "CallerArn"]),
            st.sampled_from([[POLICY], [OTHER_POLICY], POLICY, [POLICY, OTHER_POLICY]])
            | JSON_VALUES,
            max_size=4,
        ),
        min_size=1,
        max_size=6,
    ),
    indent=st.sampled_from([None, 1]),
)
def test_any_sequence_of_lines_decodes_as_json_loads_does(
    lines: list[dict[str, Any]], indent: int | None
) -> None:
    # Given a decoder with a tiny memory, and lines mixing remembered and fresh values
    decoder = RememberingDecoder(FIELDS, memory=2)
    seen: dict[tuple[str, Any], Any] = {}
    for value in lines:
        text = json.dumps(value, indent=indent)
        # When each line is decoded
        payload, keys = decoder.decode(text)
        # Then the payload is json.loads's, and equal keys always mean equal values
        assert payload == json.loads(text)
        for field, key in keys.items():
            assert seen.setdefault((field, key), payload[field]) == payload[field]
