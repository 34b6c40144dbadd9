import type { IExecuteFunctions } from 'n8n-workflow';
import type { Logger } from '../../core';

/** Core progress goes to n8n's own log, tagged with the node's name. */
export function coreLoggerFor(ctx: IExecuteFunctions): Logger {
	const node = ctx.getNode().name;
	return {
		info: (message) => ctx.logger.info(`[${node}] ${message}`),
		warn: (message) => ctx.logger.warn(`[${node}] ${message}`),
	};
}
