// Runs one command under GNU time and reads what the OS says it cost.
import { spawn } from 'node:child_process';

/**
 * Wall time and peak RSS of a command and its children (GNU time's "Maximum
 * resident set size" is the largest single process of the tree, in KiB).
 */
export function measure(argv, { env = process.env, cwd } = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn('/usr/bin/time', ['-v', ...argv], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => {
			const seconds = Number(process.hrtime.bigint() - started) / 1e9;
			const rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
			if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
			resolve({ seconds, peakRssMiB: rssKiB / 1024, stdout, stderr });
		});
	});
}

export const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
