import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { listSets, openPlace } from '../../../core';
import { runCli } from '../../support/runCli';
import { s3EnvVars, s3Settings, useTestBucket } from '../../support/s3Bucket';
import { useTempDir } from '../../support/tempDir';

// A server with a self-signed certificate (TLS in front of the test gateway): refused unless its
// CA is given. Certificate checks are never turned off.
describe('an S3 endpoint with a self-signed certificate', () => {
	const tmp = useTempDir('tls-');
	const bucket = useTestBucket();
	let server: Server;
	let endpoint: string;
	let certFile: string;

	beforeEach(async () => {
		certFile = join(tmp.path(), 'cert.pem');
		const keyFile = join(tmp.path(), 'key.pem');
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-keyout',
				keyFile,
				'-out',
				certFile,
				'-days',
				'1',
				'-subj',
				'/CN=127.0.0.1',
				'-addext',
				'subjectAltName=IP:127.0.0.1',
			],
			{ stdio: 'pipe' },
		);
		const upstream = new URL(s3Settings().endpoint!);
		server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
			// The Host header is passed on as signed, so the gateway checks the client's signature.
			const forward = request(
				{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			forward.on('error', () => res.destroy());
			req.pipe(forward);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterEach(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	it('is refused without its CA (S3_UNREACHABLE naming the certificate), and works with it', async () => {
		const untrusted = openPlace(bucket.url('tls'), 'root', s3Settings({ endpoint }));
		await expect(listSets(untrusted)).rejects.toMatchObject({ code: 'S3_UNREACHABLE', message: expect.stringMatching(/certificate/) });
		const trusted = openPlace(bucket.url('tls'), 'root', s3Settings({ endpoint, caCertificate: readFileSync(certFile, 'utf8') }));
		await expect(listSets(trusted)).resolves.toEqual([]);
	});

	it('the CLI trusts it only through AWS_CA_BUNDLE', async () => {
		const without = await runCli(['list', '--root', bucket.url('tls')], { env: { ...s3EnvVars(), AWS_ENDPOINT_URL: endpoint } });
		expect(without.json.error).toMatchObject({ code: 'S3_UNREACHABLE' });
		const withCa = await runCli(['list', '--root', bucket.url('tls')], {
			env: { ...s3EnvVars(), AWS_ENDPOINT_URL: endpoint, AWS_CA_BUNDLE: certFile },
		});
		expect(withCa.code).toBe(0);
		expect(withCa.json).toEqual([]);
	});
});
