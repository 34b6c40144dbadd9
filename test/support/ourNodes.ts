import type { INodeType } from 'n8n-workflow';
import { BackupReport } from '../../nodes/BackupReport/BackupReport.node';
import { OffsiteCopy } from '../../nodes/OffsiteCopy/OffsiteCopy.node';
import { PostgresDump } from '../../nodes/PostgresDump/PostgresDump.node';
import { RedisSnapshot } from '../../nodes/RedisSnapshot/RedisSnapshot.node';
import { Restore } from '../../nodes/Restore/Restore.node';
import { RetentionPrune } from '../../nodes/RetentionPrune/RetentionPrune.node';
import { VolumeArchive } from '../../nodes/VolumeArchive/VolumeArchive.node';

/** Every node of the package by the type name workflows use, n8n-nodes-stack-backup.<name>. */
export const OUR_NODES: Record<string, INodeType> = Object.fromEntries(
	[
		new PostgresDump(),
		new RedisSnapshot(),
		new VolumeArchive(),
		new RetentionPrune(),
		new Restore(),
		new BackupReport(),
		new OffsiteCopy(),
	].map((n) => [`n8n-nodes-stack-backup.${n.description.name}`, n]),
);
