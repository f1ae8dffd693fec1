import { parseYaml, type Diagnostic, type DiagnosticCode } from '@sluice/core';
import type { PatchSelector } from '../schemas/common.js';
import type { SourceTree } from '../source/source-tree.js';
import { joinRelative } from '../source/repo-files.js';
import { writableRoot, type CopyOnWrite } from './copy-on-write.js';
import { applyJsonPatch } from './json-patch.js';
import type { Provenance } from './provenance.js';
import { groupVersionOf, isMap, kindOf, metaString, type KResource, type YamlMap } from './resource.js';
import { matchesSelector } from './select.js';
import { applyStrategicMerge } from './strategic-merge.js';

/** What applying patches needs from the build. */
export interface PatchContext {
  readonly tree: SourceTree;
  readonly dir: string;
  /** Repository file of the kustomization declaring the patches. */
  readonly file: string;
  readonly provenance: Provenance;
  readonly diagnostics: Diagnostic[];
  readonly consumed: Set<string>;
  /**
   * Copies each object before its first write, leaving the parse cache as it is.
   * @default undefined (objects are changed in place: the caller owns them)
   */
  readonly copies?: CopyOnWrite;
}

/** A patch document: a strategic-merge mapping or a JSON 6902 operation list. */
type PatchDocument =
  | { readonly type: 'smp'; readonly value: YamlMap }
  | { readonly type: 'json6902'; readonly value: unknown[] };

/**
 * Applies one `patches:` entry (`patch` text or `path`, optional `target`) to the resources.
 * `container`/`index` locate the entry for positions and diagnostics.
 */
export async function applyPatchEntry(
  entry: unknown,
  container: object,
  index: number,
  resources: readonly KResource[],
  context: PatchContext,
): Promise<void> {
  if (!isMap(entry)) return;
  const target = isMap(entry.target) ? (entry.target as PatchSelector) : undefined;
  const documents = await readPatch(entry, context);
  for (const document of documents) {
    if (document.type === 'json6902') {
      if (!target) {
        report(context, container, index, 'patch-without-target', 'A JSON 6902 patch needs a target');
        continue;
      }
      applyJsonPatchToTargets(resources, target, document.value, context, container, index);
      continue;
    }
    const matches = target
      ? resources.filter((resource) => matchesSelector(resource.object, target))
      : resources.filter((resource) => sameObject(resource.object, document.value));
    if (!target && matches.length === 0) {
      report(
        context,
        container,
        index,
        'patch-target-not-found',
        `No resource matches the patch for ${describe(document.value)}`,
      );
    }
    for (const resource of matches) {
      const { object, writer } = writableRoot(resource, context.copies, context.provenance);
      applyStrategicMerge(object, document.value, context.provenance, target !== undefined, writer);
    }
  }
}

/** Applies one legacy `patchesStrategicMerge:` entry (a file path or inline YAML). */
export async function applyLegacyStrategicMerge(
  entry: unknown,
  container: object,
  index: number,
  resources: readonly KResource[],
  context: PatchContext,
): Promise<void> {
  let documents: PatchDocument[];
  if (isMap(entry)) {
    documents = [{ type: 'smp', value: entry }];
  } else if (typeof entry === 'string') {
    documents =
      entry.includes('\n') || entry.includes(':')
        ? await readPatch({ patch: entry }, context, container, index)
        : await readPatch({ path: entry }, context);
  } else {
    return;
  }
  for (const document of documents) {
    if (document.type !== 'smp') continue;
    const matches = resources.filter((resource) => sameObject(resource.object, document.value));
    if (matches.length === 0) {
      report(
        context,
        container,
        index,
        'patch-target-not-found',
        `No resource matches the patch for ${describe(document.value)}`,
      );
    }
    for (const resource of matches) {
      const { object, writer } = writableRoot(resource, context.copies, context.provenance);
      applyStrategicMerge(object, document.value, context.provenance, false, writer);
    }
  }
}

/** Applies one legacy `patchesJson6902:` entry (`target` plus `path` or `patch`). */
export async function applyLegacyJson6902(
  entry: unknown,
  container: object,
  index: number,
  resources: readonly KResource[],
  context: PatchContext,
): Promise<void> {
  if (!isMap(entry) || !isMap(entry.target)) return;
  const target = entry.target as PatchSelector;
  const documents = Array.isArray(entry.patch)
    ? [{ type: 'json6902' as const, value: entry.patch }]
    : await readPatch(entry, context);
  for (const document of documents) {
    if (document.type !== 'json6902') continue;
    applyJsonPatchToTargets(resources, target, document.value, context, container, index);
  }
}

async function readPatch(
  entry: YamlMap,
  context: PatchContext,
  container?: object,
  index?: number,
): Promise<PatchDocument[]> {
  if (typeof entry.path === 'string') {
    const path = joinRelative(context.dir, entry.path);
    const parsed = path === undefined ? undefined : await context.tree.parse(path);
    if (!parsed || path === undefined) {
      context.diagnostics.push({
        file: context.file,
        line: 1,
        severity: 'error',
        code: 'patch-file-missing',
        message: `Patch file ${entry.path} not found${path === undefined ? ' (outside the source root)' : ''}`,
      });
      return [];
    }
    const file = context.tree.toRepoPath(path) ?? path;
    context.consumed.add(file);
    return parsed.documents.flatMap((document) => {
      context.provenance.register(document.value, {
        file,
        positions: document.positions,
        documentIndex: document.index,
      });
      return toPatchDocuments(document.value);
    });
  }
  if (typeof entry.patch === 'string') {
    const origin = context.provenance.originOf(container ?? entry, container ? (index ?? 0) : 'patch');
    const file = origin?.file ?? context.file;
    const line = origin?.line ?? 1;
    const column = origin?.column ?? 1;
    // The same inline patch (a Flux Kustomization's, or a kustomization file's built for many
    // Kustomizations) is parsed once: the documents are only read, and where they are written
    // is part of the key, so their positions are the same for every build.
    let cache = inlinePatches.get(context.provenance);
    if (!cache) {
      cache = new Map();
      inlinePatches.set(context.provenance, cache);
    }
    const key = `${file}\0${line}\0${column}\0${entry.patch}`;
    let inline = cache.get(key);
    if (!inline) {
      const parsed = parseYaml(entry.patch, file);
      const documents = parsed.documents.flatMap((document) => {
        context.provenance.register(document.value, {
          file,
          positions: document.positions,
          lineOffset: line - 1,
          columnOffset: column - 1,
        });
        return toPatchDocuments(document.value);
      });
      const diagnostics = parsed.diagnostics.map((diagnostic) => ({
        ...diagnostic,
        file,
        line: line + (diagnostic.line ?? 1) - 1,
      }));
      inline = { documents, diagnostics };
      cache.set(key, inline);
    }
    for (const diagnostic of inline.diagnostics) context.diagnostics.push({ ...diagnostic });
    return inline.documents;
  }
  return [];
}

/** Inline patches parsed during a load, by where they are written and their text. */
const inlinePatches = new WeakMap<
  Provenance,
  Map<string, { readonly documents: PatchDocument[]; readonly diagnostics: readonly Diagnostic[] }>
>();

function toPatchDocuments(value: unknown): PatchDocument[] {
  if (Array.isArray(value)) return [{ type: 'json6902', value }];
  if (isMap(value)) return [{ type: 'smp', value }];
  return [];
}

function sameObject(object: YamlMap, patch: YamlMap): boolean {
  if (kindOf(object) !== kindOf(patch)) return false;
  if (metaString(object, 'name') !== metaString(patch, 'name')) return false;
  const patchNamespace = metaString(patch, 'namespace');
  if (patchNamespace !== undefined && patchNamespace !== metaString(object, 'namespace')) return false;
  return groupVersionOf(object).group === groupVersionOf(patch).group;
}

/** Applies one JSON 6902 patch to every resource the target selects; a failure is a diagnostic. */
function applyJsonPatchToTargets(
  resources: readonly KResource[],
  target: PatchSelector,
  operations: readonly unknown[],
  context: PatchContext,
  container: object,
  index: number,
): void {
  for (const resource of resources) {
    if (!matchesSelector(resource.object, target)) continue;
    const { object, writer } = writableRoot(resource, context.copies, context.provenance);
    const error = applyJsonPatch(object, operations, context.provenance, writer);
    if (error) {
      report(
        context,
        container,
        index,
        'patch-failed',
        `JSON 6902 patch on ${describe(resource.object)}: ${error}`,
      );
    }
  }
}

function describe(object: YamlMap): string {
  const namespace = metaString(object, 'namespace');
  return `${kindOf(object)}/${namespace ? `${namespace}/` : ''}${metaString(object, 'name') ?? ''}`;
}

function report(
  context: PatchContext,
  container: object,
  index: number,
  code: DiagnosticCode,
  message: string,
): void {
  const origin = context.provenance.originOf(container, index);
  context.diagnostics.push({
    file: origin?.file ?? context.file,
    line: origin?.line ?? 1,
    ...(origin ? { column: origin.column } : {}),
    severity: 'error',
    code,
    message,
  });
}
