import { redactSecrets } from '../../../core';

describe('redactSecrets', () => {
	it('removes known secrets wherever they appear', () => {
		expect(redactSecrets('auth failed for s3cr3t-pw; retry s3cr3t-pw', ['s3cr3t-pw'])).toBe('auth failed for ***; retry ***');
	});
	it('removes passwords from URLs even when the caller does not know them', () => {
		expect(redactSecrets('connect postgres://n8n:hunter22@db:5432/n8n failed')).toBe('connect postgres://n8n:***@db:5432/n8n failed');
	});
	it('removes libpq keyword and environment assignments', () => {
		expect(redactSecrets("host=db password='a b c' user=x")).toBe('host=db password=*** user=x');
		expect(redactSecrets('PGPASSWORD=abc123 pg_dump')).toBe('PGPASSWORD=*** pg_dump');
	});
	it('leaves text alone when there is nothing secret, and ignores trivially short secrets', () => {
		expect(redactSecrets('database "n8n" does not exist', ['a', undefined])).toBe('database "n8n" does not exist');
	});
});
