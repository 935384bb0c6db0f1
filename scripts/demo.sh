#!/usr/bin/env bash
# `make demo`: the local AWS sandbox (the document's teams) and JupyterLab as one persona's Studio session.
# `make lab PERSONA=userb1@studio LAB_PORT=8889` opens a second JupyterLab against the same running sandbox.
set -euo pipefail

PERSONA=${PERSONA:-usera1@studio}
LAB_PORT=${LAB_PORT:-8888}
SANDBOX_PORT=${SANDBOX_PORT:-5000}
START_SANDBOX=${START_SANDBOX:-1}
STATE_DIR=${STATE_DIR:-.demo}
ROOT_FLAGS=()
[ "$(id -u)" = 0 ] && ROOT_FLAGS=(--allow-root)

sandbox_up() { curl -s -o /dev/null "http://127.0.0.1:${SANDBOX_PORT}/" 2>/dev/null; }

mkdir -p "$STATE_DIR"
if [ "$START_SANDBOX" = 1 ] && ! sandbox_up; then
  studio-abac sandbox --port "$SANDBOX_PORT" --audit-log "$STATE_DIR/audit.jsonl" >"$STATE_DIR/sandbox.log" 2>&1 &
  sandbox_pid=$!
  trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do sandbox_up && break; sleep 0.1; done
  sandbox_up || { cat "$STATE_DIR/sandbox.log"; echo "the sandbox did not start" >&2; exit 1; }
  echo "Sandbox (local AWS with the document's teams): http://127.0.0.1:${SANDBOX_PORT}  log: $STATE_DIR/sandbox.log"
elif ! sandbox_up; then
  echo "No sandbox on port ${SANDBOX_PORT}: start one with 'make demo' first." >&2
  exit 1
fi

eval "$(studio-abac sandbox env "$PERSONA" --port "$SANDBOX_PORT")"
echo "JupyterLab as ${PERSONA}: open the URL with the token printed below (Ctrl-C stops it)."
jupyter lab --no-browser --port="$LAB_PORT" --ServerApp.port_retries=0 "${ROOT_FLAGS[@]}" \
  --notebook-dir="$STATE_DIR"
