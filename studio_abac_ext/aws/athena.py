"""Denials across an organisation from Amazon Athena over the organisation trail's table.

StartQueryExecution with the query of ``athena_sql`` and its ExecutionParameters (the output
location is the workgroup's), GetQueryExecution for the state, elapsed time and bytes scanned,
GetQueryResults through its paginator, StopQueryExecution to cancel. Calls go through the one
client configuration and ``classify`` (``AwsRunner``); a query Athena fails becomes an
``AwsError`` kind too. Each row becomes the denial item LookupEvents gives (``cloudtrail.py``).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from .athena_sql import RESULT_COLUMNS, AthenaTable, DenialsSearch, denials_statement
from .clients import AwsRunner, call
from .errors import AwsAccessDeniedError, AwsError, AwsNotFoundError, AwsRejectedError

RUNNING_STATES = ("QUEUED", "RUNNING")
PAGE_SIZE = 1000
ACCESS_REASONS = ("permission denied", "insufficient permissions", "access denied")


@dataclass(frozen=True)
class QueryProgress:
    """What GetQueryExecution says of a query: its state, time so far, bytes scanned."""

    id: str
    state: str
    elapsed_ms: int
    bytes_scanned: int
    reason: str = ""
    sql: str = ""
    parameters: tuple[str, ...] = ()

    @property
    def running(self) -> bool:
        return self.state in RUNNING_STATES

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "state": self.state,
            "elapsedMs": self.elapsed_ms,
            "bytesScanned": self.bytes_scanned,
        }
        if self.reason:
            body["reason"] = self.reason
        return body


def progress_of(described: dict[str, Any]) -> QueryProgress:
    execution = described.get("QueryExecution") or {}
    status = execution.get("Status") or {}
    statistics = execution.get("Statistics") or {}
    return QueryProgress(
        id=str(execution.get("QueryExecutionId", "")),
        state=str(status.get("State", "UNKNOWN")),
        elapsed_ms=int(statistics.get("TotalExecutionTimeInMillis") or 0),
        bytes_scanned=int(statistics.get("DataScannedInBytes") or 0),
        reason=str(status.get("StateChangeReason") or ""),
        sql=str(execution.get("Query") or ""),
        parameters=tuple(str(p) for p in execution.get("ExecutionParameters") or ()),
    )


def query_failure(progress: QueryProgress) -> AwsError:
    """A FAILED (or CANCELLED) query as the error kind the REST API maps."""
    reason = progress.reason or f"The query ended {progress.state}."
    if any(text in reason.lower() for text in ACCESS_REASONS):
        return AwsAccessDeniedError("StartQueryExecution", "AccessDenied", reason, "athena")
    code = "QueryCancelled" if progress.state == "CANCELLED" else "QueryFailed"
    return AwsRejectedError("GetQueryExecution", code, reason, "athena")


async def start_denials_query(runner: AwsRunner, table: AthenaTable, search: DenialsSearch) -> str:
    """Start the denials query; its id. The workgroup gives the output location."""
    sql, parameters = denials_statement(table, search)
    workgroup = f"workgroup/{table.workgroup}"
    started = await runner.call(
        "athena",
        "start_query_execution",
        workgroup,
        QueryString=sql,
        QueryExecutionContext={"Database": table.database},
        WorkGroup=table.workgroup,
        ExecutionParameters=parameters,
    )
    return str(started["QueryExecutionId"])


async def query_progress(runner: AwsRunner, query_id: str) -> QueryProgress:
    described = await runner.call("athena", "get_query_execution", QueryExecutionId=query_id)
    return progress_of(described)


async def wait_for(
    runner: AwsRunner, query_id: str, seconds: float, first_poll: float = 0.1
) -> QueryProgress:
    """Poll until the query ends or ``seconds`` pass (polls back off to 1 s)."""
    deadline = time.monotonic() + seconds
    pause = first_poll
    while True:
        progress = await query_progress(runner, query_id)
        if not progress.running or time.monotonic() + pause > deadline:
            return progress
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)


async def stop_query(runner: AwsRunner, query_id: str) -> QueryProgress:
    await runner.call("athena", "stop_query_execution", QueryExecutionId=query_id)
    return await query_progress(runner, query_id)


async def result_rows(runner: AwsRunner, query_id: str) -> list[dict[str, str | None]]:
    """Every row of a finished query, keyed by column name (the header row left out)."""
    read = await runner.pages(
        "athena",
        "get_query_results",
        QueryExecutionId=query_id,
        PaginationConfig={"PageSize": PAGE_SIZE},
    )
    names: list[str] = []
    rows: list[dict[str, str | None]] = []
    for page in read:
        result = page.get("ResultSet") or {}
        if not names:
            info = (result.get("ResultSetMetadata") or {}).get("ColumnInfo") or []
            names = [str(column.get("Name", "")) for column in info]
        for row in result.get("Rows") or []:
            values = [datum.get("VarCharValue") for datum in row.get("Data") or []]
            if values == names:
                continue  # the header row Athena puts first
            rows.append(dict(zip(names, values, strict=False)))
    missing = [c for c in RESULT_COLUMNS if names and c not in names]
    if missing:
        raise AwsRejectedError(
            "GetQueryResults", "NotADenialsQuery", f"The query lacks columns {missing}.", "athena"
        )
    return rows


def _session_name(principal: str) -> str | None:
    if ":assumed-role/" in principal:
        return principal.rsplit("/", 1)[-1]
    return None


def denial_item(row: dict[str, str | None]) -> dict[str, Any]:
    """One result row as the REST API's denial item (the same fields as LookupEvents gives)."""
    service = str(row.get("eventsource") or "").split(".")[0]
    name = str(row.get("eventname") or "")
    principal = str(row.get("principal") or "")
    message = row.get("errormessage")
    resource = row.get("resource")
    if not resource and message:
        parsed = AwsAccessDeniedError(name, "AccessDenied", message, service, "")
        resource = parsed.resource or None
    return {
        "id": str(row.get("eventid") or ""),
        "time": str(row.get("eventtime") or ""),
        "principal": principal,
        "user": row.get("sourceidentity") or row.get("username") or _session_name(principal),
        "action": f"{service}:{name}",
        "resource": resource,
        "errorCode": str(row.get("errorcode") or ""),
        "message": message,
        "account": row.get("account"),
    }


def apply_trail_table(glue: Any, database: str, table_input: dict[str, Any]) -> str:
    """Create the trail's Glue table, or bring it to ``table_input``: ``created``, ``updated``
    or ``unchanged`` (idempotent: a second run changes nothing). Blocking."""
    try:
        current = call(glue, "get_table", DatabaseName=database, Name=table_input["Name"])
    except AwsNotFoundError:
        try:
            call(glue, "get_database", Name=database)
        except AwsNotFoundError:
            call(glue, "create_database", DatabaseInput={"Name": database})
        call(glue, "create_table", DatabaseName=database, TableInput=table_input)
        return "created"
    if _same_table(current.get("Table") or {}, table_input):
        return "unchanged"
    call(glue, "update_table", DatabaseName=database, TableInput=table_input)
    return "updated"


def _same_table(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    storage = current.get("StorageDescriptor") or {}
    wanted_storage = wanted["StorageDescriptor"]
    return bool(
        current.get("Parameters") == wanted["Parameters"]
        and current.get("PartitionKeys") == wanted["PartitionKeys"]
        and storage.get("Columns") == wanted_storage["Columns"]
        and storage.get("Location") == wanted_storage["Location"]
    )
