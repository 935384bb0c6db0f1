"""The kernel extension's state: its handlers on botocore and its cell hook (the magics are
registered beside it by ``loading``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from IPython.display import display

from .autotag import (
    AutoTagger,
    attach,
    detach,
    install_plugin_hook,
    live_emitters,
    remove_plugin_hook,
)
from .caller import KernelCaller
from .denials import Denial, denial_of, denied_client_error
from .requests import RequestLog
from .settings import AUTOTAG_VARIABLE, KernelSettings

log = logging.getLogger(__name__)
TURN_OFF = f"turn it off with `%abac autotag off` or {AUTOTAG_VARIABLE}=off"

_active: KernelExtension | None = None


def active() -> KernelExtension | None:
    """The extension loaded in this kernel, if any (botocore's plugin hook asks for it)."""
    return _active


def set_active(extension: KernelExtension | None) -> None:
    global _active
    _active = extension


class KernelExtension:
    def __init__(self, shell: Any, settings: KernelSettings) -> None:
        self.shell = shell
        self.caller = KernelCaller(settings)
        self.tagger = AutoTagger(self._tags, self._announce, enabled=settings.autotag)
        self.requests = RequestLog()
        self.last_denial: Denial | None = None
        self._said: set[str] = set()
        self.handlers: dict[str, Callable[..., Any]] = {
            "before-parameter-build.sagemaker": self.tagger,
            "before-parameter-build": self.requests.before_parameter_build,
            "after-call": self.requests.after_call,
        }

    def load(self) -> None:
        for events in live_emitters():
            attach(events, self.handlers)
        problem = install_plugin_hook()
        if problem is not None:
            self.say(
                "plugin",
                f"studio-abac: boto3 clients made from now on outside boto3's default session are "
                f"not auto-tagged ({problem}); clients that exist now are.",
            )
        self.shell.events.register("post_run_cell", self.post_run_cell)

    def unload(self) -> None:
        for events in live_emitters():
            detach(events, self.handlers)
        remove_plugin_hook()
        self.shell.events.unregister("post_run_cell", self.post_run_cell)
        magics = self.shell.magics_manager
        magics.magics["line"].pop("abac", None)
        magics.registry.pop("AbacMagics", None)

    def attach_client(self, client: Any) -> None:
        attach(client.meta.events, self.handlers)

    def set_autotag(self, enabled: bool) -> None:
        self.tagger.enabled = enabled

    def say(self, topic: str, line: str) -> None:
        """One short line per topic and kernel."""
        if topic not in self._said:
            self._said.add(topic)
            print(line, flush=True)

    def _tags(self) -> dict[str, str]:
        wanted = self.caller.tags_to_add()
        if not wanted:
            identity = self.caller.identity()
            why = self.caller.failure if identity is None else identity.team.reason
            self.say("unknown", f"studio-abac: cannot add your team's tags: {why}")
        return wanted

    def _announce(self, added: dict[str, str]) -> None:
        tags = ", ".join(f"{key}={value}" for key, value in self.caller.tags_to_add().items())
        self.say(
            "announce",
            f"studio-abac: adding {tags} to SageMaker Create* calls that lack them; {TURN_OFF}.",
        )

    def post_run_cell(self, result: Any) -> None:
        denied = denied_client_error(getattr(result, "error_in_exec", None))
        if denied is None:
            return
        try:
            identity = self.caller.identity()
            denial = denial_of(denied, self.requests, identity.account if identity else "")
        except Exception:  # the traceback is already shown; ours is only an addition
            log.exception("studio-abac: cannot describe the denial")
            return
        self.last_denial = denial
        display(denial.bundle(), raw=True)
