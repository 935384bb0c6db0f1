"""The ``studio-abac`` console command; subcommands are discovered from ``commands/``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from . import __version__, commands


def _module_for(command: str) -> str | None:
    """The commands module whose name starts the command (``simulate-custom-policy`` ->
    ``simulate``), longest first; ``None`` when none does."""
    wanted = command.replace("-", "_")
    names = [m.name for m in pkgutil.iter_modules(commands.__path__)]
    found = [name for name in names if wanted.startswith(name)]
    return max(found, key=len) if found else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the one registered by the module ``only`` (the
    others, some of which load boto3, then stay unimported: a faster start)."""
    return _parser_and_commands(only)[0]


def _parser_and_commands(only: str | None) -> tuple[argparse.ArgumentParser, set[str]]:
    parser = argparse.ArgumentParser(
        prog="studio-abac",
        description=(
            "Tools for SageMaker Studio teams isolated with attribute-based access control: "
            "simulate IAM decisions, check team isolation, apply the setup, run a local sandbox."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    modules = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    for name in [only] if only else modules:
        module = importlib.import_module(f"{commands.__name__}.{name}")
        module.register(subparsers)
    return parser, set(subparsers.choices)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    only = _module_for(words[0]) if words and not words[0].startswith("-") else None
    parser, names = _parser_and_commands(only)
    if only is not None and words[0] not in names:
        parser = build_parser()  # the guess was wrong: every command, as before
    args = parser.parse_args(words)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    return int(func(args))


if __name__ == "__main__":
    sys.exit(main())
