"""Tags the team's policies demand, added to SageMaker Create* calls that lack them.

A botocore ``before-parameter-build`` handler on every client this kernel makes: registered on
boto3's default session, on the clients alive when the extension loads (the SageMaker SDK's and
sagemaker-experiments' are made at import or at ``Session()``), and on each new client through
botocore's client plugin hook. The handler never overrides or duplicates a tag the caller gave
(keys compared case-insensitively, as IAM compares tag keys) and never exceeds 50 tags.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

MAX_TAGS = 50
HANDLER_ID = "studio-abac-autotag"
PLUGIN_VARIABLE = "BOTOCORE_EXPERIMENTAL__PLUGINS"
PLUGIN_ENTRY = "studio_abac=studio_abac_ext.kernel.botocore_plugin"


def taggable(model: Any) -> bool:
    """A SageMaker Create* operation whose input has Tags."""
    shape = getattr(model, "input_shape", None)
    return (
        model.service_model.service_name == "sagemaker"
        and model.name.startswith("Create")
        and shape is not None
        and "Tags" in shape.members
    )


def with_missing_tags(
    given: list[dict[str, str]] | None, wanted: Mapping[str, str]
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The tag list with ``wanted`` tags added where absent, and what was added."""
    tags = [dict(tag) for tag in given or []]
    present = {str(tag.get("Key", "")).lower() for tag in tags}
    added: dict[str, str] = {}
    for key, value in wanted.items():
        if key.lower() in present or len(tags) >= MAX_TAGS:
            continue
        tags.append({"Key": key, "Value": value})
        present.add(key.lower())
        added[key] = value
    return tags, added


class AutoTagger:
    """The handler and its registrations; ``enabled`` is read at each call."""

    def __init__(
        self,
        tags: Callable[[], dict[str, str]],
        announce: Callable[[dict[str, str]], None],
        enabled: bool = True,
    ) -> None:
        self.tags = tags
        self.announce = announce
        self.enabled = enabled

    def __call__(self, params: dict[str, Any], model: Any, **kwargs: Any) -> None:
        if not self.enabled or not taggable(model):
            return
        try:
            wanted = self.tags()
        except Exception:  # a kernel must never break on our account
            log.exception("studio-abac: cannot resolve the tags to add")
            return
        if not wanted:
            return
        tags, added = with_missing_tags(params.get("Tags"), wanted)
        if added:
            params["Tags"] = tags
            self.announce(added)


def attach(events: Any, handlers: Mapping[str, Callable[..., Any]]) -> None:
    """Register ``handlers`` (event name -> handler) on one event emitter, once."""
    for event, handler in handlers.items():
        events.register(event, handler, unique_id=f"{HANDLER_ID}:{event}")


def detach(events: Any, handlers: Mapping[str, Callable[..., Any]]) -> None:
    for event, handler in handlers.items():
        events.unregister(event, handler, unique_id=f"{HANDLER_ID}:{event}")


def live_emitters() -> list[Any]:
    """The event emitters of boto3's default session and of every botocore client alive now."""
    import boto3
    from botocore.client import BaseClient

    if boto3.DEFAULT_SESSION is None:
        # boto3.client() makes it at first use; made now, it carries our handlers even where
        # botocore's plugin hook is missing.
        boto3.setup_default_session()
    default = boto3.DEFAULT_SESSION
    emitters = [default.events] if default is not None else []
    emitters += [obj.meta.events for obj in gc.get_objects() if isinstance(obj, BaseClient)]
    return emitters


def install_plugin_hook() -> str | None:
    """Ask botocore to run our plugin for each new client; None, or why it cannot."""
    try:
        from botocore import plugin, session

        if not hasattr(plugin, "load_client_plugins") or not hasattr(
            session.Session, "_register_client_plugins"
        ):
            return "this botocore has no client plugin hook"
    except ImportError:
        return "this botocore has no client plugin hook"
    current = os.environ.get(PLUGIN_VARIABLE, "")
    if current.strip() == "DISABLED":
        return f"{PLUGIN_VARIABLE}=DISABLED"
    if PLUGIN_ENTRY not in current.split(","):
        os.environ[PLUGIN_VARIABLE] = ",".join(p for p in (current, PLUGIN_ENTRY) if p)
    return None


def remove_plugin_hook() -> None:
    entries = [p for p in os.environ.get(PLUGIN_VARIABLE, "").split(",") if p]
    kept = [p for p in entries if p != PLUGIN_ENTRY]
    if kept:
        os.environ[PLUGIN_VARIABLE] = ",".join(kept)
    else:
        os.environ.pop(PLUGIN_VARIABLE, None)
