import { dockerCliExec, dockerExecCommand } from '../../../core/docker/dockerCliExec';
import { testEnv } from '../../support/testEnv';

const env = testEnv();

describe('docker exec through the docker program (a zstd-compressed dump fed to the container psql)', () => {
	const pgEnv = { PGUSER: 'n8n', PGPASSWORD: 'pw-never-in-argv-7f3a', PGDATABASE: 'n8n', PGHOST: undefined, PGSSLMODE: '' };

	it('names each variable on the command line and gives its value only in the environment: the password never reaches argv', () => {
		const command = dockerExecCommand('/usr/bin/docker', { socketPath: '/run/test-docker.sock' }, 'postgres', ['psql', '-X'], pgEnv);
		expect(command.args).toEqual(['exec', '-i', '-e', 'PGUSER', '-e', 'PGPASSWORD', '-e', 'PGDATABASE', 'postgres', 'psql', '-X']);
		expect(command.args.join(' ')).not.toContain('pw-never-in-argv-7f3a');
		expect(command.env).toMatchObject({ PGPASSWORD: 'pw-never-in-argv-7f3a', DOCKER_HOST: 'unix:///run/test-docker.sock' });
		// Unset and empty variables are not passed: the container's own defaults stay.
		expect(command.args).not.toContain('PGHOST');
		expect(command.args).not.toContain('PGSSLMODE');
	});

	it('reaches the Engine the run was given, whatever docker context, host or TLS settings the environment names', () => {
		const names = ['DOCKER_CONTEXT', 'DOCKER_HOST', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'] as const;
		const saved = names.map((name) => [name, process.env[name]] as const);
		Object.assign(process.env, {
			DOCKER_CONTEXT: 'elsewhere',
			DOCKER_HOST: 'tcp://10.0.0.9:2375',
			DOCKER_TLS: '1',
			DOCKER_TLS_VERIFY: '1',
			DOCKER_CERT_PATH: '/certs',
		});
		try {
			const command = dockerExecCommand('/usr/bin/docker', { host: '127.0.0.1', port: 2375 }, 'postgres', ['psql'], {});
			expect(command.env.DOCKER_HOST).toBe('tcp://127.0.0.1:2375');
			for (const name of ['DOCKER_CONTEXT', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'])
				expect(command.env[name]).toBeUndefined();
		} finally {
			for (const [name, value] of saved)
				if (value === undefined) delete process.env[name];
				else process.env[name] = value;
		}
	});

	it('is used when the docker program answers for the Engine and sees the container running', async () => {
		const command = await dockerCliExec({ socketPath: env.dockerSocket }, env.containerPostgres.container, ['psql'], {});
		expect(command?.args).toEqual(['exec', '-i', env.containerPostgres.container, 'psql']);
	});

	it('is not used (the Engine API is, as without one) when the docker program cannot reach that Engine, for an Engine behind TLS, or without the docker program', async () => {
		// A docker program that cannot use this Engine (too old a client, a look-alike) fails the same way as one pointed nowhere.
		expect(await dockerCliExec({ socketPath: '/nonexistent/docker.sock' }, env.containerPostgres.container, ['psql'], {})).toBeNull();
		expect(await dockerCliExec({ socketPath: env.dockerSocket }, 'no-such-container-7f3a', ['psql'], {})).toBeNull();
		expect(await dockerCliExec({ host: 'h', port: 2376, ca: 'CA', cert: 'C', key: 'K' }, 'postgres', ['psql'], {})).toBeNull();
		const path = process.env.PATH;
		process.env.PATH = '/nonexistent';
		try {
			expect(await dockerCliExec({ socketPath: env.dockerSocket }, env.containerPostgres.container, ['psql'], {})).toBeNull();
		} finally {
			process.env.PATH = path;
		}
	});
});
