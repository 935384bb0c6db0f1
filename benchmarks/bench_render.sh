#!/usr/bin/env bash
# Render 10,000 rows in the "Team resources" list in Chromium and print the time to first paint
# and the scroll frame times (Playwright against JupyterLab started from ui-tests/; the list's
# endpoint is answered in the browser, so only the frontend is measured).
#
#   benchmarks/bench_render.sh            # 10,000 rows
#   STUDIO_ABAC_BENCH_ROWS=50000 benchmarks/bench_render.sh
#
# Figures also go to benchmarks/results/bench_render.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$root/.venv/bin:$PATH"
export STUDIO_ABAC_BENCH=1
export STUDIO_ABAC_BENCH_OUT="$root/benchmarks/results/bench_render.json"
cd "$root/ui-tests"
jlpm playwright test tests/bench_render.spec.ts --reporter=list "$@" 2>&1 |
  grep -E '^(bench_render|  )' | grep -vE '^\s+(✓|✘|[0-9]+ passed)' || true
test -s "$STUDIO_ABAC_BENCH_OUT" || { echo "bench_render: no figures (see ui-tests output)" >&2; exit 1; }
