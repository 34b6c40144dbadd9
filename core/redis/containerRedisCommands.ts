import type Docker from 'dockerode';
import { readStreamText } from '../archive/readStreamText';
import type { DockerConnection } from '../docker/dockerConnection';
import { execInContainer } from '../docker/execInContainer';
import { StackBackupError } from '../errors/StackBackupError';
import type { RedisCommands } from './RedisCommands';
import { redisError } from './redisErrors';
import { aboutFields } from '../options/optionFields';

/**
 * Commands through redis-cli inside the Redis container. The password goes
 * in the exec environment as REDISCLI_AUTH, never on redis-cli's command line.
 */
export function containerRedisCommands(
	container: Docker.Container,
	docker: DockerConnection,
	containerName: string,
	options: { port?: number; password?: string; user?: string },
): RedisCommands {
	const where = `container "${containerName}"`;
	const base = ['redis-cli', '--no-auth-warning', '-p', String(options.port ?? 6379)];
	if (options.user) base.push('--user', options.user);
	return {
		where,
		async call(...args) {
			const proc = await execInContainer(container, docker, { cmd: [...base, ...args], env: { REDISCLI_AUTH: options.password } });
			const [out, { exitCode, stderr }] = await Promise.all([readStreamText(proc.stdout), proc.done]);
			const reply = out.trim();
			if ((exitCode === 126 || exitCode === 127) && !reply) {
				throw new StackBackupError('REDIS_FAILED', `redis-cli was not found in ${where}`, {
					hint: 'Name the Redis server container itself, or take the snapshot over the network.',
					details: aboutFields('redisContainer', 'redisMethod'),
				});
			}
			// redis-cli prints error replies on stdout, prefixed with ERR/NOAUTH/WRONGPASS..., and may still exit 0.
			if (exitCode !== 0 || /^(ERR|NOAUTH|WRONGPASS|NOPERM|MISCONF|Could not connect)\b/.test(reply)) {
				throw redisError(new Error(reply || stderr.trim() || `redis-cli exit code ${exitCode}`), where, options.password);
			}
			return reply;
		},
		async close() {},
	};
}
