"""Wildcard matching time for the worst patterns at AWS's maximum lengths (prints figures).

Run: ``python benchmarks/bench_glob.py``. For each pattern family the engine's matcher
(``policy/matching.py``: linear, no backtracking) is timed on a 2,048-character ARN (AWS's
maximum ARN length), best of five; for reference, the backtracking regular expression the
engine used before is timed on a 40-character resource, with a budget, and reported as
"> budget" when it does not finish a single match in time (it runs in a thread we abandon).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from studio_abac_ext.policy.matching import compile_arn_glob, compile_glob, compile_resource_glob

ARN_MAX = 2048
PREFIX = "arn:aws:s3:::"
BUDGET_S = 2.0


def _old_regex(pattern: str) -> re.Pattern[str]:
    """What the engine compiled before: ``*`` -> ``.*``, ``?`` -> ``.``."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body + r"\Z", re.DOTALL)


def _best(run: Callable[[], object], repeat: int = 5, number: int = 20) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            run()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def _with_budget(run: Callable[[], object]) -> str:
    done = threading.Event()
    took: list[float] = []

    def target() -> None:
        start = time.perf_counter()
        run()
        took.append(time.perf_counter() - start)
        done.set()

    threading.Thread(target=target, daemon=True).start()
    if not done.wait(BUDGET_S):
        return f"> {BUDGET_S:.0f} s"
    return f"{took[0] * 1e3:9.3f} ms"


def main() -> None:
    cases = [
        ("resource *a x24 + *b (no match)", compile_resource_glob, "*a" * 24 + "*b", "a"),
        ("resource *a x24 + *b (match at the end)", compile_resource_glob, "*a" * 24 + "*b", "ab"),
        ("resource *ab x200 + *c (no ab in text)", compile_resource_glob, "*ab" * 200 + "*c", "ac"),
        ("resource *a x12 + *b (no match)", compile_resource_glob, "*a" * 12 + "*b", "a"),
        ("StringLike *?a x30 + *b", compile_glob, "*?a" * 30 + "*b", "a"),
        ("StringLike 1000 x '*a' (2,001 chars)", compile_glob, "*a" * 1000 + "*", "a"),
        ("ArnLike mid-segment stars (automaton)", compile_arn_glob, "s*3:*:*:" + "*a" * 20, "a"),
        ("literal pattern, equal text", compile_resource_glob, "a" * 2000, "a"),
    ]
    print(f"{'pattern':42} {'engine, 2,048-char ARN':>24} {'old regex, 40 chars':>22}")
    for label, compile_, tail, fill in cases:
        pattern = PREFIX + tail if not tail.startswith("s*3") else "arn:aws:" + tail
        glob = compile_(((pattern, True),))
        body = fill[0] * (ARN_MAX - len(PREFIX) - 1) + fill[-1]  # a last letter, if given
        text = PREFIX + body
        engine = _best(lambda g=glob, t=text: g.matches(t))
        short = PREFIX + fill[0] * 26 + fill[-1]
        old = _old_regex(pattern)
        reference = _with_budget(lambda o=old, s=short: o.match(s))
        print(f"{label:42} {engine * 1e3:21.3f} ms {reference:>22}")
    print("The engine's time grows linearly with the text; the old regex's exponentially.")


if __name__ == "__main__":
    main()
