"""Training jobs as AWS runs them, through boto3 over HTTP: AWS's DescribeTrainingJob shape,
InProgress -> Completed over time (waiters wait), StopTrainingJob -> Stopping -> Stopped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

ACCOUNT = "123456789012"
TEAM_A = [{"Key": "team", "Value": "TeamA"}]


def sagemaker_admin(sandbox: Sandbox) -> Any:
    """The admin's SageMaker client, once the admin (who may manage IAM) grants itself SageMaker."""
    sandbox.session_for("admin").client("iam").put_user_policy(
        UserName="admin",
        PolicyName="sagemaker-all",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}],
            }
        ),
    )
    return sandbox.session_for("admin").client("sagemaker")


def start_job(sagemaker: Any, name: str) -> None:
    sagemaker.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={
            "TrainingImage": "sandbox/training:latest",
            "TrainingInputMode": "File",
        },
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamARole",
        OutputDataConfig={"S3OutputPath": "s3://sagemaker-studio-abac-sandbox/output"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=TEAM_A,
    )


def test_a_training_job_runs_then_completes_and_the_waiter_waits(fresh_sandbox: Sandbox) -> None:
    # Given jobs run for a second
    fresh_sandbox.store.training_seconds = 1.0
    sagemaker = sagemaker_admin(fresh_sandbox)
    # When a job is created, then it is InProgress, without the empty structures AWS omits
    start_job(sagemaker, "runs-a-while")
    described = sagemaker.describe_training_job(TrainingJobName="runs-a-while")
    assert described["TrainingJobStatus"] == "InProgress"
    assert described["SecondaryStatus"] in ("Starting", "Training")
    for omitted in (
        "VpcConfig",
        "CheckpointConfig",
        "DebugHookConfig",
        "ExperimentConfig",
        "TensorBoardOutputConfig",
        "TrainingEndTime",
        "FinalMetricDataList",
    ):
        assert omitted not in described
    # And the SDK's waiter polls until the job has completed
    sagemaker.get_waiter("training_job_completed_or_stopped").wait(
        TrainingJobName="runs-a-while", WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    done = sagemaker.describe_training_job(TrainingJobName="runs-a-while")
    assert done["TrainingJobStatus"] == "Completed"
    assert done["SecondaryStatus"] == "Completed"
    assert done["TrainingEndTime"] >= done["TrainingStartTime"]
    statuses = [t["Status"] for t in done["SecondaryStatusTransitions"]]
    assert statuses == ["Starting", "Training", "Completed"]
    # And ListTrainingJobs agrees
    (listed,) = sagemaker.list_training_jobs(NameContains="runs-a-while")["TrainingJobSummaries"]
    assert listed["TrainingJobStatus"] == "Completed"


def test_stop_training_job_stops_a_running_job(fresh_sandbox: Sandbox) -> None:
    # Given a job that would run for an hour
    fresh_sandbox.store.training_seconds = 3600.0
    sagemaker = sagemaker_admin(fresh_sandbox)
    start_job(sagemaker, "stopped-early")
    # When it is stopped, then it is Stopping
    sagemaker.stop_training_job(TrainingJobName="stopped-early")
    assert (
        sagemaker.describe_training_job(TrainingJobName="stopped-early")["TrainingJobStatus"]
        == "Stopping"
    )
    # And a second stop is refused as AWS refuses it
    with pytest.raises(ClientError) as caught:
        sagemaker.stop_training_job(TrainingJobName="stopped-early")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    # When the stop has taken effect, then it is Stopped and the waiter returns
    fresh_sandbox.store.training_runs["stopped-early"].seconds = 0.5
    sagemaker.get_waiter("training_job_completed_or_stopped").wait(
        TrainingJobName="stopped-early", WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    assert (
        sagemaker.describe_training_job(TrainingJobName="stopped-early")["TrainingJobStatus"]
        == "Stopped"
    )


def test_seeded_jobs_have_completed_and_missing_jobs_are_not_found(fresh_sandbox: Sandbox) -> None:
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    seeded = sagemaker.describe_training_job(TrainingJobName="usera1teamatraining1")
    assert seeded["TrainingJobStatus"] == "Completed"
    with pytest.raises(ClientError) as stop_done:
        sagemaker.stop_training_job(TrainingJobName="usera1teamatraining1")
    assert stop_done.value.response["Error"]["Code"] == "ValidationException"
    admin = sagemaker_admin(fresh_sandbox)
    with pytest.raises(ClientError) as missing:
        admin.describe_training_job(TrainingJobName="never-created")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"


def test_sagemaker_core_training_job_get_validates_the_answer(fresh_sandbox: Sandbox) -> None:
    # Given the SageMaker Python SDK v3's resource classes (sagemaker-core), on usera1's session
    sagemaker_core = pytest.importorskip("sagemaker_core.main.resources")
    session = fresh_sandbox.session_for("usera1@studio")
    # When it gets a seeded training job, then its pydantic models accept AWS's shape
    job = sagemaker_core.TrainingJob.get(
        "usera1teamatraining1", session=session, region=fresh_sandbox.scenario.region
    )
    assert job.training_job_status == "Completed"
