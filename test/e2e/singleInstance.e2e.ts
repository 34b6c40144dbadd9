import { join } from 'node:path';
import { readManifest, readRecoveryPlan, runRestoreDrill, verifySet } from '../../core';
import { N8nInstance } from './support/n8nInstance';
import { rawTemplate } from './support/templates';
import { exportAll, importIntoFreshN8n, nodesAndConnections } from './support/freshImport';
import { containerPg } from './support/containerPg';
import { testEnv } from '../support/testEnv';

describe('the single-instance template in a real n8n 2.41 on SQLite (the default)', () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = new N8nInstance({ name: 'sqlite', port: 5695 });
		// As shipped: a single instance on SQLite needs no credential at all (nothing else exists here to pick).
		for (const file of ['nightly-backup-single.json', 'backup-failed-alert.json']) await n8n.importJson('workflow', rawTemplate(file));
	});

	it('copies the live SQLite database consistently with the encryption key, and the copy passes a restore drill', async () => {
		await n8n.cliOk(['execute', '--id=sbNightlySingle1'], 300_000);
		const root = join(n8n.userFolder, '.n8n-files', 'backups');
		const set = await verifySet(join(root, 'n8n-home'));
		const manifest = await readManifest(set.dir);
		expect(manifest.inventory.volume).toMatchObject({
			files: expect.any(Number),
			n8n: { sqlite: true, sqliteSnapshot: true, encryptionKeyFingerprint: expect.stringMatching(/^[0-9a-f]+$/) },
		});
		expect(manifest.warnings.join('\n')).not.toMatch(/encryption key/i);
		const drill = await runRestoreDrill({ setPath: set.dir });
		expect(drill).toMatchObject({ verdict: 'pass' });
		// Its recovery plan: n8n's folder goes back where it was; n8n is no container here.
		const { plan } = await readRecoveryPlan(root);
		expect(plan.sets.map((s) => [s.set, s.target])).toEqual([['n8n-home', { kind: 'dir', path: join(n8n.userFolder, '.n8n') }]]);
		expect(plan.n8n).toEqual({ containers: [], healthUrl: 'http://localhost:5678/healthz/readiness' });
	});

	it("its workflows.json imports unedited into a fresh n8n on Postgres: every workflow's nodes and connections as backed up", async () => {
		const set = await verifySet(join(n8n.userFolder, '.n8n-files', 'backups', 'n8n-home'));
		expect(set.manifest.artifacts.map((a) => a.file)).toContain('workflows.json');
		const backedUp = await exportAll(n8n);
		expect(backedUp.length).toBeGreaterThanOrEqual(2);
		const database = `n8n_fresh_import_${process.pid}`;
		await containerPg((c) =>
			c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).then(() => c.query(`CREATE DATABASE ${database}`)),
		);
		try {
			const pg = testEnv().containerPostgres;
			const imported = await importIntoFreshN8n(join(set.dir, 'workflows.json'), {
				name: 'fresh-postgres',
				port: 5697,
				postgres: { host: '127.0.0.1', port: pg.port, database, user: pg.user, password: pg.password },
			});
			expect(nodesAndConnections(imported)).toEqual(nodesAndConnections(backedUp));
		} finally {
			await containerPg((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
		}
	});
});
