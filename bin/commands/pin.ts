import { pinRun, unpinRun, type PinReport } from '../../core';
import type { Command } from '../cli/Command';
import { placeFrom } from '../cli/storageOptions';
import { optionalString } from '../cli/optionValues';
import { UsageError } from '../cli/UsageError';

const PIN_USAGE = `Usage: n8n-stack-backup pin SETPATH [--reason TEXT]

Pins a run so that retention never deletes it, whatever the keep rules say
(prune reports it as kept for "pinned: TEXT"). A pinned run takes no place of
keep-last nor of any calendar rule. SETPATH is a run folder, or a set folder
for its newest complete run. Pinning a pinned run replaces its reason.
The pin is a file in the run folder (pin.json); the set itself is unchanged.`;

const UNPIN_USAGE = `Usage: n8n-stack-backup unpin SETPATH

Removes a run's pin: retention judges it by the keep rules again.`;

function render(result: unknown): string {
	const r = result as PinReport;
	if (r.pinned) return `Pinned ${r.path} (${r.reason})\n`;
	return r.changed ? `Unpinned ${r.path}\n` : `${r.path} was not pinned\n`;
}

function onePath(positionals: string[]): string {
	if (positionals.length !== 1) throw new UsageError('give one SETPATH');
	return positionals[0];
}

export const pinCommand: Command = {
	path: ['pin'],
	summary: 'keep a run from retention, with a reason',
	usage: PIN_USAGE,
	options: { reason: { type: 'string' }, json: { type: 'boolean' } },
	run: ({ positionals, values, env }) => pinRun(placeFrom(onePath(positionals), 'setFolder', env), optionalString(values, 'reason')),
	render,
};

export const unpinCommand: Command = {
	path: ['unpin'],
	summary: "remove a run's pin",
	usage: UNPIN_USAGE,
	options: { json: { type: 'boolean' } },
	run: ({ positionals, env }) => unpinRun(placeFrom(onePath(positionals), 'setFolder', env)),
	render,
};
