#!/usr/bin/env bash
# `npm run test:unit`: the fast lane, the tests that need no root, no server and no external
# program (jest.unit.config.js picks them), on Node 24. Needs only the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# shellcheck source=node24.sh
source scripts/node24.sh
exec node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js -c jest.unit.config.js "$@"
