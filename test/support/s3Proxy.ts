import { createHash } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { s3Settings } from './s3Bucket';

export interface SeenRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	bodyMd5: string;
	bodyBytes: number;
}

/**
 * A loopback proxy in front of the test gateway that records every request (headers, and the
 * MD5 of the body as it passed). With `ignoreConditions` it plays a server that ignores
 * If-None-Match: a refused conditional write (412) is answered as a success. Requests pass
 * unchanged, so the gateway still checks every signature.
 */
export function useS3Proxy(options: { ignoreConditions?: boolean } = {}): { endpoint: () => string; seen: SeenRequest[] } {
	const seen: SeenRequest[] = [];
	let server: Server;
	let endpoint = '';
	beforeAll(async () => {
		const upstream = new URL(s3Settings().endpoint!);
		server = createServer((req, res) => {
			const headers = { ...req.headers };
			const hash = createHash('md5');
			let bytes = 0;
			const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
				if (options.ignoreConditions && answer.statusCode === 412) {
					answer.resume();
					res.writeHead(200, { etag: '"00000000000000000000000000000000"', 'content-length': '0' });
					res.end();
					return;
				}
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			});
			forward.on('error', () => res.destroy());
			req.on('data', (chunk: Buffer) => {
				hash.update(chunk);
				bytes += chunk.length;
			});
			req.on('end', () =>
				seen.push({ method: req.method!, url: req.url!, headers: req.headers, bodyMd5: hash.digest('base64'), bodyBytes: bytes }),
			);
			req.pipe(forward);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});
	return { endpoint: () => endpoint, seen };
}
