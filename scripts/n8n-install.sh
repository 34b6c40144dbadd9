#!/usr/bin/env bash
# Installs n8n (pinned) for the end-to-end suite and `npm start`, once: the install
# is cached outside the repository and reused while its version matches.
#   bash scripts/n8n-install.sh      prints the folder whose node_modules/.bin holds n8n
# Workarounds (see the n8n 2.41 notes in the README): the registry here lacks some exact
# sibling versions n8n pins (overrides to the nearest present patch), linkedom 0.18.15
# needs a package that is absent, and install scripts that download from GitHub fail, so
# the install runs with --ignore-scripts and only sqlite3 is built afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
N8N_VERSION=2.41.3
CACHE=${N8N_CACHE_DIR:-/var/cache/n8n-stack-backup}
APP="$CACHE/n8n-$N8N_VERSION"
log() { echo "[n8n-install $(date +%T)] $*" >&2; }

bash scripts/install-deps.sh >&2
# shellcheck source=node24.sh
source scripts/node24.sh

# One install at a time: a second run (npm start beside the e2e suite) would empty the folder
# the first is filling. It waits here, then finds n8n installed.
mkdir -p "$CACHE"
exec 9>"$CACHE/.install.lock"
flock -w 1800 9 || { log "another n8n install held $CACHE/.install.lock for 30 minutes; is it stuck?"; exit 1; }

installed() { [ -f "$APP/.complete" ] && [ "$("$APP/node_modules/.bin/n8n" --version 2>/dev/null)" = "$N8N_VERSION" ]; }

if ! installed; then
  log "installing n8n $N8N_VERSION into $APP (a few minutes, once)"
  rm -rf "$APP"; mkdir -p "$APP"
  cat >"$APP/package.json" <<'JSON'
{
  "name": "n8n-stack-backup-n8n",
  "private": true,
  "overrides": {
    "@n8n/agents": "0.26.1",
    "@n8n/ai-node-sdk": "0.31.1",
    "@n8n/ai-utilities": "0.34.1",
    "@n8n/ai-workflow-builder": "1.41.1",
    "@n8n/api-types": "1.41.0",
    "@n8n/backend-common": "1.41.1",
    "@n8n/backend-network": "1.15.1",
    "@n8n/blob-storage": "1.9.1",
    "@n8n/chat-hub": "1.34.0",
    "@n8n/client-oauth2": "1.23.1",
    "@n8n/config": "2.39.0",
    "@n8n/decorators": "1.41.0",
    "@n8n/engine": "0.21.0",
    "@n8n/instance-ai": "1.26.1",
    "@n8n/mcp-apps": "0.18.0",
    "@n8n/n8n-nodes-langchain": "2.41.1",
    "@n8n/node-engine-compatibility": "0.9.1",
    "@n8n/task-runner": "2.41.1",
    "@n8n/telemetry": "1.9.0",
    "n8n-core": "2.41.1",
    "n8n-editor-ui": "2.41.0",
    "linkedom": "0.18.14"
  }
}
JSON
  (cd "$APP" && npm install "n8n@$N8N_VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error >"$APP/install.log" 2>&1) \
    || { tail -20 "$APP/install.log" >&2; log "npm install n8n failed"; exit 1; }
  log "building sqlite3 for Node 24"
  # This repository's .npmrc sets ignore-scripts, and `npm run` hands it down to nested npm
  # calls (npm_config_ignore_scripts): without the explicit false, the rebuild builds nothing.
  (cd "$APP" && npm rebuild sqlite3 --foreground-scripts --ignore-scripts=false >"$APP/sqlite3-build.log" 2>&1) \
    || { tail -20 "$APP/sqlite3-build.log" >&2; log "sqlite3 build failed"; exit 1; }
  (cd "$APP" && node -e 'const s=require("sqlite3"); new s.Database(":memory:").close()') || { log "sqlite3 does not load under Node 24"; exit 1; }
  touch "$APP/.complete"
  log "n8n $N8N_VERSION ready"
fi
echo "$APP"
