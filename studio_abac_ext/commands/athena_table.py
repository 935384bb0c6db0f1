"""``studio-abac setup --athena-table s3://bucket/AWSLogs/o-.../``: the organisation trail's table.

Prints Athena's CREATE EXTERNAL TABLE (AWS's documented CloudTrail table, partition projection on
account, region and day) and, unless ``--dry-run``, creates or updates the same table in the Glue
Data Catalog Athena reads. Idempotent: a second run reports ``unchanged``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..aws.athena import apply_trail_table
from ..aws.athena_sql import GLUE_NAME, TrailTableSpec
from ..aws.clients import AwsSettings, call, new_client
from ..aws.errors import AwsError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--athena-table",
        metavar="S3_URI",
        help="print (and unless --dry-run create or update) the Athena table over an existing "
        "organisation trail: s3://<bucket>/AWSLogs/<organization id>/",
    )
    parser.add_argument("--athena-database", default="cloudtrail", help="the table's Glue database")
    parser.add_argument(
        "--athena-table-name", default="organization_trail", help="the table's name"
    )
    parser.add_argument(
        "--athena-accounts",
        metavar="IDS",
        help="comma-separated accounts the trail holds (default: the caller's account)",
    )
    parser.add_argument(
        "--athena-regions",
        metavar="REGIONS",
        help="comma-separated regions the trail holds (default: the current region)",
    )


def _listed(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def run(args: argparse.Namespace) -> int:
    region = AwsSettings.from_environment().region
    accounts = _listed(args.athena_accounts)
    try:
        if not accounts:
            identity = call(new_client("sts"), "get_caller_identity")
            accounts = (str(identity["Account"]),)
    except AwsError as error:
        print(f"studio-abac setup: cannot tell the account: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not GLUE_NAME.fullmatch(args.athena_database):
        print(
            "studio-abac setup: error: --athena-database: lower-case letters, digits, _",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        spec = TrailTableSpec(
            args.athena_table,
            args.athena_table_name,
            accounts,
            _listed(args.athena_regions) or (region,),
        )
    except ValueError as error:
        print(f"studio-abac setup: error: --athena-table: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(spec.ddl())
    if args.dry_run:
        return EXIT_OK
    try:
        outcome = apply_trail_table(
            new_client("glue", region), args.athena_database, spec.table_input()
        )
    except AwsError as error:
        print(f"studio-abac setup: the table was not applied: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"table {args.athena_database}.{spec.table}: {outcome}")
    return EXIT_OK
