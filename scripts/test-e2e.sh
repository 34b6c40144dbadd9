#!/usr/bin/env bash
# `npm run test:e2e`: the user's journey in a real n8n 2.41. Starts the loopback test
# environment, builds this package, installs n8n once (cached, see n8n-install.sh),
# then runs the end-to-end suite on Node 24. Needs root, like npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-prelude.sh "npm run test:e2e"
STACK_N8N_APP=$(bash scripts/n8n-install.sh)
export STACK_N8N_APP
"${JEST[@]}" --config jest.e2e.config.js "$@"
