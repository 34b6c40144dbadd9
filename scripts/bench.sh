#!/usr/bin/env bash
# `npm run bench`: benchmarks against the reference tools (a script that prints figures,
# not a timed test). Uses the test environment's host Postgres, builds its own data.
#   npm run bench -- --dump-mib 600 --tree-mib 1000 --redis-mib 300 --reps 3
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-prelude.sh "npm run bench"
node bench/run.mjs "$@"
