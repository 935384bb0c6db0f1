"""The organisation trail's log files, and Athena over them (Trino SQL by sqlglot, run by DuckDB),
through boto3 against the sandbox."""

from __future__ import annotations

import gzip
import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

LAYOUT = re.compile(
    r"AWSLogs/o-sandbox0001/123456789012/CloudTrail/us-east-1/\d{4}/\d{2}/\d{2}/"
    r"123456789012_CloudTrail_us-east-1_\d{8}T\d{4}Z_[0-9a-f]{16}\.json\.gz"
)
DENIALS = """SELECT eventname, useridentity.sessioncontext.sourceidentity AS person,
  element_at(resources, 1).arn AS resource, errormessage
FROM "cloudtrail"."organization_trail"
WHERE errorcode IN (?, ?) AND "timestamp" >= ? AND useridentity.sessioncontext.sourceidentity = ?
ORDER BY eventtime DESC"""
FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")


def userb1_is_denied(sandbox: Sandbox) -> None:
    sagemaker = sandbox.session_for("userb1@studio").client("sagemaker")
    with pytest.raises(ClientError):
        sagemaker.delete_experiment(ExperimentName="teama-seeded-experiment")


def run(athena: Any, sql: str, parameters: list[str] | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"QueryString": sql, "WorkGroup": "primary"}
    if parameters is not None:
        params["ExecutionParameters"] = parameters
    query_id = athena.start_query_execution(**params)["QueryExecutionId"]
    for _ in range(200):  # polling, as every Athena client does; not a timing assertion
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        if execution["Status"]["State"] in FINAL:
            return dict(execution)
        time.sleep(0.05)
    raise AssertionError(f"query {query_id} did not finish")


def rows(athena: Any, query_id: str) -> list[list[str | None]]:
    result = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]
    return [[d.get("VarCharValue") for d in row["Data"]] for row in result["Rows"]]


def test_the_gateway_writes_its_audit_as_cloudtrail_log_files(fresh_sandbox: Sandbox) -> None:
    # Given UserB1 was denied deleting Team A's experiment
    userb1_is_denied(fresh_sandbox)
    # When the trail bucket's files are read
    assert fresh_sandbox.trail_files is not None
    files = fresh_sandbox.trail_files.files()
    records = [r for f in files for r in json.loads(gzip.decompress(f.read_bytes()))["Records"]]
    # Then they lie in CloudTrail's layout, gzipped {"Records": [...]}, in its record format
    root = fresh_sandbox.trail_files.bucket_dir
    assert files and all(LAYOUT.fullmatch(f.relative_to(root).as_posix()) for f in files)
    (denial,) = [r for r in records if r.get("eventName") == "DeleteExperiment"]
    assert denial["errorCode"] == "AccessDenied"
    assert denial["eventSource"] == "sagemaker.amazonaws.com"
    assert denial["userIdentity"]["sessionContext"]["sourceIdentity"] == "userb1"
    assert denial["resources"][0]["ARN"].endswith(":experiment/teama-seeded-experiment")
    assert denial["recipientAccountId"] == "123456789012"


def test_the_admin_finds_a_denial_with_execution_parameters(fresh_sandbox: Sandbox) -> None:
    # Given UserB1's denial in the trail
    userb1_is_denied(fresh_sandbox)
    athena = fresh_sandbox.session_for("admin").client("athena")
    # When the admin queries the table, the values as execution parameters
    execution = run(
        athena, DENIALS, ["'AccessDenied'", "'AccessDeniedException'", "'2020/01/01'", "'userb1'"]
    )
    # Then the query succeeded over the trail's files and found the denial
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert execution["Statistics"]["DataScannedInBytes"] > 0
    assert execution["ExecutionParameters"][3] == "'userb1'"
    header, *found = rows(athena, execution["QueryExecutionId"])
    assert header == ["eventname", "person", "resource", "errormessage"]
    assert [r[:2] for r in found] == [["DeleteExperiment", "userb1"]]
    assert "sagemaker:DeleteExperiment" in str(found[0][3])


@pytest.mark.parametrize(
    "value", ["'o''brien'", "'x'' OR ''1''=''1'", "'userb1''; DROP TABLE t; --'"]
)
def test_a_parameter_with_quotes_or_sql_is_only_a_value(fresh_sandbox: Sandbox, value: str) -> None:
    # Given UserB1's denial in the trail
    userb1_is_denied(fresh_sandbox)
    athena = fresh_sandbox.session_for("admin").client("athena")
    # When the person asked is a string with quotes or SQL in it
    execution = run(athena, DENIALS, ["'AccessDenied'", "'AccessDenied'", "'2020/01/01'", value])
    # Then it runs, and matches no one
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert rows(athena, execution["QueryExecutionId"])[1:] == []


def test_a_parameter_must_be_a_literal(fresh_sandbox: Sandbox) -> None:
    athena = fresh_sandbox.session_for("admin").client("athena")
    # When a parameter is SQL rather than one literal
    execution = run(athena, DENIALS, ["'AccessDenied'", "'x'", "'2020/01/01'", "'a' OR 1 = 1"])
    # Then the query fails in Athena's shape
    status = execution["Status"]
    assert status["State"] == "FAILED"
    assert status["AthenaError"]["ErrorCategory"] == 2
    assert status["StateChangeReason"].startswith("INVALID_PARAMETER_USAGE")


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELEC eventname FROM organization_trail", "SYNTAX_ERROR"),
        ('SELECT 1 FROM "cloudtrail"."other_table"', "TABLE_NOT_FOUND"),
        ('SELECT no_such_column FROM "cloudtrail"."organization_trail"', "GENERIC_USER_ERROR"),
    ],
)
def test_a_query_that_cannot_run_fails_as_athena_answers(
    fresh_sandbox: Sandbox, sql: str, reason: str
) -> None:
    athena = fresh_sandbox.session_for("admin").client("athena")
    execution = run(athena, sql)
    status = execution["Status"]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"].startswith(reason)
    assert status["AthenaError"]["ErrorMessage"] == status["StateChangeReason"]
    # And its results are refused as Athena refuses them
    with pytest.raises(ClientError) as refused:
        athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    assert refused.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "FAILED" in refused.value.response["Error"]["Message"]


def test_results_come_in_pages_with_the_header_first(fresh_sandbox: Sandbox) -> None:
    # Given a few decisions in the trail
    for _ in range(3):
        userb1_is_denied(fresh_sandbox)
    athena = fresh_sandbox.session_for("admin").client("athena")
    execution = run(athena, 'SELECT eventid FROM "cloudtrail"."organization_trail"')
    # When the results are read two rows a page by boto3's paginator
    paginator = athena.get_paginator("get_query_results")
    pages = list(
        paginator.paginate(
            QueryExecutionId=execution["QueryExecutionId"], PaginationConfig={"PageSize": 2}
        )
    )
    values = [d["Data"][0].get("VarCharValue") for p in pages for d in p["ResultSet"]["Rows"]]
    # Then the header comes first, then every event once
    assert values[0] == "eventid"
    assert len(values) - 1 == len(set(values[1:])) >= 3
    assert all(len(p["ResultSet"]["Rows"]) <= 2 for p in pages)


def test_partition_projection_reads_only_the_days_asked(fresh_sandbox: Sandbox) -> None:
    userb1_is_denied(fresh_sandbox)
    athena = fresh_sandbox.session_for("admin").client("athena")
    sql = 'SELECT count(*) AS n FROM "cloudtrail"."organization_trail" WHERE "timestamp" < ?'
    # When the days asked are before any log file
    execution = run(athena, sql, ["'2000/01/01'"])
    # Then no file is read
    assert execution["Statistics"]["DataScannedInBytes"] == 0
    assert rows(athena, execution["QueryExecutionId"])[1:] == [["0"]]


def test_team_roles_may_not_query_the_trail(fresh_sandbox: Sandbox) -> None:
    athena = fresh_sandbox.session_for("userb1@studio").client("athena")
    with pytest.raises(ClientError) as denied:
        athena.start_query_execution(QueryString=DENIALS, WorkGroup="primary")
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert "athena:StartQueryExecution" in error["Message"]
    assert "workgroup/primary" in error["Message"]


def test_an_unknown_query_id_is_not_found(fresh_sandbox: Sandbox) -> None:
    athena = fresh_sandbox.session_for("admin").client("athena")
    with pytest.raises(ClientError) as missing:
        athena.get_query_execution(QueryExecutionId="00000000-0000-0000-0000-000000000000")
    assert missing.value.response["Error"]["Code"] == "InvalidRequestException"
