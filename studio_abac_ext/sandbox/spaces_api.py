"""Studio spaces (missing from moto): private spaces owned by a user profile, shared spaces, tags.

IAM sees a space as arn:aws:sagemaker:REGION:ACCOUNT:space/DOMAIN/NAME, and CreateSpace,
UpdateSpace and DeleteSpace carry the condition keys sagemaker:OwnerUserProfileArn and
sagemaker:SpaceSharingType (the service authorization reference), so the space-ownership
policies AWS documents can be tried.
"""

from __future__ import annotations

from typing import Any

from studio_abac_ext.policy import ContextValue

from .domains_api import domain_record
from .experiments_api import Actor, Handler
from .sagemaker_inputs import PROFILE_NAME, invalid, page, required_name, tag_list
from .studio_store import SPACE, USER_PROFILE, ApiError, StudioRecord, StudioStore, utcnow

SHARING_TYPES = ("Private", "Shared")
SORT_KEYS = ("CreationTime", "LastModifiedTime")
CONDITION_KEY_OPERATIONS = ("CreateSpace", "UpdateSpace", "DeleteSpace")


def _key(domain_id: str, name: str) -> str:
    return f"{domain_id}/{name.lower()}"


def space_record(store: StudioStore, params: dict[str, Any]) -> StudioRecord:
    domain = domain_record(store, params)
    name = required_name(params, "SpaceName", PROFILE_NAME)
    record = store.get(SPACE, _key(domain.key, name))
    if record is None:
        raise ApiError(
            "ResourceNotFound", f"Space {store.arn(SPACE, _key(domain.key, name))} does not exist."
        )
    return record


def _sharing_type(params: dict[str, Any]) -> str | None:
    settings = params.get("SpaceSharingSettings")
    if settings is None:
        return None
    sharing = settings.get("SharingType") if isinstance(settings, dict) else None
    if sharing not in SHARING_TYPES:
        raise invalid(
            f"1 validation error detected: Value '{sharing}' at "
            "'spaceSharingSettings.sharingType' failed to satisfy constraint: Member must "
            "satisfy enum value set: [Private, Shared]"
        )
    return str(sharing)


def _owner(params: dict[str, Any]) -> str | None:
    settings = params.get("OwnershipSettings")
    if settings is None:
        return None
    if not isinstance(settings, dict):
        raise invalid("OwnershipSettings must be a structure with OwnerUserProfileName.")
    return required_name(settings, "OwnerUserProfileName", PROFILE_NAME)


def create_space(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    domain = domain_record(store, params)
    name = required_name(params, "SpaceName", PROFILE_NAME)
    tags = tag_list(params)
    owner = _owner(params)
    sharing = _sharing_type(params)
    if owner is not None and store.get(USER_PROFILE, _key(domain.key, owner)) is None:
        raise ApiError(
            "ResourceNotFound",
            f"User profile {store.arn(USER_PROFILE, _key(domain.key, owner))} does not exist.",
        )
    key = _key(domain.key, name)
    if store.get(SPACE, key) is not None:
        raise ApiError(
            "ResourceInUse",
            f"Resource Already Exists: Space with name {name} already exists. "
            "Choose a different name.",
        )
    now = utcnow()
    fields: dict[str, Any] = {
        "DomainId": domain.key,
        "SpaceName": name,
        "HomeEfsFileSystemUid": str(300000 + len(store.all(SPACE))),
        "Status": "InService",
        "CreationTime": now,
        "LastModifiedTime": now,
    }
    if isinstance(params.get("SpaceSettings"), dict):
        fields["SpaceSettings"] = params["SpaceSettings"]
    if owner is not None:
        fields["OwnershipSettings"] = {"OwnerUserProfileName": owner}
    if sharing is not None:
        fields["SpaceSharingSettings"] = {"SharingType": sharing}
    if isinstance(params.get("SpaceDisplayName"), str):
        fields["SpaceDisplayName"] = params["SpaceDisplayName"]
    fields["Url"] = f"{domain.fields['Url']}/jupyterlab/{name.lower()}"
    record = store.add(SPACE, key, fields, tags)
    record.fields["SpaceArn"] = record.arn
    return {"SpaceArn": record.arn}


def describe_space(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    return dict(space_record(store, params).fields)


def update_space(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    record = space_record(store, params)
    if isinstance(params.get("SpaceSettings"), dict):
        settings = dict(record.fields.get("SpaceSettings") or {})
        settings.update(params["SpaceSettings"])
        record.fields["SpaceSettings"] = settings
    if isinstance(params.get("SpaceDisplayName"), str):
        record.fields["SpaceDisplayName"] = params["SpaceDisplayName"]
    record.fields["LastModifiedTime"] = utcnow()
    return {"SpaceArn": record.arn}


def delete_space(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    record = space_record(store, params)
    store.remove(SPACE, record.key)
    return {}


def _details(record: StudioRecord) -> dict[str, Any]:
    fields = record.fields
    details: dict[str, Any] = {
        key: fields[key]
        for key in (
            "DomainId",
            "SpaceName",
            "Status",
            "CreationTime",
            "LastModifiedTime",
            "SpaceDisplayName",
        )
        if key in fields
    }
    settings = fields.get("SpaceSettings") or {}
    summary = {k: settings[k] for k in ("AppType", "RemoteAccess") if k in settings}
    if summary:
        details["SpaceSettingsSummary"] = summary
    if "OwnershipSettings" in fields:
        details["OwnershipSettingsSummary"] = dict(fields["OwnershipSettings"])
    if "SpaceSharingSettings" in fields:
        details["SpaceSharingSettingsSummary"] = dict(fields["SpaceSharingSettings"])
    return details


def list_spaces(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    domain = params.get("DomainIdEquals")
    contains = str(params.get("SpaceNameContains", "")).lower()
    sort_by = params.get("SortBy", "CreationTime")
    if sort_by not in SORT_KEYS:
        raise invalid(
            f"1 validation error detected: Value '{sort_by}' at 'sortBy' failed to satisfy "
            "constraint: Member must satisfy enum value set: [CreationTime, LastModifiedTime]"
        )
    records = [
        r
        for r in store.all(SPACE)
        if (not domain or r.fields["DomainId"] == domain)
        and contains in r.fields["SpaceName"].lower()
    ]
    records.sort(key=lambda r: r.fields[sort_by], reverse=params.get("SortOrder") != "Ascending")
    chunk, token = page(records, params, default_size=10)
    reply: dict[str, Any] = {"Spaces": [_details(r) for r in chunk]}
    return {**reply, "NextToken": token} if token else reply


def condition_keys(
    store: StudioStore, operation: str, params: dict[str, Any]
) -> dict[str, ContextValue]:
    """sagemaker:OwnerUserProfileArn and sagemaker:SpaceSharingType of a space call: from the
    request for CreateSpace, from the space itself for UpdateSpace and DeleteSpace."""
    if operation not in CONDITION_KEY_OPERATIONS:
        return {}
    domain_id = params.get("DomainId")
    if not isinstance(domain_id, str):
        return {}
    owner: Any
    sharing: Any
    if operation == "CreateSpace":
        owner = (params.get("OwnershipSettings") or {}).get("OwnerUserProfileName")
        sharing = (params.get("SpaceSharingSettings") or {}).get("SharingType")
    else:
        name = params.get("SpaceName")
        record = store.get(SPACE, _key(domain_id, name)) if isinstance(name, str) else None
        fields = record.fields if record is not None else {}
        owner = fields.get("OwnershipSettings", {}).get("OwnerUserProfileName")
        sharing = fields.get("SpaceSharingSettings", {}).get("SharingType")
    keys: dict[str, ContextValue] = {}
    if isinstance(owner, str) and owner:
        keys["sagemaker:OwnerUserProfileArn"] = store.arn(USER_PROFILE, _key(domain_id, owner))
    if isinstance(sharing, str) and sharing:
        keys["sagemaker:SpaceSharingType"] = sharing
    return keys


HANDLERS: dict[str, Handler] = {
    "CreateSpace": create_space,
    "DescribeSpace": describe_space,
    "UpdateSpace": update_space,
    "DeleteSpace": delete_space,
    "ListSpaces": list_spaces,
}
