#!/usr/bin/env bash
# `npm run test:e2e`: the user's journey in a real n8n 2.41. Starts the loopback test
# environment, builds this package, installs n8n once (cached, see n8n-install.sh),
# then runs the end-to-end suite on Node 24. Needs root, like npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "npm run test:e2e needs root: it runs its own Docker Engine. Run: sudo npm run test:e2e" >&2
  exit 1
fi
bash scripts/testenv.sh start
bash scripts/install-deps.sh
npm run build --silent >/dev/null
STACK_N8N_APP=$(bash scripts/n8n-install.sh)
export STACK_N8N_APP
source scripts/node24.sh
export STACK_TESTENV=${STACK_TESTENV_DIR:-/tmp/stack-backup-testenv}/env.json
# --experimental-vm-modules: see scripts/test.sh (ESM-only dependencies through require()).
node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js --config jest.e2e.config.js "$@"
