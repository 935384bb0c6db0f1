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


USER_IDENTITY_TYPE = (
    "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,"
    "accesskeyid:string,username:string,onbehalfof:struct<userid:string,identitystorearn:string>,"
    "sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,"
    "sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,"
    "username:string>,ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,"
    "attributes:map<string,string>>,sourceidentity:string>>"
)
# AWS's documented CloudTrail table (Athena: "Create the table for CloudTrail logs in Athena
# using partition projection"), with sessioncontext.sourceidentity, in Hive types.
TRAIL_COLUMNS = (
    ("eventversion", "string"),
    ("useridentity", USER_IDENTITY_TYPE),
    *(
        (name, "string")
        for name in [
            "eventtime",
            "eventsource",
            "eventname",
            "awsregion",
            "sourceipaddress",
            "useragent",
            "errorcode",
            "errormessage",
            "requestparameters",
            "responseelements",
            "additionaleventdata",
            "requestid",
            "eventid",
            "readonly",
        ]
    ),
    ("resources", "array<struct<arn:string,accountid:string,type:string>>"),
    *(
        (name, "string")
        for name in [
            "eventtype",
            "apiversion",
            "recipientaccountid",
            "serviceeventdetails",
            "sharedeventid",
            "vpcendpointid",
        ]
    ),
    ("tlsdetails", "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>"),
)
PARTITION_KEYS = ("account", "region", "timestamp")
SERDE = "org.apache.hive.hcatalog.data.JsonSerDe"
INPUT_FORMAT = "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"


@dataclass(frozen=True)
class TrailTableSpec:
    """An organisation trail's table: ``location`` is ``s3://bucket/AWSLogs/o-.../``; the
    accounts and regions are projected as enums, the days as dates from ``start_day``."""

    location: str
    table: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    start_day: str = "2020/01/01"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"s3://[a-z0-9.-]{3,63}/AWSLogs/o-[a-z0-9]{10,32}/", self.location):
            raise ValueError(
                f"{self.location!r} is not s3://<bucket>/AWSLogs/<organization id>/ (an "
                "organisation trail's prefix, ending in /)"
            )
        if not self.accounts or not all(ACCOUNT_ID.fullmatch(a) for a in self.accounts):
            raise ValueError("accounts must be 12-digit account ids")
        if not self.regions or not all(
            re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", r) for r in self.regions
        ):
            raise ValueError("regions must be region names such as us-east-1")
        if not GLUE_NAME.fullmatch(self.table):
            raise ValueError("the table name must be lower-case letters, digits and _")

    def properties(self) -> dict[str, str]:
        """The table's partition projection (TBLPROPERTIES, Glue's Parameters)."""
        return {
            "projection.enabled": "true",
            "projection.account.type": "enum",
            "projection.account.values": ",".join(self.accounts),
            "projection.region.type": "enum",
            "projection.region.values": ",".join(self.regions),
            "projection.timestamp.type": "date",
            "projection.timestamp.format": "yyyy/MM/dd",
            "projection.timestamp.interval": "1",
            "projection.timestamp.interval.unit": "DAYS",
            "projection.timestamp.range": f"{self.start_day},NOW",
            "storage.location.template": (
                f"{self.location}${{account}}/CloudTrail/${{region}}/${{timestamp}}"
            ),
        }

    def ddl(self) -> str:
        """Athena's CREATE EXTERNAL TABLE (Hive DDL) for the table."""
        columns = ",\n".join(f"    {name} {kind.upper()}" for name, kind in TRAIL_COLUMNS)
        partitions = ", ".join(f"`{key}` STRING" for key in PARTITION_KEYS)
        properties = ",\n".join(f"    '{k}'='{v}'" for k, v in self.properties().items())
        return (
            f"CREATE EXTERNAL TABLE IF NOT EXISTS {self.table} (\n{columns}\n)\n"
            f"PARTITIONED BY ({partitions})\n"
            f"ROW FORMAT SERDE '{SERDE}'\n"
            f"STORED AS INPUTFORMAT '{INPUT_FORMAT}'\n"
            f"OUTPUTFORMAT '{OUTPUT_FORMAT}'\n"
            f"LOCATION '{self.location}'\n"
            f"TBLPROPERTIES (\n{properties}\n)"
        )

    def table_input(self) -> dict[str, object]:
        """The same table as Glue's CreateTable/UpdateTable ``TableInput``."""
        return {
            "Name": self.table,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"EXTERNAL": "TRUE", "classification": "cloudtrail", **self.properties()},
            "PartitionKeys": [{"Name": key, "Type": "string"} for key in PARTITION_KEYS],
            "StorageDescriptor": {
                "Columns": [{"Name": name, "Type": kind} for name, kind in TRAIL_COLUMNS],
                "Location": self.location,
                "InputFormat": INPUT_FORMAT,
                "OutputFormat": OUTPUT_FORMAT,
                "SerdeInfo": {"SerializationLibrary": SERDE},
            },
        }
