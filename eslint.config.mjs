import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// Self-hosted preset (n8n-node cloud-support disable): this package needs pg,
// dockerode, tar and ioredis, which n8n Cloud's fixed import list forbids.
export default [
	...configWithoutCloudSupport,
	{ ignores: ['dist/**', 'test/**', 'scripts/**', 'jest.config.js', 'gulpfile.js', 'node_modules/**'] },
	{
		files: ['package.json'],
		rules: {
			// Backing up Postgres, Redis and Docker needs their client libraries at runtime.
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
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
