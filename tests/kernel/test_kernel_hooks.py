"""The kernel extension's rules, in real kernels against the sandbox as usera1 (Team A)."""

from __future__ import annotations

import pytest

from studio_abac_ext.sandbox import Sandbox

from .notebooks import denials_of, error_of, last_json, run_cells, text_of

ACCOUNT = "123456789012"
HELPERS = """
import json, boto3
early = boto3.session.Session().client("sagemaker")
def arn(name):
    return f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/{name}"
def tags(name):
    return {t["Key"]: t["Value"] for t in early.list_tags(ResourceArn=arn(name))["Tags"]}
""".replace("{ACCOUNT}", ACCOUNT)


WIRE = """
sent = []
def keep(params, **kwargs):
    sent.append(json.loads(params["body"])["Tags"])
early.meta.events.register("before-call.sagemaker.CreateExperiment", keep)
"""


@pytest.mark.sandbox
def test_tags_added_never_overriding_never_past_fifty(fresh_sandbox: Sandbox) -> None:
    many = "[{'Key': f'k{i}', 'Value': 'v'} for i in range(49)]"
    cells = run_cells(
        fresh_sandbox,
        "usera1@studio",
        [
            # Given a client made before the extension loads, from a session of its own
            HELPERS,
            "%load_ext studio_abac_ext",
            # When it creates an experiment without tags
            'early.create_experiment(ExperimentName="early-client")\n'
            'print(json.dumps(tags("early-client")))',
            # When the caller gives the team key spelt otherwise
            'early.create_experiment(ExperimentName="own-key", '
            'Tags=[{"Key": "TEAM", "Value": "TeamA"}])',
            # When the caller gives 49 tags of its own
            # (what leaves the kernel is read on the wire: the sandbox then adds Studio's own
            # sagemaker: tags and refuses more than 50, as it should)
            WIRE + f'try:\n    early.create_experiment(ExperimentName="many-tags", Tags={many})\n'
            "except Exception as error:\n    print(error)\n"
            "print(json.dumps({t['Key']: t['Value'] for t in sent[-1]}))",
        ],
    )
    _helpers, _load, early, own_key, many_tags = cells
    # Then the early client's experiment carries the team's tags, and the kernel said so once
    found = last_json(early)
    assert (found["team"], found["studiouserid"]) == ("TeamA", "usera1")
    assert "studio-abac: adding team=TeamA, studiouserid=usera1" in text_of(early)
    assert "studio-abac: adding" not in text_of(many_tags)
    # And a key the caller gave, in any case, is neither overridden nor duplicated: AWS compares
    # keys case-sensitively, so the document's policy refuses TEAM, and the request shows why
    (denial,) = denials_of(own_key)
    assert denial["requestTags"] == {"TEAM": "TeamA", "studiouserid": "usera1"}
    assert denial["resource"] == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/own-key"
    # And 49 tags of the caller's get only the team tag: AWS allows 50
    found = last_json(many_tags)
    assert len(found) == 50
    assert found["team"] == "TeamA"
    assert "studiouserid" not in found


@pytest.mark.sandbox
def test_magics_and_turning_auto_tagging_off(fresh_sandbox: Sandbox) -> None:
    team_b = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/userb1teambexperiment1"
    new = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/not-yet"
    cells = run_cells(
        fresh_sandbox,
        "usera1@studio",
        [
            HELPERS + "%load_ext studio_abac_ext",
            "%abac whoami",
            f"%abac can sagemaker:DeleteExperiment {team_b}",
            f"%abac can sagemaker:CreateExperiment {new}",
            f"%abac can sagemaker:CreateExperiment {new} team=TeamB",
            "%abac why",
            # When auto-tagging is turned off and an experiment is created without tags
            "%abac autotag off",
            f"%abac can sagemaker:CreateExperiment {new}",
            'early.create_experiment(ExperimentName="untagged")',
            "%abac why",
            # When the extension is unloaded
            "%unload_ext studio_abac_ext",
            "%abac autotag on",
            'early.create_experiment(ExperimentName="after-unload")',
        ],
    )
    _setup, whoami, can, can_create, can_other, why_none, off, can_off, denied, why = cells[:10]
    _unload, gone, after = cells[10:]
    # Then whoami names the identity, the team and where it came from
    assert "SageMakerStudioDeveloperTeamARole/SageMaker" in text_of(whoami)
    assert "team: team=TeamA (from user-profile-tag)" in text_of(whoami)
    assert "user: studiouserid=usera1 (from user-profile-tag)" in text_of(whoami)
    # And can decides with the engine on the caller's policies and the resource's live tags
    assert text_of(can).startswith("Denied")
    assert "AmazonSageMakerUpdateDeleteExecutePolicy" in text_of(can)
    assert "TeamB" in text_of(can)
    # And a create is decided with the tags auto-tagging adds, the caller's own ones kept
    assert text_of(can_create).startswith("Allowed"), text_of(can_create)
    assert "AmazonSageMakerCreate" in text_of(can_create)
    assert text_of(can_other).startswith("Denied"), text_of(can_other)
    assert text_of(can_off).startswith("Denied"), text_of(can_off)
    assert "no call of this kernel has been denied yet" in text_of(why_none)
    assert "auto-tagging of SageMaker Create* calls is off" in text_of(off)
    # And without auto-tagging the create is denied, and why names the statement and the key
    assert error_of(denied) is not None
    (denial,) = denials_of(denied)
    assert denial["requestTags"] == {}
    assert "AmazonSageMakerCreate" in text_of(why)
    assert "aws:TagKeys" in text_of(why)
    # And once unloaded, the magics and the denial output are gone
    assert "UsageError" in text_of(gone) or "not found" in text_of(gone)
    assert error_of(after) is not None
    assert denials_of(after) == []


@pytest.mark.sandbox
def test_a_botocore_without_the_plugin_hook_degrades_to_a_message(fresh_sandbox: Sandbox) -> None:
    cells = run_cells(
        fresh_sandbox,
        "usera1@studio",
        [
            # Given a botocore whose experimental plugin hook is gone (a fault injected)
            "import boto3, botocore.plugin\ndel botocore.plugin.load_client_plugins",
            # When the extension loads
            "%load_ext studio_abac_ext",
            # Then boto3's default session still tags
            HELPERS.replace("boto3.session.Session().client", "boto3.client")
            + 'early.create_experiment(ExperimentName="no-plugin")\n'
            'print(json.dumps(tags("no-plugin")))',
        ],
    )
    _fault, load, created = cells
    assert error_of(load) is None
    assert "not auto-tagged (this botocore has no client plugin hook)" in text_of(load)
    assert last_json(created)["team"] == "TeamA"


@pytest.mark.sandbox
def test_a_wrapped_s3_denial_shows_the_object_it_was_for(fresh_sandbox: Sandbox) -> None:
    # Given the document's supporting-services policy, which names the bucket but not its objects
    cells = run_cells(
        fresh_sandbox,
        "usera1@studio",
        [
            "%load_ext studio_abac_ext",
            # When boto3's transfer manager uploads a file into the team's bucket
            "import boto3, pathlib\n"
            'pathlib.Path("train.csv").write_text("a,b\\n")\n'
            'boto3.client("s3").upload_file("train.csv", "sagemaker-studio-abac-sandbox", '
            '"data/train.csv")',
        ],
    )
    uploaded = cells[1]
    # Then the S3UploadFailedError wrapping S3's bare "Access Denied" is shown as it is
    error = error_of(uploaded)
    assert error is not None
    assert error["ename"] == "S3UploadFailedError"
    # And the denial output names the action and the object from the request's parameters
    (denial,) = denials_of(uploaded)
    assert denial["action"] == "s3:PutObject"
    assert denial["service"] == "s3"
    assert denial["resource"] == "arn:aws:s3:::sagemaker-studio-abac-sandbox/data/train.csv"
    assert (denial["code"], denial["message"]) == ("AccessDenied", "Access Denied")
