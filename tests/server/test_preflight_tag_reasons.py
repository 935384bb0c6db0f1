"""Why the New experiment dialog adds each tag, decided by the engine (issue 10's third defect):
a tag is required when the create without it is denied and with it allowed."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from studio_abac_ext.aws.experiments import ENTITY_NAME
from studio_abac_ext.web.request_models import ENTITY_NAME_RULE

OPENAPI = Path(__file__).parents[2] / "studio_abac_ext" / "openapi.yaml"


async def test_the_team_tag_is_required_by_its_statement_and_the_user_tag_is_not(jp_fetch):
    # Given UserA1 under the document's policies
    # When they preflight a new experiment
    response = await jp_fetch(
        "studio-abac-ext",
        "experiments",
        "preflight",
        method="POST",
        body=json.dumps({"name": "planned"}),
    )
    reasons = json.loads(response.body)["tagReasons"]
    # Then team is required by the create statement, named
    assert reasons["team"]["required"] is True
    assert reasons["team"]["statement"] == {
        "policy": "team-3-studio-developer",
        "sid": "AmazonSageMakerCreate",
    }
    assert reasons["team"]["text"] == "required by team-3-studio-developer/AmazonSageMakerCreate"
    # And studiouserid is not required: it is there for the admins
    assert reasons["studiouserid"] == {
        "required": False,
        "text": "added so admins can see who made it",
    }
    locked = {lock["key"]: lock["reason"] for lock in json.loads(response.body)["lockedTags"]}
    assert "your policies require it" not in locked["studiouserid"]


def test_the_name_rule_is_the_openapi_files_pattern():
    # Given the OpenAPI file's schemas of experiment names
    schemas = yaml.safe_load(OPENAPI.read_text())["components"]["schemas"]
    patterns = {
        schemas["NewExperiment"]["properties"]["name"]["pattern"],
        schemas["NewExperiment"]["properties"]["displayName"]["pattern"],
        schemas["ExperimentChange"]["properties"]["displayName"]["pattern"],
    }
    # Then they are the one Python rule, the rule the 400s name
    assert patterns == {ENTITY_NAME.pattern}
    assert ENTITY_NAME.pattern in ENTITY_NAME_RULE
