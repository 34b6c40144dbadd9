/** @type {import('jest').Config} The end-to-end suite: a real n8n 2.41 (npm run test:e2e). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// n8n starts in 10-20 s, a schedule fires within a minute: steps take minutes, not seconds.
	testTimeout: 600_000,
	maxWorkers: 1,
	reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
	forceExit: true,
};
