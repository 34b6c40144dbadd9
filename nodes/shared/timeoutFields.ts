import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS, DEFAULT_STALL_TIMEOUT_SECONDS } from '../../core';

/** In each backup node's Options: a run never waits forever on a frozen server. */
export const stallTimeoutOption: INodeProperties = {
	displayName: 'Stall Timeout (Seconds)',
	name: 'stallTimeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_STALL_TIMEOUT_SECONDS,
	description:
		'Fail the run when the server sends no byte for this long (it froze, or its disk hangs), instead of waiting forever while the lock says it is alive. Also the limit of each request to Postgres, Redis and the Docker Engine.',
};

export const lockWaitTimeoutOption: INodeProperties = {
	displayName: 'Lock Wait Timeout (Seconds)',
	name: 'lockWaitTimeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS,
	description:
		'How long pg_dump waits for a table that another session has locked (an ALTER TABLE, a migration) before the run fails with PG_TIMEOUT',
};
