import type { Command } from '../cli/Command';
import { backupPostgresCommand } from './backupPostgres';
import { backupRedisCommand } from './backupRedis';

/** Every command the CLI knows; later ones (redis, volume, list, verify, restore, prune) are one file each. */
export const commands: readonly Command[] = [backupPostgresCommand, backupRedisCommand];
