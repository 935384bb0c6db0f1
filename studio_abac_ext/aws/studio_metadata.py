"""Studio's resource-metadata.json: which domain, user profile and space this server runs in."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StudioSpace:
    domain_id: str
    user_profile_name: str
    space_name: str | None
    execution_role_arn: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "domainId": self.domain_id,
            "userProfileName": self.user_profile_name,
            "spaceName": self.space_name,
        }


def read_studio_space(path: str) -> tuple[StudioSpace | None, str | None]:
    """The space described by ``path``, or None and why (absent outside Studio, unreadable)."""
    file = Path(path)
    if not path or not file.is_file():
        return None, f"no Studio resource metadata at {path or '(unset)'}: not in a Studio space"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.warning("cannot read Studio resource metadata %s: %s", path, error)
        return None, f"Studio resource metadata {path} is unreadable: {error}"
    if not isinstance(data, dict):
        return None, f"Studio resource metadata {path} is not a JSON object"
    domain = data.get("DomainId")
    profile = data.get("UserProfileName")
    if not isinstance(domain, str) or not isinstance(profile, str) or not domain or not profile:
        # Shared spaces carry no user profile: nothing to attribute the session to.
        return None, f"Studio resource metadata {path} names no DomainId/UserProfileName"
    space = data.get("SpaceName")
    role = data.get("ExecutionRoleArn")
    return (
        StudioSpace(
            domain_id=domain,
            user_profile_name=profile,
            space_name=space if isinstance(space, str) and space else None,
            execution_role_arn=role if isinstance(role, str) and role else None,
        ),
        None,
    )
