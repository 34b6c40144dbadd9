// Prints the fault suite's figures after jest's summary, from the ledger the
// tests append to (test/faults/support/ledger.ts).
const { existsSync, readFileSync } = require('node:fs');

class FaultReporter {
	onRunComplete() {
		const path = process.env.STACK_FAULT_LEDGER;
		const entries =
			path && existsSync(path)
				? readFileSync(path, 'utf8')
						.trim()
						.split('\n')
						.filter(Boolean)
						.map((l) => JSON.parse(l))
				: [];
		const faults = entries.filter((e) => e.type === 'fault');
		const bad = entries.filter((e) => e.type === 'badInput');
		const lost = entries.filter((e) => e.type === 'dataLost').reduce((n, e) => n + e.count, 0);
		const lines = [
			'',
			'Fault injection summary',
			`  faults injected:   ${faults.length}`,
			`  faults survived:   ${faults.filter((e) => e.survived).length}`,
			`  bad inputs tried:  ${bad.length}`,
			`  bad inputs refused: ${bad.filter((e) => e.refused).length}`,
			`  data lost:         ${lost}${lost ? '  <-- must be 0' : ''}`,
		];
		for (const e of entries.filter((m) => m.type === 'measure')) lines.push(`  measured: ${e.name}: ${e.value}`);
		for (const e of faults.filter((f) => !f.survived)) lines.push(`  NOT SURVIVED: ${e.name}`);
		for (const e of bad.filter((b) => !b.refused)) lines.push(`  NOT REFUSED: ${e.name}`);
		process.stdout.write(`${lines.join('\n')}\n`);
	}
}
module.exports = FaultReporter;
