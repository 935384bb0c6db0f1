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
