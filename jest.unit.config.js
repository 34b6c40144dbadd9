const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const base = require('./jest.config');

// `npm run test:unit`: the tests that need no root, no server and no external program, in
// seconds and with no setup. A test file belongs here unless it reaches for the test
// environment, a container, a mount or a child process; one that starts doing so leaves this
// lane by itself. `npm test` still runs every file.
const NEEDS_MORE =
	/testEnv\(|STACK_TESTENV|\bmount\b|scratchDatabase|redisFixtures|dockerFixtures|runCli|n8nNodeHarness|ageCli|child_process/;

function testFiles(dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return testFiles(path);
		return name.endsWith('.test.ts') ? [path] : [];
	});
}

/** @type {import('jest').Config} */
module.exports = {
	...base,
	testMatch: undefined,
	testRegex: testFiles(join(__dirname, 'test'))
		.filter((file) => !NEEDS_MORE.test(readFileSync(file, 'utf8')))
		.map((file) => `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
	testTimeout: 10_000,
};
