"""``studio-abac check-isolation`` with policy files: output forms, --fail-on, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio_abac_ext.cli import main
from studio_abac_ext.isolation.hardened import HARDENED_DIR

from .conftest import document_policy_paths

HARDENED = Path(__file__).parents[3] / "studio_abac_ext" / "isolation" / Path(*HARDENED_DIR)


def policy_flags(paths: list[Path]) -> list[str]:
    return [arg for path in paths for arg in ("--policy", str(path))]


def test_json_output_lists_findings(capsys: pytest.CaptureFixture[str]) -> None:
    # When the document's policies are checked with --json
    code = main(["check-isolation", *policy_flags(document_policy_paths()), "--json"])
    # Then stdout is {"findings": [...]} and the exit code is 0 without --fail-on
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"findings"}
    ids = {finding["id"] for finding in data["findings"]}
    assert {"retag-takeover", "passrole-other-roles", "other-users-studio"} <= ids


def test_text_report_names_findings_statements_and_fixes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["check-isolation", *policy_flags(document_policy_paths())])
    out = capsys.readouterr().out
    assert out.startswith("Isolation check: ")
    assert "[HIGH] retag-takeover:" in out
    assert "team-3-studio-developer / AmazonSageMakerAddTags" in out
    assert "Fix (policy statements):" in out


def test_fail_on_high_fails_for_the_document_and_passes_for_the_hardened_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = main(
        ["check-isolation", *policy_flags(document_policy_paths()), "--fail-on", "high"]
    )
    hardened = main(
        ["check-isolation", *policy_flags(sorted(HARDENED.glob("*.json"))), "--fail-on", "high"]
    )
    assert (document, hardened) == (1, 0)
    assert "No way past" not in capsys.readouterr().out  # info remains: reads are visible


def test_fail_on_info_fails_when_only_info_findings_exist(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["check-isolation", *policy_flags(sorted(HARDENED.glob("*.json"))), "--fail-on", "INFO"]
    )
    assert code == 1


def test_missing_policy_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.json"
    code = main(["check-isolation", "--policy", str(missing)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--policy {missing}: cannot be read" in err
    assert "Traceback" not in err


def test_invalid_policy_names_the_json_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}')
    code = main(["check-isolation", "--policy", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--policy {bad}:" in err and "Effect" in err


def test_unknown_severity_is_rejected_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check-isolation", "--policy", "x.json", "--fail-on", "severe"])
    assert exit_info.value.code == 2
    assert "unknown severity 'severe'" in capsys.readouterr().err


def test_same_team_twice_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    paths = document_policy_paths()
    code = main(["check-isolation", *policy_flags(paths), "--team", "X", "--other-team", "X"])
    assert code == 2
    assert "teams:" in capsys.readouterr().err


OWN_APPS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OwnAppsOnly",
            "Effect": "Allow",
            "Action": "sagemaker:*",
            "NotResource": "arn:aws:sagemaker:*:*:app/*/${aws:username}/*",
        }
    ],
}


def test_a_notresource_with_an_unresolvable_variable_is_a_critical_cross_team_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given issue 11's OwnAppsOnly policy: for a role session aws:username does not exist, so
    # the NotResource pattern excludes nothing and the Allow covers every resource
    path = tmp_path / "p.json"
    path.write_text(json.dumps(OWN_APPS_ONLY))
    # When check-isolation checks it (text and JSON)
    code = main(["check-isolation", "--policy", str(path), "--fail-on", "critical"])
    out = capsys.readouterr().out
    main(["check-isolation", "--policy", str(path), "--json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    # Then it is a certain, critical cross-team write granted by OwnAppsOnly, never all clear
    assert code == 1
    assert "No way past the team boundary" not in out
    assert "[CRITICAL] cross-team-write:" in out and "p / OwnAppsOnly" in out
    write = next(f for f in findings if f["id"] == "cross-team-write")
    assert write["severity"] == "critical" and write["certainty"] == "certain"
    assert {"policy": "p", "sid": "OwnAppsOnly"} in write["statements"]
    assert "sagemaker:DeleteExperiment" in write["actions"]


def test_a_grant_that_depends_on_an_unmodelled_key_is_reported_possible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a delete allowed only from an address range the checker cannot see
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OfficeOnly",
                "Effect": "Allow",
                "Action": "sagemaker:DeleteExperiment",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            }
        ],
    }
    path = tmp_path / "office.json"
    path.write_text(json.dumps(policy))
    # When checked
    main(["check-isolation", "--policy", str(path)])
    out = capsys.readouterr().out
    # Then it is a possible critical finding that names what it depends on
    assert "[CRITICAL, POSSIBLE] cross-team-write-possible:" in out
    assert "Depends on: aws:SourceIp" in out
    assert "1 possible" in out
