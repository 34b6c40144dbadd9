#!/usr/bin/env bash
# `npm run test:faults`: the fault-injection suite against the real test environment
# (kill -9 mid-backup, servers and the Docker Engine stopped mid-stream, a full disk,
# concurrent runs, hostile sets, secrets). Prints the figures: faults injected and
# survived, bad inputs tried and refused, data lost. Needs root, like npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "npm run test:faults needs root: it runs its own Docker Engine and mounts a small tmpfs. Run: sudo npm run test:faults" >&2
  exit 1
fi
bash scripts/testenv.sh start
bash scripts/install-deps.sh
npm run build --silent >/dev/null
source scripts/node24.sh
export STACK_TESTENV=${STACK_TESTENV_DIR:-/tmp/stack-backup-testenv}/env.json
STACK_FAULT_LEDGER=$(mktemp /tmp/stack-backup-faults.XXXXXX.jsonl)
export STACK_FAULT_LEDGER
trap 'rm -f "$STACK_FAULT_LEDGER"' EXIT
# --experimental-vm-modules: see scripts/test.sh (ESM-only dependencies through require()).
node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js --config jest.faults.config.js "$@"
