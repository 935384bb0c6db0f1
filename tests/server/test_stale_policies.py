"""A copy of the policies that allows what AWS denies: the answer says the copy is not the whole
story, and what to ask an administrator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.http_errors import expect_http_error

EVERYTHING = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "StaleCopy", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


@pytest.fixture
def persona() -> str:
    return "userb1@studio"


@pytest.fixture
def studio_abac_config(tmp_path: Path) -> dict:
    """The caller's policies from a directory whose copy allows everything."""
    (tmp_path / "outdated-team-policy.json").write_text(json.dumps(EVERYTHING))
    return {"policy_sources": [f"dir:{tmp_path}"]}


async def test_a_copy_that_allows_what_aws_denied_points_beyond_the_copy(jp_fetch, tmp_path):
    # Given UserB1's policies as the extension reads them allow everything
    # When UserB1 deletes Team A's experiment, which AWS denies
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "experiments", "teama-seeded-experiment", method="DELETE"),
        403,
        "AccessDenied",
    )
    # Then the summary says the copy allows it; the next step gives the owning team and what the
    # copy cannot show
    assert "allow it" in body["summary"] and f"dir:{tmp_path}" in body["summary"]
    assert body["explanation"]["decision"] == "allowed"
    assert "belongs to TeamA and you are in TeamB" in body["nextStep"]
    assert "out of date" in body["nextStep"] and "permissions boundary" in body["nextStep"]
