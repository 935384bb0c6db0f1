"""What the kernel extension reads from its environment: the server's settings, as variables.

A kernel cannot read the Jupyter server's traitlets; the names and defaults below are the server's
(``StudioAbac``): the same environment variables, the same tag keys, the same metadata file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..aws.identity import IdentitySettings
from ..config import SESSION_TAGS_VARIABLE, STUDIO_METADATA_PATH, StudioAbac, parse_session_tags

OFF_WORDS = ("0", "off", "false", "no")
AUTOTAG_VARIABLE = "STUDIO_ABAC_AUTOTAG"
AUTOLOAD_VARIABLE = "STUDIO_ABAC_KERNEL_EXTENSION"


def _trait_default(name: str) -> str:
    return str(StudioAbac.class_traits()[name].default_value)


def switched_off(value: str | None) -> bool:
    return (value or "").strip().lower() in OFF_WORDS


@dataclass(frozen=True)
class KernelSettings:
    autotag: bool
    identity: IdentitySettings
    policy_sources: tuple[str, ...]

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> KernelSettings:
        env = os.environ if env is None else env
        sources = [s.strip() for s in env.get("STUDIO_ABAC_POLICY_SOURCES", "").split(",")]
        return cls(
            autotag=not switched_off(env.get(AUTOTAG_VARIABLE)),
            identity=IdentitySettings(
                team_tag_key=env.get("STUDIO_ABAC_TEAM_TAG_KEY") or _trait_default("team_tag_key"),
                user_tag_key=env.get("STUDIO_ABAC_USER_TAG_KEY") or _trait_default("user_tag_key"),
                configured_team=env.get("STUDIO_ABAC_TEAM", ""),
                configured_user_id=env.get("STUDIO_ABAC_USER_ID", ""),
                metadata_path=env.get("STUDIO_ABAC_RESOURCE_METADATA", STUDIO_METADATA_PATH),
                read_iam_tags=not switched_off(env.get("STUDIO_ABAC_READ_IAM_TAGS")),
                session_tags=parse_session_tags(env.get(SESSION_TAGS_VARIABLE, "")),
            ),
            policy_sources=tuple(s for s in sources if s) or ("iam",),
        )


# The server's settings a kernel reads, each as the variable it is read from (and the server's
# own computed defaults read for most of them).
SERVER_VARIABLES = {
    "team_tag_key": "STUDIO_ABAC_TEAM_TAG_KEY",
    "user_tag_key": "STUDIO_ABAC_USER_TAG_KEY",
    "team": "STUDIO_ABAC_TEAM",
    "studio_user_id": "STUDIO_ABAC_USER_ID",
    "resource_metadata_path": "STUDIO_ABAC_RESOURCE_METADATA",
    "read_iam_tags": "STUDIO_ABAC_READ_IAM_TAGS",
    "policy_sources": "STUDIO_ABAC_POLICY_SOURCES",
    "session_tags": SESSION_TAGS_VARIABLE,
}


def kernel_environment(config: StudioAbac, configured: Iterable[str]) -> dict[str, str]:
    """The variables that carry the server's ``configured`` settings (those its configuration
    sets: ``c.StudioAbac.team_tag_key = ...``) to the kernels it starts, written as
    ``from_environment`` reads them."""
    env: dict[str, str] = {}
    for trait in configured:
        variable = SERVER_VARIABLES.get(trait)
        if variable is None:
            continue
        value = getattr(config, trait)
        if isinstance(value, bool):
            env[variable] = "on" if value else "off"
        elif isinstance(value, list):
            env[variable] = ",".join(value)
        elif isinstance(value, dict):
            env[variable] = json.dumps(value)
        else:
            env[variable] = str(value)
    return env
