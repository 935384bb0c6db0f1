"""GET admin/denials from Athena over the organisation trail, and the query's progress and cancel.

The answer names its source and the query (state, elapsed time, bytes scanned). A query still
running after ``denials_wait_seconds`` is answered with its progress and no events; the admin view
polls ``admin/denials/queries/{id}`` until it ends, or cancels it there. Each event is explained
with the engine: with the principal's role policies when it is a role of the caller's account the
caller may read, otherwise from AWS's message alone, saying which and why.
"""

from __future__ import annotations

import logging
from typing import Any

from ..aws.athena import (
    QueryProgress,
    denial_item,
    query_failure,
    query_progress,
    result_rows,
    start_denials_query,
    stop_query,
    wait_for,
)
from ..aws.athena_sql import AthenaTable, DenialsSearch
from ..aws.errors import AwsAccessDeniedError, AwsError, AwsUnavailableError
from ..aws.iam_policies import RolePolicies, load_role_policies
from ..policy import Request, build_request_context, evaluate
from ..policy.arns import session_of, split_arn
from .inputs import DenialsQuery
from .services import Services
from .whatif import decision_body, live_resource_tags

log = logging.getLogger(__name__)


def _search(query: DenialsQuery) -> DenialsSearch:
    return DenialsSearch.last_days(
        query.days, query.limit, account=query.account, user=query.user, action=query.action
    )


async def denials(services: Services, table: AthenaTable, query: DenialsQuery) -> dict[str, Any]:
    query_id = await start_denials_query(services.runner, table, _search(query))
    seconds = float(services.config.denials_wait_seconds)
    progress = await wait_for(services.runner, query_id, seconds)
    return await _answer(services, table, progress)


async def progress(services: Services, table: AthenaTable, query_id: str) -> dict[str, Any]:
    return await _answer(services, table, await query_progress(services.runner, query_id))


async def cancel(services: Services, table: AthenaTable, query_id: str) -> dict[str, Any]:
    stopped = await stop_query(services.runner, query_id)
    return {"source": table.source, "query": stopped.to_dict(), "events": []}


async def _answer(
    services: Services, table: AthenaTable, progress: QueryProgress
) -> dict[str, Any]:
    body: dict[str, Any] = {"source": table.source, "query": progress.to_dict(), "events": []}
    if progress.running:
        return body
    if progress.state != "SUCCEEDED":
        raise query_failure(progress)
    rows = await result_rows(services.runner, progress.id)
    events = [denial_item(row) for row in rows]
    explainer = _Explainer(services)
    for event in events:
        event["explanation"] = await explainer.explain(event)
    body["events"] = events
    return body


class _Explainer:
    """Explains events of one answer, reading each role's policies once."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.roles: dict[str, RolePolicies | str] = {}  # policies, or why they are unknown

    async def explain(self, event: dict[str, Any]) -> dict[str, Any]:
        principal = str(event["principal"])
        identity = await self.services.identity()
        parts = split_arn(principal)
        session = session_of(principal)
        if parts is None or session is None:
            return self._from_message(event, "the principal is not a role session")
        if parts.account != identity.account:
            return self._from_message(
                event, f"account {parts.account} is not yours ({identity.account})"
            )
        role = await self._role(session[0])
        if isinstance(role, str):
            return self._from_message(event, role)
        resource = str(event["resource"] or "*")
        try:
            tags = await live_resource_tags(self.services, resource)
        except AwsUnavailableError:
            tags = None
        action = str(event["action"])
        context = build_request_context(
            principal_arn=principal,
            principal_tags=dict(role.tags),
            resource_tags=tags,
            service=action.split(":", 1)[0].lower(),
        )
        request = Request(action, resource, principal, context)
        policies = role.to_policy_set()
        body = await self.services.evaluate(lambda: decision_body(evaluate(request, policies)))
        return {"basis": "policies", "role": role.role_arn, **body}

    async def _role(self, name: str) -> RolePolicies | str:
        if name not in self.roles:
            iam = self.services.clients.get("iam")
            try:
                self.roles[name] = await self.services.runner.run(
                    lambda: load_role_policies(iam, name)
                )
            except AwsError as error:
                self.roles[name] = f"the role's policies could not be read ({error.code})"
        return self.roles[name]

    @staticmethod
    def _from_message(event: dict[str, Any], why: str) -> dict[str, Any]:
        message = str(event.get("message") or "")
        service, _, name = str(event["action"]).partition(":")
        parsed = AwsAccessDeniedError(name, str(event["errorCode"]), message, service)
        kind = "An explicit Deny" if parsed.explicit else "No statement"
        return {
            "basis": "message",
            "decision": "explicitDeny" if parsed.explicit else "implicitDeny",
            "summary": (
                f"{kind} allows {parsed.action} on {parsed.resource}, AWS's message says. "
                f"Explained from the message alone: {why}, so which statement decided is "
                "unknown."
            ),
            "explanation": None,
        }
