const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * One field of PostgreSQL's COPY text format (what pg_dump writes between
 * `COPY ... FROM stdin;` and `\.`): `\N` is NULL, backslash escapes and
 * octal/hex byte escapes decode to UTF-8 text.
 */
export function decodeCopyField(field: string): string | null {
	if (field === '\\N') return null;
	if (!field.includes('\\')) return field;
	const bytes: number[] = [];
	const pushText = (text: string) => bytes.push(...Buffer.from(text, 'utf8'));
	for (let i = 0; i < field.length; i++) {
		const c = field[i];
		if (c !== '\\' || i === field.length - 1) {
			// Copy a whole code point (surrogate pairs included) as UTF-8.
			const cp = field.codePointAt(i)!;
			pushText(String.fromCodePoint(cp));
			if (cp > 0xffff) i++;
			continue;
		}
		const next = field[++i];
		if (next in SIMPLE_ESCAPES) pushText(SIMPLE_ESCAPES[next]);
		else if (/[0-7]/.test(next)) {
			const octal = /^[0-7]{1,3}/.exec(field.slice(i))![0];
			bytes.push(parseInt(octal, 8) & 0xff);
			i += octal.length - 1;
		} else if (next === 'x' && /^[0-9a-fA-F]/.test(field[i + 1] ?? '')) {
			const hex = /^[0-9a-fA-F]{1,2}/.exec(field.slice(i + 1))![0];
			bytes.push(parseInt(hex, 16));
			i += hex.length;
		} else pushText(next);
	}
	return Buffer.from(bytes).toString('utf8');
}

export function decodeCopyRow(line: string): Array<string | null> {
	return line.split('\t').map(decodeCopyField);
}

/** Splits `a, "b c", d` or `public."My Table"` into identifiers, honouring double quotes. */
export function splitIdentifiers(text: string, separator: ',' | '.'): string[] {
	const out: string[] = [];
	let current = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') {
			if (quoted && text[i + 1] === '"') {
				current += '"';
				i++;
			} else quoted = !quoted;
		} else if (c === separator && !quoted) {
			out.push(current.trim());
			current = '';
		} else current += c;
	}
	out.push(current.trim());
	return out;
}

const COPY_HEADER = /^COPY (.+?) \((.*)\) FROM stdin;$/;

/** `COPY public.workflow_entity (id, name, ...) FROM stdin;` -> table and columns, or null. */
export function parseCopyHeader(line: string): { schema: string; table: string; columns: string[] } | null {
	const m = COPY_HEADER.exec(line);
	if (!m) return null;
	const parts = splitIdentifiers(m[1], '.');
	return { schema: parts.length > 1 ? parts[0] : 'public', table: parts[parts.length - 1], columns: splitIdentifiers(m[2], ',') };
}
