import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import { localPath, type OptionField } from '../../core';

const FIELD_OF: Record<string, OptionField> = { 'backup root folder': 'root', 'set folder': 'setFolder' };

function expandHome(path: string): string {
	return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/**
 * An absolute path n8n 2.x lets nodes use: the backup root, or a folder or
 * file to back up.
 * n8n restricts file access to N8N_RESTRICT_FILE_ACCESS_TO (default
 * ~/.n8n-files) and blocks its own folder; its helpers enforce that only for
 * their own reads and writes, so the check is made here, before anything is
 * written, and the error says which variable opens the folder.
 */
export async function resolveAllowedPath(
	ctx: IExecuteFunctions,
	raw: string,
	itemIndex: number,
	what: string,
	access: 'write to' | 'read',
): Promise<string> {
	if (!raw?.trim()) {
		throw new NodeOperationError(ctx.getNode(), `No ${what} was given`, { itemIndex, description: `Set the ${what}.` });
	}
	// Before resolving: "s3://bucket" would become a folder named "s3:" under the working folder.
	localPath(raw, FIELD_OF[what]);
	const absolute = resolve(expandHome(raw.trim()));
	let resolved = absolute;
	try {
		resolved = await ctx.helpers.resolvePath(absolute);
	} catch {
		// The folder and its parent may not exist yet; the core creates them.
	}
	if (ctx.helpers.isFilePathBlocked(resolved as never)) {
		const allowed = process.env.N8N_RESTRICT_FILE_ACCESS_TO || '~/.n8n-files';
		throw new NodeOperationError(ctx.getNode(), `n8n does not allow this node to ${access} ${resolved}`, {
			itemIndex,
			description:
				`n8n only lets nodes use files under N8N_RESTRICT_FILE_ACCESS_TO (now: ${allowed}) and never inside its own ~/.n8n folder. ` +
				`Choose a ${what} under an allowed folder, or add this folder to N8N_RESTRICT_FILE_ACCESS_TO (separate folders with ";") and restart n8n. ` +
				"For a folder inside ~/.n8n (n8n's own data), also set N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES=false, or archive its Docker volume instead.",
		});
	}
	return resolved;
}

export function resolveBackupRoot(ctx: IExecuteFunctions, raw: string, itemIndex: number): Promise<string> {
	return resolveAllowedPath(ctx, raw, itemIndex, 'backup root folder', 'write to');
}
