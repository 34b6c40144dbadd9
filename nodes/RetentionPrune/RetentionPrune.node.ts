import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { DEFAULT_INCOMPLETE_GRACE_HOURS, DEFAULT_POLICY, pruneSets, type PruneResult, type ValidPolicy } from '../../core';
import { readSetLocation, setLocationFields } from '../shared/commonFields';
import { coreLoggerFor } from '../shared/coreLogger';
import { storageField } from '../shared/storageFields';
import { stackBackupS3ConnectionTest } from '../shared/credentialTests';
import { runForEachItem } from '../shared/runForEachItem';

const countField = (rule: string, name: keyof ValidPolicy, description: string): INodeProperties => {
	const fallback: number = (DEFAULT_POLICY[name] as number | undefined) ?? 0;
	return { displayName: `Keep ${rule}`, name, type: 'number', typeOptions: { minValue: 0 }, default: fallback, description };
};

/** Why prune refuses to follow a failed step: deleting old sets after a failed backup can leave no good one. */
function failedInput(item: INodeExecutionData): string | undefined {
	const error = item.json?.error;
	return error === undefined || error === null ? undefined : typeof error === 'string' ? error : JSON.stringify(error);
}

function setItems(result: PruneResult): IDataObject[] {
	const common = { set: result.set, policy: result.policy, timeZone: result.timeZone, dryRun: result.dryRun };
	return [...result.sets, ...result.incomplete].map((s) => ({ ...common, ...s }));
}

function summaryItem(result: PruneResult): IDataObject {
	const { sets, incomplete, ...summary } = result;
	return {
		...summary,
		complete: sets.length,
		incompleteSets: incomplete.length,
		deletedRuns: [...sets, ...incomplete].filter((s) => s.action !== 'kept').map((s) => s.run),
	};
}

export class RetentionPrune implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Retention Prune',
		name: 'retentionPrune',
		icon: { light: 'file:retentionPrune.svg', dark: 'file:retentionPrune.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["dryRun"] ? "dry run" : "delete old sets"}}',
		description: 'Delete old backup sets by a retention policy (keep last, hourly, daily, weekly, monthly, yearly, within)',
		defaults: { name: 'Retention Prune' },
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
			...setLocationFields('n8n-postgres'),
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description: 'Whether to only report what would be deleted, deleting nothing',
				hint: 'Try a new policy with Dry Run on first: the output lists every set, kept or not, and why',
			},
			{
				displayName:
					'A set stays when any rule keeps it. "Keep Daily 7" keeps the newest set of each of the last 7 days that have one; 0 turns a rule off. The newest set is always kept, and files that are not backup sets are never touched.',
				name: 'rulesNotice',
				type: 'notice',
				default: '',
			},
			countField('Daily', 'keepDaily', 'Keep the newest set of each of the last N days that have one'),
			countField('Weekly', 'keepWeekly', 'Keep the newest set of each of the last N ISO weeks (Monday to Sunday) that have one'),
			countField('Monthly', 'keepMonthly', 'Keep the newest set of each of the last N months that have one'),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Incomplete Set Grace (Hours)',
						name: 'incompleteGraceHours',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_INCOMPLETE_GRACE_HOURS,
						description: 'Folders left without a manifest by crashed runs are deleted once they are this old',
					},
					countField('Hourly', 'keepHourly', 'Keep the newest set of each of the last N hours that have one'),
					countField('Last', 'keepLast', 'Keep the N newest sets'),
					{
						displayName: 'Keep Within',
						name: 'keepWithin',
						type: 'string',
						default: '',
						placeholder: 'e.g. 30d or 1y6m',
						description: 'Keep every set this close to the newest set (not to now)',
						hint: 'A number and a unit: y (years), m (months), w (weeks), d (days), h (hours); combine them, as in 1y6m',
					},
					countField('Yearly', 'keepYearly', 'Keep the newest set of each of the last N years that have one'),
					{
						displayName: 'Output',
						name: 'output',
						type: 'options',
						options: [
							{ name: 'One Item per Set', value: 'perSet', description: 'Each set with its verdict and reasons' },
							{ name: 'Summary', value: 'summary', description: 'One item with the counts and the deleted runs' },
						],
						default: 'perSet',
						description: 'What the node outputs: every set with why it was kept or deleted, or one summary item',
					},
					{
						displayName: 'Time Zone',
						name: 'timeZone',
						type: 'string',
						default: 'UTC',
						placeholder: 'e.g. Europe/Berlin',
						description: 'The time zone the days, weeks, months and years are counted in',
						hint: 'An IANA time zone name, such as UTC, Europe/Berlin or America/New_York',
					},
				],
			},
		],
	};

	methods = { credentialTest: { stackBackupS3ConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return runForEachItem(this, async (i) => {
			const failed = failedInput(items[i]);
			if (failed) {
				throw new NodeOperationError(this.getNode(), `Not pruning: the step before failed (${failed})`, {
					itemIndex: i,
					description:
						'Retention only runs after a successful backup, so a failing backup never costs the sets you still have. Fix the failing step first.',
				});
			}
			// As typed: the core checks the counts and fills in the defaults of what was not added.
			const n = (name: string) => this.getNodeParameter(name, i) as number | string;
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const typed = (name: string) => options[name] as number | string | undefined;
			const result = await pruneSets({
				...(await readSetLocation(this, i)),
				policy: {
					keepLast: typed('keepLast'),
					keepHourly: typed('keepHourly'),
					keepDaily: n('keepDaily'),
					keepWeekly: n('keepWeekly'),
					keepMonthly: n('keepMonthly'),
					keepYearly: typed('keepYearly'),
					keepWithin: options.keepWithin as string | undefined,
				},
				timeZone: options.timeZone as string | undefined,
				dryRun: this.getNodeParameter('dryRun', i, false) as boolean,
				incompleteGraceHours: typed('incompleteGraceHours'),
				log: coreLoggerFor(this),
			});
			return (options.output ?? 'perSet') === 'summary' ? summaryItem(result) : setItems(result);
		});
	}
}
