"""Which SageMaker SDK workflows a Team A member can run, without the kernel extension and with it.

Run: ``python benchmarks/bench_sdk_workflows.py [--only NAME ...]``. Prints a table, asserts
nothing. Each workflow runs its cells as written in SageMaker's examples (no tags unless the
example has them) in a fresh real kernel (nbclient) against an in-process sandbox under the
document's policies, once without the extension and once with ``%load_ext studio_abac_ext``.
A failure with the extension counts as explained when the kernel showed the denied request
(application/vnd.studio-abac.denial+json) and ``%abac why`` named the statement that decided or
came closest. Target: what fails only for a missing tag succeeds with the extension; every
remaining failure is explained.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import nbformat
from nbclient import NotebookClient

from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.scenario import default_scenario_path, load_scenario

DENIAL_MIME = "application/vnd.studio-abac.denial+json"
STATEMENT = re.compile(r"statement (\S+/\S+)")
SDK = """
import json, os, boto3, sagemaker
from sagemaker.experiments.run import Run, load_run, list_runs
session = sagemaker.Session(boto3.Session())
with open(os.environ["STUDIO_ABAC_RESOURCE_METADATA"]) as metadata:
    role = json.load(metadata)["ExecutionRoleArn"]
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:latest"
"""
RUN = """
with Run(experiment_name="bench-exp", run_name="run-1", sagemaker_session=session) as run:
    run.log_parameter("learning_rate", 0.1)
    run.log_metric(name="loss", value=0.5, step=1)
"""


@dataclass(frozen=True)
class Workflow:
    name: str
    principal: str
    cells: tuple[str, ...]
    # Made first, as usera1 with the team tag (the document's create cell), when the cells need it.
    experiment: str = ""


WORKFLOWS = (
    Workflow(
        "document: create a tagged experiment",
        "usera1@studio",
        (
            "from smexperiments.experiment import Experiment\n"
            'demo_experiment = Experiment.create(experiment_name = "USERA1TEAMAEXPERIMENT1",\n'
            'description = "UserA1 experiment",\n'
            "tags = [{'Key': 'team', 'Value': 'TeamA'}])",
        ),
    ),
    Workflow(
        "document: Team B deletes Team A's",
        "userb1@studio",
        (
            "from smexperiments.experiment import Experiment\n"
            'experiment_to_cleanup = Experiment.load(experiment_name="USERA1TEAMAEXPERIMENT1")\n'
            "experiment_to_cleanup.delete()",
        ),
        experiment="USERA1TEAMAEXPERIMENT1",
    ),
    Workflow(
        "sagemaker-experiments: untagged",
        "usera1@studio",
        (
            "from smexperiments.experiment import Experiment\n"
            'Experiment.create(experiment_name="bench-smexp", description="no tags")',
        ),
    ),
    Workflow("SDK Run + log_parameter/log_metric", "usera1@studio", (SDK, RUN)),
    Workflow(
        "SDK load_run + log_metric",
        "usera1@studio",
        (
            SDK,
            RUN,
            'with load_run(experiment_name="bench-exp", run_name="run-1", '
            "sagemaker_session=session) as run:\n"
            '    run.log_metric(name="loss", value=0.25, step=2)',
        ),
    ),
    Workflow(
        "SDK list_runs",
        "usera1@studio",
        (SDK, RUN, 'print(list_runs(experiment_name="bench-exp", sagemaker_session=session))'),
    ),
    Workflow(
        "SDK training job (Estimator.fit)",
        "usera1@studio",
        (
            SDK,
            "from sagemaker.estimator import Estimator\n"
            'Estimator(image_uri=image, role=role, instance_count=1, instance_type="ml.m5.large",\n'
            '          base_job_name="bench-train", sagemaker_session=session'
            ").fit(wait=False, logs=False)",
        ),
    ),
    Workflow(
        "SDK model (Model.create)",
        "usera1@studio",
        (
            SDK,
            "from sagemaker.model import Model\n"
            'Model(image_uri=image, role=role, name="bench-model", sagemaker_session=session,\n'
            '      model_data=f"s3://{session.default_bucket()}/model.tar.gz"'
            ').create(instance_type="ml.m5.large")',
        ),
    ),
)


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    seconds: float
    failed_operation: str
    explained_by: str  # the statement %abac why named, or "" when not explained


def _kernel_env(sandbox: Sandbox, principal: str) -> dict[str, str]:
    env = sandbox.process_env_for(principal)
    env["SAGEMAKER_SUPPRESS_V2_WARNING"] = "1"
    return env


def _text(cell: Any) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif output["output_type"] in ("display_data", "execute_result"):
            parts.append(output["data"].get("text/plain", ""))
        elif output["output_type"] == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "".join(parts)


def _failed(cell: Any) -> bool:
    """An error output, or the SDK's rich traceback (a display of the exception)."""
    return any(
        o["output_type"] == "error"
        or (o["output_type"] == "display_data" and "Traceback" in o["data"].get("text/plain", ""))
        for o in cell.get("outputs", [])
    )


def run_workflow(sandbox: Sandbox, workflow: Workflow, extension: bool) -> Outcome:
    sandbox.reset()
    if workflow.experiment:
        sandbox.session_for("usera1@studio").client("sagemaker").create_experiment(
            ExperimentName=workflow.experiment, Tags=[{"Key": "team", "Value": "TeamA"}]
        )
    cells = list(workflow.cells)
    if extension:
        cells = ["%load_ext studio_abac_ext", *cells, "%abac why"]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-sdk-") as workdir:
        client = NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": workdir}},
        )
        client.execute(env=_kernel_env(sandbox, workflow.principal))
    seconds = time.perf_counter() - started
    ran = notebook.cells[1:-1] if extension else notebook.cells
    failing = next((cell for cell in ran if _failed(cell)), None)
    if failing is None:
        return Outcome(True, seconds, "", "")
    operation = re.search(r"when calling the (\w+) operation", _text(failing))
    shown = [
        o
        for o in failing.get("outputs", [])
        if o["output_type"] == "display_data" and DENIAL_MIME in o.get("data", {})
    ]
    named = STATEMENT.search(_text(notebook.cells[-1])) if extension and shown else None
    return Outcome(
        False, seconds, operation.group(1) if operation else "?", named.group(1) if named else ""
    )


def _verdict(outcome: Outcome) -> str:
    return "succeeds" if outcome.succeeded else f"fails ({outcome.failed_operation})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="workflow names containing these")
    args = parser.parse_args()
    chosen = [w for w in WORKFLOWS if not args.only or any(o in w.name for o in args.only)]
    sandbox = Sandbox(load_scenario(default_scenario_path()), host="127.0.0.1", port=0)
    sandbox.start()
    rows = []
    try:
        for workflow in chosen:
            without = run_workflow(sandbox, workflow, extension=False)
            with_it = run_workflow(sandbox, workflow, extension=True)
            explained = "-" if with_it.succeeded else (with_it.explained_by or "NOT EXPLAINED")
            rows.append(
                (
                    workflow.name,
                    workflow.principal,
                    _verdict(without),
                    _verdict(with_it),
                    explained,
                    f"{without.seconds:.1f} / {with_it.seconds:.1f}",
                )
            )
    finally:
        sandbox.stop()
    header = (
        "workflow",
        "as",
        "without the extension",
        "with it",
        "explained when it fails",
        "kernel s (w/o / with)",
    )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    fixed = sum(1 for r in rows if r[2].startswith("fails") and r[3] == "succeeds")
    unexplained = sum(1 for r in rows if r[4] == "NOT EXPLAINED")
    print(f"\nfixed by the extension: {fixed}; failures left unexplained: {unexplained}")


if __name__ == "__main__":
    main()
