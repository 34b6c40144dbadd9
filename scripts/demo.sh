#!/usr/bin/env bash
# `npm start`: a running local n8n 2.41 on 127.0.0.1:5678 that backs itself up.
# The embedded default: n8n on SQLite, backups into ./backups. It installs what is
# missing (Node 24 from npm, n8n, this package built and installed into n8n's user
# folder), imports the templates, publishes the single-instance nightly backup and the
# alert workflow, runs one backup at once and shows its set and manifest, then starts
# n8n and prints the login. Running it again reuses all of that and starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
DEMO=${STACK_DEMO_DIR:-$REPO/.demo}
BACKUPS=$REPO/backups
PORT=${N8N_PORT:-5678}
say() { echo "[npm start] $*" >&2; }

bash scripts/programs.sh install
bash scripts/install-deps.sh
# Rebuild only when a source changed since the last build.
STAMP=$DEMO/.built
mkdir -p "$DEMO"
if [ ! -f "$STAMP" ] || [ -n "$(find core nodes credentials bin workflows package.json gulpfile.js -newer "$STAMP" -type f -print -quit 2>/dev/null)" ]; then
  say "building the package"
  npm run build --silent >/dev/null
  touch "$STAMP"
fi
[ -f dist/nodes/PostgresDump/PostgresDump.node.js ] || { npm run build --silent >/dev/null; touch "$STAMP"; }
APP=$(bash scripts/n8n-install.sh)
source scripts/node24.sh
N8N="$APP/node_modules/n8n/bin/n8n"

mkdir -p "$DEMO/.n8n-files" "$BACKUPS"; chmod 700 "$DEMO" "$BACKUPS"
# The templates write to ~/.n8n-files/backups: here that is ./backups.
[ -L "$DEMO/.n8n-files/backups" ] || ln -sfn "$BACKUPS" "$DEMO/.n8n-files/backups"

export HOME=$DEMO N8N_USER_FOLDER=$DEMO
export N8N_PORT=$PORT N8N_HOST=127.0.0.1 N8N_LISTEN_ADDRESS=127.0.0.1 N8N_PROTOCOL=http N8N_EDITOR_BASE_URL="http://127.0.0.1:$PORT"
export N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1 N8N_SECURE_COOKIE=false N8N_DIAGNOSTICS_ENABLED=false
export N8N_UNVERIFIED_PACKAGES_ENABLED=true   # this package is unverified: see the README's install section
export N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false N8N_PERSONALIZATION_ENABLED=false
export GENERIC_TIMEZONE=${GENERIC_TIMEZONE:-UTC} N8N_LOG_LEVEL=${N8N_LOG_LEVEL:-warn}
# The single-instance template archives n8n's own folder, which n8n 2.x blocks by default.
export N8N_RESTRICT_FILE_ACCESS_TO="$DEMO/.n8n-files;$DEMO/.n8n;$BACKUPS" N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES=false

if [ ! -f "$DEMO/.package-installed" ] || [ "$STAMP" -nt "$DEMO/.package-installed" ]; then
  say "installing n8n-nodes-stack-backup into $DEMO/.n8n/nodes"
  bash scripts/install-package.sh "$DEMO" >/dev/null
  touch "$DEMO/.package-installed"
fi

if [ ! -f "$DEMO/.templates-imported" ]; then
  say "importing the templates from workflows/ (first run)"
  for f in workflows/*.json; do node "$N8N" import:workflow --input="$f" >/dev/null 2>&1 || { say "import of $f failed"; exit 1; }; done
  for id in sbNightlySingle1 sbBackupAlert001; do node "$N8N" publish:workflow --id=$id >/dev/null 2>&1; done
  touch "$DEMO/.templates-imported"
fi

say "running the nightly backup once (n8n execute --id=sbNightlySingle1)"
node "$N8N" execute --id=sbNightlySingle1 >"$DEMO/last-backup.log" 2>&1 || { tail -30 "$DEMO/last-backup.log" >&2; say "the backup failed (log: $DEMO/last-backup.log)"; exit 1; }
SET=$(ls -1d "$BACKUPS"/n8n-home/20* | sort | tail -1)
echo
echo "Backup set: $SET"
node scripts/demo-summary.js "$SET"
echo

OWNER_FILE=$DEMO/owner.json
node "$N8N" start >"$DEMO/n8n.log" 2>&1 &
N8N_PID=$!
trap 'kill -TERM $N8N_PID 2>/dev/null; wait $N8N_PID 2>/dev/null' EXIT INT TERM
for _ in $(seq 240); do curl -sf "http://127.0.0.1:$PORT/healthz/readiness" >/dev/null 2>&1 && break; kill -0 $N8N_PID 2>/dev/null || { tail -30 "$DEMO/n8n.log" >&2; exit 1; }; sleep 0.5; done
if [ ! -f "$OWNER_FILE" ]; then
  PASSWORD="Demo-$(node -e 'process.stdout.write(require("crypto").randomBytes(9).toString("base64url"))')1"
  curl -sf -H 'content-type: application/json' -X POST "http://127.0.0.1:$PORT/rest/owner/setup" \
    -d "{\"email\":\"owner@example.com\",\"firstName\":\"Stack\",\"lastName\":\"Backup\",\"password\":\"$PASSWORD\"}" >/dev/null
  (umask 077; printf '{"email":"owner@example.com","password":"%s"}\n' "$PASSWORD" >"$OWNER_FILE")
fi
echo "n8n is running: http://127.0.0.1:$PORT"
node -e 'const o = require(process.argv[1]); console.log(`  log in as ${o.email} / ${o.password}  (kept in ${process.argv[1]})`)' "$OWNER_FILE"
echo "  published: \"Stack Backup: nightly (single instance, SQLite)\" (02:00 UTC) and the alert workflow"
echo "  Ctrl+C stops n8n; npm start again reuses everything."
wait $N8N_PID
