"""Hostile input from a signed-in user (issue 12, items 7, 9-12): refused with a 400 that names
the field or parameter and the rule, never a 500; tags of the server cannot be spelt around."""

from __future__ import annotations

import json

import pytest

from tests.http_errors import expect_http_error

TEAM_A_EXPERIMENT = "arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment"
ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def post(jp_fetch, path: str, body: dict | str):
    raw = body if isinstance(body, str) else json.dumps(body)
    return jp_fetch("studio-abac-ext", *path.split("/"), method="POST", body=raw)


def stored_tags(sandbox, name: str) -> dict[str, str]:
    sagemaker = sandbox.session_for("admin").client("sagemaker")
    arn = f"arn:aws:sagemaker:us-east-1:123456789012:experiment/{name.lower()}"
    return {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}


def simulate(policies: list[str] | None = None, **extra) -> dict:
    return {
        "principal": "arn:aws:iam::123456789012:role/SageMakerStudioDeveloperTeamARole",
        "action": "sagemaker:DeleteExperiment",
        "resource": TEAM_A_EXPERIMENT,
        "policies": policies if policies is not None else [ALLOW_ALL],
        **extra,
    }


# --- 9: the team and user tags cannot be spelt another way -------------------------------------

SPELLINGS = [
    "Team",
    "TEAM",
    "team ",
    "\u00a0team",  # a no-break space
    "tea\uff4d",  # a full-width m
    "t\u0435am",  # a Cyrillic e
    "StudioUserId",
    "studiouserid\u3000",  # an ideographic space
]


@pytest.mark.parametrize("key", SPELLINGS)
async def test_the_servers_tag_keys_cannot_be_spelt_otherwise(jp_fetch, fresh_sandbox, key):
    # Given UserA1 of Team A
    # When they create an experiment with the team or user key spelt another way
    body = await expect_http_error(
        post(jp_fetch, "experiments", {"name": "spelt", "tags": {key: "TeamB"}}),
        400,
        "ValidationError",
    )
    # Then that tag is named, and nothing is created
    assert body["field"] == f"$.tags.{key}"
    assert "another spelling" in body["rule"]
    admin = fresh_sandbox.session_for("admin").client("sagemaker")
    names = {e["ExperimentName"] for e in admin.list_experiments()["ExperimentSummaries"]}
    assert "spelt" not in names


@pytest.mark.parametrize("key", ["sagemaker:user-profile-arn", "SageMaker:domain-arn", "AWS:x"])
async def test_reserved_tag_namespaces_are_refused(jp_fetch, key):
    body = await expect_http_error(
        post(jp_fetch, "experiments", {"name": "reserved", "tags": {key: "x"}}),
        400,
        "ValidationError",
    )
    assert body["field"] == f"$.tags.{key}" and "prefix" in body["rule"]


async def test_the_answer_shows_the_tags_aws_stored(jp_fetch, fresh_sandbox, monkeypatch):
    # Given AWS that stores a different value than was asked (a fault: a tag policy rewrote it)
    from studio_abac_ext.aws import experiments as aws_experiments

    real = aws_experiments.create_experiment

    async def create_rewritten(runner, arn, name, tags, description, display_name):
        return await real(runner, arn, name, {**tags, "stage": "rewritten"}, description, None)

    monkeypatch.setattr(aws_experiments, "create_experiment", create_rewritten)
    # When an experiment is created with stage=dev
    response = await post(jp_fetch, "experiments", {"name": "readback", "tags": {"stage": "dev"}})
    # Then the answer carries what AWS stored, not what the request said
    item = json.loads(response.body)
    assert stored_tags(fresh_sandbox, "readback")["stage"] == "rewritten"
    assert item["tags"]["stage"] == "rewritten"


# --- 10, 11: bad input is a 400 naming the parameter, never a 500 ------------------------------

JSON_ROUTES = ["experiments", "experiments/preflight", "explain", "admin/simulate"]


@pytest.mark.parametrize("path", JSON_ROUTES)
async def test_deeply_nested_json_is_a_400(jp_fetch, path):
    deep = "[" * 1500 + "]" * 1500
    body = await expect_http_error(post(jp_fetch, path, '{"name": ' + deep + "}"), 400)
    assert body["field"] == "$"


async def test_deeply_nested_json_on_patch_is_a_400(jp_fetch):
    deep = '{"description": ' + "[" * 1500 + "]" * 1500 + "}"
    call = jp_fetch("studio-abac-ext", "experiments", "x1", method="PATCH", body=deep)
    body = await expect_http_error(call, 400, "ValidationError")
    assert body["field"] == "$"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("resources", "q"),
        ("resources", "type"),
        ("resources", "scope"),
        ("resources", "next"),
        ("admin/denials", "user"),
        ("admin/denials", "action"),
        ("admin/denials", "limit"),
    ],
)
async def test_invalid_utf8_in_a_query_parameter_is_a_400_naming_it(jp_fetch, path, parameter):
    # bytes are sent as they are (%FF%FE), not UTF-8 encoded
    call = jp_fetch("studio-abac-ext", *path.split("/"), params={parameter: b"\xff\xfe"})
    body = await expect_http_error(call, 400, "ValidationError")
    assert body["field"] == parameter


@pytest.mark.parametrize("limit", ["\u00b2", "9" * 5000, "1\n", " 5", "-1", "0", "201"])
async def test_a_bad_limit_is_a_400_naming_it(jp_fetch, limit):
    call = jp_fetch("studio-abac-ext", "admin", "denials", params={"limit": limit})
    body = await expect_http_error(call, 400, "ValidationError")
    assert body["field"] == "limit"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "ok\n"}, "$.name"),
        ({"name": "ok", "displayName": "ok\n"}, "$.displayName"),
    ],
)
async def test_a_trailing_newline_does_not_pass_a_name(jp_fetch, body, field):
    answer = await expect_http_error(post(jp_fetch, "experiments", body), 400, "ValidationError")
    assert answer["field"] == field


async def test_a_trailing_newline_does_not_pass_an_action(jp_fetch):
    body = {"action": "sagemaker:DeleteExperiment\n", "resource": TEAM_A_EXPERIMENT}
    answer = await expect_http_error(post(jp_fetch, "explain", body), 400, "ValidationError")
    assert answer["field"] == "$.action"


async def test_a_trailing_newline_does_not_pass_a_page_token(jp_fetch):
    call = jp_fetch("studio-abac-ext", "resources", params={"next": "abc\n"})
    answer = await expect_http_error(call, 400, "ValidationError")
    assert answer["field"] == "next"


# --- 7: what AWS refuses for size is refused, naming the field ---------------------------------


def _big_policy(characters: int) -> str:
    """A policy of about ``characters`` characters without whitespace."""
    actions = [f"sagemaker:Describe{i:06d}" for i in range(characters // 27 + 1)]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (simulate([_big_policy(10300)]), "$.policies[0]"),
        (simulate([ALLOW_ALL] * 21), "$.policies"),
        (simulate(resource="arn:aws:s3:::" + "b" * 2040), "$.resource"),
        (simulate(principal="arn:aws:iam::123456789012:role/" + "r" * 2030), "$.principal"),
        (simulate(context={f"k{i}": "v" for i in range(101)}), "$.context"),
        (simulate(context={"aws:TagKeys": ["v"] * 51}), "$.context.aws:TagKeys"),
        (simulate(context={"k": "v" * 2049}), "$.context.k"),
        (simulate(resourceTags={f"k{i}": "v" for i in range(51)}), "$.resourceTags"),
        (simulate(requestTags={"k": "v" * 257}), "$.requestTags.k"),
    ],
)
async def test_what_aws_refuses_for_size_is_a_400_naming_the_field(jp_fetch, body, field):
    answer = await expect_http_error(post(jp_fetch, "admin/simulate", body), 400, "ValidationError")
    assert answer["field"] == field and answer["rule"]


async def test_a_policy_within_the_inline_quota_is_simulated(jp_fetch):
    response = await post(jp_fetch, "admin/simulate", simulate([_big_policy(9000)]))
    assert json.loads(response.body)["decision"] in ("allowed", "implicitDeny")


async def test_an_oversized_body_is_refused(jp_fetch):
    body = json.dumps({"name": "big", "description": "x" * (600 * 1024)})
    answer = await expect_http_error(post(jp_fetch, "experiments", body), 400, "ValidationError")
    assert answer["field"] == "$" and "bytes" in answer["rule"]


# --- 12: names are case-insensitive --------------------------------------------------------------


async def test_patch_finds_an_experiment_whatever_the_case(jp_fetch):
    # Given UserA1's experiment CaseExp1
    await post(jp_fetch, "experiments", {"name": "CaseExp1"})
    # When it is changed as caseexp1
    response = await jp_fetch(
        "studio-abac-ext",
        "experiments",
        "caseexp1",
        method="PATCH",
        body=json.dumps({"description": "found"}),
    )
    # Then the change is answered with the experiment in AWS's spelling
    item = json.loads(response.body)
    assert item["name"] == "CaseExp1" and item["team"] == "TeamA"


async def test_an_experiment_named_preflight_can_be_changed_and_deleted(jp_fetch):
    await post(jp_fetch, "experiments", {"name": "preflight"})
    change = json.dumps({"description": "still mine"})
    response = await jp_fetch(
        "studio-abac-ext", "experiments", "preflight", method="PATCH", body=change
    )
    assert json.loads(response.body)["name"] == "preflight"
    deleted = await jp_fetch("studio-abac-ext", "experiments", "preflight", method="DELETE")
    assert deleted.code == 204
