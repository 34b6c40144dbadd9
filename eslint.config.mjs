import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// The core's layers, lowest first. A folder imports only from layers below its own: never
// upward, never sideways to a peer in its own layer. `process/` is this process's identity
// (host:pid:start) that locks and helper containers record, and the programs it finds on PATH; `options/` reads what a user typed
// (numbers, lists) and names the input an error is about; `retention/` sits beside
// verify/ and restore/, the operations on finished sets; `recover/` brings a whole stack back
// from a night's plan with all of them. See ../shared/design/ARCHITECTURE.md.
const CORE_LAYERS = [
	['errors', 'logging', 'process'],
	['options'],
	['archive'],
	['storage'],
	['backupSet'],
	['docker'],
	['postgres', 'redis', 'volume'],
	['verify', 'restore', 'retention', 'copy'],
	['recover'],
];

// One zone per folder: everything in its own layer (but itself) and every layer above it.
const layerZones = CORE_LAYERS.flatMap((layer, level) => {
	const above = CORE_LAYERS.slice(level + 1).flat();
	return layer.map((folder) => ({
		target: `./core/${folder}`,
		from: [...layer.filter((peer) => peer !== folder), ...above].map((other) => `./core/${other}`),
		message: `core/${folder} sits in layer ${level} (${layer.join(', ')}); it may import only lower layers: ${
			CORE_LAYERS.slice(0, level).flat().join(', ') || 'none'
		}. Move the shared piece down, or pass it in as an argument.`,
	}));
	// The top layer's only folder has nothing above it and no peer: no zone to keep.
}).filter((zone) => zone.from.length > 0);

// The front ends see the core only through its one door.
const frontEndZones = ['nodes', 'bin', 'credentials'].map((frontEnd) => ({
	target: `./${frontEnd}`,
	from: './core',
	except: ['./index.ts'],
	message: `${frontEnd}/ imports the core only through core/index.ts: export what it needs there.`,
}));

// Self-hosted preset (n8n-node cloud-support disable): this package needs pg,
// dockerode, tar and ioredis, which n8n Cloud's fixed import list forbids.
export default [
	...configWithoutCloudSupport,
	{
		ignores: [
			'dist/**',
			'test/**',
			'scripts/**',
			'bench/**',
			'jest.config.js',
			'jest.*.config.js',
			'gulpfile.js',
			'node_modules/**',
			'.cache/**',
			'release/**',
		],
	},
	{
		files: ['package.json'],
		rules: {
			// Backing up Postgres, Redis and Docker needs their client libraries at runtime.
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['core/**/*.ts', 'nodes/**/*.ts', 'bin/**/*.ts', 'credentials/**/*.ts'],
		rules: {
			'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...frontEndZones] }],
		},
	},
	{
		files: ['core/**/*.ts', 'bin/**/*.ts'],
		rules: {
			// pg_dump, psql and pg_restore are programs: running them is the point of the core.
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			// The core is framework-free and throws its own coded StackBackupError; nodes map it.
			'@n8n/community-nodes/require-node-api-error': 'off',
			// The core and CLI are not node code and may import anything the package depends on.
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
		},
	},
];
