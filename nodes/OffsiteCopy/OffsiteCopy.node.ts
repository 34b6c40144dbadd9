import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { assertAllCopied, copySets } from '../../core';
import { resolveBackupRoot } from '../shared/backupRootAccess';
import { coreLoggerFor } from '../shared/coreLogger';
import { stackBackupS3ConnectionTest, stackBackupSigningKeyTest } from '../shared/credentialTests';
import { checkSignaturesField, readTrust } from '../shared/signingFields';
import { runForEachItem } from '../shared/runForEachItem';
import { bucketPlace, bucketRootField } from '../shared/storageFields';

export class OffsiteCopy implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Offsite Copy',
		name: 'offsiteCopy',
		icon: { light: 'file:offsiteCopy.svg', dark: 'file:offsiteCopy.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["direction"] === "toFolder" ? "bucket to folder" : "folder to bucket"}}',
		description: 'Copy complete backup sets that the bucket lacks (off-site), checking every byte against the manifest',
		defaults: { name: 'Offsite Copy' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'stackBackupS3Api',
				displayName: 'Credential for S3',
				required: true,
				testedBy: 'stackBackupS3ConnectionTest',
			},
			{
				name: 'stackBackupSigningKeyApi',
				displayName: 'Credential for Signing',
				required: true,
				testedBy: 'stackBackupSigningKeyTest',
				displayOptions: { show: { checkSignatures: [true] } },
			},
		],
		properties: [
			// First: n8n puts the Signing credential's selector right after the switch it depends on.
			{
				...checkSignaturesField,
				description:
					'Whether to copy only sets signed by the key of a Stack Backup Signing Key credential; the others are reported and stop the workflow, so its error workflow alerts',
			},
			{
				displayName: 'Direction',
				name: 'direction',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Folder to Bucket', value: 'toBucket', description: 'Send the sets of this machine off-site' },
					{ name: 'Bucket to Folder', value: 'toFolder', description: 'Bring sets back from the bucket, for a fast local restore' },
				],
				default: 'toBucket',
			},
			{
				displayName: 'Backup Root Folder',
				name: 'backupRoot',
				type: 'string',
				default: '~/.n8n-files/backups',
				required: true,
				description: 'Folder that holds the backup sets on this machine, one subfolder per set name',
			},
			{ ...bucketRootField, displayOptions: undefined },
			{
				displayName: 'Set Names',
				name: 'setNames',
				type: 'string',
				default: '',
				placeholder: 'All sets',
				description: 'The sets to copy, separated by commas or new lines. Empty: every set in the source.',
			},
		],
	};

	methods = { credentialTest: { stackBackupS3ConnectionTest, stackBackupSigningKeyTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runForEachItem(this, async (i): Promise<IDataObject> => {
			const folder = await resolveBackupRoot(this, this.getNodeParameter('backupRoot', i) as string, i);
			const bucket = await bucketPlace(this, this.getNodeParameter('bucketRoot', i) as string, i);
			const toBucket = this.getNodeParameter('direction', i) !== 'toFolder';
			const result = await copySets({
				from: toBucket ? folder : bucket,
				to: toBucket ? bucket : folder,
				setNames: this.getNodeParameter('setNames', i, '') as string,
				trust: await readTrust(this, i),
				log: coreLoggerFor(this),
			});
			// A run that could not be copied stops the workflow, so its error workflow alerts.
			return assertAllCopied(result) as unknown as IDataObject;
		});
	}
}
