"""Studio domains, user profiles, apps and CreatePresignedDomainUrl (missing from moto)."""

from __future__ import annotations

import secrets
from typing import Any

from .experiments_api import Actor, Handler
from .sagemaker_actions import domain_id_for
from .sagemaker_inputs import PROFILE_NAME, page, required_name, tag_list
from .studio_store import APP, DOMAIN, USER_PROFILE, ApiError, StudioRecord, StudioStore, utcnow

APP_TYPES = {
    "JupyterServer",
    "KernelGateway",
    "JupyterLab",
    "CodeEditor",
    "RStudioServerPro",
    "RSessionGateway",
    "Canvas",
    "DetailedProfiler",
    "TensorBoard",
}


def domain_record(store: StudioStore, params: dict[str, Any]) -> StudioRecord:
    domain_id = params.get("DomainId")
    if not isinstance(domain_id, str) or not domain_id:
        raise ApiError("ValidationException", "DomainId is required.")
    record = store.get(DOMAIN, domain_id)
    if record is None:
        raise ApiError("ResourceNotFound", f"Domain {store.arn(DOMAIN, domain_id)} does not exist.")
    return record


def profile_record(store: StudioStore, params: dict[str, Any]) -> StudioRecord:
    domain = domain_record(store, params)
    name = required_name(params, "UserProfileName", PROFILE_NAME)
    key = f"{domain.key}/{name.lower()}"
    record = store.get(USER_PROFILE, key)
    if record is None:
        raise ApiError(
            "ResourceNotFound", f"User profile {store.arn(USER_PROFILE, key)} does not exist."
        )
    return record


def create_domain(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    name = required_name(params, "DomainName", PROFILE_NAME)
    tags = tag_list(params)
    domain_id = str(params.get("DomainId") or domain_id_for(name))
    if store.get(DOMAIN, domain_id) is not None or any(
        d.fields["DomainName"] == name for d in store.all(DOMAIN)
    ):
        raise ApiError(
            "ResourceInUse",
            f"Resource Already Exists: Domain with name {name} already exists. "
            "Choose a different name.",
        )
    now = utcnow()
    url = f"https://{domain_id}.studio.{store.region}.sagemaker.aws"
    record = store.add(
        DOMAIN,
        domain_id,
        {
            "DomainId": domain_id,
            "DomainName": name,
            "AuthMode": params.get("AuthMode", "IAM"),
            "DefaultUserSettings": params.get("DefaultUserSettings", {}),
            "SubnetIds": params.get("SubnetIds", []),
            "VpcId": params.get("VpcId", ""),
            "Status": "InService",
            "Url": url,
            "CreationTime": now,
            "LastModifiedTime": now,
        },
        tags,
    )
    record.fields["DomainArn"] = record.arn
    return {"DomainArn": record.arn, "Url": url}


def describe_domain(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    return dict(domain_record(store, params).fields)


def list_domains(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    keys = (
        "DomainArn",
        "DomainId",
        "DomainName",
        "Status",
        "CreationTime",
        "LastModifiedTime",
        "Url",
    )
    records = sorted(store.all(DOMAIN), key=lambda r: r.fields["CreationTime"])
    chunk, token = page(records, params, default_size=100)
    reply: dict[str, Any] = {"Domains": [{k: r.fields[k] for k in keys} for r in chunk]}
    return {**reply, "NextToken": token} if token else reply


def update_domain(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    record = domain_record(store, params)
    if "DefaultUserSettings" in params:
        record.fields["DefaultUserSettings"] = params["DefaultUserSettings"]
    record.fields["LastModifiedTime"] = utcnow()
    return {"DomainArn": record.arn}


def delete_domain(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    record = domain_record(store, params)
    if any(p.key.startswith(f"{record.key}/") for p in store.all(USER_PROFILE)):
        raise ApiError(
            "ResourceInUse", f"Domain {record.arn} has user profiles; delete them first."
        )
    store.remove(DOMAIN, record.key)
    return {}


def create_user_profile(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    domain = domain_record(store, params)
    name = required_name(params, "UserProfileName", PROFILE_NAME)
    tags = tag_list(params)
    key = f"{domain.key}/{name.lower()}"
    if store.get(USER_PROFILE, key) is not None:
        raise ApiError(
            "ResourceInUse",
            f"Resource Already Exists: UserProfile with name {name} already exists. "
            "Choose a different name.",
        )
    now = utcnow()
    record = store.add(
        USER_PROFILE,
        key,
        {
            "DomainId": domain.key,
            "UserProfileName": name,
            "HomeEfsFileSystemUid": str(200000 + len(store.all(USER_PROFILE))),
            "Status": "InService",
            "CreationTime": now,
            "LastModifiedTime": now,
            "UserSettings": params.get("UserSettings") or domain.fields["DefaultUserSettings"],
        },
        tags,
    )
    if "SingleSignOnUserIdentifier" in params:
        record.fields["SingleSignOnUserIdentifier"] = params["SingleSignOnUserIdentifier"]
        record.fields["SingleSignOnUserValue"] = params.get("SingleSignOnUserValue", "")
    record.fields["UserProfileArn"] = record.arn
    return {"UserProfileArn": record.arn}


def describe_user_profile(
    store: StudioStore, params: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    return dict(profile_record(store, params).fields)


def update_user_profile(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    record = profile_record(store, params)
    if "UserSettings" in params:
        settings = dict(record.fields.get("UserSettings") or {})
        settings.update(params["UserSettings"] or {})
        record.fields["UserSettings"] = settings
    record.fields["LastModifiedTime"] = utcnow()
    return {"UserProfileArn": record.arn}


def delete_user_profile(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    record = profile_record(store, params)
    store.remove(USER_PROFILE, record.key)
    return {}


def list_user_profiles(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    domain = params.get("DomainIdEquals")
    contains = str(params.get("UserProfileNameContains", "")).lower()
    records = [
        r
        for r in store.all(USER_PROFILE)
        if (not domain or r.fields["DomainId"] == domain)
        and contains in r.fields["UserProfileName"].lower()
    ]
    records.sort(
        key=lambda r: r.fields["CreationTime"], reverse=params.get("SortOrder") != "Ascending"
    )
    chunk, token = page(records, params, default_size=100)
    keys = ("DomainId", "UserProfileName", "Status", "CreationTime", "LastModifiedTime")
    reply: dict[str, Any] = {"UserProfiles": [{k: r.fields[k] for k in keys} for r in chunk]}
    return {**reply, "NextToken": token} if token else reply


def create_presigned_domain_url(
    store: StudioStore, params: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    profile = profile_record(store, params)
    domain = domain_record(store, params)
    token = secrets.token_urlsafe(24)
    url = f"{domain.fields['Url']}/auth?token={token}&profile={profile.fields['UserProfileName']}"
    return {"AuthorizedUrl": url}


def _app_key(store: StudioStore, params: dict[str, Any]) -> str:
    domain = domain_record(store, params)
    owner = params.get("UserProfileName") or params.get("SpaceName")
    if not isinstance(owner, str) or not owner:
        raise ApiError("ValidationException", "UserProfileName or SpaceName is required.")
    app_type = params.get("AppType")
    if app_type not in APP_TYPES:
        raise ApiError(
            "ValidationException", f"Value '{app_type}' at 'appType' is not a valid AppType."
        )
    name = required_name(params, "AppName", PROFILE_NAME)
    return f"{domain.key}/{owner.lower()}/{str(app_type).lower()}/{name.lower()}"


def create_app(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    key = _app_key(store, params)
    tags = tag_list(params)
    if store.get(APP, key) is not None:
        raise ApiError("ResourceInUse", f"App {store.arn(APP, key)} already exists.")
    fields: dict[str, Any] = {
        k: params[k]
        for k in ("DomainId", "UserProfileName", "SpaceName", "AppType", "AppName")
        if k in params
    }
    fields.update({"Status": "InService", "CreationTime": utcnow()})
    record = store.add(APP, key, fields, tags)
    record.fields["AppArn"] = record.arn
    return {"AppArn": record.arn}


def describe_app(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    key = _app_key(store, params)
    record = store.get(APP, key)
    if record is None:
        raise ApiError("ResourceNotFound", f"App {store.arn(APP, key)} does not exist.")
    return dict(record.fields)


def delete_app(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    describe_app(store, params, actor)
    store.remove(APP, _app_key(store, params))
    return {}


def list_apps(store: StudioStore, params: dict[str, Any], actor: Actor) -> dict[str, Any]:
    domain = params.get("DomainIdEquals")
    profile = params.get("UserProfileNameEquals")
    records = [
        r
        for r in store.all(APP)
        if (not domain or r.fields.get("DomainId") == domain)
        and (not profile or r.fields.get("UserProfileName") == profile)
    ]
    chunk, token = page(records, params, default_size=100)
    reply: dict[str, Any] = {"Apps": [dict(r.fields) for r in chunk]}
    return {**reply, "NextToken": token} if token else reply


HANDLERS: dict[str, Handler] = {
    "CreateDomain": create_domain,
    "DescribeDomain": describe_domain,
    "ListDomains": list_domains,
    "UpdateDomain": update_domain,
    "DeleteDomain": delete_domain,
    "CreateUserProfile": create_user_profile,
    "DescribeUserProfile": describe_user_profile,
    "UpdateUserProfile": update_user_profile,
    "DeleteUserProfile": delete_user_profile,
    "ListUserProfiles": list_user_profiles,
    "CreatePresignedDomainUrl": create_presigned_domain_url,
    "CreateApp": create_app,
    "DescribeApp": describe_app,
    "DeleteApp": delete_app,
    "ListApps": list_apps,
}
