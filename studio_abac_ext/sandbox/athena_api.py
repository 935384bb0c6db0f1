"""Amazon Athena for the scenario's organisation-trail table (JSON 1.1, ``AmazonAthena.*``).

StartQueryExecution, GetQueryExecution, GetQueryResults and StopQueryExecution are answered here,
before moto (whose Athena runs no SQL). IAM decides as in AWS: ``athena:<operation>`` on the
workgroup, ``glue:GetTable`` on the catalog, database and table when a query starts, and the
caller's own S3 permissions on the trail bucket and the output location, which Athena uses to read
and write (a refusal there fails the query, as in Athena). Queries run in a thread through
``athena_engine`` (Trino SQL by sqlglot, run by DuckDB): QUEUED, RUNNING, then SUCCEEDED, FAILED
or CANCELLED.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from studio_abac_ext.scenario import OrganizationTrail

from .athena_engine import BoundQuery, QueryFailedError, QueryResult, QueryRunner, bind
from .audit import AuditLog
from .authorization import AccessCheck, AccessResult, Authorizer
from .identity import Caller
from .protocol import ApiCall, Reply, error_reply, json_reply
from .trail_files import TrailFiles

OPERATIONS = (
    "StartQueryExecution",
    "GetQueryExecution",
    "GetQueryResults",
    "StopQueryExecution",
)
MAX_RESULTS = 1000
MAX_QUERIES_KEPT = 500
FINAL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")
# AthenaRequestError's categories: 1 system, 2 user, 3 other.
USER_ERROR = 2


@dataclass
class Execution:
    """One query execution and what GetQueryExecution reports of it."""

    id: str
    sql: str
    parameters: list[str]
    database: str
    workgroup: str
    output: str
    caller: Caller
    submitted: float = field(default_factory=time.time)
    state: str = "QUEUED"
    reason: str = ""
    started: float | None = None
    completed: float | None = None
    result: QueryResult | None = None
    runner: QueryRunner | None = None

    def description(self) -> dict[str, Any]:
        now = self.completed or time.time()
        engine_ms = int(((self.completed or now) - (self.started or now)) * 1000)
        status: dict[str, Any] = {"State": self.state, "SubmissionDateTime": self.submitted}
        if self.completed is not None:
            status["CompletionDateTime"] = self.completed
        if self.reason:
            status["StateChangeReason"] = self.reason
        if self.state == "FAILED":
            status["AthenaError"] = {
                "ErrorCategory": USER_ERROR,
                "ErrorType": 1000,
                "Retryable": False,
                "ErrorMessage": self.reason,
            }
        described: dict[str, Any] = {
            "QueryExecutionId": self.id,
            "Query": self.sql,
            "StatementType": "DML",
            "ResultConfiguration": {"OutputLocation": f"{self.output.rstrip('/')}/{self.id}.csv"},
            "QueryExecutionContext": {"Database": self.database, "Catalog": "AwsDataCatalog"},
            "Status": status,
            "Statistics": {
                "EngineExecutionTimeInMillis": engine_ms,
                "DataScannedInBytes": self.result.bytes_scanned if self.result else 0,
                "TotalExecutionTimeInMillis": int((now - self.submitted) * 1000),
                "QueryQueueTimeInMillis": int(((self.started or now) - self.submitted) * 1000),
            },
            "WorkGroup": self.workgroup,
            "EngineVersion": {
                "SelectedEngineVersion": "AUTO",
                "EffectiveEngineVersion": "Athena engine version 3",
            },
        }
        if self.parameters:
            described["ExecutionParameters"] = list(self.parameters)
        return described


class AthenaRequestError(Exception):
    def __init__(self, message: str, code: str = "InvalidRequestException") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class AthenaApi:
    """The four query calls for the scenario's trail table; other Athena calls go to moto."""

    def __init__(
        self,
        trail: OrganizationTrail,
        files: TrailFiles,
        authorizer: Authorizer,
        audit: AuditLog,
        account_id: str,
    ) -> None:
        self.trail = trail
        self.files = files
        self.authorizer = authorizer
        self.audit = audit
        self.account_id = account_id
        self._lock = threading.Lock()
        self._executions: dict[str, Execution] = {}

    def reset(self) -> None:
        with self._lock:
            running = [e for e in self._executions.values() if e.runner is not None]
            self._executions.clear()
        for execution in running:
            if execution.runner is not None:
                execution.runner.interrupt()

    def handles(self, call: ApiCall) -> bool:
        return call.service == "athena" and call.protocol == "json" and call.operation in OPERATIONS

    def handle(self, caller: Caller, call: ApiCall) -> Reply:
        try:
            if call.operation == "StartQueryExecution":
                return json_reply(self._start(caller, call))
            execution = self._execution(call.params.get("QueryExecutionId"))
            denied = self._decide(caller, call, self._workgroup_check(call, execution.workgroup))
            if denied is not None:
                return denied
            if call.operation == "GetQueryExecution":
                return json_reply({"QueryExecution": execution.description()})
            if call.operation == "GetQueryResults":
                return json_reply(self._results(execution, call.params))
            return json_reply(self._stop(execution))
        except _RefusedError as refused:
            return refused.reply
        except AthenaRequestError as error:
            return error_reply(call, 400, error.code, error.message)

    def _workgroup_check(self, call: ApiCall, workgroup: str) -> AccessCheck:
        arn = f"arn:aws:athena:{call.region}:{self.account_id}:workgroup/{workgroup}"
        return AccessCheck("athena", f"athena:{call.operation}", (arn,), region=call.region)

    def _decide(self, caller: Caller, call: ApiCall, check: AccessCheck) -> Reply | None:
        result = self._check(caller, call, check)
        if result.allowed:
            return None
        return error_reply(call, 400, "AccessDeniedException", result.message)

    def _check(self, caller: Caller, call: ApiCall, check: AccessCheck) -> AccessResult:
        result = self.authorizer.check(caller, check)
        self.audit.record_result(caller, call, result)
        return result

    def _execution(self, query_id: Any) -> Execution:
        if not isinstance(query_id, str) or not query_id:
            raise AthenaRequestError("QueryExecutionId is required.")
        with self._lock:
            execution = self._executions.get(query_id)
        if execution is None:
            raise AthenaRequestError(f"QueryExecution {query_id} was not found")
        return execution

    def _start(self, caller: Caller, call: ApiCall) -> dict[str, Any]:
        params = call.params
        sql = params.get("QueryString")
        if not isinstance(sql, str) or not sql.strip():
            raise AthenaRequestError("QueryString is required.")
        workgroup = str(params.get("WorkGroup") or "primary")
        if workgroup != self.trail.workgroup:
            raise AthenaRequestError(f"WorkGroup {workgroup} is not found.")
        denied = self._decide(caller, call, self._workgroup_check(call, workgroup))
        if denied is not None:
            raise _RefusedError(denied)
        context = params.get("QueryExecutionContext") or {}
        database = str(context.get("Database") or "default").lower()
        parameters = [str(p) for p in params.get("ExecutionParameters") or []]
        output = str(
            (params.get("ResultConfiguration") or {}).get("OutputLocation")
            or self.trail.output_location
        )
        execution = Execution(
            str(uuid.uuid4()), sql, parameters, database, workgroup, output, caller
        )
        with self._lock:
            self._executions[execution.id] = execution
            self._forget_old()
        self._prepare(caller, call, execution)
        return {"QueryExecutionId": execution.id}

    def _prepare(self, caller: Caller, call: ApiCall, execution: Execution) -> None:
        """Bind the query, decide what it reads and writes, and run it (or fail it)."""
        trail = self.trail
        try:
            query = bind(
                execution.sql, execution.parameters, execution.database, trail.database, trail.table
            )
        except QueryFailedError as failed:
            self._finish(execution, "FAILED", str(failed))
            return
        region, account = call.region, self.account_id
        glue = AccessCheck(
            "glue",
            "glue:GetTable",
            (
                f"arn:aws:glue:{region}:{account}:catalog",
                f"arn:aws:glue:{region}:{account}:database/{trail.database}",
                f"arn:aws:glue:{region}:{account}:table/{trail.database}/{trail.table}",
            ),
            region=region,
        )
        result = self._check(caller, call, glue)
        if not result.allowed:
            self._finish(
                execution,
                "FAILED",
                f"Insufficient permissions to execute the query. {result.message}",
            )
            return
        bucket = f"arn:aws:s3:::{trail.bucket}"
        prefix = f"AWSLogs/{trail.organization_id}/"
        for check in (
            AccessCheck("s3", "s3:ListBucket", (bucket,), region=region),
            AccessCheck("s3", "s3:GetObject", (f"{bucket}/{prefix}*",), region=region),
        ):
            if not self._check(caller, call, check).allowed:
                self._finish(
                    execution,
                    "FAILED",
                    f"Permission denied on S3 path: s3://{trail.bucket}/{prefix}",
                )
                return
        output_bucket, _, output_key = execution.output[len("s3://") :].partition("/")
        put = AccessCheck(
            "s3",
            "s3:PutObject",
            (f"arn:aws:s3:::{output_bucket}/{output_key}{execution.id}.csv",),
            region=region,
        )
        if not self._check(caller, call, put).allowed:
            self._finish(
                execution, "FAILED", f"Access denied when writing output to url: {execution.output}"
            )
            return
        execution.runner = QueryRunner(self.files, trail.database, trail.table)
        threading.Thread(
            target=self._run, args=(execution, query), name="sandbox-athena", daemon=True
        ).start()

    def _run(self, execution: Execution, query: BoundQuery) -> None:
        with self._lock:
            if execution.state != "QUEUED":
                return
            execution.state = "RUNNING"
            execution.started = time.time()
        runner = execution.runner
        assert runner is not None
        try:
            result = runner.run(query)
        except QueryFailedError as failed:
            self._finish(execution, "FAILED", str(failed))
            return
        execution.result = result
        self._finish(execution, "SUCCEEDED", "")

    def _finish(self, execution: Execution, state: str, reason: str) -> None:
        with self._lock:
            if execution.state in FINAL_STATES:
                return
            execution.state = state
            execution.reason = reason
            execution.completed = time.time()
            execution.runner = None

    def _forget_old(self) -> None:
        """Keep the newest executions (called under the lock)."""
        while len(self._executions) > MAX_QUERIES_KEPT:
            oldest = next(iter(self._executions))
            del self._executions[oldest]

    def _results(self, execution: Execution, params: dict[str, Any]) -> dict[str, Any]:
        if execution.state in ("QUEUED", "RUNNING"):
            raise AthenaRequestError(
                f"Query has not yet finished. Current state: {execution.state}"
            )
        if execution.state != "SUCCEEDED" or execution.result is None:
            raise AthenaRequestError(
                f"Query did not finish successfully. Final query state: {execution.state}"
            )
        limit = params.get("MaxResults", MAX_RESULTS)
        if not isinstance(limit, int) or not 1 <= limit <= MAX_RESULTS:
            raise AthenaRequestError(f"MaxResults must be between 1 and {MAX_RESULTS}.")
        token = params.get("NextToken")
        offset = 0
        if token is not None:
            prefix = f"{execution.id}:"
            if not isinstance(token, str) or not token.startswith(prefix):
                raise AthenaRequestError("The NextToken is not valid for this query.")
            offset = int(token[len(prefix) :]) if token[len(prefix) :].isdigit() else -1
            if offset < 0:
                raise AthenaRequestError("The NextToken is not valid for this query.")
        result = execution.result
        header = [name for name, _ in result.columns]
        rows: list[list[str | None]] = [list(header), *result.rows]
        page = rows[offset : offset + limit]
        answer: dict[str, Any] = {
            "UpdateCount": 0,
            "ResultSet": {
                "Rows": [{"Data": [_datum(v) for v in row]} for row in page],
                "ResultSetMetadata": {"ColumnInfo": [_column_info(c) for c in result.columns]},
            },
        }
        if offset + limit < len(rows):
            answer["NextToken"] = f"{execution.id}:{offset + limit}"
        return answer

    def _stop(self, execution: Execution) -> dict[str, Any]:
        runner = execution.runner
        self._finish(execution, "CANCELLED", "Query was cancelled by the user")
        if runner is not None:
            runner.interrupt()
        return {}


class _RefusedError(AthenaRequestError):
    """StartQueryExecution denied by IAM: the reply is already made."""

    def __init__(self, reply: Reply) -> None:
        super().__init__("AccessDeniedException", "AccessDeniedException")
        self.reply = reply


def _datum(value: str | None) -> dict[str, str]:
    return {} if value is None else {"VarCharValue": value}


def _column_info(column: tuple[str, str]) -> dict[str, Any]:
    name, kind = column
    return {
        "CatalogName": "hive",
        "SchemaName": "",
        "TableName": "",
        "Name": name,
        "Label": name,
        "Type": kind,
        "Precision": 2147483647 if kind == "varchar" else 0,
        "Scale": 0,
        "Nullable": "UNKNOWN",
        "CaseSensitive": kind == "varchar",
    }
