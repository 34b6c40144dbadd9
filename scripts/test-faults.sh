#!/usr/bin/env bash
# `npm run test:faults`: the fault-injection suite against the real test environment
# (kill -9 mid-backup, servers and the Docker Engine stopped mid-stream, a full disk,
# concurrent runs, hostile sets, secrets). Prints the figures: faults injected and
# survived, bad inputs tried and refused, data lost. Needs root, like npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-prelude.sh "npm run test:faults"
STACK_FAULT_LEDGER=$(mktemp /tmp/stack-backup-faults.XXXXXX.jsonl)
export STACK_FAULT_LEDGER
trap 'rm -f "$STACK_FAULT_LEDGER"' EXIT
"${JEST[@]}" --config jest.faults.config.js "$@"
