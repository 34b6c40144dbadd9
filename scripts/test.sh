#!/usr/bin/env bash
# `npm test`: the whole test suite on a fresh Debian machine, setup included.
# Installs what is missing (Debian packages, npm dependencies), starts the
# loopback test environment (Postgres, Redis, a private Docker Engine), builds
# the package, and runs jest on Node 24, n8n 2.x's runtime. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "npm test needs root: it installs Debian packages and runs its own Docker Engine. Run: sudo npm test" >&2
  exit 1
fi
bash scripts/testenv.sh start
bash scripts/install-deps.sh
npm run build --silent >/dev/null
source scripts/node24.sh
export STACK_TESTENV=${STACK_TESTENV_DIR:-/tmp/stack-backup-testenv}/env.json
# --experimental-vm-modules lets jest load ESM-only dependencies (age-encryption) through
# require(), as Node 24 itself does; without it jest refuses them.
node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js "$@"
