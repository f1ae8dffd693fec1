import { readFileSync } from 'node:fs';

/**
 * The version of the `sluice` CLI, from its package.json: one folder up from this module in
 * every layout (src/, tsc's dist/, the bundled dist/bin*.js). Read as a file: resolving the
 * package by name starts Node's CommonJS loader, which every run (`--version` too) paid for.
 */
export const SLUICE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
