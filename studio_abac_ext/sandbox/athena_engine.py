"""Athena's engine for the sandbox: the Trino SQL parsed and translated by sqlglot, run by DuckDB
over the trail's log files.

The query is parsed with sqlglot's Trino dialect; each ``?`` takes the next execution parameter,
which must itself parse as one SQL literal (as Athena substitutes literals, never SQL text). The
table of the scenario becomes a DuckDB view over the files of the partitions the WHERE clause
selects on ``account``, ``region`` and ``timestamp`` (partition projection), and the bytes of
those files are the bytes scanned. What sqlglot or DuckDB cannot run fails the query with the
reason, as Athena fails a query.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from .trail_files import Partitions, TrailFiles

PARTITION_COLUMNS = ("account", "region", "timestamp")
# The documented CloudTrail table's columns (Athena's CREATE TABLE for CloudTrail logs): name,
# the log files' camelCase key, and the DuckDB type read (JSON text columns read as JSON, given as
# text as the Hive SerDe gives them).
Fields = tuple[tuple[str, "str | Fields"], ...]
USER_IDENTITY_FIELDS: Fields = (
    ("type", "VARCHAR"),
    ("principalId", "VARCHAR"),
    ("arn", "VARCHAR"),
    ("accountId", "VARCHAR"),
    ("invokedBy", "VARCHAR"),
    ("accessKeyId", "VARCHAR"),
    ("userName", "VARCHAR"),
    ("onBehalfOf", (("userId", "VARCHAR"), ("identityStoreArn", "VARCHAR"))),
    (
        "sessionContext",
        (
            ("attributes", (("mfaAuthenticated", "VARCHAR"), ("creationDate", "VARCHAR"))),
            (
                "sessionIssuer",
                (
                    ("type", "VARCHAR"),
                    ("principalId", "VARCHAR"),
                    ("arn", "VARCHAR"),
                    ("accountId", "VARCHAR"),
                    ("userName", "VARCHAR"),
                ),
            ),
            ("ec2RoleDelivery", "VARCHAR"),
            ("sourceIdentity", "VARCHAR"),
        ),
    ),
)


def struct_type(fields: Fields, paths: set[tuple[str, ...]] | None = None) -> str:
    """A DuckDB STRUCT of ``fields``; with ``paths`` (lower-case field paths a query reads), only
    the fields on them, a path ending at a struct keeping all of it."""
    parts = []
    for key, kind in fields:
        below = None
        if paths is not None:
            mine = {path for path in paths if path[0] == key.lower()}
            if not mine:
                continue
            whole = any(len(path) == 1 for path in mine)
            below = None if whole else {path[1:] for path in mine}
        if isinstance(kind, str):
            parts.append(f'"{key}" {kind}')
        else:
            parts.append(f'"{key}" {struct_type(kind, below)}')
    return "STRUCT(" + ", ".join(parts) + ")" if parts else "STRUCT(type VARCHAR)"


USER_IDENTITY = struct_type(USER_IDENTITY_FIELDS)

COLUMNS = (
    ("eventversion", "eventVersion", "VARCHAR"),
    ("useridentity", "userIdentity", USER_IDENTITY),
    ("eventtime", "eventTime", "VARCHAR"),
    ("eventsource", "eventSource", "VARCHAR"),
    ("eventname", "eventName", "VARCHAR"),
    ("awsregion", "awsRegion", "VARCHAR"),
    ("sourceipaddress", "sourceIPAddress", "VARCHAR"),
    ("useragent", "userAgent", "VARCHAR"),
    ("errorcode", "errorCode", "VARCHAR"),
    ("errormessage", "errorMessage", "VARCHAR"),
    ("requestparameters", "requestParameters", "JSON"),
    ("responseelements", "responseElements", "JSON"),
    ("additionaleventdata", "additionalEventData", "JSON"),
    ("requestid", "requestID", "VARCHAR"),
    ("eventid", "eventID", "VARCHAR"),
    ("readonly", "readOnly", "VARCHAR"),
    ("resources", "resources", "STRUCT(ARN VARCHAR, accountId VARCHAR, type VARCHAR)[]"),
    ("eventtype", "eventType", "VARCHAR"),
    ("apiversion", "apiVersion", "VARCHAR"),
    ("recipientaccountid", "recipientAccountId", "VARCHAR"),
    ("sharedeventid", "sharedEventID", "VARCHAR"),
    ("vpcendpointid", "vpcEndpointId", "VARCHAR"),
)
PARTITION_EXPRESSIONS = (
    ("account", r"regexp_extract(filename, '/AWSLogs/[^/]+/([0-9]{12})/CloudTrail/', 1)"),
    ("region", r"regexp_extract(filename, '/CloudTrail/([^/]+)/[0-9]{4}/', 1)"),
    ("timestamp", r"regexp_extract(filename, '/([0-9]{4}/[0-9]{2}/[0-9]{2})/[^/]+$', 1)"),
)


class QueryFailedError(Exception):
    """The query cannot run: Athena's FAILED state with this reason (a user error)."""


@dataclass(frozen=True)
class BoundQuery:
    """A parsed query with its parameters in place, and the partitions it reads."""

    tree: exp.Expr
    partitions: Partitions


@dataclass
class QueryResult:
    columns: list[tuple[str, str]]  # (name, Athena type)
    rows: list[list[str | None]]
    bytes_scanned: int


def bind(
    sql: str, parameters: list[str], context_database: str, database: str, table: str
) -> BoundQuery:
    """Parse ``sql`` as Trino, put each parameter (one literal) for its ``?``, check it reads
    only ``database.table`` (an unqualified name is in ``context_database``), and find its
    partitions."""
    try:
        statements = sqlglot.parse(sql, read="trino")
    except SqlglotError as error:
        raise QueryFailedError(f"SYNTAX_ERROR: {_first_line(error)}") from None
    if len(statements) != 1 or statements[0] is None:
        raise QueryFailedError("SYNTAX_ERROR: only one statement can be run at a time")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise QueryFailedError("NOT_SUPPORTED: the sandbox's Athena runs SELECT queries only")
    # depth-first, arguments in order: the order the ? appear in the text
    placeholders = list(tree.find_all(exp.Placeholder, bfs=False))
    if len(placeholders) != len(parameters):
        raise QueryFailedError(
            f"INVALID_PARAMETER_USAGE: the query has {len(placeholders)} parameter(s) "
            f"and {len(parameters)} execution parameter value(s) were given"
        )
    for placeholder, value in zip(placeholders, parameters, strict=True):
        placeholder.replace(_literal(value))
    for found in tree.find_all(exp.Table):
        named = (found.db or context_database).lower()
        if found.name.lower() != table or named != database:
            name = f"{named}.{found.name}"
            raise QueryFailedError(f"TABLE_NOT_FOUND: Table 'awsdatacatalog.{name}' does not exist")
        found.set("db", exp.to_identifier(database, quoted=True))
        found.set("catalog", None)
    return BoundQuery(tree, _partitions(tree))


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _literal(value: str) -> exp.Expr:
    """An execution parameter: one literal (a quoted string, a number, a boolean, NULL)."""
    try:
        parsed = sqlglot.parse_one(value, read="trino")
    except SqlglotError:
        parsed = None
    if isinstance(parsed, exp.Neg) and isinstance(parsed.this, exp.Literal):
        return parsed
    if not isinstance(parsed, exp.Literal | exp.Boolean | exp.Null):
        raise QueryFailedError(
            f"INVALID_PARAMETER_USAGE: execution parameter {value!r} is not a literal "
            "(a string value is given in single quotes)"
        )
    return parsed


def _column(node: exp.Expr) -> str | None:
    return node.name.lower() if isinstance(node, exp.Column) and not node.table else None


def _value(node: exp.Expr) -> str | None:
    return node.this if isinstance(node, exp.Literal) and node.is_string else None


def _partitions(tree: exp.Expr) -> Partitions:
    """What the top-level AND of the WHERE clause says of the partition columns."""
    where = tree.args.get("where")
    if where is None:
        return Partitions()
    found: dict[str, Any] = {"accounts": None, "regions": None, "first": None, "last": None}
    for condition in where.this.flatten() if isinstance(where.this, exp.And) else [where.this]:
        _narrow(condition, found)
    return Partitions(found["accounts"], found["regions"], found["first"], found["last"])


def _narrow(condition: exp.Expr, found: dict[str, Any]) -> None:
    column = _column(condition.this) if condition.this is not None else None
    if column not in PARTITION_COLUMNS:
        return
    values: list[str | None] = []
    if isinstance(condition, exp.EQ):
        values = [_value(condition.expression)]
    elif isinstance(condition, exp.In):
        values = [_value(v) for v in condition.expressions]
    if column in ("account", "region") and values and None not in values:
        key = "accounts" if column == "account" else "regions"
        found[key] = frozenset(v for v in values if v is not None)
        return
    if column != "timestamp":
        return
    if isinstance(condition, exp.Between):
        found["first"] = _value(condition.args["low"])
        found["last"] = _value(condition.args["high"])
    elif isinstance(condition, exp.GTE | exp.GT):
        found["first"] = _value(condition.expression)
    elif isinstance(condition, exp.LTE | exp.LT):
        found["last"] = _value(condition.expression)
    elif isinstance(condition, exp.EQ):
        found["first"] = found["last"] = values[0]


def referenced_columns(tree: exp.Expr) -> set[str]:
    """The table's columns a query names (all for ``*``): only those are read from the files,
    the projection a columnar engine would push down."""
    if any(isinstance(star, exp.Star) for star in tree.find_all(exp.Star)):
        return {name for name, _, _ in COLUMNS}
    named = {identifier.name.lower() for identifier in tree.find_all(exp.Identifier)}
    return {name for name, _, _ in COLUMNS if name in named}


def user_identity_paths(tree: exp.Expr) -> set[tuple[str, ...]] | None:
    """The ``useridentity`` fields a query reads, as paths below it; None when it may read all
    of it (the struct used whole, ``*``, or an access the paths cannot tell)."""
    if any(isinstance(star, exp.Star) for star in tree.find_all(exp.Star)):
        return None
    paths: set[tuple[str, ...]] = set()
    for column in tree.find_all(exp.Column):
        names = [part.name.lower() for part in column.parts]
        if "useridentity" not in names:
            continue
        below = tuple(names[names.index("useridentity") + 1 :])
        if not below or isinstance(column.parent, exp.Dot):
            return None
        paths.add(below)
    return paths


def _table_view(
    files: list[Path], wanted: set[str], identity_paths: set[tuple[str, ...]] | None = None
) -> str:
    """The table as a view over ``files``: the columns not ``wanted`` are NULLs of their type,
    ``useridentity`` holds the fields on ``identity_paths`` (all when None)."""
    identity = struct_type(USER_IDENTITY_FIELDS, identity_paths)
    read = [
        (name, key, identity if name == "useridentity" else kind)
        for name, key, kind in COLUMNS
        if name in wanted
    ]
    record_type = "STRUCT(" + ", ".join(f'"{key}" {kind}' for _, key, kind in read) + ")"
    if not read:
        record_type = "STRUCT(eventTime VARCHAR)"

    def column(name: str, key: str, kind: str) -> str:
        if name == "useridentity" and name in wanted:
            value = f'r."{key}"'
        elif name not in wanted:
            value = f"NULL::{'VARCHAR' if kind == 'JSON' else kind}"
        elif kind == "JSON":
            value = f'CAST(r."{key}" AS VARCHAR)'
        else:
            value = f'r."{key}"'
        return f'{value} AS "{name}"'

    columns = ", ".join(column(*spec) for spec in COLUMNS)
    partitions = ", ".join(f'{source} AS "{name}"' for name, source in PARTITION_EXPRESSIONS)
    if not files:
        source = f"(SELECT NULL::{record_type} AS r, ''::VARCHAR AS filename WHERE false)"
    else:
        listed = "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"
        reader = (
            f"read_json({listed}, records=false, format='unstructured', compression='gzip', "
            f"columns={{'json': 'STRUCT(Records {record_type}[])'}}, filename=true)"
        )
        source = f"(SELECT unnest(json.Records) AS r, filename FROM {reader})"
    return f"SELECT {columns}, {partitions} FROM {source}"


class QueryRunner:
    """Runs one bound query in its own DuckDB connection; ``interrupt`` stops it."""

    def __init__(self, files: TrailFiles, database: str, table: str) -> None:
        self.files = files
        self.database = database
        self.table = table
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    def run(self, query: BoundQuery) -> QueryResult:
        files = self.files.files(query.partitions)
        tree = query.tree
        try:
            translated = query.tree.sql(dialect="duckdb")
        except SqlglotError as error:
            raise QueryFailedError(f"NOT_SUPPORTED: {_first_line(error)}") from None
        connection = duckdb.connect(config={"threads": 2})
        with self._lock:
            self._connection = connection
        try:
            connection.execute(f'CREATE SCHEMA "{self.database}"')
            connection.execute(
                f'CREATE VIEW "{self.database}"."{self.table}" AS '
                f"{_table_view(files, referenced_columns(tree), user_identity_paths(tree))}"
            )
            cursor = connection.execute(translated)
            described = cursor.description or []
            rows = cursor.fetchall()
        except duckdb.Error as error:
            raise QueryFailedError(f"GENERIC_USER_ERROR: {_first_line(error)}") from None
        finally:
            with self._lock:
                self._connection = None
            connection.close()
        columns = [(str(d[0]), _athena_type(str(d[1]))) for d in described]
        return QueryResult(
            columns,
            [[_text(value) for value in row] for row in rows],
            sum(f.stat().st_size for f in files),
        )

    def interrupt(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.interrupt()


def _athena_type(duckdb_type: str) -> str:
    kind = duckdb_type.upper()
    if kind.startswith(("VARCHAR", "JSON")):
        return "varchar"
    if kind in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "BOOLEAN", "DOUBLE", "DATE"):
        return {"INTEGER": "integer", "BOOLEAN": "boolean"}.get(kind, kind.lower())
    if kind.startswith("TIMESTAMP"):
        return "timestamp"
    if kind.endswith("[]"):
        return "array"
    if kind.startswith("STRUCT"):
        return "row"
    return "varchar"


def _text(value: Any) -> str | None:
    """A value as GetQueryResults gives it: text, or None for SQL NULL."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return str(value)
