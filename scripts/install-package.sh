#!/usr/bin/env bash
# Installs this package into an n8n user folder the way n8n installs a community
# package: `npm pack`, unpacked into <folder>/.n8n/nodes/node_modules/n8n-nodes-stack-backup,
# then `npm install --omit=dev --ignore-scripts` there. n8n loads it at its next start.
#   bash scripts/install-package.sh USER_FOLDER     (run `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
USER_FOLDER=${1:?usage: install-package.sh USER_FOLDER}
NAME=n8n-nodes-stack-backup
NODES="$USER_FOLDER/.n8n/nodes"
TARGET="$NODES/node_modules/$NAME"
[ -f dist/nodes/PostgresDump/PostgresDump.node.js ] || { echo "dist/ is missing: run npm run build" >&2; exit 1; }
PACK_DIR=$(mktemp -d)
trap 'rm -rf "$PACK_DIR"' EXIT
TARBALL=$(npm pack --silent --pack-destination "$PACK_DIR" | tail -1)
rm -rf "$TARGET"; mkdir -p "$TARGET"
tar -xzf "$PACK_DIR/$TARBALL" -C "$TARGET" --strip-components=1
(cd "$TARGET" && npm install --omit=dev --ignore-scripts --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null)
VERSION=$(node -p "require('./package.json').version")
printf '{"name":"installed-nodes","private":true,"dependencies":{"%s":"%s"}}\n' "$NAME" "$VERSION" >"$NODES/package.json"
echo "$TARGET"
