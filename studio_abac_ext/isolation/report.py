"""The readable (terminal) form of an isolation report."""

from __future__ import annotations

import json
import textwrap

from .checker import IsolationReport
from .findings import Finding, Severity

WIDTH = 100
ACTIONS_SHOWN = 12


def _counts(findings: list[Finding]) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity] += 1
    text = ", ".join(f"{counts[severity]} {severity.value}" for severity in Severity)
    possible = sum(1 for finding in findings if finding.certainty == "possible")
    return f"{text}; {possible} possible" if possible else text


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def render_finding(finding: Finding) -> str:
    mark = ", POSSIBLE" if finding.certainty == "possible" else ""
    lines = [f"[{finding.severity.value.upper()}{mark}] {finding.id}: {finding.title}"]
    lines.append(_wrap(finding.detail, "  "))
    if finding.depends_on:
        lines.append(_wrap(f"Depends on: {', '.join(finding.depends_on)}", "  "))
    shown = ", ".join(finding.actions[:ACTIONS_SHOWN])
    more = len(finding.actions) - ACTIONS_SHOWN
    suffix = f" ... (+{more} more; --json lists all)" if more > 0 else ""
    lines.append(_wrap(f"Actions ({len(finding.actions)}): {shown}{suffix}", "  "))
    if finding.statements:
        lines.append("  Granted by:")
        lines += [f"    - {ref.policy} / {ref.sid or '(no Sid)'}" for ref in finding.statements]
    example = finding.example
    lines.append(f"  Example: {example.action} on {example.resource}")
    lines.append(f"    as {example.principal}")
    lines += [f"    {number}. {step}" for number, step in enumerate(example.steps, 1)]
    lines.append("  Fix (policy statements):")
    lines += ["    " + line for line in finding.fix.splitlines()]
    return "\n".join(lines)


def render_report(report: IsolationReport) -> str:
    findings = report.findings
    header = [
        f"Isolation check: {len(findings)} finding(s) ({_counts(findings)})",
        f"{report.actions_checked} SageMaker actions checked ({report.data_version}), "
        f"{report.evaluations} decisions.",
    ]
    if not findings:
        return "\n".join([*header, "", "No way past the team boundary was found."])
    return "\n\n".join(["\n".join(header), *(render_finding(f) for f in findings)])


def render_json(report: IsolationReport) -> str:
    return json.dumps({"findings": [f.to_dict() for f in report.findings]}, indent=2)
