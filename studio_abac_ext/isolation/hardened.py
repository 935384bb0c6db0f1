"""The hardened team policies shipped as an example: the document's policies with every
isolation finding fixed. ``check-isolation`` reports nothing above ``info`` for them."""

from __future__ import annotations

from importlib import resources

from ..policy import PolicySet, parse_policy

HARDENED_DIR = ("examples", "hardened")


def hardened_policy_texts() -> dict[str, str]:
    """Policy name → JSON text, in file-name order."""
    folder = resources.files(__package__).joinpath(*HARDENED_DIR)
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )
    return {entry.name.removesuffix(".json"): entry.read_text("utf-8") for entry in files}


def hardened_policy_set() -> PolicySet:
    return PolicySet(
        identity=[parse_policy(text, name=name) for name, text in hardened_policy_texts().items()]
    )
