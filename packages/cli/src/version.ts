import { createRequire } from 'node:module';

/**
 * The version of the `sluice` CLI, from its package.json (found by the package's own name, so
 * that the bundled bin and the compiled modules agree wherever their files sit).
 */
export const SLUICE_VERSION: string = (
  createRequire(import.meta.url)('@sluice/cli/package.json') as { version: string }
).version;
