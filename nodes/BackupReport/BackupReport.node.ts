import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { reportSets, writeRecoveryPlan } from '../../core';
import { splitList } from '../shared/splitList';
import { stackBackupS3ConnectionTest } from '../shared/credentialTests';
import { bucketRootField, onLocalStorage, readRoot, storageField } from '../shared/storageFields';
import { runForEachItem } from '../shared/runForEachItem';

export class BackupReport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Backup Report',
		name: 'backupReport',
		icon: { light: 'file:backupReport.svg', dark: 'file:backupReport.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["maxAgeHours"] ? "alert: no backup in " + $parameter["maxAgeHours"] + " h" : "report: newest sets"}}',
		description: 'Report the newest complete set of each name (sizes, durations, warnings), or fail when one is too old',
		defaults: { name: 'Backup Report' },
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
		],
		properties: [
			storageField,
			onLocalStorage({
				displayName: 'Backup Root Folder',
				name: 'backupRoot',
				type: 'string',
				default: '~/.n8n-files/backups',
				required: true,
				description: 'Folder that holds the backup sets, one subfolder per set name',
			}),
			bucketRootField,
			{
				displayName: 'Set Names',
				name: 'setNames',
				type: 'string',
				default: 'n8n-postgres, n8n-redis, n8n-data, n8n-config',
				required: true,
				description: 'The sets to report on, separated by commas or new lines',
			},
			{
				displayName: 'Report File Name',
				name: 'reportFile',
				type: 'string',
				default: 'backup_report.json',
				placeholder: 'No file',
				description: 'Also write the report as this file in the backup root (0600). Empty: no file.',
			},
			{
				displayName: 'Fail When Older Than (Hours)',
				name: 'maxAgeHours',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Stop the workflow with NO_RECENT_BACKUP when a set has no complete run newer than this, so its error workflow alerts',
				hint: '0 never fails. The watchdog template uses 26: a nightly backup plus two hours.',
			},
			{
				displayName: 'Fail When No Passing Drill In (Days)',
				name: 'maxDaysWithoutPassingDrill',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					"Stop the workflow with NO_PASSING_DRILL when no restore drill of a set passed within this many days (drill verdicts are kept in the sets' run folders), so its error workflow alerts",
				hint: '0 never fails. The watchdog template uses 8: a weekly drill plus a day.',
			},
			{
				displayName: 'Fail When WAL Older Than (Minutes)',
				name: 'maxWalAgeMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Stop the workflow with WAL_STALLED when a set that collects WAL (point-in-time recovery) has no WAL batch newer than this, so its error workflow alerts. Sets without WAL collection are not judged.',
				hint: '0 never fails. The watchdog template uses 30.',
			},
			{
				displayName: 'Write Recovery Plan',
				name: 'writeRecoveryPlan',
				type: 'boolean',
				default: false,
				description:
					'Whether to write a recovery plan beside the sets: which run of each set belongs to tonight, and where each goes back to (read from the manifests). `n8n-stack-backup recover` reads it. It holds no secret.',
			},
			{
				displayName: 'N8n Containers',
				name: 'n8nContainers',
				type: 'string',
				default: 'n8n',
				description: 'The containers that run n8n (main and workers), separated by commas: a recovery stops them while the data comes back',
				displayOptions: { show: { writeRecoveryPlan: [true] } },
			},
			{
				displayName: 'N8n Readiness URL',
				name: 'n8nHealthUrl',
				type: 'string',
				default: 'http://localhost:5678/healthz/readiness',
				description: "Where a recovery, run on the Docker host, waits for n8n to answer after starting it again. Empty: it doesn't wait.",
				displayOptions: { show: { writeRecoveryPlan: [true] } },
			},
			{
				displayName: 'N8n Stop Command',
				name: 'n8nStopCommand',
				type: 'string',
				default: '',
				placeholder: 'systemctl stop n8n',
				description:
					'For an n8n that is not a container (a service on a VM): the shell command line a recovery runs to stop it while the data comes back. Empty: none.',
				displayOptions: { show: { writeRecoveryPlan: [true] } },
			},
			{
				displayName: 'N8n Start Command',
				name: 'n8nStartCommand',
				type: 'string',
				default: '',
				placeholder: 'systemctl start n8n',
				description: 'The shell command line a recovery runs to start that n8n again. Empty: none.',
				displayOptions: { show: { writeRecoveryPlan: [true] } },
			},
		],
	};

	methods = { credentialTest: { stackBackupS3ConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// One report per run, whatever number of items the backup steps before it produced.
		const [out] = await runForEachItem(this, async (i): Promise<IDataObject> => {
			const root = await readRoot(this, i);
			const report = await reportSets({
				root,
				setNames: this.getNodeParameter('setNames', i) as string,
				reportFile: (this.getNodeParameter('reportFile', i, '') as string).trim() || undefined,
				maxAgeHours: this.getNodeParameter('maxAgeHours', i) as number | string,
				maxDaysWithoutPassingDrill: this.getNodeParameter('maxDaysWithoutPassingDrill', i, 0) as number | string,
				maxWalAgeMinutes: this.getNodeParameter('maxWalAgeMinutes', i, 0) as number | string,
			});
			if (!this.getNodeParameter('writeRecoveryPlan', i, false)) return report as unknown as IDataObject;
			const { path } = await writeRecoveryPlan({
				root,
				setNames: this.getNodeParameter('setNames', i) as string,
				n8n: {
					containers: splitList(this.getNodeParameter('n8nContainers', i, '')),
					healthUrl: (this.getNodeParameter('n8nHealthUrl', i, '') as string).trim() || null,
					stopCommand: this.getNodeParameter('n8nStopCommand', i, '') as string,
					startCommand: this.getNodeParameter('n8nStartCommand', i, '') as string,
				},
			});
			return { ...report, recoveryPlan: path } as unknown as IDataObject;
		});
		return [out.slice(0, 1)];
	}
}
