"""The Athena SQL of the denials query and of the trail table, pure (no boto3).

The query is Trino SQL (Athena engine 3) over the table AWS documents for CloudTrail logs, with
partition projection on ``account``, ``region`` and ``timestamp`` (``yyyy/MM/dd``) as an
organisation trail's layout needs. Every value is an execution parameter: the SQL has ``?`` where
a value goes and ``ExecutionParameters`` carries each value as a SQL literal (Athena's parameters
are literals: a string is given quoted, its quotes doubled), so no value is ever part of the SQL
text. Athena takes ``?`` only in the WHERE clause; the row limit is our own validated integer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

DENIED_ERROR_CODES = (
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "Client.UnauthorizedOperation",
)
SOURCE_PREFIX = "athena://"
ATHENA_NAME = re.compile(r"[A-Za-z0-9._-]{1,128}")
GLUE_NAME = re.compile(r"[a-z0-9_]{1,255}")
ACCOUNT_ID = re.compile(r"\d{12}")
ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}")
SOURCE_RULE = (
    "'cloudtrail' or 'athena://<workgroup>/<database>/<table>' (workgroup: letters, digits, "
    ". _ -; database and table: lower-case letters, digits and _)"
)
# The columns the denials query reads, in this order.
RESULT_COLUMNS = (
    "eventid",
    "eventtime",
    "principal",
    "sourceidentity",
    "username",
    "eventsource",
    "eventname",
    "errorcode",
    "errormessage",
    "account",
    "awsregion",
    "resource",
)


@dataclass(frozen=True)
class AthenaTable:
    """``athena://<workgroup>/<database>/<table>``: where the organisation trail is queried."""

    workgroup: str
    database: str
    table: str

    @property
    def source(self) -> str:
        return f"{SOURCE_PREFIX}{self.workgroup}/{self.database}/{self.table}"


def parse_denials_source(value: str) -> AthenaTable | None:
    """None for ``cloudtrail`` (LookupEvents), the table for ``athena://...``; ValueError else."""
    if value == "cloudtrail":
        return None
    if not value.startswith(SOURCE_PREFIX):
        raise ValueError(f"{value!r} is not {SOURCE_RULE}")
    parts = value[len(SOURCE_PREFIX) :].split("/")
    if (
        len(parts) != 3
        or not ATHENA_NAME.fullmatch(parts[0])
        or not all(GLUE_NAME.fullmatch(p) for p in parts[1:])
    ):
        raise ValueError(f"{value!r} is not {SOURCE_RULE}")
    return AthenaTable(*parts)


@dataclass(frozen=True)
class DenialsSearch:
    """Denials between ``start`` and ``end`` (UTC), optionally of one account, person or role,
    and action (``service:Action``), newest first, at most ``limit``."""

    start: datetime
    end: datetime
    limit: int
    account: str | None = None
    user: str | None = None
    action: str | None = None

    @classmethod
    def last_days(cls, days: int, limit: int, **filters: str | None) -> DenialsSearch:
        end = datetime.now(timezone.utc)
        return cls(end - timedelta(days=days), end, limit, **filters)


def literal(value: str) -> str:
    """A string as one SQL literal, the form Athena's execution parameters take."""
    return "'" + value.replace("'", "''") + "'"


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y/%m/%d")


def denials_statement(table: AthenaTable, search: DenialsSearch) -> tuple[str, list[str]]:
    """The query and its execution parameters (one SQL literal per ``?``, in order)."""
    if not 1 <= search.limit <= 1000:
        raise ValueError("limit must be 1-1000")
    codes = ", ".join("?" for _ in DENIED_ERROR_CODES)
    where = [
        f"errorcode IN ({codes})",
        '"timestamp" BETWEEN ? AND ?',
        "eventtime >= ?",
        "eventtime <= ?",
    ]
    values = [*DENIED_ERROR_CODES, _day(search.start), _day(search.end)]
    values += [_iso(search.start), _iso(search.end)]
    if search.account:
        where.append("account = ?")
        values.append(search.account)
    if search.user:
        where.append(
            "(lower(useridentity.sessioncontext.sourceidentity) = lower(?)"
            " OR lower(useridentity.username) = lower(?)"
            " OR strpos(lower(useridentity.arn), lower(?)) > 0)"
        )
        values += [search.user] * 3
    if search.action:
        service, _, name = search.action.partition(":")
        where.append("lower(eventsource) = lower(?)")
        where.append("lower(eventname) = lower(?)")
        values += [f"{service}.amazonaws.com", name]
    sql = (
        "SELECT eventid, eventtime, useridentity.arn AS principal,\n"
        "  useridentity.sessioncontext.sourceidentity AS sourceidentity,\n"
        "  useridentity.username AS username, eventsource, eventname, errorcode, errormessage,\n"
        "  account, awsregion, element_at(resources, 1).arn AS resource\n"
        f'FROM "{table.database}"."{table.table}"\n'
        "WHERE " + "\n  AND ".join(where) + "\n"
        "ORDER BY eventtime DESC\n"
        f"LIMIT {int(search.limit)}"
    )
    return sql, [literal(v) for v in values]


def trail_table_ddl(
    location: str,
    table: str,
    accounts: list[str],
    regions: list[str],
    start_day: str = "2020/01/01",
) -> str:
    """AWS's documented CloudTrail table with partition projection, for an organisation trail:
    ``location`` is ``s3://bucket/AWSLogs/o-.../``; accounts and regions are projected enums."""
    if not location.startswith("s3://") or not location.endswith("/"):
        raise ValueError("location must be s3://bucket/AWSLogs/<o-id>/ (ending in /)")
    if not accounts or not all(ACCOUNT_ID.fullmatch(a) for a in accounts):
        raise ValueError("accounts must be 12-digit account ids")
    if not GLUE_NAME.fullmatch(table):
        raise ValueError("table must be lower-case letters, digits and _")
    return f"""CREATE EXTERNAL TABLE IF NOT EXISTS {table} (
    eventversion STRING,
    useridentity STRUCT<
        type: STRING, principalid: STRING, arn: STRING, accountid: STRING,
        invokedby: STRING, accesskeyid: STRING, username: STRING,
        onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
            sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING,
                accountid: STRING, username: STRING>,
            ec2roledelivery: STRING,
            webidfederationdata: STRUCT<federatedprovider: STRING,
                attributes: MAP<STRING, STRING>>,
            sourceidentity: STRING>>,
    eventtime STRING, eventsource STRING, eventname STRING, awsregion STRING,
    sourceipaddress STRING, useragent STRING, errorcode STRING, errormessage STRING,
    requestparameters STRING, responseelements STRING, additionaleventdata STRING,
    requestid STRING, eventid STRING, readonly STRING,
    resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
    eventtype STRING, apiversion STRING, recipientaccountid STRING,
    serviceeventdetails STRING, sharedeventid STRING, vpcendpointid STRING,
    tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
)
PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '{location}'
TBLPROPERTIES (
    'projection.enabled'='true',
    'projection.account.type'='enum',
    'projection.account.values'='{",".join(accounts)}',
    'projection.region.type'='enum',
    'projection.region.values'='{",".join(regions)}',
    'projection.timestamp.type'='date',
    'projection.timestamp.format'='yyyy/MM/dd',
    'projection.timestamp.interval'='1',
    'projection.timestamp.interval.unit'='DAYS',
    'projection.timestamp.range'='{start_day},NOW',
    'storage.location.template'='{location}${{account}}/CloudTrail/${{region}}/${{timestamp}}'
)"""
