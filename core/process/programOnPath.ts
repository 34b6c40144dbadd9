import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// Looked up once per program and PATH (a test may take a program off it).
const lookedUp = new Map<string, { path: string | undefined; program: string | null }>();

/** The path of the program `name` on PATH, when one is installed and executable. */
export function findProgramOnPath(name: string): string | null {
	const cached = lookedUp.get(name);
	if (cached && cached.path === process.env.PATH) return cached.program;
	let program: string | null = null;
	for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
		try {
			accessSync(join(dir, name), constants.X_OK);
			program = join(dir, name);
			break;
		} catch {
			// not in this folder
		}
	}
	lookedUp.set(name, { path: process.env.PATH, program });
	return program;
}
