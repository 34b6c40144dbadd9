import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { DEFAULT_INCOMPLETE_GRACE_HOURS, DEFAULT_POLICY, pruneSets, type PruneResult, type ValidPolicy } from '../../core';
import { readSetLocation, setLocationFields } from '../shared/commonFields';
import { coreLoggerFor } from '../shared/coreLogger';
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
		properties: [
			...setLocationFields('n8n-postgres'),
			{
				displayName:
					'Rules are ORed: a set kept by any rule stays. Calendar rules keep the newest set of each of the last N periods that hold a set. The newest set is always kept.',
				name: 'rulesNotice',
				type: 'notice',
				default: '',
			},
			countField('Last', 'keepLast', 'Keep the N newest sets'),
			countField('Hourly', 'keepHourly', 'Keep the newest set of each of the last N hours that have one'),
			countField('Daily', 'keepDaily', 'Keep the newest set of each of the last N days that have one'),
			countField('Weekly', 'keepWeekly', 'Keep the newest set of each of the last N ISO weeks (Monday to Sunday) that have one'),
			countField('Monthly', 'keepMonthly', 'Keep the newest set of each of the last N months that have one'),
			countField('Yearly', 'keepYearly', 'Keep the newest set of each of the last N years that have one'),
			{
				displayName: 'Keep Within',
				name: 'keepWithin',
				type: 'string',
				default: '',
				placeholder: '30d',
				description: 'Keep every set this close to the newest set (not to now): y, m, w, d, h, e.g. 30d or 1y6m',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: 'UTC',
				description: 'IANA time zone the days, weeks, months and years are counted in, e.g. Europe/Berlin',
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description: 'Whether to only report what would be deleted, deleting nothing',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'One Item per Set', value: 'perSet', description: 'Each set with its verdict and reasons' },
					{ name: 'Summary', value: 'summary', description: 'One item with the counts and the deleted runs' },
				],
				default: 'perSet',
			},
			{
				displayName: 'Incomplete Set Grace (Hours)',
				name: 'incompleteGraceHours',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_INCOMPLETE_GRACE_HOURS,
				description: 'Sets left without a manifest by crashed runs are deleted once they are this old',
			},
		],
	};

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
			// As typed: the core checks the counts and fills in the defaults.
			const n = (name: string) => this.getNodeParameter(name, i) as number | string;
			const result = await pruneSets({
				...(await readSetLocation(this, i)),
				policy: {
					keepLast: n('keepLast'),
					keepHourly: n('keepHourly'),
					keepDaily: n('keepDaily'),
					keepWeekly: n('keepWeekly'),
					keepMonthly: n('keepMonthly'),
					keepYearly: n('keepYearly'),
					keepWithin: this.getNodeParameter('keepWithin', i, '') as string,
				},
				timeZone: this.getNodeParameter('timeZone', i) as string,
				dryRun: this.getNodeParameter('dryRun', i, false) as boolean,
				incompleteGraceHours: this.getNodeParameter('incompleteGraceHours', i) as number | string,
				log: coreLoggerFor(this),
			});
			return this.getNodeParameter('output', i, 'perSet') === 'summary' ? summaryItem(result) : setItems(result);
		});
	}
}
