"""Decoding batch lines that repeat large values: always what ``json.loads`` gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio_abac_ext.policy.batch_input import RememberingDecoder

from .conftest import DATA

POLICY = (DATA / "team-3-studio-developer.json").read_text(encoding="utf-8")
OTHER_POLICY = (DATA / "team-1-sagemaker-read-only.json").read_text(encoding="utf-8")
FIELDS = ("PolicyInputList", "ResourcePolicy")


def _line(**fields: Any) -> str:
    return json.dumps({"ActionNames": ["s3:GetObject"], **fields})


def test_a_repeated_policy_list_is_decoded_once_and_shared() -> None:
    # Given two lines carrying the same policies, with different other fields
    decoder = RememberingDecoder(FIELDS)
    first_line = _line(PolicyInputList=[POLICY], CallerArn="a")
    second_line = _line(PolicyInputList=[POLICY], CallerArn="b")
    # When both are decoded
    first, first_raw = decoder.decode(first_line)
    second, second_raw = decoder.decode(second_line)
    # Then each equals json.loads, and the second reuses the first's value and raw text
    assert first == json.loads(first_line)
    assert second == json.loads(second_line)
    assert second["PolicyInputList"] is first["PolicyInputList"]
    assert second_raw["PolicyInputList"] is first_raw["PolicyInputList"]
    assert "ResourcePolicy" not in second_raw


def test_a_different_policy_is_not_mistaken_for_a_remembered_one() -> None:
    # Given a remembered policy list and a line with the same list plus one more policy
    decoder = RememberingDecoder(FIELDS)
    decoder.decode(_line(PolicyInputList=[POLICY]))
    longer = _line(PolicyInputList=[POLICY, OTHER_POLICY])
    # When the longer line is decoded
    payload, _ = decoder.decode(longer)
    # Then it has both policies
    assert payload["PolicyInputList"] == [POLICY, OTHER_POLICY]


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
        # the placeholder the decoder uses, sent on purpose
        json.dumps({"PolicyInputList": [POLICY], "CallerArn": "\x00remembered"}),
        # spaces around the colon, and a field that is not a list
        '{"PolicyInputList"  :  ' + json.dumps([POLICY]) + ', "ResourcePolicy" : 7}',
    ],
    ids=["nested-key", "repeated-key", "placeholder-text", "spacing"],
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
    for value in lines:
        text = json.dumps(value, indent=indent)
        # When each line is decoded
        payload, raw_texts = decoder.decode(text)
        # Then the payload is json.loads's, and each raw text decodes to its field's value
        assert payload == json.loads(text)
        for field, raw in raw_texts.items():
            assert json.loads(raw) == payload[field]
