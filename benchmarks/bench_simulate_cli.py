"""``studio-abac simulate-custom-policy --batch --decision-only`` end to end, against
@cloud-copilot/iam-simulate in process, on the same one-decision lines (prints figures).

Run: ``python benchmarks/bench_simulate_cli.py [--lines N] [--runs R]``.

- The lines: AWS SimulateCustomPolicy inputs, one action on one resource each, with the
  document's team policies, a role session caller and its context (tags), actions paired with
  resources of the type IAM defines for them (iam-simulate validates that).
- Ours: the console command as users run it, a new process per run, process start included:
  once on an empty batch (start-up) and once on the N lines; the per-line cost is the
  difference divided by N. Best of R runs each.
- Theirs: ``benchmarks/node/simulate.mjs`` times ``runSimulation`` (and, for the ratio when
  faster, ``runUnsafeSimulation``, which skips input validation) in process (Node start-up
  and module loading excluded), best of R. The package is installed for this benchmark only,
  into ``benchmarks/node/`` (``npm ci`` from its own lock file) when missing.
- The decisions of both are compared line by line, and the end-to-end ratio printed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "benchmarks" / "node"
DATA = ROOT / "tests" / "unit" / "policy" / "data"
POLICIES = ("team-1-sagemaker-read-only", "team-2-supporting-services", "team-3-studio-developer")
ACCOUNT = "123456789012"
SM = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}"
ACTIONS: tuple[tuple[str, str], ...] = (
    ("sagemaker:DeleteExperiment", f"{SM}:experiment/exp-{{n}}"),
    ("sagemaker:UpdateExperiment", f"{SM}:experiment/exp-{{n}}"),
    ("sagemaker:DescribeExperiment", f"{SM}:experiment/exp-{{n}}"),
    ("sagemaker:CreateExperiment", f"{SM}:experiment/exp-{{n}}"),
    ("sagemaker:AddTags", f"{SM}:experiment/exp-{{n}}"),
    ("sagemaker:CreateTrial", f"{SM}:experiment-trial/trial-{{n}}"),
    ("sagemaker:DeleteTrial", f"{SM}:experiment-trial/trial-{{n}}"),
    ("sagemaker:StopTrainingJob", f"{SM}:training-job/job-{{n}}"),
    ("sagemaker:ListExperiments", "*"),
    ("s3:GetObject", "arn:aws:s3:::team-bucket/data/{n}.csv"),
    ("kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k-{{n}}"),
)
TEAMS = ("TeamA", "TeamB", "TeamC", None)


def _entry(key: str, value: str | list[str]) -> dict[str, Any]:
    values = value if isinstance(value, list) else [value]
    kind = "stringList" if isinstance(value, list) else "string"
    return {"ContextKeyName": key, "ContextKeyValues": values, "ContextKeyType": kind}


def make_lines(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts = [(DATA / f"{name}.json").read_text(encoding="utf-8") for name in POLICIES]
    lines = []
    for number in range(count):
        action, pattern = rng.choice(ACTIONS)
        team, owner = rng.choice(TEAMS), rng.choice(TEAMS)
        role = f"Studio{team or 'None'}Role"
        caller = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/s{number % 50}"
        entries = [_entry("aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:role/{role}")]
        if team:
            entries.append(_entry("aws:PrincipalTag/team", team))
        resource = pattern.format(n=number)
        if action.split(":")[1].startswith("Create") or action.endswith("AddTags"):
            tags = {"team": rng.choice(TEAMS) or "TeamA"}
            entries += [_entry(f"aws:RequestTag/{k}", v) for k, v in tags.items()]
            entries.append(_entry("aws:TagKeys", list(tags)))
        elif owner and resource.startswith(SM):
            entries += [_entry("aws:ResourceTag/team", owner)]
            entries += [_entry("sagemaker:ResourceTag/team", owner)]
        payload = {
            "PolicyInputList": texts,
            "ActionNames": [action],
            "ResourceArns": [resource],
            "CallerArn": caller,
            "ContextEntries": entries,
        }
        lines.append(json.dumps(payload))
    return lines


def _ours(path: Path) -> tuple[float, list[str]]:
    """Seconds of one run of the console command on ``path``, and its decisions."""
    command = shutil.which("studio-abac") or sys.exit("studio-abac is not installed")
    started = time.perf_counter()
    done = subprocess.run(
        [command, "simulate-custom-policy", "--batch", str(path), "--decision-only"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    decisions = [
        json.loads(line)["EvaluationResults"][0]["EvalDecision"]
        for line in done.stdout.splitlines()
    ]
    return seconds, decisions


def _ensure_iam_simulate() -> None:
    if (NODE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
        return
    npm = shutil.which("npm") or sys.exit("npm is needed to install @cloud-copilot/iam-simulate")
    print("installing @cloud-copilot/iam-simulate into benchmarks/node (npm ci)...")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)


def _theirs(path: Path, *flags: str) -> tuple[float, list[str]]:
    node = shutil.which("node") or sys.exit("node is needed for @cloud-copilot/iam-simulate")
    done = subprocess.run(
        [node, "simulate.mjs", str(path), *flags],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    return float(result["seconds"]), list(result["decisions"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _ensure_iam_simulate()
    lines = make_lines(args.lines)
    with tempfile.TemporaryDirectory() as folder:
        batch, empty = Path(folder) / "lines.jsonl", Path(folder) / "empty.jsonl"
        batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
        empty.write_text("", encoding="utf-8")
        start_up = min(_ours(empty)[0] for _ in range(args.runs))
        runs = [_ours(batch) for _ in range(args.runs)]
        ours, our_decisions = min(runs)[0], runs[0][1]
        theirs_runs = [_theirs(batch) for _ in range(args.runs)]
        theirs, their_decisions = min(t for t, _ in theirs_runs), theirs_runs[0][1]
        unsafe = min(_theirs(batch, "--unsafe")[0] for _ in range(args.runs))
    count = len(lines)
    agree = sum(a == b for a, b in zip(our_decisions, their_decisions, strict=True))
    errors = their_decisions.count("error")
    per_line = (ours - start_up) / count
    print(f"{count} one-decision lines; load average {_load()}; best of {args.runs} runs each")
    print("studio-abac simulate-custom-policy --batch --decision-only (a new process per run):")
    _row("start-up (empty batch)", f"{start_up * 1e3:8.1f} ms")
    _row("per line", f"{per_line * 1e6:8.1f} us  ({1 / per_line:,.0f} lines/s)")
    _row("end to end", f"{ours * 1e3:8.1f} ms  ({count / ours:,.0f} decisions/s)")
    print("@cloud-copilot/iam-simulate, in process (Node start and module loading excluded):")
    _row("runSimulation", f"{theirs * 1e3:8.1f} ms  ({count / theirs:,.0f} decisions/s)")
    _row("runUnsafeSimulation", f"{unsafe * 1e3:8.1f} ms  ({count / unsafe:,.0f} decisions/s)")
    fastest = min(theirs, unsafe)
    print(
        f"end-to-end ratio (ours, process start included, vs their fastest): {fastest / ours:.2f}x"
    )
    print(f"decisions agreeing: {agree}/{count} (iam-simulate errors: {errors})")
    if agree < count:
        print(
            "  (known: the document's team-2 policy names the placeholder '<S3 BucketName>' as "
            "its S3 Resource; we match it only to itself, iam-simulate grants s3 on any bucket)"
        )


def _row(label: str, figures: str) -> None:
    print(f"  {label:<28}{figures}")


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
