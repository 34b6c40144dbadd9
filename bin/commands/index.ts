import type { Command } from '../cli/Command';
import { backupFilesCommand } from './backupFiles';
import { backupPostgresCommand } from './backupPostgres';
import { backupRedisCommand } from './backupRedis';
import { backupVolumeCommand } from './backupVolume';
import { copyCommand } from './copy';
import { extractWorkflowCommand } from './extractWorkflow';
import { keygenCommand } from './keygen';
import { listCommand } from './list';
import { listWorkflowsCommand } from './listWorkflows';
import { pinCommand, unpinCommand } from './pin';
import { planCommand } from './plan';
import { pruneCommand } from './prune';
import { recoverCommand } from './recover';
import { restoreCommand } from './restore';
import { verifyCommand } from './verify';
import { walCollectCommand, walStatusCommand, walStopCommand } from './wal';

/** Every command the CLI knows, one file each. Longer paths first: "list workflows" before "list". */
export const commands: readonly Command[] = [
	backupPostgresCommand,
	backupRedisCommand,
	backupVolumeCommand,
	backupFilesCommand,
	listWorkflowsCommand,
	listCommand,
	verifyCommand,
	restoreCommand,
	planCommand,
	recoverCommand,
	pruneCommand,
	pinCommand,
	unpinCommand,
	copyCommand,
	extractWorkflowCommand,
	keygenCommand,
	walCollectCommand,
	walStopCommand,
	walStatusCommand,
];
