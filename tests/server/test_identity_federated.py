"""GET identity for a federated session: the team and user id from the sign-in's session tags.

AWS has no API that tells a role session its own tags, so the sign-in says them
(``STUDIO_ABAC_SESSION_TAGS``, which ``studio-abac sandbox env fed:NAME`` prints). AWS: "You can
pass a session tag with the same key as a tag that is already attached to the role. When you do,
session tags override a role tag with the same key." (STS API reference, AssumeRole, Tags)
"""

from __future__ import annotations

import json

import pytest

from studio_abac_ext.config import parse_session_tags
from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.sandbox.federation import SignIn, assume_role_with_saml, claims_for

FEDERATED_ROLE = "SageMakerStudioFederatedUserRole"


@pytest.fixture
def sign_in_extra_tags() -> dict[str, str]:
    """Session tags the IdP adds to the scenario's (none by default)."""
    return {}


@pytest.fixture
def reported_session_tags() -> str | None:
    """STUDIO_ABAC_SESSION_TAGS set by hand for a persona whose env does not set it."""
    return None


@pytest.fixture
def persona_env(
    fresh_sandbox: Sandbox,
    persona: str,
    sign_in_extra_tags: dict[str, str],
    reported_session_tags: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """As conftest's, but a fed: persona may sign in with more session tags, as another IdP
    configuration would send them (signed by the sandbox IdP, checked by AssumeRoleWithSAML)."""
    env = fresh_sandbox.env_for(persona)
    if sign_in_extra_tags:
        claims = claims_for(fresh_sandbox.scenario, persona.removeprefix("fed:"))
        tags = {**claims.session_tags, **sign_in_extra_tags}
        claims = type(claims)(**{**claims.__dict__, "session_tags": tags})
        signed = SignIn(
            fresh_sandbox.idp.saml_response(claims), claims.role_arn, claims.provider_arn
        )
        credentials = assume_role_with_saml(signed, fresh_sandbox.endpoint, "us-east-1")
        env.update(
            AWS_ACCESS_KEY_ID=credentials["AccessKeyId"],
            AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
            AWS_SESSION_TOKEN=credentials["SessionToken"],
            STUDIO_ABAC_SESSION_TAGS=json.dumps(tags),
        )
    if reported_session_tags is not None:
        env["STUDIO_ABAC_SESSION_TAGS"] = reported_session_tags
    monkeypatch.delenv("STUDIO_ABAC_SESSION_TAGS", raising=False)
    monkeypatch.delenv("STUDIO_ABAC_TEAM", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.mark.parametrize("persona", ["fed:usera1"])
async def test_federated_user_id_comes_from_the_sign_in_session_tag(jp_fetch, persona_env):
    # Given the server runs with fed:usera1's credentials, signed in through the sandbox's IdP
    # (the document's Okta attributes: PrincipalTag:studiouserid only)
    assert json.loads(persona_env["STUDIO_ABAC_SESSION_TAGS"]) == {"studiouserid": "usera1"}
    # When the frontend asks who it is
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then the session of the federated role is named, and the user id's source is the session tag
    identity = json.loads(response.body)
    assert identity["arn"].endswith(f":assumed-role/{FEDERATED_ROLE}/usera1")
    assert identity["principalType"] == "AssumedRole"
    assert identity["sessionName"] == "usera1"
    assert identity["studioUserId"] == {"value": "usera1", "source": "session-tag", "reason": None}
    # And the team, which the document's sign-in does not send, is unknown with the sources tried
    team = identity["team"]
    assert team["value"] is None and team["source"] is None
    assert "your sign-in's session tags have no 'team'" in team["reason"]
    assert "not allow iam:ListRoleTags" in team["reason"]


@pytest.mark.parametrize(("persona", "sign_in_extra_tags"), [("fed:usera1", {"team": "TeamA"})])
async def test_federated_team_and_user_id_both_from_session_tags(jp_fetch):
    # Given fed:usera1 signed in with a team session tag as well
    # When the frontend asks who it is
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then both come from the session tags
    identity = json.loads(response.body)
    assert identity["team"] == {"value": "TeamA", "source": "session-tag", "reason": None}
    assert identity["studioUserId"] == {"value": "usera1", "source": "session-tag", "reason": None}


@pytest.mark.parametrize(
    ("persona", "reported_session_tags"), [("usera1@studio", '{"team": "TeamB"}')]
)
async def test_a_session_tag_comes_before_the_user_profile_tag(jp_fetch):
    # Given UserA1's Studio space (profile tagged team=TeamA) whose sign-in reports team=TeamB
    # When the frontend asks who it is
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then the session tag wins, as it is the principal tag AWS's policies compare
    identity = json.loads(response.body)
    assert identity["team"] == {"value": "TeamB", "source": "session-tag", "reason": None}
    assert identity["studioUserId"]["source"] == "user-profile-tag"


@pytest.mark.parametrize(
    ("persona", "reported_session_tags"),
    [("usera1", '{"team": "TeamB", "studiouserid": "userb1"}')],
)
async def test_session_tags_are_ignored_for_an_iam_user(jp_fetch):
    # Given IAM user credentials (which carry no session tags) and session tags set anyway
    # When the frontend asks who it is
    response = await jp_fetch("studio-abac-ext", "identity")
    # Then they are not believed, and the reason says why
    identity = json.loads(response.body)
    assert identity["team"]["value"] is None
    assert "you are not a role session" in identity["team"]["reason"]
    assert identity["studioUserId"]["value"] is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{studiouserid: usera1}", "STUDIO_ABAC_SESSION_TAGS: not JSON"),
        ('["usera1"]', "must be a JSON object"),
        ('{"studiouserid": 1}', "the value of 'studiouserid' must be a string"),
        ('{"": "x"}', "tag key '' must be 1-128 characters"),
        ('{"team": "' + "x" * 257 + '"}', "exceeds 256 characters"),
        (json.dumps({f"k{i}": "v" for i in range(51)}), "51 tags, STS allows at most 50"),
    ],
)
def test_bad_session_tags_name_the_variable_and_rule(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_session_tags(text)


def test_session_tags_parse() -> None:
    assert parse_session_tags('{"studiouserid": "usera1"}') == {"studiouserid": "usera1"}
    assert parse_session_tags("  ") == {}


@pytest.mark.parametrize(("persona", "sign_in_extra_tags"), [("fed:usera1", {"team": "TeamA"})])
async def test_preflight_says_the_locked_tags_come_from_the_sign_in(jp_fetch):
    # Given fed:usera1 signed in with team and studiouserid session tags
    # When they preflight a new experiment (their role may not create one)
    response = await jp_fetch(
        "studio-abac-ext",
        "experiments",
        "preflight",
        method="POST",
        body=json.dumps({"name": "planned"}),
    )
    # Then the tags the server would add say they come from the sign-in's session tags
    result = json.loads(response.body)
    locked = {lock["key"]: lock for lock in result["lockedTags"]}
    assert locked["team"]["value"] == "TeamA"
    assert locked["team"]["reason"].startswith("added from your sign-in's session tag")
    assert locked["studiouserid"]["reason"].startswith("added from your sign-in's session tag")
    assert result["decision"] != "allowed"
