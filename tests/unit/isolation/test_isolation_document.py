"""The checker on the document's team policies, and on the hardened example set."""

from __future__ import annotations

import json

from studio_abac_ext.data.iam_catalog import load_iam_catalog
from studio_abac_ext.isolation.checker import IsolationReport, Severity
from studio_abac_ext.isolation.hardened import hardened_policy_set
from studio_abac_ext.isolation.matrix import Evaluator, MatrixBuilder, Question
from studio_abac_ext.isolation.world import Owner, TagKeys, World

from .conftest import by_id


def test_document_policies_allow_retagging_another_teams_resource_then_deleting_it(
    document_report: IsolationReport,
) -> None:
    # Given the document's three team policies (checked once per session)
    # When the isolation checker runs
    finding = by_id(document_report.findings)["retag-takeover"]
    # Then the AddTags re-tag path is a high finding that unlocks DeleteExperiment
    assert finding.severity is Severity.HIGH
    assert finding.actions[0] == "sagemaker:AddTags"
    assert "sagemaker:DeleteExperiment" in finding.actions
    assert finding.example.action == "sagemaker:AddTags"
    assert finding.example.resource.endswith(":experiment/teamb-experiment")
    assert finding.example.context["aws:RequestTag/team"] == "TeamA"
    assert any("DeleteExperiment" in step for step in finding.example.steps)
    sids = {(ref.policy, ref.sid) for ref in finding.statements}
    assert ("team-3-studio-developer", "AmazonSageMakerAddTags") in sids
    assert "sagemaker:TaggingAction" in finding.fix


def test_document_policies_let_passrole_reach_other_teams_role(
    document_report: IsolationReport,
) -> None:
    finding = by_id(document_report.findings)["passrole-other-roles"]
    assert finding.severity is Severity.HIGH
    assert finding.actions == ("iam:PassRole",)
    assert finding.example.resource.endswith(":role/SageMakerStudioDeveloperTeamBRole")
    assert [(r.policy, r.sid) for r in finding.statements] == [
        ("team-3-studio-developer", "AmazonSageMakerStudioIAMPassRole")
    ]
    assert "iam:PassedToService" in finding.fix


def test_document_policies_let_members_delete_other_users_apps_through_star_app(
    document_report: IsolationReport,
) -> None:
    finding = by_id(document_report.findings)["other-users-studio"]
    assert finding.severity is Severity.HIGH
    assert {"sagemaker:DeleteApp", "sagemaker:CreateApp"} <= set(finding.actions)
    assert finding.example.action == "sagemaker:DeleteApp"
    assert "/teama-user2/" in finding.example.resource  # a teammate's app
    sids = {ref.sid for ref in finding.statements}
    assert "AmazonSageMakerUIandMetricsOnlyPolicy" in sids  # the sagemaker:*App statement


def test_document_policies_let_a_team_add_trials_to_another_teams_experiment(
    document_report: IsolationReport,
) -> None:
    finding = by_id(document_report.findings)["cross-team-children"]
    assert finding.severity is Severity.HIGH
    assert "sagemaker:CreateTrial" in finding.actions
    assert finding.example.action == "sagemaker:CreateTrial"
    assert finding.example.resource.endswith(":experiment/teamb-experiment")
    assert finding.example.context["aws:ResourceTag/team"] == "TeamB"
    assert "DenyCreatingInsideExperiment" in finding.fix


def test_document_policies_expose_reads_as_info(document_report: IsolationReport) -> None:
    finding = by_id(document_report.findings)["read-exposure"]
    assert finding.severity is Severity.INFO
    assert {"sagemaker:DescribeExperiment", "sagemaker:ListExperiments", "sagemaker:Search"} <= set(
        finding.actions
    )


def test_document_policies_keep_direct_deletes_of_other_teams_experiments_denied(
    document_report: IsolationReport,
) -> None:
    # The document's core promise holds for direct calls: only *App wildcards break it.
    cross_team = by_id(document_report.findings)["cross-team-write"]
    assert "sagemaker:DeleteExperiment" not in cross_team.actions
    assert all(action.endswith("App") for action in cross_team.actions)


def test_findings_are_sorted_most_severe_first(document_report: IsolationReport) -> None:
    ranks = [finding.severity.rank for finding in document_report.findings]
    assert ranks == sorted(ranks, reverse=True)


def test_every_finding_serialises_to_the_documented_shape(
    document_report: IsolationReport,
) -> None:
    for finding in document_report.findings:
        data = json.loads(json.dumps(finding.to_dict()))
        assert set(data) == {
            "id",
            "severity",
            "title",
            "detail",
            "actions",
            "statements",
            "example",
            "fix",
            "certainty",
            "dependsOn",
        }
        assert data["certainty"] in ("certain", "possible")
        assert (data["certainty"] == "possible") == bool(data["dependsOn"])
        assert set(data["example"]) >= {"principal", "action", "resource", "context"}
        assert data["statements"], f"{finding.id} names no granting statement"
        assert all(set(ref) == {"policy", "sid"} for ref in data["statements"])
        fix = json.loads(data["fix"])
        assert isinstance(fix, list) and all("Effect" in statement for statement in fix)


def test_hardened_policies_report_nothing_above_info(hardened_report: IsolationReport) -> None:
    # Given the hardened example policies
    # Then no finding is above info: no false alarm on a correct policy
    assert [f.id for f in hardened_report.findings if f.severity is not Severity.INFO] == []
    assert [f.id for f in hardened_report.findings] == ["read-exposure"]


def test_hardened_policies_still_let_the_team_do_its_work() -> None:
    # Given the hardened policies and the checker's world
    world = World(TagKeys(), "TeamA", "TeamB", "123456789012", "us-east-1")
    outcomes = {
        outcome.spec.name: outcome
        for outcome in MatrixBuilder(
            world, load_iam_catalog(), Evaluator(hardened_policy_set())
        ).build()
    }
    # Then own-team work stays allowed: create tagged, create inside own, act on own, own apps
    assert Question.CREATE_OWN in outcomes["CreateExperiment"].allowed
    assert Question.CREATE_OWN in outcomes["CreateTrial"].allowed
    assert Question.CREATE_OWN in outcomes["CreateApp"].allowed
    assert Owner.OWN in outcomes["DeleteExperiment"].allowed
    assert Owner.OWN in outcomes["StopTrainingJob"].allowed
    assert Owner.OWN in outcomes["DeleteApp"].allowed
    assert Owner.TEAMMATE not in outcomes["DeleteApp"].allowed
