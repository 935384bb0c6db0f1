"""Unreadable policies: AWS still decides, and the API says what is unknown."""

from __future__ import annotations

import json

import pytest

from tests.http_errors import expect_http_error

IAM_ONLY = {"policy_sources": ["iam"]}


@pytest.mark.parametrize("studio_abac_config", [IAM_ONLY])
async def test_identity_says_why_policies_are_unknown(jp_fetch):
    # Given a team role that may not read its own policies from IAM, and no other source
    # When the identity is asked for
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then the policies are unknown, naming the IAM read that failed
    policies = json.loads(response.body)["policies"]
    assert policies["known"] is False
    assert "iam:" in policies["reason"]


@pytest.mark.parametrize("studio_abac_config", [IAM_ONLY])
async def test_permissions_are_unknown_without_policies(jp_fetch):
    # Given the policies are unknown
    # When the team's experiments are listed
    response = await jp_fetch("studio-abac-ext", "resources", params={"scope": "team"})
    # Then every permission is unknown, with the reason
    items = json.loads(response.body)["items"]
    assert items
    assert {item["permissions"]["delete"]["decision"] for item in items} == {"unknown"}
    assert all(not item["readOnly"] for item in items)


@pytest.mark.parametrize("persona", ["userb1@studio"])
@pytest.mark.parametrize("studio_abac_config", [IAM_ONLY])
async def test_denial_without_policies_explains_from_aws_message(jp_fetch):
    # Given UserB1, whose policies are unknown, and Team A's experiment
    # When UserB1 deletes it
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "experiments", "teama-seeded-experiment", method="DELETE"),
        403,
        "AccessDenied",
    )
    # Then AWS's words stand, the explanation is null and the summary says what is unknown
    assert body["explanation"] is None
    assert "No statement of your policies" in body["summary"]
    assert "could not be read" in body["summary"]
    assert "TeamA" in body["nextStep"]
