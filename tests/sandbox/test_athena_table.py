"""``studio-abac setup --athena-table``: the organisation trail's table printed, and applied to
the Glue Data Catalog idempotently, as the sandbox's admin."""

from __future__ import annotations

import boto3
import pytest
import sqlglot

from studio_abac_ext.cli import main
from studio_abac_ext.sandbox import Sandbox

pytestmark = pytest.mark.sandbox
LOCATION = "s3://studio-abac-sandbox-org-trail/AWSLogs/o-sandbox0001/"


@pytest.fixture
def as_admin(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    for key, value in fresh_sandbox.env_for("admin").items():
        monkeypatch.setenv(key, value)
    return fresh_sandbox.session_for("admin")


def test_dry_run_prints_the_documented_table_with_projection(
    as_admin: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "setup",
            "--athena-table",
            LOCATION,
            "--athena-accounts",
            "123456789012,210987654321",
            "--dry-run",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    # Athena's DDL is Hive's: it parses as such, partitioned by account, region and day
    assert sqlglot.parse_one(out, read="hive") is not None
    assert "PARTITIONED BY (`account` STRING, `region` STRING, `timestamp` STRING)" in out
    assert "'projection.account.values'='123456789012,210987654321'" in out
    assert (
        f"'storage.location.template'='{LOCATION}${{account}}/CloudTrail/${{region}}/"
        "${timestamp}'" in out
    )
    assert "sourceidentity:string" in out.lower()
    # and nothing was created
    glue = as_admin.client("glue")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_database(Name="cloudtrail")


def test_apply_creates_the_table_once(
    as_admin: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    # When setup applies the table twice
    assert main(["setup", "--athena-table", LOCATION]) == 0
    first = capsys.readouterr().out
    assert main(["setup", "--athena-table", LOCATION]) == 0
    second = capsys.readouterr().out
    # Then the first run created it and the second changed nothing
    assert first.rstrip().endswith("table cloudtrail.organization_trail: created")
    assert second.rstrip().endswith("table cloudtrail.organization_trail: unchanged")
    table = as_admin.client("glue").get_table(DatabaseName="cloudtrail", Name="organization_trail")
    parameters = table["Table"]["Parameters"]
    assert parameters["projection.account.values"] == "123456789012"  # the caller's account
    assert parameters["projection.timestamp.format"] == "yyyy/MM/dd"
    assert [k["Name"] for k in table["Table"]["PartitionKeys"]] == [
        "account",
        "region",
        "timestamp",
    ]
    # And another account list updates it
    assert main(["setup", "--athena-table", LOCATION, "--athena-accounts", "210987654321"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(": updated")


def test_a_location_outside_an_organisation_trail_is_a_usage_error(
    as_admin: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["setup", "--athena-table", "s3://bucket/logs/", "--dry-run"]) == 2
    assert "s3://<bucket>/AWSLogs/<organization id>/" in capsys.readouterr().err
