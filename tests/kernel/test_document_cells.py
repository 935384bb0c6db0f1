"""The source document's own notebook cells in real kernels, with the extension loaded."""

from __future__ import annotations

import pytest

from studio_abac_ext.sandbox import Sandbox

from .notebooks import denials_of, error_of, last_json, run_cells, text_of

ACCOUNT = "123456789012"
# The document's cell, word for word (no seeded experiment takes its name).
CREATE = """
import time
import sagemaker
from smexperiments.experiment import Experiment
demo_experiment = Experiment.create(experiment_name = "USERA1TEAMAEXPERIMENT1",
description = "UserA1 experiment",
tags = [{'Key': 'team', 'Value': 'TeamA'}])
"""
SHOW_TAGS = """
import json, boto3
tags = boto3.client("sagemaker").list_tags(ResourceArn=demo_experiment.experiment_arn)["Tags"]
print(json.dumps([[t["Key"], t["Value"]] for t in tags]))
"""
# The document's "command run from TeamB User Studio Instance", word for word.
CLEAN_UP = """
#command run from TeamB User Studio Instance
import time
from smexperiments.experiment import Experiment
experiment_to_cleanup = Experiment.load(experiment_name="USERA1TEAMAEXPERIMENT1")
experiment_to_cleanup.delete()
"""


@pytest.mark.sandbox
def test_documents_cells_with_the_extension(fresh_sandbox: Sandbox) -> None:
    # Given usera1's Studio kernel with the extension loaded
    # When the document's cell creates Team A's experiment with its team tag
    _load, created, shown = run_cells(
        fresh_sandbox, "usera1@studio", ["%load_ext studio_abac_ext", CREATE, SHOW_TAGS]
    )
    # Then it succeeds; the user's team tag is kept once and the Studio user id is added
    assert error_of(created) is None, text_of(created)
    tags = last_json(shown)
    assert [key for key, _ in tags].count("team") == 1
    assert ["team", "TeamA"] in tags
    assert ["studiouserid", "usera1"] in tags
    # When userb1's Studio kernel runs the document's clean-up cell
    _load, deleted, why = run_cells(
        fresh_sandbox, "userb1@studio", ["%load_ext studio_abac_ext", CLEAN_UP, "%abac why"]
    )
    # Then the traceback is the document's AccessDeniedException
    error = error_of(deleted)
    assert error is not None
    assert error["ename"] == "ClientError"
    assert "when calling the DeleteExperiment operation" in error["evalue"]
    # And the exact request is shown under it
    (denial,) = denials_of(deleted)
    assert denial["action"] == "sagemaker:DeleteExperiment"
    assert denial["resource"] == (
        f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/usera1teamaexperiment1"
    )
    assert denial["code"] == "AccessDeniedException"
    assert denial["message"] in error["evalue"]
    assert deleted["outputs"].index(error) < [o["output_type"] for o in deleted["outputs"]].index(
        "display_data"
    )
    # And %abac why names the statement and the values it compared
    explained = text_of(why)
    assert "AmazonSageMakerUpdateDeleteExecutePolicy" in explained
    assert "TeamB" in explained
    assert "TeamA" in explained
