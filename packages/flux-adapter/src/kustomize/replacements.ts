import type { Diagnostic } from '@sluice/core';
import type { PatchSelector } from '../schemas/common.js';
import type { SourceTree } from '../source/source-tree.js';
import { joinRelative } from '../source/repo-files.js';
import { writableRoot, type ContainerWriter, type CopyOnWrite } from './copy-on-write.js';
import type { Provenance } from './provenance.js';
import { isMap, ownValue, setOwnValue, type KResource, type YamlMap } from './resource.js';
import { matchesSelector } from './select.js';

/** What applying replacements needs from the build. */
export interface ReplacementContext {
  readonly tree: SourceTree;
  readonly dir: string;
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

/**
 * kustomize `replacements`: copies a value (`source` object and `fieldPath`, default
 * `metadata.name`) into fields of the selected targets (`select`/`reject`, `fieldPaths`,
 * `options.create`, `options.delimiter`/`index`). Entries may be inline or in a file (`path`).
 * Each target gets its own copy of the value, which keeps the source value's origins.
 */
export async function applyReplacements(
  list: readonly unknown[],
  resources: readonly KResource[],
  context: ReplacementContext,
): Promise<void> {
  for (const entry of list) {
    if (!isMap(entry)) continue;
    if (typeof entry.path === 'string') {
      const path = joinRelative(context.dir, entry.path);
      const parsed = path === undefined ? undefined : await context.tree.parse(path);
      if (!parsed || path === undefined) {
        context.diagnostics.push({
          file: context.file,
          line: 1,
          severity: 'error',
          code: 'replacement-file-missing',
          message: `Replacement file ${entry.path} not found`,
        });
        continue;
      }
      const file = context.tree.toRepoPath(path) ?? path;
      context.consumed.add(file);
      for (const document of parsed.documents) {
        const items = Array.isArray(document.value) ? document.value : [document.value];
        for (const item of items) if (isMap(item)) applyOne(item, resources, context);
      }
      continue;
    }
    applyOne(entry, resources, context);
  }
}

function applyOne(replacement: YamlMap, resources: readonly KResource[], context: ReplacementContext): void {
  const source = isMap(replacement.source) ? replacement.source : undefined;
  if (!source) return;
  const selector = source as PatchSelector;
  const from = resources.find((resource) => matchesSelector(resource.object, selector));
  if (!from) {
    context.diagnostics.push({
      file: context.file,
      line: 1,
      severity: 'error',
      code: 'replacement-source-missing',
      message: `No resource matches replacement source ${describeSelector(selector)}`,
    });
    return;
  }
  const fieldPath = typeof source.fieldPath === 'string' ? source.fieldPath : 'metadata.name';
  const found = getField(from.object, parseFieldPath(fieldPath));
  if (!found) return;
  let value = found.container[found.key];
  const sourceOptions = isMap(source.options) ? source.options : {};
  if (typeof value === 'string' && typeof sourceOptions.delimiter === 'string') {
    value = value.split(sourceOptions.delimiter)[
      typeof sourceOptions.index === 'number' ? sourceOptions.index : 0
    ];
  }
  const origin = context.provenance.originOf(found.container, found.key);
  // The value as it is now: a target inside the source must not change what later targets get.
  if (typeof value === 'object' && value !== null) value = context.provenance.cloneExpanded(value);
  const targets = Array.isArray(replacement.targets) ? replacement.targets : [];
  for (const target of targets) {
    if (!isMap(target) || !isMap(target.select)) continue;
    const select = target.select as PatchSelector;
    const rejects = Array.isArray(target.reject) ? target.reject.filter(isMap) : [];
    const options = isMap(target.options) ? target.options : {};
    const paths = Array.isArray(target.fieldPaths)
      ? target.fieldPaths.filter((path): path is string => typeof path === 'string')
      : [];
    for (const resource of resources) {
      if (!matchesSelector(resource.object, select)) continue;
      if (rejects.some((reject) => matchesSelector(resource.object, reject as PatchSelector))) continue;
      if (paths.length === 0) continue;
      const { object, writer } = writableRoot(resource, context.copies, context.provenance);
      for (const path of paths) {
        const segments = parseFieldPath(path);
        const field = getField(object, segments, options.create === true, writer);
        if (!field) continue;
        // Each target gets its own copy of a mapping or list (kustomize copies the node), so a
        // later write to the source or to another target does not show through.
        let next: unknown = writer.clone(value);
        const written = ownValue(field.container, field.key);
        if (
          typeof options.delimiter === 'string' &&
          typeof written === 'string' &&
          typeof value === 'string'
        ) {
          const parts = written.split(options.delimiter);
          parts[typeof options.index === 'number' ? options.index : 0] = value;
          next = parts.join(options.delimiter);
        }
        setOwnValue(field.container, field.key, next);
        if (origin) context.provenance.setOverride(field.container, field.key, origin);
      }
    }
  }
}

/** Splits a kustomize field path (`spec.containers.[name=app].image`), keeping bracketed parts whole. */
export function parseFieldPath(path: string): string[] {
  const segments: string[] = [];
  let current = '';
  let depth = 0;
  for (const char of path) {
    if (char === '[') depth += 1;
    if (char === ']') depth -= 1;
    if (char === '.' && depth === 0) {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments.filter((segment) => segment !== '');
}

function getField(
  root: YamlMap,
  segments: string[],
  create = false,
  writer?: ContainerWriter,
): { container: Record<string | number, unknown>; key: string | number } | undefined {
  // With a writer, each container stepped into is made writable (`root` is).
  const step = (container: object, key: string | number): unknown =>
    writer ? writer.child(container, key) : (container as Record<string | number, unknown>)[key];
  let current: unknown = root;
  for (const [position, segment] of segments.entries()) {
    const last = position === segments.length - 1;
    const selector = /^\[([^=\]]+)=([^\]]*)\]$/.exec(segment);
    if (selector && Array.isArray(current)) {
      const index = current.findIndex(
        (item) => isMap(item) && String(item[selector[1] ?? '']) === selector[2],
      );
      if (index === -1) return undefined;
      if (last) return { container: current as unknown as Record<number, unknown>, key: index };
      current = step(current, index);
      continue;
    }
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      if (last) return { container: current as unknown as Record<number, unknown>, key: index };
      current = step(current, index);
      continue;
    }
    if (!isMap(current)) return undefined;
    const key = segment.replace(/^\[(.*)\]$/, '$1');
    if (last) {
      if (!Object.hasOwn(current, key) && !create) return undefined;
      return { container: current, key };
    }
    if (!Object.hasOwn(current, key)) {
      if (!create) return undefined;
      setOwnValue(current, key, {});
    }
    current = step(current, key);
  }
  return undefined;
}

function describeSelector(selector: PatchSelector): string {
  return [selector.group, selector.version, selector.kind, selector.namespace, selector.name]
    .filter(Boolean)
    .join('/');
}
