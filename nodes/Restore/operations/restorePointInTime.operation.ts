import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { lastName, openPlace, parentPlace, parseRunFolderName, restoreToPointInTime, StackBackupError, type Place } from '../../../core';
import { coreLoggerFor } from '../../shared/coreLogger';
import { dockerConnectionFrom } from '../../shared/credentialConnections';
import { readDecryptionKeys } from '../../shared/encryptionFields';
import { readTrust } from '../../shared/signingFields';
import { readSetFolder, setFolderField } from './setFolderField';

const OPERATION = ['restorePointInTime'];

export const fields: INodeProperties[] = [
	setFolderField(OPERATION),
	{
		displayName: 'Recover To',
		name: 'recoverTo',
		type: 'string',
		default: 'latest',
		required: true,
		placeholder: '2026-12-01T14:32:00Z',
		description: 'A moment (ISO time, UTC unless it names its offset), or "latest" for all WAL collected',
		displayOptions: { show: { operation: OPERATION } },
	},
	{
		displayName: 'Postgres Container Name',
		name: 'likeContainer',
		type: 'string',
		default: 'postgres',
		required: true,
		description:
			'The scratch container is made like this one (image, settings) on a new volume, with no network. The live container is not touched.',
		displayOptions: { show: { operation: OPERATION } },
	},
	{
		displayName: 'Keep Scratch Container',
		name: 'keepScratch',
		type: 'boolean',
		default: false,
		description:
			'Whether to leave the recovered server running in its scratch container (its name is in the output), to read from it with docker exec; remove it and its volume when done',
		displayOptions: { show: { operation: OPERATION } },
	},
];

/** Recovers the set's cluster to a moment in a scratch container, and outputs what it found there. */
export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const typed = (ctx.getNodeParameter('recoverTo', i) as string).trim();
	const to = typed === 'latest' ? 'latest' : new Date(typed);
	if (to !== 'latest' && Number.isNaN(to.getTime())) {
		throw new StackBackupError('INVALID_INPUT', `Recover To: "${typed}" is not a moment`, {
			hint: 'Type "latest", or a time such as 2026-12-01T14:32:00Z.',
		});
	}
	const folder = await readSetFolder(ctx, i);
	const place: Place = openPlace(folder, 'setFolder');
	// A run folder names the base backup to start from; a set folder leaves the choice to the moment.
	const isRun = parseRunFolderName(lastName(place)) !== null;
	const set = isRun ? parentPlace(place) : place;
	const result = await restoreToPointInTime({
		root: parentPlace(set),
		setName: lastName(set),
		to,
		baseRun: isRun ? place : undefined,
		docker: dockerConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', i)),
		target: {
			type: 'scratch',
			likeContainer: ctx.getNodeParameter('likeContainer', i) as string,
			keep: ctx.getNodeParameter('keepScratch', i) as boolean,
		},
		verifyBaseBackup: true,
		keys: await readDecryptionKeys(ctx, i),
		trust: await readTrust(ctx, i),
		log: coreLoggerFor(ctx),
	});
	return { ...result, workflowCount: result.workflows ? Object.keys(result.workflows).length : 0 } as unknown as IDataObject;
}
