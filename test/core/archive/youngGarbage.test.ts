import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const DIST_MEASURING_STREAM = join(__dirname, '..', '..', '..', 'dist', 'core', 'archive', 'MeasuringStream.js');

/**
 * Reads 512 MiB from a pipe in a process of its own (this one's heap would blur the numbers),
 * through MeasuringStream or not, and prints the peak of V8's array buffer memory in MiB.
 */
function peakArrayBuffersMiB(throughMeasuringStream: boolean): number {
	const script = `
		const { spawn } = require('node:child_process');
		const { Writable, PassThrough } = require('node:stream');
		const { pipeline } = require('node:stream/promises');
		const { MeasuringStream } = require(${JSON.stringify(DIST_MEASURING_STREAM)});
		let peak = 0;
		const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().arrayBuffers); }, 2);
		const source = spawn('head', ['-c', String(512 * 1048576), '/dev/zero'], { stdio: ['ignore', 'pipe', 'inherit'] });
		const stage = ${throughMeasuringStream} ? new MeasuringStream({ hash: true }) : new PassThrough();
		pipeline(source.stdout, stage, new Writable({ write: (_chunk, _e, callback) => callback() })).then(() => {
			clearInterval(sample);
			process.stdout.write(String(Math.round(peak / 1048576)));
		});
	`;
	return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 }));
}

describe('memory stays flat while bytes stream through a stage', () => {
	it('pipe reads freed as they go: array buffers stay under 16 MiB over 512 MiB, a third of what V8 alone lets pile up', () => {
		// Without the collections: every 64 KiB read waits for V8's trigger on outside memory.
		const alone = peakArrayBuffersMiB(false);
		const measured = peakArrayBuffersMiB(true);
		// Measured: 38 to 49 MiB alone, 6 MiB through MeasuringStream.
		expect(measured).toBeLessThan(16);
		expect(alone).toBeGreaterThan(measured * 3);
	});
});
