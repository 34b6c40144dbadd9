#!/usr/bin/env bash
# `npm test`: the whole test suite on a fresh Debian machine, setup included.
# Installs what is missing (Debian packages, npm dependencies), starts the
# loopback test environment (Postgres, Redis, a private Docker Engine), builds
# the package, and runs jest on Node 24, n8n 2.x's runtime. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-prelude.sh "npm test"
"${JEST[@]}" "$@"
