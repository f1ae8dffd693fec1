import { inPlaceWriter, type ContainerWriter } from './copy-on-write.js';
import type { Provenance } from './provenance.js';
import { isMap, setOwnValue, type YamlMap } from './resource.js';

/** One JSON 6902 operation. */
export interface JsonPatchOperation {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

/**
 * Applies JSON 6902 operations to `target` in place. Values added by the patch keep the patch's
 * origin. Returns an error text for the first operation that cannot apply (kustomize fails the
 * build there), or undefined.
 */
export function applyJsonPatch(
  target: YamlMap,
  operations: readonly unknown[],
  provenance: Provenance,
  writer: ContainerWriter = inPlaceWriter(provenance),
): string | undefined {
  for (const [index, raw] of operations.entries()) {
    if (!isMap(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      return `operation ${index} needs string fields op and path`;
    }
    const error = applyOperation(target, raw, provenance, writer);
    if (error) return `operation ${index} (${raw.op} ${raw.path}): ${error}`;
  }
  return undefined;
}

function applyOperation(
  target: YamlMap,
  operation: YamlMap,
  provenance: Provenance,
  writer: ContainerWriter,
): string | undefined {
  const path = parsePointer(operation.path as string);
  if (!path) return 'invalid JSON pointer';
  switch (operation.op) {
    case 'add':
    case 'replace': {
      if (!('value' in operation)) return 'missing value';
      const value = writer.clone(operation.value);
      return setAt(target, path, value, operation.op === 'add', provenance, writer, () => ({
        container: operation,
        key: 'value',
      }));
    }
    case 'remove':
      return removeAt(target, path, writer) ? undefined : 'path not found';
    case 'move':
    case 'copy': {
      const from = typeof operation.from === 'string' ? parsePointer(operation.from) : undefined;
      if (!from) return 'invalid from pointer';
      const found = getAt(target, from);
      if (!found) return 'from path not found';
      const value = writer.clone(found.value);
      // The origin is read from where the value was; a move writes there, so copies first.
      const origin = { container: found.parent, key: found.key };
      if (operation.op === 'move') removeAt(target, from, writer);
      return setAt(target, path, value, true, provenance, writer, () => origin);
    }
    case 'test':
      return undefined;
    default:
      return `unsupported op ${String(operation.op)}`;
  }
}

function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(
  root: unknown,
  path: string[],
): { parent: object; key: string | number; value: unknown } | undefined {
  let current: unknown = root;
  let parent: object | undefined;
  let key: string | number = '';
  for (const part of path) {
    if (Array.isArray(current)) {
      const position = Number(part);
      if (!Number.isInteger(position) || position < 0 || position >= current.length) return undefined;
      parent = current;
      key = position;
      current = current[position];
    } else if (isMap(current)) {
      if (!Object.hasOwn(current, part)) return undefined;
      parent = current;
      key = part;
      current = current[part];
    } else {
      return undefined;
    }
  }
  return parent ? { parent, key, value: current } : undefined;
}

function setAt(
  root: YamlMap,
  path: string[],
  value: unknown,
  insert: boolean,
  provenance: Provenance,
  writer: ContainerWriter,
  originOf: () => { container: object; key: string | number },
): string | undefined {
  if (path.length === 0) return 'cannot replace the whole object';
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1] ?? '';
  const parent = parentPath.length === 0 ? root : writableAt(root, parentPath, writer);
  const origin = originOf();
  if (Array.isArray(parent)) {
    const position = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(position) || position < 0 || position > parent.length) return 'index out of range';
    if (insert) parent.splice(position, 0, value);
    else if (position < parent.length) parent[position] = value;
    else return 'index out of range';
    provenance.copyOrigin(origin.container, origin.key, parent, position);
    return undefined;
  }
  if (isMap(parent)) {
    if (!insert && !Object.hasOwn(parent, last)) return 'path not found';
    setOwnValue(parent, last, value);
    provenance.copyOrigin(origin.container, origin.key, parent, last);
    return undefined;
  }
  return 'parent path not found';
}

/**
 * The value at `path` (as {@link getAt} finds it), every container on the way made writable by
 * `writer`; undefined when the path is not there.
 */
function writableAt(root: YamlMap, path: string[], writer: ContainerWriter): unknown {
  if (getAt(root, path) === undefined) return undefined;
  let current: unknown = root;
  for (const part of path) {
    const key = Array.isArray(current) ? Number(part) : part;
    current = writer.child(current as object, key);
  }
  return current;
}

function removeAt(root: YamlMap, path: string[], writer: ContainerWriter): boolean {
  const located = getAt(root, path);
  if (!located) return false;
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length === 0 ? root : writableAt(root, parentPath, writer);
  const found = { ...located, parent: parent as object };
  if (Array.isArray(found.parent)) found.parent.splice(found.key as number, 1);
  else delete (found.parent as YamlMap)[found.key as string];
  return true;
}
