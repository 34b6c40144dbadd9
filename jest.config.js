/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Real servers: a dump-and-restore round trip takes seconds, not milliseconds.
	testTimeout: 120_000,
	// One Postgres, one Docker Engine: files run one after another so timing-sensitive
	// tests (locks, kills) do not fight over a 2-core machine.
	maxWorkers: 1,
	reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
	// A backstop, not a cure: a timer leaked by a test fixture once kept the in-band run alive
	// after every test had passed, which in CI means waiting for the 90-minute limit.
	// Leaks are still hunted (process.getActiveResourcesInfo()) and fixed where they start.
	forceExit: true,
};
