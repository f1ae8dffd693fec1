import { createRequire } from 'node:module';

/** The version of the `sluice` CLI, from its package.json. */
export const SLUICE_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
