"""The source document, end to end against the sandbox: its notebook code and its two use cases."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

ACCOUNT = "123456789012"
DOMAIN = "d-studioabacsandbox"
TEAM_B_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker"


def run_notebook_code(
    sandbox: Sandbox, principal: str, code: str
) -> subprocess.CompletedProcess[str]:
    """Run code as a notebook in `principal`'s Studio would: only the environment differs."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(sandbox.env_for(principal))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_documents_notebook_code_runs_unchanged(fresh_sandbox: Sandbox) -> None:
    # Given usera1's Studio session creates the document's experiment with the document's code
    created = run_notebook_code(
        fresh_sandbox,
        "usera1@studio",
        """
        from smexperiments.experiment import Experiment
        demo_experiment = Experiment.create(experiment_name = "USERA1TEAMAEXPERIMENT1",
                                            description = "UserA1 experiment",
                                            tags = [{'Key': 'team', 'Value': 'TeamA'}])
        print(demo_experiment.experiment_arn)
        """,
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().endswith(":experiment/usera1teamaexperiment1")
    # When userb1's Studio session runs the document's clean-up code
    deleted = run_notebook_code(
        fresh_sandbox,
        "userb1@studio",
        """
        from smexperiments.experiment import Experiment
        experiment_to_cleanup = Experiment.load(experiment_name="USERA1TEAMAEXPERIMENT1")
        experiment_to_cleanup.delete()
        """,
    )
    # Then it fails with the document's AccessDeniedException, word for word
    assert deleted.returncode != 0
    assert (
        "An error occurred (AccessDeniedException) when calling the DeleteExperiment operation: "
        f"User: {TEAM_B_SESSION} is not authorized to perform: sagemaker:DeleteExperiment on "
        f"resource: arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/usera1teamaexperiment1"
    ) in deleted.stderr
    # And the experiment is still there
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    assert sagemaker.describe_experiment(ExperimentName="usera1teamaexperiment1")["ExperimentName"]


@pytest.mark.parametrize(
    ("caller", "profile"), [("usera2", "usera1"), ("usera1", "usera2"), ("userb1", "usera1")]
)
def test_use_case_1_nobody_opens_anothers_studio(
    fresh_sandbox: Sandbox, caller: str, profile: str
) -> None:
    # Given an IAM user with the document's presigned-URL policy
    sagemaker = fresh_sandbox.session_for(caller).client("sagemaker")
    # When they ask for a Studio URL of another user's profile
    with pytest.raises(ClientError) as caught:
        sagemaker.create_presigned_domain_url(DomainId=DOMAIN, UserProfileName=profile)
    # Then AWS's AccessDeniedException names the caller and the profile ARN
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert error["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT}:user/{caller} is not authorized to perform: "
        "sagemaker:CreatePresignedDomainUrl on resource: "
        f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:user-profile/{DOMAIN}/{profile} "
        "because no identity-based policy allows the sagemaker:CreatePresignedDomainUrl action"
    )


@pytest.mark.parametrize("user", ["usera1", "usera2", "userb1"])
def test_use_case_1_each_user_opens_their_own_studio(fresh_sandbox: Sandbox, user: str) -> None:
    # Given an IAM user and the profile tagged studiouserid=<user>
    sagemaker = fresh_sandbox.session_for(user).client("sagemaker")
    # When they ask for their Studio URL
    url = sagemaker.create_presigned_domain_url(DomainId=DOMAIN, UserProfileName=user)
    # Then they get one
    assert url["AuthorizedUrl"].startswith("https://")


def test_use_case_2_team_b_cannot_change_or_delete_team_a_work(fresh_sandbox: Sandbox) -> None:
    # Given Team B's Studio session and Team A's seeded experiment, trial and training job
    team_b = fresh_sandbox.session_for("userb1@studio").client("sagemaker")
    attempts = {
        "UpdateExperiment": lambda: team_b.update_experiment(
            ExperimentName="teama-seeded-experiment", Description="mine now"
        ),
        "DeleteExperiment": lambda: team_b.delete_experiment(
            ExperimentName="teama-seeded-experiment"
        ),
        "DeleteTrial": lambda: team_b.delete_trial(TrialName="usera1teamatrial1"),
        "StopTrainingJob": lambda: team_b.stop_training_job(TrainingJobName="usera1teamatraining1"),
        "CreateExperiment": lambda: team_b.create_experiment(
            ExperimentName="posing-as-team-a", Tags=[{"Key": "team", "Value": "TeamA"}]
        ),
    }
    for operation, attempt in attempts.items():
        # When Team B tries to change or delete it (or to create in Team A's name)
        with pytest.raises(ClientError) as caught:
            attempt()
        # Then each call is denied the way AWS denies it
        assert caught.value.response["Error"]["Code"] == "AccessDeniedException", operation
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert f"sagemaker:{operation}" in caught.value.response["Error"]["Message"]
    # And Team A's experiment is unchanged
    team_a = fresh_sandbox.session_for("usera2@studio").client("sagemaker")
    described = team_a.describe_experiment(ExperimentName="teama-seeded-experiment")
    assert described["Description"] == "UserA1 experiment"


def test_use_case_2_team_members_share_their_teams_work(fresh_sandbox: Sandbox) -> None:
    # Given usera2 is in Team A like usera1
    team_a = fresh_sandbox.session_for("usera2@studio").client("sagemaker")
    # When usera2 updates and then deletes usera1's experiment
    team_a.update_experiment(ExperimentName="teama-seeded-experiment", DisplayName="shared")
    team_a.delete_experiment(ExperimentName="teama-seeded-experiment")
    # Then both are allowed (the policies isolate teams, not users) and it is gone
    with pytest.raises(ClientError) as caught:
        team_a.describe_experiment(ExperimentName="teama-seeded-experiment")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"


def test_creating_without_the_team_tag_is_denied(fresh_sandbox: Sandbox) -> None:
    # Given usera1's Studio session
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    # When an experiment is created without tags
    with pytest.raises(ClientError) as caught:
        sagemaker.create_experiment(ExperimentName="untagged")
    # Then the document's Create statement does not allow it
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


def test_the_sandbox_is_faithful_to_the_documents_add_tags_hole(fresh_sandbox: Sandbox) -> None:
    # Given Team B may AddTags on any resource (the document's unconditioned AddTags statement)
    team_b = fresh_sandbox.session_for("userb1@studio").client("sagemaker")
    experiment_arn = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/teama-seeded-experiment"
    # When Team B re-tags Team A's experiment as its own and then deletes it
    team_b.add_tags(ResourceArn=experiment_arn, Tags=[{"Key": "team", "Value": "TeamB"}])
    team_b.delete_experiment(ExperimentName="teama-seeded-experiment")
    # Then AWS would allow both, and so does the sandbox: the experiment is gone
    names = [e["ExperimentName"] for e in team_b.list_experiments()["ExperimentSummaries"]]
    assert "teama-seeded-experiment" not in names


def test_caller_identity_is_the_studio_execution_role_session(fresh_sandbox: Sandbox) -> None:
    # Given userb1's Studio session
    sts = fresh_sandbox.session_for("userb1@studio").client("sts")
    # When it asks who it is
    identity = sts.get_caller_identity()
    # Then it is Team B's execution role with the session name SageMaker, as in the document
    assert identity["Arn"] == TEAM_B_SESSION
    assert identity["Account"] == ACCOUNT
    assert identity["UserId"].endswith(":SageMaker")
