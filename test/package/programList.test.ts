import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/**
 * Keeps scripts/programs.list true: every program that the sources, the tests, the
 * benchmarks and the scripts start must be on it, so that `npm test` installs it on a
 * fresh machine. A green CI on a reused machine cannot show a missing install step; this can.
 *
 * Found: the first argument of spawn, spawnSync, execFile, execFileSync, execSync and fork;
 * the first word of the benchmarks' argv arrays; every command of the shell text handed to
 * `bash -c` (the benchmarks' sh()) and of the bash scripts, parsed by shfmt. A program
 * named through a variable cannot be read off the source: INDIRECT says which programs each
 * such call site can start, and an unknown site fails the test until it is declared there.
 */

const REPO = join(__dirname, '..', '..');
const CODE_FOLDERS = ['core', 'bin', 'nodes', 'credentials', 'test', 'bench'];
const SCRIPTS = [
	'.ci/run',
	...readdirSync(join(REPO, 'scripts'))
		.filter((f) => f.endsWith('.sh'))
		.map((f) => `scripts/${f}`),
];

/** `file: expression` of a call that names its program through a variable -> what it can run. */
const INDIRECT: Record<string, string[]> = {
	// The pg_dump path is an option: postgresBackup.failures.test.ts gives /bin/true.
	'core/postgres/localPgDump.ts: binary': ['pg_dump', 'psql', 'pg_restore', 'pg_basebackup', 'pg_receivewal', 'true'],
	"core/verify/scratchRedis.ts: target.redisServerPath ?? 'redis-server'": ['redis-server'],
	'test/support/ageCli.ts: command': ['sleep', 'script', 'age'],
	'test/support/runCli.ts: cmd': ['node', '/usr/bin/node'],
	'test/support/restoreForTest.ts: cmd': ['psql', 'pg_restore'],
	// The verify command the demo prints, run as a user would paste it.
	'test/bin/demoVerifyCommand.cli.test.ts: printed!': ['node'],
	'test/support/restoreForTest.ts: tool': ['gzip', 'zstd'],
	// The zstd program found on PATH, when it is there.
	'core/archive/decompressIntoFile.ts: program': ['zstd'],
	// The zstd program's path as found on PATH, or its name (a missing one says to install it).
	'core/archive/zstdProgram.ts: program': ['zstd'],
	// psql next to the configured pg_dump, or `docker exec -i` of the container's psql (dockerCliExec.ts);
	// its feeder, `sh -c`, runs zstd ("$0") and cat.
	'core/postgres/psqlFedByZstd.ts: psql.program': ['psql', 'docker'],
	// The docker program found on PATH, asked whether it reaches the Engine before psql is fed through it.
	'core/docker/dockerCliExec.ts: probe.program': ['docker'],
	'bench/run.mjs: ${createdb}': ['psql'],
	'bench/run.mjs: NODE': ['node'],
	'bench/recoverStack.mjs: node': ['node'],
	'bench/pitrCluster.mjs: node': ['node'],
	'bench/run.mjs: ${dump}': ['pg_dump'],
	'bench/measure.mjs: /usr/bin/time': ['/usr/bin/time'],
	// scripts/testenv.sh: pg_bin prints the path of a PostgreSQL server program.
	'scripts/testenv.sh: "$(pg_bin initdb)"': ['/usr/lib/postgresql/15/bin/initdb'],
	'scripts/testenv.sh: "$(pg_bin pg_ctl)"': ['/usr/lib/postgresql/15/bin/pg_ctl'],
	'scripts/testenv.sh: "$(pg_bin pg_isready)"': ['/usr/lib/postgresql/15/bin/pg_isready'],
	// start_daemon NAME COMM CMD... starts the Ceph daemons; wait_for runs shell functions.
	'scripts/s3-testenv.sh: "$@"': ['ceph-mon', 'ceph-osd', 'radosgw'],
	'scripts/test.sh: "${JEST[@]}"': ['node'],
	'scripts/test-e2e.sh: "${JEST[@]}"': ['node'],
	'scripts/test-faults.sh: "${JEST[@]}"': ['node'],
	'scripts/demo.sh: "$N8N"': ['node'],
	'scripts/n8n-install.sh: "$APP/node_modules/.bin/n8n"': ['node'],
};

/** Programs that a listed program starts for us: n8n-install.sh's `npm rebuild sqlite3` builds with node-gyp. */
const STARTED_BY_OTHERS: Record<string, string[]> = {
	'npm (node-gyp, scripts/n8n-install.sh)': ['python3', 'make', 'g++'],
	// A queue-mode worker gets a host name of its own: unshare --uts sh -c 'hostname NAME && exec n8n worker'.
	'unshare (test/e2e/support/n8nInstance.ts)': ['sh', 'hostname'],
};

/** Started through their process, not looked up: node is the runtime itself. */
const SELF = new Set(['process.execPath', 'NODE24', 'NODE20', 'NODE22']);
const SELF_PROGRAMS: Record<string, string> = { 'process.execPath': 'node', NODE24: 'node', NODE20: '/usr/bin/node', NODE22: 'node' };

// Shell words that are not programs: builtins and keywords.
const BUILTINS = new Set(
	(
		'. : [ [[ alias bg break builtin caller cd command compgen complete continue declare dirs disown echo ' +
		'enable eval exec exit export false fc fg getopts hash help history jobs kill let local logout mapfile ' +
		'popd printf pushd pwd read readarray readonly return set shift shopt source suspend test times trap ' +
		'true type typeset ulimit umask unalias unset wait'
	).split(' '),
);
// Commands that run the word after their options: that word is a program too.
const WRAPPERS = new Set(['exec', 'setsid', 'setpriv', 'env', 'nohup', 'timeout', 'time', 'xargs']);

interface Use {
	program: string;
	where: string;
}

function listedPrograms(): Set<string> {
	const rows = readFileSync(join(REPO, 'scripts', 'programs.list'), 'utf8')
		.split('\n')
		.filter((line) => line.trim() && !line.trim().startsWith('#'));
	return new Set(rows.map((line) => line.trim().split(/\s+/)[0]));
}

function filesUnder(folder: string): string[] {
	return readdirSync(join(REPO, folder)).flatMap((name) => {
		const path = join(folder, name);
		if (statSync(join(REPO, path)).isDirectory()) return filesUnder(path);
		return /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
	});
}

/** The text of a call's first argument, from `(` on: up to the first comma or `)` at depth 0. */
function firstArgument(source: string, open: number): string {
	let depth = 0;
	let quote = '';
	for (let i = open; i < source.length; i++) {
		const c = source[i];
		if (quote) {
			if (c === '\\') i++;
			else if (c === quote) quote = '';
		} else if (c === "'" || c === '"' || c === '`') quote = c;
		else if ('([{'.includes(c)) depth++;
		else if (')]}'.includes(c)) {
			if (depth === 0) return source.slice(open, i).trim();
			depth--;
		} else if (c === ',' && depth === 0) return source.slice(open, i).trim();
	}
	return source.slice(open).trim();
}

const literal = (text: string) => /^(['"])([^'"$`]*)\1$/.exec(text)?.[2];
const lineOf = (source: string, index: number) => source.slice(0, index).split('\n').length;

/** Every command (and each wrapper's command) in a piece of bash, by shfmt's parse. */
function shellCommands(script: string, where: string): Use[] {
	const ast = JSON.parse(
		execFileSync('shfmt', ['--to-json'], { input: script, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }),
	) as unknown;
	const functions = new Set<string>();
	const calls: Array<{ words: Array<{ text: string; literal?: string }>; line: number }> = [];
	const wordOf = (word: { Pos: { Offset: number }; End: { Offset: number }; Parts: Array<{ Type: string; Value?: string }> }) => {
		const text = Buffer.from(script).subarray(word.Pos.Offset, word.End.Offset).toString();
		const single = word.Parts.length === 1 && word.Parts[0].Type === 'Lit' ? word.Parts[0].Value : undefined;
		return { text, literal: single };
	};
	const walk = (node: unknown): void => {
		if (Array.isArray(node)) return node.forEach(walk);
		if (!node || typeof node !== 'object') return;
		const n = node as Record<string, unknown>;
		if (n.Type === 'FuncDecl') functions.add((n.Name as { Value: string }).Value);
		if (n.Type === 'CallExpr' && Array.isArray(n.Args) && n.Args.length) {
			calls.push({ words: (n.Args as Parameters<typeof wordOf>[0][]).map(wordOf), line: (n.Pos as { Line: number }).Line });
		}
		Object.values(n).forEach(walk);
	};
	walk(ast);
	const uses: Use[] = [];
	for (const { words, line } of calls) {
		let i = 0;
		while (i < words.length) {
			const word = words[i];
			const name = word.literal;
			if (name === undefined) {
				uses.push({ program: `?${word.text}`, where: `${where}:${line}` });
				break;
			}
			if (name === 'command' && words[i + 1]?.literal === '-v') break;
			if (functions.has(name) || (BUILTINS.has(name) && name !== 'exec')) break;
			if (!WRAPPERS.has(name)) {
				uses.push({ program: name, where: `${where}:${line}` });
				break;
			}
			if (name !== 'exec') uses.push({ program: name, where: `${where}:${line}` });
			// The wrapped program: the first word after the wrapper's options and VAR=value pairs.
			i++;
			while (i < words.length && /^(-|[A-Za-z_][A-Za-z0-9_]*=|[0-9.]+[smh]?$)/.test(words[i].literal ?? words[i].text)) i++;
		}
	}
	return uses;
}

function codeUses(file: string): Use[] {
	const source = readFileSync(join(REPO, file), 'utf8');
	const uses: Use[] = [];
	const at = (index: number) => `${file}:${lineOf(source, index)}`;
	for (const match of source.matchAll(/\b(spawn|spawnSync|execFile|execFileSync|execSync|fork)\(/g)) {
		const expression = firstArgument(source, match.index + match[0].length);
		if (match[1] === 'execSync') {
			uses.push(...shellCommands(literal(expression) ?? expression, at(match.index)));
			continue;
		}
		const program = literal(expression) ?? (SELF.has(expression) ? SELF_PROGRAMS[expression] : `?${expression}`);
		uses.push({ program, where: at(match.index) });
		// bash -c TEXT: the commands of TEXT are started too.
		const shellText =
			program === 'bash'
				? /^\s*,\s*\[[^\]]*?'-c',\s*([^\],]+)/.exec(source.slice(match.index + match[0].length + expression.length))
				: null;
		if (shellText) {
			const text = literal(shellText[1].trim());
			uses.push(
				...(text === undefined ? [{ program: `?${shellText[1].trim()}`, where: at(match.index) }] : shellCommands(text, at(match.index))),
			);
		}
	}
	// The benchmarks hand /usr/bin/time an argv: its first word, or bash text through sh().
	for (const match of source.matchAll(/\bargv: \([^)]*\) =>\s*\[\s*/g)) {
		const expression = firstArgument(source, match.index + match[0].length);
		uses.push({
			program: literal(expression) ?? (SELF.has(expression) ? SELF_PROGRAMS[expression] : `?${expression}`),
			where: at(match.index),
		});
	}
	for (const match of source.matchAll(/\bsh\(\s*`([^`]*)`/g)) {
		// `${name}` reads as the shell's own expansion (a command line kept in a variable must be
		// declared in INDIRECT); any other interpolation stands for one word, such as a path.
		uses.push(...shellCommands(match[1].replace(/\$\{(?![A-Za-z_]\w*\})[^}]*\}/g, 'X'), at(match.index)));
	}
	// A browser driver starts the browser it is given.
	for (const match of source.matchAll(/\bexecutablePath:\s*'([^']+)'/g)) uses.push({ program: match[1], where: at(match.index) });
	if (/\bsh = \(script\) => \['bash'/.test(source)) uses.push({ program: 'bash', where: `${file}: sh()` });
	return uses;
}

function allUses(): Use[] {
	const code = CODE_FOLDERS.flatMap(filesUnder)
		.filter((file) => !file.endsWith('programList.test.ts'))
		.flatMap(codeUses);
	const scripts = SCRIPTS.flatMap((file) => shellCommands(readFileSync(join(REPO, file), 'utf8'), file));
	// A script's first line names its interpreter: `#!/usr/bin/env bash` starts env, then bash.
	const shebangs = [...SCRIPTS, 'bin/n8n-stack-backup.ts'].flatMap((file) => {
		const line = readFileSync(join(REPO, file), 'utf8').split('\n')[0];
		const words = line.startsWith('#!') ? line.slice(2).trim().split(/\s+/) : [];
		return words.map((word) => ({ program: basename(word), where: `${file}:1` }));
	});
	const packageScripts = Object.entries(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts as Record<string, string>)
		.flatMap(([name, script]) => shellCommands(script, `package.json scripts.${name}`))
		// npm puts node_modules/.bin first on PATH for package scripts: those are npm's.
		.filter((use) => !execFileSyncSafe(join(REPO, 'node_modules', '.bin', use.program)));
	// programs.sh runs each row's check: another program a check starts is started too (a row's
	// own program is not: else no row could ever be found unused).
	const checks = readFileSync(join(REPO, 'scripts', 'programs.list'), 'utf8')
		.split('\n')
		.filter((line) => line.trim() && !line.trim().startsWith('#'))
		.flatMap((line) => {
			const [program, , ...check] = line.trim().split(/\s+/);
			return shellCommands(check.join(' '), 'scripts/programs.list').filter((use) => basename(use.program) !== basename(program));
		});
	const byOthers = Object.entries(STARTED_BY_OTHERS).flatMap(([where, programs]) => programs.map((program) => ({ program, where })));
	return [...code, ...scripts, ...shebangs, ...packageScripts, ...checks, ...byOthers];
}

function execFileSyncSafe(path: string): boolean {
	try {
		return statSync(path).isFile();
	} catch {
		return false;
	}
}

/** A use through a variable becomes the programs INDIRECT declares for it. */
function resolve(use: Use): Use[] {
	if (!use.program.startsWith('?')) return [use];
	const key = `${use.where.replace(/:\d+$/, '').replace(/:.*$/, '')}: ${use.program.slice(1)}`;
	const declared = INDIRECT[key];
	if (!declared) return [use];
	return declared.map((program) => ({ program, where: use.where }));
}

describe('scripts/programs.list', () => {
	const listed = listedPrograms();
	const uses = allUses().flatMap(resolve);

	it('finds the programs it is meant to find (the scanner itself works)', () => {
		const found = new Set(uses.map((use) => use.program));
		// One of each kind of site: a literal spawn, a wrapper's program, a pipeline in a script,
		// a bench argv, bash text through sh(), a declared indirect call, a package.json script.
		for (const program of [
			'age-keygen',
			'redis-server',
			'sha256sum',
			'tar',
			'pigz',
			'pg_dump',
			'dockerd',
			'gzip',
			'/usr/lib/postgresql/15/bin/initdb',
		])
			expect(found).toContain(program);
	});

	it('names every program that the sources, tests, benchmarks and scripts start', () => {
		const unknownSites = uses.filter((use) => use.program.startsWith('?'));
		expect(
			unknownSites.map(
				(use) =>
					`${use.where} starts a program through \`${use.program.slice(1)}\`: declare which programs it can be in INDIRECT (test/package/programList.test.ts)`,
			),
		).toEqual([]);
		const missing = uses.filter((use) => !use.program.startsWith('?') && !listed.has(use.program) && !listed.has(basename(use.program)));
		expect(
			missing.map(
				(use) =>
					`${use.where} starts ${use.program}, which scripts/programs.list does not name: add its row (program, Debian package, check)`,
			),
		).toEqual([]);
	});

	it('lists nothing that nothing starts', () => {
		const started = new Set(uses.flatMap((use) => [use.program, basename(use.program)]));
		// The list's own tools: shfmt reads the scripts here, the installer calls apt-get.
		const stale = [...listed].filter((program) => !started.has(program) && !['shfmt'].includes(program));
		expect(stale).toEqual([]);
	});

	it('every row has a provider and a check that starts with its program', () => {
		const rows = readFileSync(join(REPO, 'scripts', 'programs.list'), 'utf8')
			.split('\n')
			.filter((line) => line.trim() && !line.trim().startsWith('#'))
			.map((line) => line.trim().split(/\s+/));
		for (const [program, provider, ...check] of rows) {
			expect({ program, provider: provider ?? '', check: check.length > 0 }).toEqual({
				program,
				provider: expect.stringMatching(/^[a-z0-9.+-]+$/),
				check: true,
			});
			expect(relative('.', check[0]).endsWith(basename(program)) || check[0] === basename(program)).toBe(true);
		}
	});
});
