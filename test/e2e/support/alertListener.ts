import { createServer, type Server } from 'node:http';

/** A local HTTP endpoint standing in for the user's alert webhook; it records every JSON body posted. */
export class AlertListener {
	readonly received: Array<Record<string, unknown>> = [];
	private server: Server | undefined;
	port = 0;

	async start(): Promise<string> {
		this.server = createServer((req, res) => {
			let body = '';
			req.on('data', (d) => (body += d));
			req.on('end', () => {
				try {
					this.received.push(JSON.parse(body));
				} catch {
					this.received.push({ raw: body });
				}
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.port = (this.server!.address() as { port: number }).port;
		return `http://127.0.0.1:${this.port}/alert`;
	}

	async waitFor(predicate: (body: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const found = this.received.find(predicate);
			if (found) return found;
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`no alert arrived within ${timeoutMs / 1000} s (received: ${JSON.stringify(this.received).slice(0, 1000)})`);
	}

	stop(): Promise<void> {
		return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}
