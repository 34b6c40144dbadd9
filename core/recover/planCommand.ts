import { spawn } from 'node:child_process';
import { StackBackupError } from '../errors/StackBackupError';
import type { Logger } from '../logging/Logger';

const OUTPUT_KEPT = 2000;

/**
 * Runs one of the plan's n8n commands with `sh -c`, limited to `timeoutMs`: a run never waits
 * forever. It counts as done when the shell exits, not when its output closes, so a start
 * command may leave n8n running in the background. On a limit, its process group is killed.
 */
export function runPlanCommand(command: string, what: 'stop' | 'start', timeoutMs: number, log: Logger): Promise<void> {
	log.info(`Running the plan's ${what} command: ${command}`);
	return new Promise((resolve, reject) => {
		const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		let output = '';
		const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT));
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const failed = (problem: string) =>
			new StackBackupError('PLAN_COMMAND_FAILED', `The plan's ${what} command ${problem}: ${command}`, {
				hint: `Run it by hand to see why${output.trim() ? ` (it printed: ${output.trim().split('\n').slice(-3).join(' | ')})` : ''}, fix it, and run the recovery again.`,
				details: { command, what },
			});
		const limit = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
			reject(failed(`did not finish within ${Math.round(timeoutMs / 1000)} s`));
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(limit);
			reject(failed(`could not start (${error.message})`));
		});
		child.on('exit', (code, signal) => {
			clearTimeout(limit);
			let settled = false;
			const settle = () => {
				if (settled) return;
				settled = true;
				// What it left running in the background keeps these pipes; let go of them.
				child.stdout.destroy();
				child.stderr.destroy();
				if (code === 0) resolve();
				else reject(failed(signal ? `was killed by ${signal}` : `exited with code ${code}`));
			};
			if (code === 0) return settle();
			// A failure's last words can still be in its pipes when the shell's exit is seen: read
			// them to their end, unless something it left in the background holds them (1 s at most).
			const grace = setTimeout(settle, 1000);
			child.once('close', () => {
				clearTimeout(grace);
				settle();
			});
		});
	});
}
