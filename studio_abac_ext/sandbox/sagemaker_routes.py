"""SageMaker calls: decide with IAM, then answer from our fills or pass to moto."""

from __future__ import annotations

import logging
from collections.abc import Callable

from . import domains_api, experiments_api, search, spaces_api, training_jobs
from .audit import AuditLog
from .authorization import AccessCheck, AccessResult, Authorizer
from .experiments_api import Actor, Handler
from .identity import Caller
from .protocol import ApiCall, Reply, error_reply, json_reply
from .sagemaker_actions import sagemaker_target
from .search_suggestions import get_search_suggestions
from .studio_store import ApiError, StudioStore

log = logging.getLogger(__name__)
OPTIMISTIC_ATTEMPTS = 3

HANDLERS: dict[str, Handler] = {
    **experiments_api.HANDLERS,
    **domains_api.HANDLERS,
    **spaces_api.HANDLERS,
    **training_jobs.HANDLERS,
    "Search": search.search,
    "GetSearchSuggestions": get_search_suggestions,
}


def actor_of(caller: Caller, store: StudioStore) -> Actor:
    """CreatedBy as SageMaker fills it: the user profile for Studio sessions, empty otherwise."""
    profile = caller.session.studio_profile if caller.session else None
    if profile is None:
        return Actor()
    domain_arn = f"arn:aws:sagemaker:{store.region}:{store.account_id}:domain/{profile.domain_id}"
    return Actor(
        created_by={
            "UserProfileArn": profile.profile_arn,
            "UserProfileName": profile.profile_name,
            "DomainId": profile.domain_id,
        },
        auto_tags=(
            ("sagemaker:user-profile-arn", profile.profile_arn),
            ("sagemaker:domain-arn", domain_arn),
        ),
    )


class SageMakerRoutes:
    def __init__(self, store: StudioStore, authorizer: Authorizer, audit: AuditLog) -> None:
        self.store = store
        self.authorizer = authorizer
        self.audit = audit

    def handle(self, caller: Caller, call: ApiCall, forward: Callable[[], Reply]) -> Reply:
        target = sagemaker_target(call.operation, call.params, call.region, caller.account_id)
        with self.store.lock:
            context = spaces_api.condition_keys(self.store, call.operation, call.params)
        check = AccessCheck(
            service="sagemaker",
            action=target.action,
            resources=target.resources,
            request_tags=target.request_tags,
            tag_keys=target.tag_keys,
            region=call.region,
            context=context,
        )
        creates = target.creates
        for _ in range(OPTIMISTIC_ATTEMPTS):
            # Evaluate outside the store's lock, on a snapshot of the tags the decision reads;
            # act only if they are unchanged, so one slow evaluation blocks no one else.
            with self.store.lock:
                tags = self.authorizer.snapshot(check, creates)
            result = self.authorizer.check(caller, check, creates, tags)
            with self.store.lock:
                if self.authorizer.snapshot(check, creates) == tags:
                    return self._run(caller, call, result, forward)
        with self.store.lock:  # the tags kept changing under us: decide holding the lock
            return self._run(caller, call, self.authorizer.check(caller, check, creates), forward)

    def _run(
        self, caller: Caller, call: ApiCall, result: AccessResult, forward: Callable[[], Reply]
    ) -> Reply:
        """Audit the decision and carry out the call (the store's lock is held)."""
        self.audit.record_result(caller, call, result)
        if not result.allowed:
            return error_reply(call, 400, "AccessDeniedException", result.message)
        if "TrainingJob" in call.operation or call.operation == "Search":
            training_jobs.refresh(self.store)  # what they read of a job's status is current
        handler = HANDLERS.get(call.operation)
        if handler is None:
            return self._forward(call, forward)
        try:
            return json_reply(handler(self.store, call.params, actor_of(caller, self.store)))
        except ApiError as error:
            return error_reply(call, error.status, error.code, error.message)
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            # botocore checks shapes client-side; a raw request can still send odd types.
            log.warning("sagemaker:%s got a malformed input: %r", call.operation, error)
            message = f"The input of {call.operation} is malformed: {error}"
            return error_reply(call, 400, "ValidationException", message)

    def _forward(self, call: ApiCall, forward: Callable[[], Reply]) -> Reply:
        try:
            reply = forward()
        except NotImplementedError:
            # moto raises for operations it lacks; AWS answers an unknown one at once, as here.
            return error_reply(
                call,
                400,
                "UnknownOperationException",
                f"The sandbox does not implement sagemaker:{call.operation}.",
            )
        if reply.status >= 500:
            # moto answers operations it lacks with a 500; AWS never would for a valid call.
            log.info("moto failed on sagemaker:%s (%s)", call.operation, reply.body[:200])
            return error_reply(
                call,
                400,
                "UnknownOperationException",
                f"The sandbox does not implement sagemaker:{call.operation} for this input.",
            )
        return reply
