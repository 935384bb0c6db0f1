"""GET identity: who the server acts as, the team and user id with where they came from."""

from __future__ import annotations

import json

import pytest

from tests.http_errors import expect_http_error


async def test_studio_persona_sees_role_session_profile_and_sources(jp_fetch):
    # Given the server runs in UserA1's Studio space, whose profile carries the team tag
    # When the frontend asks who it is
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then the role session, the Studio space and each value's source are reported
    identity = json.loads(response.body)
    assert identity["arn"].endswith(":assumed-role/SageMakerStudioDeveloperTeamARole/SageMaker")
    assert identity["principalType"] == "AssumedRole"
    assert identity["roleName"] == "SageMakerStudioDeveloperTeamARole"
    assert identity["team"] == {"value": "TeamA", "source": "user-profile-tag", "reason": None}
    assert identity["studioUserId"] == {
        "value": "usera1",
        "source": "user-profile-tag",
        "reason": None,
    }
    assert identity["studio"]["domainId"] == "d-studioabacsandbox"
    assert identity["studio"]["userProfileName"] == "usera1"
    assert identity["tagKeys"] == {"team": "team", "user": "studiouserid"}
    assert identity["policies"]["known"] is True
    assert identity["policies"]["source"].startswith("dir:")


@pytest.mark.parametrize("persona", ["usera1"])
async def test_unknown_team_is_null_with_a_reason(jp_fetch):
    # Given IAM user credentials outside Studio: no profile, no configured team, and the user's
    # policies do not let it read its own IAM tags
    # When the frontend asks who it is
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then the team is null, and the reason says which sources were tried
    team = json.loads(response.body)["team"]
    assert team["value"] is None and team["source"] is None
    assert "not in a Studio space" in team["reason"]
    assert "nothing is configured" in team["reason"]


@pytest.mark.parametrize(("persona", "persona_team"), [("usera1", "TeamA")])
async def test_configured_team_is_the_last_resort(jp_fetch):
    # Given IAM user credentials outside Studio and a team set in the extension's configuration
    # When the frontend asks who it is
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then the configured team is used, and says so
    team = json.loads(response.body)["team"]
    assert team == {"value": "TeamA", "source": "config", "reason": None}


@pytest.mark.parametrize("persona", ["admin"])
async def test_iam_user_outside_studio(jp_fetch):
    # Given the admin's IAM user credentials, outside any Studio space
    # When the frontend asks who it is
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then the user is named and the Studio block is null
    identity = json.loads(response.body)
    assert identity["principalType"] == "IAMUser"
    assert identity["userName"] == "admin"
    assert identity["studio"] is None


async def test_identity_requires_authentication(jp_fetch):
    # Given a request without the server's token
    # When it asks for the identity
    # Then the server refuses it
    await expect_http_error(
        jp_fetch("studio-abac-ext", "identity", headers={"Authorization": ""}), 403
    )
