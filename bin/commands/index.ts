import type { Command } from '../cli/Command';
import { backupFilesCommand } from './backupFiles';
import { backupPostgresCommand } from './backupPostgres';
import { backupRedisCommand } from './backupRedis';
import { backupVolumeCommand } from './backupVolume';

/** Every command the CLI knows; later ones (list, verify, restore, prune) are one file each. */
export const commands: readonly Command[] = [backupPostgresCommand, backupRedisCommand, backupVolumeCommand, backupFilesCommand];
