"""GET admin/denials from Athena over the sandbox's organisation trail, as the admin persona:
the denial of a Team B session found, named and explained; the SQL valid Trino with every value
an execution parameter; a quote or SQL in a filter only a value; progress, and cancel."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from studio_abac_ext.sandbox import Sandbox
from tests.http_errors import expect_http_error

from .test_admin_denials_explained import (
    TEAM_A_EXPERIMENT,
    TEAM_B_SESSION,
    userb1_deletes_team_a_experiment,
)

SOURCE = "athena://primary/cloudtrail/organization_trail"
pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.parametrize("persona", ["admin"]),
    pytest.mark.parametrize("studio_abac_config", [{"denials_source": SOURCE}]),
]


async def denials(jp_fetch: Any, **params: str) -> dict[str, Any]:
    response = await jp_fetch("studio-abac-ext", "admin", "denials", params=params)
    body: dict[str, Any] = json.loads(response.body)
    return body


def sent_queries(sandbox: Sandbox) -> list[Any]:
    assert sandbox.athena is not None
    with sandbox.athena._lock:
        return list(sandbox.athena._executions.values())


async def test_a_team_b_denial_is_found_and_explained(jp_fetch, fresh_sandbox):
    # Given UserB1's Studio session was denied deleting Team A's experiment
    userb1_deletes_team_a_experiment(fresh_sandbox)
    # When the admin lists denials, the source being Athena over the organisation trail
    body = await denials(jp_fetch)
    # Then the answer names its source and the finished query
    assert body["source"] == SOURCE
    assert body["query"]["state"] == "SUCCEEDED"
    assert body["query"]["bytesScanned"] > 0
    # And the denial is LookupEvents' item: the person, the session, the account, the resource
    (delete,) = [e for e in body["events"] if e["action"] == "sagemaker:DeleteExperiment"]
    assert delete["user"] == "userb1"
    assert delete["principal"] == TEAM_B_SESSION
    assert delete["resource"] == TEAM_A_EXPERIMENT
    assert delete["account"] == "123456789012"
    assert "sagemaker:DeleteExperiment" in delete["message"]
    # And the engine explains it with the role's policies, naming the statement that came closest
    explanation = delete["explanation"]
    assert explanation["basis"] == "policies"
    assert explanation["decision"] == "implicitDeny"
    closest = explanation["explanation"]["closest"][0]
    assert closest["policy"] == "team-3-studio-developer"
    assert closest["sid"] == "AmazonSageMakerUpdateDeleteExecutePolicy"
    assert "AmazonSageMakerUpdateDeleteExecutePolicy" in explanation["summary"]
    condition = closest["conditions"][0]
    assert condition["requestValues"] == ["TeamB"]
    assert condition["resolvedPolicyValues"] == ["TeamA"]


async def test_the_sql_is_trino_and_every_value_a_parameter(jp_fetch, fresh_sandbox):
    userb1_deletes_team_a_experiment(fresh_sandbox)
    # When the admin filters by person, account and action
    await denials(
        jp_fetch, user="userb1", account="123456789012", action="sagemaker:DeleteExperiment"
    )
    (sent,) = sent_queries(fresh_sandbox)
    # Then the SQL parses as Trino
    tree = sqlglot.parse_one(sent.sql, read="trino")
    assert isinstance(tree, exp.Select)
    # And it holds no value: each is a ? with an execution parameter in its place
    placeholders = list(tree.find_all(exp.Placeholder))
    assert len(placeholders) == len(sent.parameters) > 0
    strings = {lit.this for lit in tree.find_all(exp.Literal) if lit.is_string}
    assert strings == set()
    assert "'userb1'" in sent.parameters
    assert "'123456789012'" in sent.parameters
    assert "'DeleteExperiment'" in sent.parameters
    assert "userb1" not in sent.sql and "AccessDenied" not in sent.sql
    # And it reads the error codes, the days and the source identity in SQL
    assert "errorcode IN" in sent.sql
    assert '"timestamp" BETWEEN' in sent.sql
    assert "useridentity.sessioncontext.sourceidentity" in sent.sql


@pytest.mark.parametrize("user", ["o'brien", "x' OR '1'='1", "userb1'; DROP TABLE t; --"])
async def test_a_user_filter_with_quotes_or_sql_is_just_a_value(jp_fetch, fresh_sandbox, user):
    # Given UserB1's denial
    userb1_deletes_team_a_experiment(fresh_sandbox)
    # When the user filter carries quotes or SQL
    body = await denials(jp_fetch, user=user)
    # Then the query ran and matched no one, the text passed whole as one parameter
    assert body["query"]["state"] == "SUCCEEDED"
    assert body["events"] == []
    (sent,) = sent_queries(fresh_sandbox)
    assert "'" + user.replace("'", "''") + "'" in sent.parameters
    assert user not in sent.sql


async def test_a_finished_query_is_read_again_by_its_id(jp_fetch, fresh_sandbox):
    userb1_deletes_team_a_experiment(fresh_sandbox)
    first = await denials(jp_fetch, user="userb1")
    query_id = first["query"]["id"]
    response = await jp_fetch("studio-abac-ext", "admin", "denials", "queries", query_id)
    again = json.loads(response.body)
    assert again["query"]["state"] == "SUCCEEDED"
    assert [e["id"] for e in again["events"]] == [e["id"] for e in first["events"]]
    # And cancelling a finished query leaves it as it ended, as StopQueryExecution does
    response = await jp_fetch(
        "studio-abac-ext", "admin", "denials", "queries", query_id, method="DELETE"
    )
    assert json.loads(response.body)["query"]["state"] == "SUCCEEDED"


async def test_a_bad_query_id_or_window_is_a_400(jp_fetch, fresh_sandbox):
    bad_id = jp_fetch("studio-abac-ext", "admin", "denials", "queries", "not-a-query")
    body = await expect_http_error(bad_id, 400, "ValidationError")
    assert body["field"] == "id"
    body = await expect_http_error(denials(jp_fetch, days="365"), 400, "ValidationError")
    assert body["field"] == "days"
    body = await expect_http_error(denials(jp_fetch, account="12345"), 400, "ValidationError")
    assert body["field"] == "account"
