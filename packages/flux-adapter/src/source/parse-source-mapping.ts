import { resolve } from 'node:path';
import { SluiceError } from '@sluice/core';
import { normalizeRelative } from './repo-files.js';

const SOURCE_KINDS = [
  'GitRepository',
  'OCIRepository',
  'Bucket',
  'ExternalArtifact',
  'HelmRepository',
  'HelmChart',
];

/** Options of {@link parseSourceMappings}. */
export interface ParseSourceMappingsOptions {
  /**
   * The folder relative paths are resolved against: the mappings come from the person running
   * Sluice (`--source`), so a folder may be anywhere, given relative to this folder or
   * absolute. Without it, the mappings come from the repository's own configuration: each
   * folder must be relative to the repository root and inside it.
   * @default undefined
   */
  readonly cwd?: string;
}

/**
 * Parses source mappings (`kind/namespace/name=folder`, such as
 * `OCIRepository/flux-system/apps=kubernetes`) into the `sources` option of
 * `loadFluxRepository`. A later mapping of the same source wins.
 *
 * @throws SluiceError `SLUICE_INVALID_SOURCE_MAPPING` naming the mapping and what is wrong.
 *
 * @example
 * ```ts
 * parseSourceMappings(['OCIRepository/flux-system/apps=kubernetes']);
 * // { 'OCIRepository/flux-system/apps': 'kubernetes' }
 * parseSourceMappings(['GitRepository/apps/dev-team=../dev-team'], { cwd: '/src/fleet' });
 * // { 'GitRepository/apps/dev-team': '/src/dev-team' }
 * ```
 */
export function parseSourceMappings(
  mappings: readonly string[],
  options: ParseSourceMappingsOptions = {},
): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const mapping of mappings) {
    const equals = mapping.indexOf('=');
    const id = equals === -1 ? mapping : mapping.slice(0, equals);
    const folder = equals === -1 ? '' : mapping.slice(equals + 1);
    const parts = id.split('/');
    const fail = (reason: string): never => {
      throw new SluiceError('SLUICE_INVALID_SOURCE_MAPPING', `Invalid source mapping ${mapping}: ${reason}`);
    };
    if (equals === -1 || folder === '') fail('expected kind/namespace/name=folder');
    if (parts.length !== 3 || parts.some((part) => part === ''))
      fail('the source must be kind/namespace/name');
    if (!SOURCE_KINDS.includes(parts[0] ?? ''))
      fail(`unknown source kind ${parts[0] ?? ''} (one of ${SOURCE_KINDS.join(', ')})`);
    if (options.cwd !== undefined) {
      sources[id] = resolve(options.cwd, folder);
      continue;
    }
    if (normalizeRelative(folder) === undefined)
      fail('the folder must be relative to the repository root and inside it');
    sources[id] = folder;
  }
  return sources;
}
