"""GET resources: one Search page of the caller's resources with preflight permissions."""

from __future__ import annotations

from typing import Any

from ..aws.resources import KINDS, ResourceSearch, search_resources
from .access_denied import explains_denials
from .errors import ConflictError, TeamUnknownError
from .inputs import ResourcesQuery
from .permissions import resource_items
from .services import Services


@explains_denials
async def list_resources(services: Services, query: ResourcesQuery) -> dict[str, Any]:
    identity = await services.identity()
    team = identity.team.value
    if query.scope in ("team", "mine") and team is None:
        raise TeamUnknownError(
            f"Your team is unknown, so there is no team to list. {identity.team.reason}",
            reason=identity.team.reason,
        )
    profile = identity.studio.user_profile_name if identity.studio else None
    user_id = identity.studio_user_id.value
    if query.scope == "mine" and not (user_id or profile):
        raise ConflictError(
            f"Your Studio user id is unknown, so 'mine' cannot be told apart from your team's. "
            f"{identity.studio_user_id.reason}"
        )
    search = ResourceSearch(
        kind=KINDS[query.type],
        scope=query.scope,  # type: ignore[arg-type]
        team_tag_key=services.team_key,
        team=team,
        user_tag_key=services.user_key,
        user_id=user_id,
        profile_name=profile,
        text=query.text,
        page_size=services.config.page_size,
        next_token=query.next_token,
    )
    records, next_token = await search_resources(services.runner, search)
    policies = await services.policies()
    items = resource_items(policies, identity, records, services.team_key, services.user_key)
    return {"items": items, "next": next_token, "type": query.type, "scope": query.scope}
