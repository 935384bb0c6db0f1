"""``studio-abac simulate-custom-policy``, driven through the real console entry point."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio_abac_ext.cli import main

DATA = Path(__file__).parent / "policy" / "data"
TEAM3 = DATA / "team-3-studio-developer.json"
EXPERIMENT = "arn:aws:sagemaker:us-east-1:123456789012:experiment/usera1teamaexperiment1"
TEAM_B = "arn:aws:sts::123456789012:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker"


def _case(principal_team: str, resource_team: str, action: str = "sagemaker:DeleteExperiment"):
    return {
        "PolicyInputList": [TEAM3.read_text(encoding="utf-8")],
        "ActionNames": [action],
        "ResourceArns": [EXPERIMENT],
        "CallerArn": TEAM_B,
        "ContextEntries": [
            {
                "ContextKeyName": "aws:PrincipalTag/team",
                "ContextKeyValues": [principal_team],
                "ContextKeyType": "string",
            },
            {
                "ContextKeyName": "sagemaker:ResourceTag/team",
                "ContextKeyValues": [resource_team],
                "ContextKeyType": "string",
            },
        ],
    }


def test_cli_input_json_file_prints_aws_shaped_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an AWS-shaped case file where Team B deletes Team A's experiment
    case = tmp_path / "case.json"
    case.write_text(json.dumps(_case("TeamB", "TeamA")), encoding="utf-8")
    # When the command runs with --cli-input-json file://
    code = main(["simulate-custom-policy", "--cli-input-json", f"file://{case}"])
    # Then it prints AWS's EvaluationResults with our explanation
    assert code == 0
    result = json.loads(capsys.readouterr().out)["EvaluationResults"][0]
    assert result["EvalActionName"] == "sagemaker:DeleteExperiment"
    assert result["EvalResourceName"] == EXPERIMENT
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MatchedStatements"] == []
    assert result["Explanation"]["closest"][0]["sid"] == "AmazonSageMakerUpdateDeleteExecutePolicy"


def test_allowed_result_lists_the_matched_statement_with_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given Team A's own experiment
    case = tmp_path / "case.json"
    case.write_text(json.dumps(_case("TeamA", "TeamA")), encoding="utf-8")
    # When the command runs
    assert main(["simulate-custom-policy", "--cli-input-json", f"file://{case}"]) == 0
    # Then the matched statement carries AWS's SourcePolicyId and positions
    result = json.loads(capsys.readouterr().out)["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    assert result["MatchedStatements"] == [
        {
            "SourcePolicyId": "PolicyInputList.1",
            "SourcePolicyType": "none",
            "StartPosition": {"Line": 54, "Column": 5},
            "EndPosition": {"Line": 72, "Column": 5},
        }
    ]


def test_flag_form_with_file_policy_and_shorthand_context_prints_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the flag form, a file:// policy and shorthand context entries
    argv = [
        "simulate-custom-policy",
        "--policy-input-list",
        f"file://{TEAM3}",
        "--action-names",
        "sagemaker:DeleteExperiment",
        "--resource-arns",
        EXPERIMENT,
        "--caller-arn",
        TEAM_B,
        "--context-entries",
        "ContextKeyName=aws:PrincipalTag/team,ContextKeyValues=TeamB,ContextKeyType=string",
        "ContextKeyName=sagemaker:ResourceTag/team,ContextKeyValues=TeamA,ContextKeyType=string",
        "--output",
        "text",
    ]
    # When the command runs
    assert main(argv) == 0
    # Then the human explanation names the closest statement and both tag values
    out = capsys.readouterr().out
    assert out.startswith("implicitDeny: sagemaker:DeleteExperiment on ")
    assert "Closest: AmazonSageMakerUpdateDeleteExecutePolicy" in out
    assert "aws:PrincipalTag/team (TeamB) equals ${sagemaker:ResourceTag/team} (TeamA)" in out


def test_plain_json_list_flags_and_typed_context_entries(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a policy as plain JSON that needs a numeric, a boolean and an IP context key
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {
                "NumericLessThan": {"s3:max-keys": "10"},
                "Bool": {"aws:SecureTransport": "true"},
                "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            },
        },
    }
    entries = [
        {"ContextKeyName": "s3:max-keys", "ContextKeyValues": ["5"], "ContextKeyType": "numeric"},
        {
            "ContextKeyName": "aws:SecureTransport",
            "ContextKeyValues": ["true"],
            "ContextKeyType": "boolean",
        },
        {
            "ContextKeyName": "aws:SourceIp",
            "ContextKeyValues": ["10.1.2.3"],
            "ContextKeyType": "ip",
        },
    ]
    argv = [
        "simulate-custom-policy",
        "--policy-input-list",
        json.dumps([json.dumps(policy)]),
        "--action-names",
        '["s3:GetObject", "s3:PutObject"]',
        "--context-entries",
        json.dumps(entries),
        "--decision-only",
    ]
    # When the command runs
    assert main(argv) == 0
    # Then GetObject is allowed, PutObject implicitly denied, and no explanation is printed
    results = json.loads(capsys.readouterr().out)["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in results] == [
        ("s3:GetObject", "allowed"),
        ("s3:PutObject", "implicitDeny"),
    ]
    assert all("Explanation" not in r for r in results)


def test_batch_writes_one_line_per_input_in_order_and_reports_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a batch file: an allowed case, a bad line and a denied case
    batch = tmp_path / "cases.jsonl"
    lines = [json.dumps(_case("TeamA", "TeamA")), "{not json", json.dumps(_case("TeamB", "TeamA"))]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # When the command runs in batch mode without explanations
    code = main(["simulate-custom-policy", "--batch", str(batch), "--decision-only"])
    # Then there is one output line per input line, in order, and the run reports a failure
    out_lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert len(out_lines) == 3
    first, second, third = (json.loads(line) for line in out_lines)
    assert first["EvaluationResults"][0]["EvalDecision"] == "allowed"
    assert second["Error"]["Code"] == "InvalidInput"
    assert second["Error"]["Message"].startswith("line 2:")
    assert third["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    assert "Explanation" not in third["EvaluationResults"][0]


@pytest.mark.parametrize(
    ("argv_tail", "message"),
    [
        (
            ["--policy-input-list", '{"Statement": {"Effect": "Alow"}}', "--action-names", "a:b"],
            'PolicyInputList[0]: $.Statement.Effect: must be "Allow" or "Deny"',
        ),
        (["--action-names", "a:b"], "PolicyInputList: is required"),
        (
            [
                "--policy-input-list",
                '{"Statement": []}',
                "--action-names",
                "a:b",
                "--context-entries",
                "ContextKeyName=k,ContextKeyValues=x,ContextKeyType=numeric",
            ],
            "ContextEntries[0].ContextKeyValues[0]: 'x' is not a number",
        ),
        (
            ["--cli-input-json", "file:///nonexistent/case.json"],
            "--cli-input-json: cannot read /nonexistent/case.json",
        ),
        (
            ["--cli-input-json", '{"PolicyInputList": [], "ActionNames": ["a:b"], "Bogus": 1}'],
            "Bogus: unknown field",
        ),
        (
            ["--policy-input-list", '{"Statement": []}', "--action-names", "sagemaker:Delete*"],
            "ActionNames[0]: must be service:Action, without wildcards (as in AWS)",
        ),
    ],
    ids=[
        "bad-effect",
        "no-policies",
        "bad-numeric-context",
        "missing-file",
        "unknown-field",
        "wildcard-action",
    ],
)
def test_bad_input_exits_2_with_a_message_naming_the_field(
    argv_tail: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given invalid input
    # When the command runs
    code = main(["simulate-custom-policy", *argv_tail])
    # Then it exits with 2 and names the field and the rule, without a traceback
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


class _CountingSink(io.StringIO):
    """A real text sink that also counts the writes made to it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_batch_fans_out_and_gives_policy_texts_once_per_line_in_one_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given batch lines asking about two actions on two experiments each
    other = EXPERIMENT.replace("experiment1", "experiment2")
    cases = []
    for teams in (("TeamA", "TeamA"), ("TeamB", "TeamA")):
        case = _case(*teams)
        case["ActionNames"] = ["sagemaker:DeleteExperiment", "sagemaker:DescribeExperiment"]
        case["ResourceArns"] = [EXPERIMENT, other]
        cases.append(json.dumps(case))
    batch = tmp_path / "cases.jsonl"
    batch.write_text("\n".join(cases) + "\n", encoding="utf-8")
    sink = _CountingSink()
    monkeypatch.setattr("sys.stdout", sink)
    # When the batch runs with explanations
    assert main(["simulate-custom-policy", "--batch", str(batch)]) == 0
    # Then each line is written at once, with four results and the policy text once
    lines = sink.getvalue().splitlines()
    assert sink.writes == len(lines) == 2
    first = json.loads(lines[0])
    assert [
        (r["EvalActionName"][10:], r["EvalResourceName"][-11:]) for r in first["EvaluationResults"]
    ] == [
        ("DeleteExperiment", "experiment1"),
        ("DeleteExperiment", "experiment2"),
        ("DescribeExperiment", "experiment1"),
        ("DescribeExperiment", "experiment2"),
    ]
    assert first["Policies"] == [
        {"name": "PolicyInputList.1", "type": "identity", "text": TEAM3.read_text("utf-8")}
    ]
    explanation = first["EvaluationResults"][0]["Explanation"]
    assert explanation["policies"] == [{"name": "PolicyInputList.1", "type": "identity"}]
    assert lines[0].count('AmazonSageMakerUpdateDeleteExecutePolicy\\"') == 1
    assert json.loads(lines[1])["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"


def test_batch_text_output_gives_a_sentence_per_decision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a batch line where Team B deletes Team A's experiment
    batch = tmp_path / "cases.jsonl"
    batch.write_text(json.dumps(_case("TeamB", "TeamA")) + "\n", encoding="utf-8")
    # When the batch runs with text output
    assert main(["simulate-custom-policy", "--batch", str(batch), "--output", "text"]) == 0
    # Then the decision and its reason are printed
    out = capsys.readouterr().out
    assert out.startswith("implicitDeny: sagemaker:DeleteExperiment on ")
    assert "Closest: AmazonSageMakerUpdateDeleteExecutePolicy" in out


def test_batch_output_closed_early_ends_quietly(tmp_path: Path) -> None:
    # Given a batch far larger than a pipe holds, read by a consumer that stops after one line
    batch = tmp_path / "cases.jsonl"
    batch.write_text((json.dumps(_case("TeamB", "TeamA")) + "\n") * 2000, encoding="utf-8")
    command = [
        sys.executable,
        "-c",
        "import sys; from studio_abac_ext.cli import main; sys.exit(main(sys.argv[1:]))",
        "simulate-custom-policy",
        "--batch",
        str(batch),
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        # When the consumer reads one line and closes the pipe (as `| head -1` does)
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        code = process.wait()
    # Then the command stops with status 1 and no traceback
    assert json.loads(first)["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    assert code == 1
    assert stderr == ""


def test_duplicate_sids_are_warned_about_once_and_still_simulated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given two batch lines whose policy repeats a Sid
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Twice", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "Twice", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
        ],
    }
    line = json.dumps({"PolicyInputList": [json.dumps(policy)], "ActionNames": ["s3:PutObject"]})
    batch = tmp_path / "cases.jsonl"
    batch.write_text(f"{line}\n{line}\n", encoding="utf-8")
    # When the batch runs
    code = main(["simulate-custom-policy", "--batch", str(batch), "--decision-only"])
    # Then both lines are decided, and the duplicate is reported once, with where it is
    captured = capsys.readouterr()
    assert code == 0
    results = [json.loads(out)["EvaluationResults"][0] for out in captured.out.splitlines()]
    assert [r["EvalDecision"] for r in results] == ["allowed", "allowed"]
    assert captured.err == (
        "studio-abac simulate-custom-policy: warning: line 1: PolicyInputList.1: "
        "$.Statement[1].Sid: duplicate Sid 'Twice' (also $.Statement[0]); "
        "IAM requires each Sid to be unique within a policy\n"
    )


def test_a_trust_policy_as_resource_policy_must_name_the_caller(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """AWS: "IAM role trust policies and KMS key policies are exceptions to this logic,
    because they must explicitly allow access for principals." """
    # Given an identity policy allowing sts:AssumeRole, and the role's trust policy naming
    # only the SageMaker service
    allow = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    trust = {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    identity = tmp_path / "identity.json"
    identity.write_text(json.dumps({"Version": "2012-10-17", "Statement": [allow]}), "utf-8")
    role_trust = tmp_path / "trust.json"
    role_trust.write_text(json.dumps({"Version": "2012-10-17", "Statement": [trust]}), "utf-8")
    # When Team B's session asks to assume another team's role, with the flags of the AWS CLI
    code = main(
        [
            "simulate-custom-policy",
            "--policy-input-list",
            f"file://{identity}",
            "--resource-policy",
            f"file://{role_trust}",
            "--action-names",
            "sts:AssumeRole",
            "--resource-arns",
            "arn:aws:iam::123456789012:role/SageMakerStudioDeveloperTeamARole",
            "--caller-arn",
            TEAM_B,
            "--decision-only",
        ]
    )
    # Then the identity allow alone is not enough: the trust policy refused
    assert code == 0
    result = json.loads(capsys.readouterr().out)["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
