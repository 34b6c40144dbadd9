import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** A key pair made by the real `age-keygen`: the identity file and its public key. */
export interface AgeKeyPair {
	identityFile: string;
	recipient: string;
}

function requireAge(): void {
	if (spawnSync('age', ['--version']).error) {
		throw new Error('The age CLI is missing. Install it with: apt-get install -y age (npm test installs it: scripts/programs.list)');
	}
}

export function ageKeygen(dir: string, name: string): AgeKeyPair {
	requireAge();
	const identityFile = join(dir, `${name}.key`);
	execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' });
	return { identityFile, recipient: execFileSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).trim() };
}

/** `age -d -i IDENTITY FILE`: the plaintext, as the standard tool reads it. */
export function ageDecrypt(file: string, identityFile: string): Buffer {
	requireAge();
	return execFileSync('age', ['-d', '-i', identityFile, file], { maxBuffer: 256 * 1024 * 1024 });
}

export function ageEncryptTo(input: string, output: string, recipient: string): void {
	requireAge();
	execFileSync('age', ['-r', recipient, '-o', output, input]);
}

/**
 * Runs `age` with a passphrase typed at its prompt: age reads passphrases
 * only from a terminal, so it runs under `script`, which gives it one, and
 * the passphrase is typed once per prompt.
 */
export function ageWithPassphrase(args: string[], passphrase: string, prompts: number): void {
	requireAge();
	const typing = Array.from({ length: prompts }, (_, i) => `sleep ${i === 0 ? 1 : 0.5}; printf '%s\\n' "$AGE_TEST_PASSPHRASE"`).join('; ');
	const command = `(${typing}) | script -qec ${shellQuote(['age', ...args].map(shellQuote).join(' '))} /dev/null`;
	const result = spawnSync('bash', ['-c', command], {
		env: { ...process.env, AGE_TEST_PASSPHRASE: passphrase },
		encoding: 'utf8',
		timeout: 60_000,
	});
	if (result.status !== 0) throw new Error(`age ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
}

function shellQuote(s: string): string {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}
