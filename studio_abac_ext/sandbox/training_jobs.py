"""Training jobs that take time, as in SageMaker: InProgress then Completed, Stopping then Stopped.

moto keeps the jobs (and marks them Completed at once); the store's `training_runs` clock says
where each one is. A job runs `store.training_seconds` (STUDIO_ABAC_SANDBOX_TRAINING_SECONDS,
5 by default); a stopped one stays Stopping for half that. Each SageMaker call that can read a
job's status brings moto's jobs up to date first (`refresh`), so ListTrainingJobs, Search and
the SDKs' waiters see what DescribeTrainingJob says.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .experiments_api import Actor, Handler
from .sagemaker_inputs import PROFILE_NAME, required_name
from .studio_store import ApiError, StudioStore, TrainingRun, utcnow


def _now() -> datetime:
    """moto keeps naive UTC times on its jobs; the clock does too."""
    return utcnow().replace(tzinfo=None)


ENDED = ("Completed", "Stopped", "Failed")
STARTING_SHARE = 0.2  # the part of the run spent Starting (preparing instances) before Training


def _job(store: StudioStore, params: dict[str, Any]) -> Any:
    name = required_name(params, "TrainingJobName", PROFILE_NAME)
    for job_name, job in store.moto.training_jobs.items():
        if job_name.lower() == name.lower():
            return job
    raise ApiError("ResourceNotFound", "Requested resource not found.")


def run_of(store: StudioStore, job: Any) -> TrainingRun:
    """The job's clock, started at its creation the first time the sandbox sees it."""
    key = job.training_job_name.lower()
    if key not in store.training_runs:
        store.training_runs[key] = TrainingRun(job.creation_time, store.training_seconds)
    return store.training_runs[key]


def _status(run: TrainingRun, now: datetime) -> tuple[str, list[tuple[str, datetime, str]]]:
    """The primary status and the secondary transitions (status, start, message) so far."""
    ends = run.started + timedelta(seconds=run.seconds)
    training = run.started + timedelta(seconds=run.seconds * STARTING_SHARE)
    stop = run.stop_requested if run.stop_requested and run.stop_requested < ends else None
    transitions = [("Starting", run.started, "Preparing the instances for training")]
    last = min(now, stop or ends)
    if last >= training:
        transitions.append(("Training", training, "Training image download completed."))
    if stop is not None:
        transitions.append(("Stopping", stop, "Stopping the training job"))
        stopped = stop + timedelta(seconds=run.seconds / 2)
        if now < stopped:
            return "Stopping", transitions
        transitions.append(("Stopped", stopped, "Training job stopped"))
        return "Stopped", transitions
    if now < ends:
        return "InProgress", transitions
    transitions.append(("Completed", ends, "Training job completed"))
    return "Completed", transitions


def _update(store: StudioStore, job: Any, now: datetime) -> None:
    status, transitions = _status(run_of(store, job), now)
    job.training_job_status = status
    job.secondary_status = transitions[-1][0]
    job.secondary_status_transitions = [
        {
            "Status": name,
            "StartTime": start,
            **({"EndTime": transitions[i + 1][1]} if i + 1 < len(transitions) else {}),
            "StatusMessage": message,
        }
        for i, (name, start, message) in enumerate(transitions)
    ]
    job.last_modified_time = transitions[-1][1]
    job.training_end_time = transitions[-1][1] if status in ENDED else None
    training = [t for t in transitions if t[0] == "Training"]
    job.training_start_time = training[0][1] if training else None
    if status != "Completed":
        job.final_metric_data_list = None


def refresh(store: StudioStore) -> None:
    """Bring every moto job's status to the sandbox's clock."""
    now = _now()
    for job in store.moto.training_jobs.values():
        _update(store, job, now)


def describe_training_job(
    store: StudioStore, params: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    """moto's answer without the empty structures AWS omits (VpcConfig {} and the like, which
    fail the SageMaker SDK v3's validation), with the clock's status and times."""
    job = _job(store, params)
    _update(store, job, _now())
    described = {
        key: value for key, value in job.response_object.items() if value not in ({}, [], "")
    }
    if job.training_end_time is not None and job.training_start_time is not None:
        seconds = int((job.training_end_time - job.training_start_time).total_seconds())
        described["TrainingTimeInSeconds"] = seconds
        described["BillableTimeInSeconds"] = seconds
    return described


def stop_training_job(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    job = _job(store, params)
    now = _now()
    _update(store, job, now)
    if job.training_job_status != "InProgress":
        raise ApiError(
            "ValidationException",
            f"The request was rejected because the training job is in status "
            f"{job.training_job_status}.",
        )
    run_of(store, job).stop_requested = now
    _update(store, job, now)
    return {}


def seed_finished(store: StudioStore, name: str) -> None:
    """A scenario's training job ran before the sandbox started: Completed from the start."""
    job = _job(store, {"TrainingJobName": name})
    store.training_runs[name.lower()] = TrainingRun(job.creation_time, 0.0)
    _update(store, job, _now())


HANDLERS: dict[str, Handler] = {
    "DescribeTrainingJob": describe_training_job,
    "StopTrainingJob": stop_training_job,
}
