"""A training job (and, in the full form, a model) made with the SageMaker Python SDK without
tags, in a real kernel as a Team A member."""

from __future__ import annotations

import pytest

from studio_abac_ext.sandbox import Sandbox

from .notebooks import FULL, denials_of, error_of, last_json, run_cells, text_of

SETUP = """
import json, os, boto3, sagemaker
from sagemaker.estimator import Estimator
from sagemaker.model import Model
%load_ext studio_abac_ext
session = sagemaker.Session(boto3.Session())
with open(os.environ["STUDIO_ABAC_RESOURCE_METADATA"]) as metadata:
    role = json.load(metadata)["ExecutionRoleArn"]
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:latest"
def tags(arn):
    listed = session.sagemaker_client.list_tags(ResourceArn=arn)["Tags"]
    return {t["Key"]: t["Value"] for t in listed}
"""
TRAIN = """
estimator = Estimator(image_uri=image, role=role, instance_count=1, instance_type="ml.m5.large",
                      base_job_name="kernel-train", sagemaker_session=session)
estimator.fit(wait=False, logs=False)
job = session.sagemaker_client.describe_training_job(
    TrainingJobName=estimator.latest_training_job.name)
print(json.dumps(tags(job["TrainingJobArn"])))
"""
MODEL = """
model = Model(image_uri=image, role=role, name="kernel-model", sagemaker_session=session,
              model_data=f"s3://{session.default_bucket()}/model.tar.gz")
model.create(instance_type="ml.m5.large")
arn = session.sagemaker_client.describe_model(ModelName="kernel-model")["ModelArn"]
print(json.dumps(tags(arn)))
"""
CELLS = [SETUP, TRAIN, MODEL] if FULL else [SETUP, TRAIN]


@pytest.mark.sandbox
@pytest.mark.parametrize("autotag", ["on", "off"])
def test_sdk_jobs_without_tags(fresh_sandbox: Sandbox, autotag: str) -> None:
    # Given usera1's Studio kernel, auto-tagging on or off
    # When the SDK creates a training job (and a model) as its examples do, without tags
    _setup, *made = run_cells(fresh_sandbox, "usera1@studio", CELLS, STUDIO_ABAC_AUTOTAG=autotag)
    for cell, kind in zip(made, ["training-job", "model"], strict=False):
        if autotag == "on":
            # Then it succeeds and the resource carries the team's tags
            assert error_of(cell) is None, text_of(cell)
            assert last_json(cell) == {"team": "TeamA", "studiouserid": "usera1"}
        else:
            # Then AWS denies it, and the exact request shows it carried no tags
            assert "AccessDeniedException" in text_of(cell)
            (denial,) = denials_of(cell)
            assert denial["resource"].startswith(
                f"arn:aws:sagemaker:us-east-1:123456789012:{kind}/kernel-"
            )
            assert denial["requestTags"] == {}
