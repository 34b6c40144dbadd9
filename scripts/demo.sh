#!/usr/bin/env bash
# `npm start`: backs up a running stack's Postgres with the CLI and shows the set.
# It starts the loopback stack (a `postgres` container holding an n8n-shaped
# database named n8n), then runs the same engine the n8n nodes use:
#   n8n-stack-backup backup postgres --container postgres --database n8n
# and prints where the set is and what its manifest says. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "npm start needs root (it runs its own Docker Engine). Run: sudo npm start" >&2; exit 1; fi
bash scripts/testenv.sh start
bash scripts/install-deps.sh
npm run build --silent >/dev/null
source scripts/node24.sh
source "${STACK_TESTENV_DIR:-/tmp/stack-backup-testenv}/env.sh"

# An n8n-shaped database to back up, created once.
if ! docker exec postgres psql -X -qAt -c "select 1 from pg_database where datname='n8n'" | grep -q 1; then
  docker exec postgres psql -X -q -c 'CREATE DATABASE n8n' >/dev/null
  docker exec -i postgres psql -X -q -v ON_ERROR_STOP=1 -d n8n <test/fixtures/n8n-like-schema.sql >/dev/null
fi

ROOT=${BACKUP_ROOT:-$PWD/backups}
result=$(node dist/bin/n8n-stack-backup.js backup postgres --root "$ROOT" --set n8n-postgres \
  --container postgres --database n8n --n8n-skip-executions)
set_path=$(node -e 'console.log(JSON.parse(process.argv[1]).path)' "$result")
echo
echo "Backup set: $set_path"
ls -l "$set_path"
echo
node -e '
  const m = require(process.argv[1] + "/manifest.json");
  const pg = m.inventory.postgres;
  console.log(`manifest: set ${m.set}, ${m.artifacts.length} artifact(s), written ${m.finishedAt}`);
  for (const a of m.artifacts) console.log(`  ${a.file}: ${a.size} bytes (${a.rawSize} raw), ${a.compression}, sha256 ${a.sha256.slice(0, 16)}…`);
  console.log(`  ${pg.tables.length} tables, ${pg.totalRows} rows; n8n: ${pg.n8n.workflows.length} workflows, ${pg.n8n.credentials.length} credentials, migration ${pg.n8n.lastMigration.name}`);
  console.log(`  left out (execution history): ${m.sources.postgres.dataLeftOut.join(", ") || "nothing"}`);
' "$set_path"
