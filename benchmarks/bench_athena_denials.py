"""Denials of the last 7 days across an organisation: Athena over the trail vs LookupEvents.

Seeds the sandbox's organisation trail with realistic CloudTrail records (default 1,000,000 over
30 days and 20 accounts, 0.5% of them denials) as gzipped log files in CloudTrail's layout, then
asks for the denials of the last 7 days through the extension's Athena path (StartQueryExecution
with execution parameters, GetQueryExecution polls, GetQueryResults pages) against the sandbox's
Athena (sqlglot + DuckDB). Prints the time, the bytes scanned, and the LookupEvents calls the same
answer needs today (LookupEvents cannot filter on the error code: every event of the 7 days, 50
a page, per account and region) and their time at 2 calls a second.

    python benchmarks/bench_athena_denials.py [--events 1000000] [--days 30] [--accounts 20]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import math
import os
import random
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

from studio_abac_ext.aws.athena import denial_item, result_rows, start_denials_query, wait_for
from studio_abac_ext.aws.athena_sql import AthenaTable, DenialsSearch
from studio_abac_ext.aws.clients import AwsClients, AwsRunner, AwsSettings
from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.scenario import default_scenario_path, load_scenario

RECORDS_PER_FILE = 500  # CloudTrail delivers a file about every 5 minutes per account and region
REGIONS = ("us-east-1", "us-east-1", "us-east-1", "eu-west-1")  # most activity in one region
CALLS = (
    ("sagemaker", "DescribeExperiment", True),
    ("sagemaker", "ListTrainingJobs", True),
    ("sagemaker", "Search", True),
    ("sagemaker", "DeleteExperiment", False),
    ("sagemaker", "CreateTrial", False),
    ("s3", "GetBucketLocation", True),
    ("sts", "AssumeRole", False),
    ("iam", "GetRole", True),
    ("kms", "Decrypt", True),
    ("ec2", "DescribeInstances", True),
)
DENIED_CODES = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")


def record(account: str, region: str, moment: datetime, denied: bool, rng: random.Random) -> str:
    service, name, read_only = rng.choice(CALLS)
    team = rng.choice(("TeamA", "TeamB", "TeamC", "TeamD"))
    person = f"user{rng.randrange(400)}"
    session = f"arn:aws:sts::{account}:assumed-role/SageMakerStudioDeveloper{team}Role/SageMaker"
    resource = f"arn:aws:{service}:{region}:{account}:experiment/exp{rng.randrange(10000)}"
    event: dict[str, object] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROA{rng.randrange(10**12):012d}:SageMaker",
            "arn": session,
            "accountId": account,
            "accessKeyId": f"ASIA{rng.randrange(10**16):016d}",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": f"AROA{rng.randrange(10**12):012d}",
                    "arn": f"arn:aws:iam::{account}:role/SageMakerStudioDeveloper{team}Role",
                    "accountId": account,
                    "userName": f"SageMakerStudioDeveloper{team}Role",
                },
                "attributes": {
                    "creationDate": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "mfaAuthenticated": "false",
                },
                "sourceIdentity": person,
            },
        },
        "eventTime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": f"{service}.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
        "userAgent": "Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux#5.10 lang/python#3.11.9",
        "requestParameters": {"experimentName": resource.rsplit("/", 1)[-1]},
        "responseElements": None,
        "requestID": str(uuid.UUID(int=rng.getrandbits(128))),
        "eventID": str(uuid.UUID(int=rng.getrandbits(128))),
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"api.{service}.{region}.amazonaws.com",
        },
    }
    if denied:
        event["errorCode"] = rng.choice(DENIED_CODES)
        event["errorMessage"] = (
            f"User: {session} is not authorized to perform: {service}:{name} on resource: "
            f"{resource} because no identity-based policy allows the {service}:{name} action"
        )
    return json.dumps(event, separators=(",", ":"))


def seed(sandbox: Sandbox, events: int, days: int, accounts: list[str], rate: float) -> Counter:
    """Writes the trail's files; returns the events of the last 7 days per (account, region)."""
    files = sandbox.trail_files
    assert files is not None
    rng = random.Random(15)
    now = datetime.now(timezone.utc)
    recent: Counter[tuple[str, str]] = Counter()
    buckets: dict[tuple[str, str, str], list[str]] = {}
    written = 0

    def flush(key: tuple[str, str, str]) -> None:
        account, region, day = key
        folder = files.logs_dir / account / "CloudTrail" / region / day
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{account}_CloudTrail_{region}_{day.replace('/', '')}T0000Z_{uuid.uuid4().hex[:16]}"
        body = '{"Records":[' + ",".join(buckets.pop(key)) + "]}"
        (folder / f"{name}.json.gz").write_bytes(gzip.compress(body.encode(), compresslevel=6))

    while written < events:
        account = rng.choice(accounts)
        region = rng.choice(REGIONS)
        moment = now - timedelta(seconds=rng.uniform(0, days * 86400))
        line = record(account, region, moment, rng.random() < rate, rng)
        key = (account, region, moment.strftime("%Y/%m/%d"))
        buckets.setdefault(key, []).append(line)
        if len(buckets[key]) >= RECORDS_PER_FILE:
            flush(key)
        if moment >= now - timedelta(days=7):
            recent[(account, region)] += 1
        written += 1
    for key in list(buckets):
        flush(key)
    return recent


async def athena_denials(sandbox: Sandbox) -> tuple[float, int, int, str, int]:
    env = sandbox.env_for("admin")
    for name, value in env.items():
        os.environ[name] = value
    clients = AwsClients(AwsSettings("us-east-1", sandbox.endpoint, 5.0, 60.0, 3, 4))
    runner = AwsRunner(clients)
    table = AthenaTable("primary", "cloudtrail", "organization_trail")
    started = time.perf_counter()
    query_id = await start_denials_query(runner, table, DenialsSearch.last_days(7, 1000))
    progress = await wait_for(runner, query_id, 600.0, first_poll=0.05)
    rows = await result_rows(runner, query_id) if progress.state == "SUCCEEDED" else []
    items = [denial_item(row) for row in rows]
    seconds = time.perf_counter() - started
    described = await runner.call("athena", "get_query_execution", QueryExecutionId=query_id)
    engine_ms = int(described["QueryExecution"]["Statistics"]["EngineExecutionTimeInMillis"])
    runner.shutdown()
    return seconds, progress.bytes_scanned, len(items), progress.state, engine_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--denial-rate", type=float, default=0.005)
    parser.add_argument("--port", type=int, default=9181)
    parser.add_argument("--repeat", type=int, default=2, help="queries after one seeding")
    args = parser.parse_args()
    accounts = [f"{100000000000 + 7919 * i:012d}" for i in range(args.accounts)]
    with Sandbox(load_scenario(default_scenario_path()), port=args.port) as sandbox:
        began = time.perf_counter()
        recent = seed(sandbox, args.events, args.days, accounts, args.denial_rate)
        assert sandbox.trail_files is not None
        files = sandbox.trail_files.files()
        size = sum(f.stat().st_size for f in files)
        print(
            f"seeded {args.events:,} events ({args.denial_rate:.1%} denials) over {args.days} "
            f"days and {args.accounts} accounts: {len(files):,} files, {size / 1e6:.1f} MB "
            f"gzipped, in {time.perf_counter() - began:.1f} s"
        )
        for attempt in range(args.repeat):
            seconds, scanned, found, state, engine_ms = asyncio.run(athena_denials(sandbox))
            print(
                f"Athena path #{attempt + 1}, denials of the last 7 days: {state}, {found} "
                f"denials (limit 1000), {seconds:.2f} s end to end (engine {engine_ms / 1000:.2f}"
                f" s), {scanned / 1e6:.1f} MB scanned; load average {os.getloadavg()[0]:.1f} "
                f"on {os.cpu_count()} cores"
            )
    calls = sum(math.ceil(n / 50) for n in recent.values())
    widest = max(math.ceil(n / 50) for n in recent.values())
    print(
        f"LookupEvents for the same answer: {sum(recent.values()):,} events of 7 days in "
        f"{len(recent)} account-regions, {calls:,} calls of 50; at 2 calls/s: {calls / 2:,.0f} s "
        f"({calls / 2 / 3600:.1f} h) one after another, {widest / 2:,.0f} s with every "
        "account-region in parallel"
    )
    print(f"target under 5 s for the Athena path: {'met' if seconds < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
