// Loaded on first use: age-encryption (with its noble crypto) takes about 0.15 s to
// load, and most backups are not encrypted.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ageLibrary = (): typeof import('age-encryption') => require('age-encryption');
