"""`%abac`: whoami, why, can, autotag on|off."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.display import display

from .autotag import with_missing_tags
from .explaining import decide, describe

if TYPE_CHECKING:
    from .extension import KernelExtension

USAGE = """usage:
  %abac whoami                       who you are, your team, and where that came from
  %abac why                          explain the last denial of this kernel
  %abac can ACTION RESOURCE_ARN [KEY=VALUE ...]
                                     would your policies allow it? (KEY=VALUE: request tags of a
                                     Create*, besides those auto-tagging adds)
  %abac autotag on|off               add your team's tags to SageMaker Create* calls, or stop"""


@magics_class
class AbacMagics(Magics):
    def __init__(self, shell: Any, extension: KernelExtension) -> None:
        super().__init__(shell)
        self.extension = extension

    @line_magic
    def abac(self, line: str) -> None:
        words = shlex.split(line)
        command, arguments = (words[0], words[1:]) if words else ("", [])
        if command == "whoami" and not arguments:
            print(self.whoami())
        elif command == "why" and not arguments:
            self.why()
        elif command == "can" and len(arguments) >= 2 and all("=" in a for a in arguments[2:]):
            self.can(arguments[0], arguments[1], arguments[2:])
        elif command == "autotag" and arguments in (["on"], ["off"]):
            self.extension.set_autotag(arguments[0] == "on")
            state = "on" if arguments[0] == "on" else "off"
            print(f"studio-abac: auto-tagging of SageMaker Create* calls is {state}")
        else:
            print(USAGE)

    def whoami(self) -> str:
        caller = self.extension.caller
        identity = caller.identity()
        if identity is None:
            return f"studio-abac: who you are is unknown: {caller.failure}"
        keys = caller.settings.identity
        lines = [f"arn:  {identity.arn}"]
        for label, key, attribute in (
            ("team", keys.team_tag_key, identity.team),
            ("user", keys.user_tag_key, identity.studio_user_id),
        ):
            if attribute.value is None:
                lines.append(f"{label}: unknown ({attribute.reason})")
            else:
                lines.append(f"{label}: {key}={attribute.value} (from {attribute.source})")
        if identity.studio is not None:
            lines.append(
                f"studio: {identity.studio.user_profile_name} in {identity.studio.domain_id}"
            )
        state = "on" if self.extension.tagger.enabled else "off"
        lines.append(f"auto-tagging: {state}")
        return "\n".join(lines)

    def can(self, action: str, resource: str, pairs: list[str]) -> None:
        """The engine's decision on the call as it would leave the kernel (auto-tags included)."""
        given = [{"Key": k, "Value": v} for k, _, v in (pair.partition("=") for pair in pairs)]
        tagger = self.extension.tagger
        wanted = self.extension.caller.tags_to_add() if tagger.enabled else {}
        tags, _ = with_missing_tags(given, wanted)
        request_tags = {tag["Key"]: tag["Value"] for tag in tags}
        print(describe(decide(self.extension.caller, action, resource, request_tags)))

    def why(self) -> None:
        denial = self.extension.last_denial
        if denial is None:
            print("studio-abac: no call of this kernel has been denied yet")
            return
        display(denial.bundle(), raw=True)
        decision = decide(
            self.extension.caller, denial.action, denial.resource, denial.request_tags
        )
        print(describe(decision))
