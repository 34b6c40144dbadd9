/** @type {import('jest').Config} The fault-injection suite (npm run test:faults): real servers, real kills. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/faults'],
	testMatch: ['**/*.faults.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Faults stop and start shared servers (Postgres, Redis, the Docker Engine): one file at a time.
	testTimeout: 600_000,
	maxWorkers: 1,
	reporters: ['default', '<rootDir>/test/support/faultReporter.js', '<rootDir>/test/support/summaryReporter.js'],
	forceExit: true,
};
