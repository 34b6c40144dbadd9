import { dockerCliExec } from '../../../core/docker/dockerCliExec';

describe('docker exec through the docker program (a zstd-compressed dump fed to the container psql)', () => {
	const env = { PGUSER: 'n8n', PGPASSWORD: 'pw-never-in-argv-7f3a', PGDATABASE: 'n8n', PGHOST: undefined, PGSSLMODE: '' };

	it('names each variable on the command line and gives its value only in the environment: the password never reaches argv', () => {
		const command = dockerCliExec({ socketPath: '/run/test-docker.sock' }, 'postgres', ['psql', '-X'], env);
		expect(command).not.toBeNull();
		expect(command!.args).toEqual(['exec', '-i', '-e', 'PGUSER', '-e', 'PGPASSWORD', '-e', 'PGDATABASE', 'postgres', 'psql', '-X']);
		expect(command!.args.join(' ')).not.toContain('pw-never-in-argv-7f3a');
		expect(command!.env).toMatchObject({ PGPASSWORD: 'pw-never-in-argv-7f3a', DOCKER_HOST: 'unix:///run/test-docker.sock' });
		// Unset and empty variables are not passed: the container's own defaults stay.
		expect(command!.args).not.toContain('PGHOST');
		expect(command!.args).not.toContain('PGSSLMODE');
	});

	it('reaches the Engine the run was given, whatever docker context the environment names', () => {
		const saved = { context: process.env.DOCKER_CONTEXT, host: process.env.DOCKER_HOST };
		process.env.DOCKER_CONTEXT = 'elsewhere';
		process.env.DOCKER_HOST = 'tcp://10.0.0.9:2375';
		try {
			const command = dockerCliExec({ host: '127.0.0.1', port: 2375 }, 'postgres', ['psql'], {});
			expect(command!.env.DOCKER_HOST).toBe('tcp://127.0.0.1:2375');
			expect(command!.env.DOCKER_CONTEXT).toBeUndefined();
		} finally {
			for (const [name, value] of [
				['DOCKER_CONTEXT', saved.context],
				['DOCKER_HOST', saved.host],
			] as const)
				if (value === undefined) delete process.env[name];
				else process.env[name] = value;
		}
	});

	it('is not used for an Engine behind TLS (its keys would have to be written to disk), nor without the docker program', () => {
		expect(dockerCliExec({ host: 'h', port: 2376, ca: 'CA', cert: 'C', key: 'K' }, 'postgres', ['psql'], {})).toBeNull();
		const path = process.env.PATH;
		process.env.PATH = '/nonexistent';
		try {
			expect(dockerCliExec({ socketPath: '/run/test-docker.sock' }, 'postgres', ['psql'], {})).toBeNull();
		} finally {
			process.env.PATH = path;
		}
	});
});
