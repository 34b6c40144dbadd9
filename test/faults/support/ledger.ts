import { appendFileSync } from 'node:fs';

/**
 * The fault suite's tally, one JSON line per event in the file the runner
 * names (STACK_FAULT_LEDGER); test/support/faultReporter.js prints the totals.
 * A file, because jest may run test files in other processes than the reporter.
 */
type Entry =
	| { type: 'fault'; name: string; survived: boolean }
	| { type: 'badInput'; name: string; refused: boolean }
	| { type: 'dataLost'; name: string; count: number }
	| { type: 'measure'; name: string; value: string };

function record(entry: Entry): void {
	const path = process.env.STACK_FAULT_LEDGER;
	if (path) appendFileSync(path, `${JSON.stringify(entry)}\n`);
}

/**
 * Injects a fault and checks what must hold afterwards. The fault counts as
 * survived only when every check passes; a failing check fails the test too.
 */
export async function injectFault(name: string, inject: () => Promise<void>, afterwards: () => Promise<void>): Promise<void> {
	await inject();
	try {
		await afterwards();
	} catch (error) {
		record({ type: 'fault', name, survived: false });
		throw error;
	}
	record({ type: 'fault', name, survived: true });
}

/** Feeds one bad input; `refusedAsExpected` asserts the refusal (and that nothing was harmed). */
export async function tryBadInput(name: string, refusedAsExpected: () => Promise<void>): Promise<void> {
	try {
		await refusedAsExpected();
	} catch (error) {
		record({ type: 'badInput', name, refused: false });
		throw error;
	}
	record({ type: 'badInput', name, refused: true });
}

/** Data that should have survived and did not (an earlier set that no longer verifies, a file outside a target, a foreign file deleted). */
export function recordDataLost(name: string, count: number): void {
	record({ type: 'dataLost', name, count });
}

/** A figure the closing note quotes (how long a frozen run took to end, how many races ran). */
export function recordMeasure(name: string, value: string): void {
	record({ type: 'measure', name, value });
}
