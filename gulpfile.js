// `n8n-node build` runs tsc and copies png/svg; this copies what it does not:
// the workflow templates, and makes the CLI entry executable.
const { src, dest, series } = require('gulp');
const { chmodSync, existsSync } = require('node:fs');

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyWorkflows() {
	return src('workflows/**/*.json', { base: '.', allowEmpty: true }).pipe(dest('dist'));
}

async function makeCliExecutable() {
	const cli = 'dist/bin/n8n-stack-backup.js';
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run tsc (n8n-node build) first`);
	chmodSync(cli, 0o755);
}

exports.build = series(copyIcons, copyWorkflows, makeCliExecutable);
