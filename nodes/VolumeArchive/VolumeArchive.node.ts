import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { backupFiles, backupReport, backupVolume, openPlace, type DockerConnection, type VolumeSource } from '../../core';
import { resolveAllowedPath } from '../shared/backupRootAccess';
import { backupSetFields, readBackupSetFields } from '../shared/commonFields';
import { dockerConnectionFrom, s3SettingsFrom } from '../shared/credentialConnections';
import {
	stackBackupDockerConnectionTest,
	stackBackupEncryptionTest,
	stackBackupS3ConnectionTest,
	stackBackupSigningKeyTest,
} from '../shared/credentialTests';
import { runForEachItem } from '../shared/runForEachItem';
import { splitList as list } from '../shared/splitList';
import { encryptField } from '../shared/encryptionFields';
import { signField } from '../shared/signingFields';
import { stallTimeoutOption } from '../shared/timeoutFields';
import { storageField } from '../shared/storageFields';

type Mode = 'volume' | 'dir' | 'files' | 'bucket';

/** The source bucket, reached with its own credential (often another server than the backups'). */
async function sourceBucketPlace(ctx: IExecuteFunctions, itemIndex: number) {
	const credential = await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupS3SourceApi', itemIndex);
	return openPlace(ctx.getNodeParameter('sourceBucket', itemIndex) as string, 'root', s3SettingsFrom(credential));
}

export class VolumeArchive implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Volume Archive',
		name: 'volumeArchive',
		icon: { light: 'file:volumeArchive.svg', dark: 'file:volumeArchive.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{"archive: " + ({"volume": "volume " + $parameter["volumeName"], "dir": "folder " + $parameter["folderPath"], "files": "config files"}[$parameter["mode"]] || $parameter["mode"])}}',
		description: 'Archive a Docker volume, a host folder or config files into a verified backup set',
		defaults: { name: 'Volume Archive' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'stackBackupS3Api',
				displayName: 'Credential for S3',
				required: true,
				testedBy: 'stackBackupS3ConnectionTest',
				displayOptions: { show: { storage: ['s3'] } },
			},
			{
				name: 'stackBackupS3SourceApi',
				displayName: 'Credential for the Source Bucket',
				required: true,
				testedBy: 'stackBackupS3ConnectionTest',
				displayOptions: { show: { mode: ['bucket'] } },
			},
			{
				name: 'stackBackupDockerApi',
				displayName: 'Credential for Docker Engine',
				required: false,
				testedBy: 'stackBackupDockerConnectionTest',
				displayOptions: { show: { mode: ['volume', 'dir'] } },
			},
			{
				name: 'stackBackupEncryptionApi',
				displayName: 'Credential for Encryption',
				required: true,
				testedBy: 'stackBackupEncryptionTest',
				displayOptions: { show: { encrypt: [true] } },
			},
			{
				name: 'stackBackupSigningKeyApi',
				displayName: 'Credential for Signing',
				required: true,
				testedBy: 'stackBackupSigningKeyTest',
				displayOptions: { show: { sign: [true] } },
			},
		],
		properties: [
			{
				displayName: 'Source',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Docker Volume',
						value: 'volume',
						description: 'A named volume, read through the Docker Engine (needs its credential)',
					},
					{ name: 'Host Folder', value: 'dir', description: 'A folder this n8n can read' },
					{ name: 'Config Files', value: 'files', description: '.env, docker-compose.yml and similar, stored 0600' },
					{
						name: 'S3 Bucket',
						value: 'bucket',
						description: 'Every object under a prefix of a bucket (a MinIO in the stack, or any S3), its key as the path',
					},
				],
				default: 'volume',
			},
			encryptField,
			signField,
			storageField,
			{
				displayName: 'Volume Name',
				name: 'volumeName',
				type: 'string',
				default: 'n8n_data',
				required: true,
				description: 'The volume, as `docker volume ls` shows it',
				displayOptions: { show: { mode: ['volume'] } },
			},
			{
				displayName: 'Source Bucket and Prefix',
				name: 'sourceBucket',
				type: 'string',
				default: '',
				required: true,
				placeholder: 's3://n8n-files/binary-data',
				description: 'The bucket, and the prefix in it, whose objects to archive; the manifest records their count, bytes and ETags',
				displayOptions: { show: { mode: ['bucket'] } },
			},
			{
				displayName: 'Folder',
				name: 'folderPath',
				type: 'string',
				default: '',
				required: true,
				placeholder: '~/.n8n',
				description: 'The folder to archive, absolute or under ~',
				displayOptions: { show: { mode: ['dir'] } },
			},
			{
				displayName: 'Files',
				name: 'files',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				placeholder: '/opt/n8n/.env\n/opt/n8n/docker-compose.yml',
				description: 'Files that must be there, one per line (absolute, or under ~). Give these, optional files, or both.',
				displayOptions: { show: { mode: ['files'] } },
			},
			{
				displayName: 'Optional Files',
				name: 'optionalFiles',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				description: 'Files that may be missing without failing the backup, one per line',
				displayOptions: { show: { mode: ['files'] } },
			},
			...backupSetFields('n8n-data'),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { mode: ['volume', 'dir'] } },
				options: [
					{
						displayName: 'Exclude',
						name: 'excludes',
						type: 'string',
						default: '',
						placeholder: '*.log, cache/**',
						description: 'Globs to leave out, separated by commas or new lines; "/tmp" is anchored at the top',
					},
					{
						displayName: 'Helper Image',
						name: 'helperImage',
						type: 'string',
						default: '',
						placeholder: 'The image of a container that uses the volume',
						description: 'Image for the helper container that reads the volume (never started, never pulled)',
						displayOptions: { show: { '/mode': ['volume'] } },
					},
					{
						displayName: 'Skip Unreadable Files',
						name: 'skipUnreadable',
						type: 'boolean',
						default: false,
						description: 'Whether to skip files this n8n may not read (with a warning) instead of failing',
						displayOptions: { show: { '/mode': ['dir'] } },
					},
					stallTimeoutOption,
					{
						displayName: 'Stop Containers',
						name: 'stopContainers',
						type: 'string',
						default: '',
						placeholder: 'n8n, n8n-worker',
						description: 'Containers to stop for the whole archive (comma-separated); they are always started again',
						hint: 'Caution: these containers are down while the archive runs. Stopping n8n itself stops this workflow too: archive its data from another n8n, or from the command line.',
					},
					{
						displayName: 'Stop Containers With Label',
						name: 'stopLabel',
						type: 'string',
						default: '',
						placeholder: 'stack-backup.stop-during-backup=true',
						description: 'Also stop every running container with this label (key=value) for the archive',
						hint: 'Caution: every container with this label is down while the archive runs.',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: { stackBackupDockerConnectionTest, stackBackupEncryptionTest, stackBackupS3ConnectionTest, stackBackupSigningKeyTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runForEachItem(this, async (i): Promise<IDataObject> => {
			const mode = this.getNodeParameter('mode', i) as Mode;
			const common = await readBackupSetFields(this, i);
			if (mode === 'files') {
				const files = [];
				for (const f of list(this.getNodeParameter('files', i))) files.push(await resolveAllowedPath(this, f, i, 'file', 'read'));
				const optional = [];
				for (const f of list(this.getNodeParameter('optionalFiles', i, '')))
					optional.push(await resolveAllowedPath(this, f, i, 'file', 'read'));
				return backupReport(await backupFiles({ ...common, files, optional }));
			}
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const stopNames = list(options.stopContainers);
			const stopLabel = String(options.stopLabel ?? '').trim();
			let docker: DockerConnection | undefined;
			if (mode === 'volume' || stopNames.length || stopLabel) {
				docker = dockerConnectionFrom(await this.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', i));
			}
			const source: VolumeSource =
				mode === 'bucket'
					? { type: 'bucket', place: await sourceBucketPlace(this, i) }
					: mode === 'volume'
						? {
								type: 'volume' as const,
								volume: this.getNodeParameter('volumeName', i) as string,
								image: (options.helperImage as string) || undefined,
							}
						: {
								type: 'dir' as const,
								path: await resolveAllowedPath(this, this.getNodeParameter('folderPath', i) as string, i, 'folder', 'read'),
							};
			const result = await backupVolume({
				...common,
				source,
				docker,
				excludes: list(options.excludes),
				stopContainers: { names: stopNames, label: stopLabel || undefined },
				skipUnreadable: mode === 'dir' && Boolean(options.skipUnreadable),
			});
			return backupReport(result);
		});
	}
}
