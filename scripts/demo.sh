#!/usr/bin/env bash
# Serves the sandbox provider and the demo CRM until Ctrl-C. Called by `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEMO_PORT=${DEMO_PORT:-8080} SANDBOX_PORT=${SANDBOX_PORT:-8081}
SANDBOX_WEBHOOK_URL=${SANDBOX_WEBHOOK_URL:-http://localhost:$DEMO_PORT/webhooks/ofauth} \
  target/debug/ofconnect-sandbox &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT INT TERM
target/debug/ofconnect-demo --dist dist
