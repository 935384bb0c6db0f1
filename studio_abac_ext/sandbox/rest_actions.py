"""IAM actions and resources of IAM, S3 and other calls the gateway passes on to moto."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from .authorization import AccessCheck
from .protocol import ApiCall, query_members, query_tags

log = logging.getLogger(__name__)

IAM_NAME_PARAMS = (
    ("RoleName", "role"),
    ("UserName", "user"),
    ("GroupName", "group"),
    ("InstanceProfileName", "instance-profile"),
)
S3_BUCKET_SUBRESOURCES = {
    "cors": ("GetBucketCORS", "PutBucketCORS", "PutBucketCORS"),
    "location": ("GetBucketLocation", None, None),
    "policy": ("GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"),
    "tagging": ("GetBucketTagging", "PutBucketTagging", "PutBucketTagging"),
    "versioning": ("GetBucketVersioning", "PutBucketVersioning", None),
    "acl": ("GetBucketAcl", "PutBucketAcl", None),
}


def iam_check(call: ApiCall, account_id: str) -> AccessCheck:
    params = call.params
    resource = "*"
    if params.get("PolicyArn") and not call.operation.startswith(("Attach", "Detach")):
        resource = str(params["PolicyArn"])
    elif call.operation == "CreatePolicy" and params.get("PolicyName"):
        resource = (
            f"arn:aws:iam::{account_id}:policy{params.get('Path', '/')}{params['PolicyName']}"
        )
    else:
        for param, kind in IAM_NAME_PARAMS:
            if params.get(param):
                resource = f"arn:aws:iam::{account_id}:{kind}/{params[param]}"
                break
    tags = query_tags(params) if call.operation.startswith(("Create", "Tag")) else {}
    untagging = call.operation.startswith("Untag")
    return AccessCheck(
        service="iam",
        action=f"iam:{call.operation}",
        resources=(resource,),
        request_tags=tags or None,
        tag_keys=query_members(params, "TagKeys") if untagging else None,
        region=call.region,
    )


def s3_check(method: str, bucket: str, key: str, query: str, region: str) -> AccessCheck:
    """The S3 action of a REST call on `bucket` and `key` (as moto_reading.s3_address reads
    them from the Host and the path)."""
    subresources = {name for name, _ in parse_qsl(query, keep_blank_values=True)}
    if not bucket:
        return AccessCheck("s3", "s3:ListAllMyBuckets", ("*",), region=region)
    if not key:
        action = _bucket_action(method, subresources)
        return AccessCheck("s3", f"s3:{action}", (f"arn:aws:s3:::{bucket}",), region=region)
    if method == "DELETE":
        action = "AbortMultipartUpload" if "uploadId" in subresources else "DeleteObject"
    elif method in ("GET", "HEAD"):
        action = "ListMultipartUploadParts" if "uploadId" in subresources else "GetObject"
    else:
        action = "PutObject"
    return AccessCheck("s3", f"s3:{action}", (f"arn:aws:s3:::{bucket}/{key}",), region=region)


def _bucket_action(method: str, subresources: set[str]) -> str:
    for name, (read, write, delete) in S3_BUCKET_SUBRESOURCES.items():
        if name in subresources:
            chosen = {"GET": read, "HEAD": read, "PUT": write, "DELETE": delete}.get(method)
            if chosen:
                return chosen
    if method == "PUT":
        return "CreateBucket"
    if method == "DELETE":
        return "DeleteBucket"
    if method == "POST" and "delete" in subresources:
        return "DeleteObject"
    if "uploads" in subresources:
        return "ListBucketMultipartUploads"
    return "ListBucket"


def other_check(call: ApiCall) -> AccessCheck:
    operation = call.operation if call.protocol != "rest" else "UnknownRestOperation"
    log.debug("no resource mapping for %s:%s; evaluating on '*'", call.service, operation)
    return AccessCheck(call.service, f"{call.service}:{operation}", ("*",), region=call.region)
