// Prints what `npm start` backed up, and the command that verifies it. Plain
// CommonJS for any Node: the command it prints is run with whatever `node` the
// user has (Debian 12's is 20, which reads zstd sets through the zstd program).
const { readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const set = process.argv[2];
const m = JSON.parse(readFileSync(join(set, 'manifest.json'), 'utf8'));
const inv = m.inventory.volume || {};
console.log(`  ${m.artifacts.map((a) => `${a.file}  ${a.size} bytes  sha256 ${a.sha256.slice(0, 16)}…`).join('\n  ')}`);
if (inv.source) console.log(`  ${inv.files} files, ${inv.bytes} bytes from ${inv.source.path}`);
if (inv.n8n)
	console.log(`  n8n: SQLite copied with the backup API: ${inv.n8n.sqliteSnapshot}; encryption key fingerprint: ${inv.n8n.encryptionKeyFingerprint}`);
console.log(`  warnings: ${m.warnings.length ? m.warnings.join('; ') : 'none'}`);
// From the repository folder, where the user is: quoted, for a path with spaces.
const cli = relative(process.cwd(), join(__dirname, '..', 'dist', 'bin', 'n8n-stack-backup.js'));
console.log(`  verify or restore it: node ${cli} verify '${set.replace(/'/g, `'\\''`)}' --drill`);
