// Admission reads every Flux object of a repository through its zod schemas, and zod's parse
// (payload objects, issue lists, a generated parser per object schema compiled on first use)
// was most of the admission time of a run. The readers here give what zod's parse gives for a
// value that zod accepts, without that machinery, and decline anything else: the caller then
// parses with zod, so that every refusal keeps zod's messages and every edge case zod's answer.
import type * as z from 'zod';
import { MetadataValue } from './common.js';

/** What a fast reader returns for a value it does not read: parse it with zod instead. */
export const DECLINED: unique symbol = Symbol('declined');

/** A fast reader: zod's output for the value, or {@link DECLINED}. */
export type FastReader = (value: unknown) => unknown;

interface SchemaDef {
  readonly type: string;
  readonly checks?: readonly unknown[];
  readonly coerce?: boolean;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
}

const readers = new WeakMap<z.ZodType, FastReader>();

/**
 * A reader that gives exactly what `schema.safeParse(value).data` gives when it reads a value:
 * the same copies (a new object per mapping read by an object or record schema, a new list per
 * list), the same keys in the same order (the schema's own keys first, then the others as
 * written), the same values passed through (`z.unknown()`); it returns {@link DECLINED} for a
 * value zod would refuse and for anything outside the few cases it knows (plain mappings and
 * lists, strings, booleans; an object's key `__proto__`; a schema kind it does not read), which
 * the caller parses with zod. Built once per schema.
 *
 * @example
 * ```ts
 * const read = fastReader(ObjectMeta)(metadata);
 * const meta = read === DECLINED ? ObjectMeta.safeParse(metadata) : { success: true, data: read };
 * ```
 */
export function fastReader(schema: z.ZodType): FastReader {
  let reader = readers.get(schema);
  if (!reader) {
    reader = compile(schema);
    readers.set(schema, reader);
  }
  return reader;
}

const declineAll: FastReader = () => DECLINED;

function compile(schema: z.ZodType): FastReader {
  // A label or annotation value: a string reads as itself (the union keeps it, the transform's
  // String() gives it back); any other value is zod's to turn into text.
  if (schema === MetadataValue) return (value) => (typeof value === 'string' ? value : DECLINED);
  const def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  if ((def.checks !== undefined && def.checks.length > 0) || def.coerce === true) return declineAll;
  switch (def.type) {
    case 'string':
      return (value) => (typeof value === 'string' ? value : DECLINED);
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? value : DECLINED);
    case 'unknown':
      return (value) => value;
    case 'optional': {
      const inner = fastReader(def.innerType!);
      return (value) => (value === undefined ? undefined : inner(value));
    }
    case 'array': {
      const element = fastReader(def.element!);
      return (value) => {
        if (!Array.isArray(value)) return DECLINED;
        const out: unknown[] = Array(value.length);
        for (let index = 0; index < value.length; index += 1) {
          const item = element(value[index]);
          if (item === DECLINED) return DECLINED;
          out[index] = item;
        }
        return out;
      };
    }
    case 'record':
      return compileRecord(def);
    case 'object':
      return compileObject(def);
    default:
      return declineAll;
  }
}

/** A mapping js-yaml built: a plain object without a `__proto__` key of its own. */
function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !Object.prototype.hasOwnProperty.call(value, '__proto__')
  );
}

function compileRecord(def: SchemaDef): FastReader {
  const keyDef = (def.keyType as unknown as { _zod: { def: SchemaDef } })._zod.def;
  if (keyDef.type !== 'string' || (keyDef.checks?.length ?? 0) > 0) return declineAll;
  const valueReader = fastReader(def.valueType!);
  return (value) => {
    if (!isPlainMapping(value)) return DECLINED;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = valueReader(value[key]);
      if (item === DECLINED) return DECLINED;
      out[key] = item;
    }
    return out;
  };
}

function compileObject(def: SchemaDef): FastReader {
  const shape = def.shape!;
  // Only `.loose()` objects: the keys the schema does not name are kept as they are.
  const catchall = def.catchall as unknown as { _zod: { def: SchemaDef } } | undefined;
  if (catchall?._zod.def.type !== 'unknown') return declineAll;
  const keys = Object.keys(shape);
  // zod asks `key in value`: a key Object.prototype has (`constructor`) would be found there.
  if (keys.some((key) => key in Object.prototype)) return declineAll;
  const fields = keys.map((key) => {
    const field = shape[key]!;
    return { key, read: fastReader(field), optional: field._zod.optin === 'optional' };
  });
  const known = new Set(keys);
  return (value) => {
    if (!isPlainMapping(value)) return DECLINED;
    const out: Record<string, unknown> = {};
    for (const { key, read, optional } of fields) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) {
        if (optional) continue;
        return DECLINED;
      }
      const item = read(value[key]);
      if (item === DECLINED) return DECLINED;
      out[key] = item;
    }
    for (const key of Object.keys(value)) if (!known.has(key)) out[key] = value[key];
    return out;
  };
}
