import type { Diagnostic, YamlDocument } from '@sluice/core';
import { readFluxObject, type FluxObject } from '../schemas/flux-object.js';
import { posix } from 'node:path';
import { joinRelative, normalizeRelative } from '../source/repo-files.js';
import type { SourceTree } from '../source/source-tree.js';

/** A Flux object written directly in a repository file. */
export interface RawFluxObject {
  readonly object: FluxObject;
  readonly file: string;
  readonly line: number;
  readonly document: YamlDocument;
}

/** Everything a scan of the repository's YAML files found. */
export interface RawScan {
  /** Every `.yaml`/`.yml` file (repository paths, sorted). */
  readonly files: readonly string[];
  readonly fluxObjects: readonly RawFluxObject[];
  /**
   * Every document whose API group and kind name a Flux Kustomization or HelmRelease, valid or
   * not (partial documents used as patches included), by file.
   */
  readonly workloadFiles: ReadonlyMap<string, 'Kustomization' | 'HelmRelease'>;
  /** Documents with a Flux API group that do not match their schema (reported unless a build reads their file). */
  readonly invalid: readonly Diagnostic[];
  /** Documents that are ConfigMaps or Secrets (for substituteFrom/valuesFrom fallbacks). */
  readonly configObjects: readonly RawDocument[];
  /** Documents with a `sync.path` (FluxInstance, or the flux-operator chart's values). */
  /** Folders some kustomization file lists as a resource or component, or some Flux Kustomization names as its path. */
  readonly referencedDirs: ReadonlySet<string>;
  readonly syncPaths: readonly { readonly path: string; readonly file: string; readonly line: number }[];
}

/** A parsed document with its file. */
export interface RawDocument {
  readonly value: Record<string, unknown>;
  readonly file: string;
  readonly document: YamlDocument;
}

/**
 * Reads every YAML file of the root source (honouring its ignore rules) and lists the Flux
 * objects written in them. A document with a Flux API group that does not match its schema
 * becomes an `invalid-flux-object` diagnostic with file and line (in `invalid`).
 */
export async function scanRepository(tree: SourceTree, signal?: AbortSignal): Promise<RawScan> {
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await tree.list(folder)) {
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.type === 'dir') await walk(path);
      else if (entry.name.endsWith('.yaml') || entry.name.endsWith('.yml')) files.push(path);
    }
  };
  await walk('');
  files.sort();
  const fluxObjects: RawFluxObject[] = [];
  const configObjects: RawDocument[] = [];
  const syncPaths: { path: string; file: string; line: number }[] = [];
  const invalid: Diagnostic[] = [];
  const workloadFiles = new Map<string, 'Kustomization' | 'HelmRelease'>();
  const referencedDirs = new Set<string>();
  for (const path of files) {
    signal?.throwIfAborted();
    const parsed = await tree.parse(path);
    if (!parsed) continue;
    const file = tree.toRepoPath(path) ?? path;
    // A kustomization file's folder, for the folders it lists (once per file, not per document).
    const kustomizationDir = /(^|\/)kustomization\.ya?ml$/.test(file)
      ? posix.dirname(file) === '.'
        ? ''
        : posix.dirname(file)
      : undefined;
    for (const document of parsed.documents) {
      const value = document.value;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const record = value as Record<string, unknown>;
      const result = readFluxObject(record);
      const kind =
        result.status === 'flux' ? result.object.kind : result.status === 'invalid' ? result.kind : '';
      if (kind === 'Kustomization' || kind === 'HelmRelease') {
        if (workloadFiles.get(file) !== 'Kustomization') workloadFiles.set(file, kind);
      }
      if (result.status === 'flux') {
        fluxObjects.push({ object: result.object, file, line: document.line, document });
      } else if (result.status === 'invalid') {
        invalid.push({
          file,
          line: document.line,
          severity: 'error',
          code: 'invalid-flux-object',
          message: `${describeInvalid(result)} is refused: ${result.reason}`,
        });
      } else if ((record.kind === 'ConfigMap' || record.kind === 'Secret') && record.apiVersion === 'v1') {
        configObjects.push({ value: record, file, document });
      }
      if (result.status === 'flux' && result.object.kind === 'Kustomization') {
        const path = normalizeRelative(result.object.spec.path ?? '');
        if (path !== undefined) referencedDirs.add(path);
      }
      if (kustomizationDir !== undefined) {
        const dir = kustomizationDir;
        for (const field of KUSTOMIZATION_LISTS) {
          const list = record[field];
          if (!Array.isArray(list)) continue;
          for (const entry of list) {
            const path = typeof entry === 'string' ? joinRelative(dir, entry) : undefined;
            if (path !== undefined) referencedDirs.add(path);
          }
        }
      }
      const sync = findSyncPath(record);
      if (sync) syncPaths.push({ path: sync, file, line: document.line });
    }
  }
  return { files, fluxObjects, workloadFiles, invalid, configObjects, referencedDirs, syncPaths };
}

/**
 * Names a refused object: `Kind/namespace/name` (the namespace its file gives it, when written),
 * `Kind/name` without one, `Kind` alone when it has no name.
 */
export function describeInvalid(result: { kind: string; name: string; namespace?: string }): string {
  if (!result.name) return `${result.kind} (no metadata.name)`;
  return result.namespace === undefined
    ? `${result.kind}/${result.name} (no namespace written)`
    : `${result.kind}/${result.namespace}/${result.name}`;
}

const KUSTOMIZATION_LISTS = ['resources', 'bases', 'components'] as const;

function findSyncPath(record: Record<string, unknown>): string | undefined {
  // Only these two kinds carry one: every other document is passed over without a lookup.
  if (record.kind !== 'FluxInstance' && record.kind !== 'HelmRelease') return undefined;
  const spec = record.spec as Record<string, unknown> | undefined;
  const candidate =
    record.kind === 'FluxInstance'
      ? spec?.sync
      : (
          (spec?.values as Record<string, unknown> | undefined)?.instance as
            Record<string, unknown> | undefined
        )?.sync;
  const path = (candidate as Record<string, unknown> | undefined)?.path;
  return typeof path === 'string' && path !== '' ? path : undefined;
}
