import type { Provenance, ValueOrigin } from '../kustomize/provenance.js';
import { setOwnValue, type KResource, type YamlMap } from '../kustomize/resource.js';
import {
  evaluateEnvsubst,
  EnvsubstLimitError,
  EnvsubstSyntaxError,
  type EnvsubstPiece,
  type EnvsubstResult,
} from './envsubst.js';
import { evaluateSimpleEnvsubst } from './envsubst-simple.js';
import { analyzeScalar, compareKeys, MAX_EMIT_DEPTH } from './go-yaml-emit.js';
import {
  BAIL,
  firstContent,
  folds,
  ODD_BREAK,
  plainKeyWidth,
  readBack,
  readsBack,
  readsBackAsKey,
  styleOf,
} from './scalar-read-back.js';
import type { ResourceSubstitution, Variable } from './substitute-resource.js';

/**
 * postBuild substitution of one object scalar by scalar, without writing the whole object as
 * text: the shortcut of `substituteResource`, taken only when it gives exactly what the
 * whole-text substitution (emit, envsubst, parse again) gives. That holds when
 *
 * - every `${…}` and `$$` is inside a string value (never a key) that the emitter writes plain,
 *   single-quoted or as a literal block, unfolded: envsubst on the whole text is then envsubst
 *   on each such scalar's emitted text in the emitter's order (the text between scalars holds
 *   no `$`, and no expression spans a line of a block);
 * - each scalar that changed still reads as one scalar of its style in its place (plain: no
 *   line break, indicator, `: `, ` #`, leading or trailing space, and read as js-yaml reads a
 *   plain scalar, `8080` a number; single-quoted: on one line, every quote doubled; a block:
 *   the same lines, none empty or starting with a space where a variable wrote);
 * - every other scalar reads back as it was written (no CR, NEL, LS or PS, no date, no string
 *   the emitter writes plain that js-yaml reads as another type, no `<<` key; `-0` reads `0`).
 *
 * Otherwise it returns undefined, registers nothing, and the caller takes the whole text. The
 * new object has its keys in the emitter's order, as the parsed text has, and answers origins
 * as the parsed text does (see `ScalarWalk.resolver`). Variables are listed in the order of
 * first use in the emitted text, as envsubst on the whole text lists them.
 */
export function substituteScalars(
  resource: KResource,
  variables: ReadonlyMap<string, Variable>,
  provenance: Provenance,
  options: { readonly strict?: boolean } = {},
): ResourceSubstitution | undefined {
  const walk = new ScalarWalk(variables, options.strict !== false);
  const object = walk.mapping(resource.object, 0, 0);
  if (object === BAIL) return undefined;
  const { used, missing, defaulted } = walk;
  // The text did not change: Flux applies the object as it was (and so does the text path).
  if (!walk.changed) return { resource, used, missing, defaulted };
  provenance.registerResolver(object, walk.resolver(provenance));
  return {
    resource: {
      object,
      file: resource.file,
      line: resource.line,
      ...(resource.documentIndex === undefined ? {} : { documentIndex: resource.documentIndex }),
    },
    used,
    missing,
    defaulted,
  };
}

/** The definition of variable `name` as the origin of a value it produced (its text as `raw`). */
export function variableOrigin(
  variables: ReadonlyMap<string, Variable>,
  name: string,
): ValueOrigin | undefined {
  const variable = variables.get(name);
  return variable?.origin ? { ...variable.origin, raw: variable.value } : undefined;
}

/** A value whose origin is unknown in the parsed text (it starts at a key). */
const NO_ORIGIN: unique symbol = Symbol('no origin');

/** Where the parsed text says a value was written: a variable, the original value, or nowhere. */
type OriginRef =
  | { readonly variable: string }
  | { readonly container: object; readonly key: string | number }
  | typeof NO_ORIGIN;

/**
 * Walks one object in the emitter's order (keys sorted as go-yaml sorts them), substitutes the
 * strings that hold expressions and copies the rest, recording what the origin resolver needs.
 */
class ScalarWalk {
  readonly used: string[] = [];
  readonly missing: string[] = [];
  readonly defaulted: string[] = [];
  changed = false;
  /** New container → the original it was copied from. */
  readonly #originals = new Map<object, object>();
  /** New container → key → where its value comes from, when not from the original's value. */
  readonly #refs = new Map<object, Map<string | number, OriginRef>>();
  // The scalar written last in the emitted text (where a `-`, `[` or `{` after it leads back):
  // a key (no container), a value, or a value written with a variable.
  #lastContainer: object | undefined;
  #lastKey: string | number = 0;
  #lastVariable: string | undefined;

  constructor(
    readonly variables: ReadonlyMap<string, Variable>,
    readonly strict: boolean,
  ) {}

  /**
   * Copies a mapping whose keys the emitter writes at column `indent` (its values at the column
   * after `key: `), or returns BAIL.
   */
  mapping(map: YamlMap, depth: number, indent: number): YamlMap | typeof BAIL {
    if (depth >= MAX_EMIT_DEPTH) return BAIL;
    const keys = Object.keys(map);
    if (!isSorted(keys)) keys.sort(compareKeys);
    const copy: YamlMap = {};
    this.#originals.set(copy, map);
    for (const key of keys) {
      if (!readsBackAsKey(key)) return BAIL;
      // A key's span: a container right after it has no origin in the parsed text.
      this.#lastContainer = undefined;
      this.#lastVariable = undefined;
      const item = map[key];
      let value: unknown;
      if (Array.isArray(item)) value = this.#sequence(item, depth + 1, indent);
      else if (isPlainObject(item)) value = this.mapping(item, depth + 1, indent + 2);
      else value = this.#scalar(item, copy, map, key, indent);
      if (value === BAIL) return BAIL;
      // As js-yaml stores a `__proto__` key: an own property, not the prototype.
      setOwnValue(copy, key, value);
    }
    return copy;
  }

  /** Copies a sequence whose `-` the emitter writes at column `indent`, or returns BAIL. */
  #sequence(items: readonly unknown[], depth: number, indent: number): unknown[] | typeof BAIL {
    if (depth >= MAX_EMIT_DEPTH) return BAIL;
    const copy: unknown[] = [];
    this.#originals.set(copy, items);
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index];
      let value: unknown;
      // An item that is a sequence or an empty mapping starts at `-`, `[` or `{`: the parsed
      // text traces it to the scalar written before it. A mapping starts at its first key.
      if (Array.isArray(item)) {
        this.#setRef(copy, index, this.#lastRef());
        value = this.#sequence(item, depth + 1, indent + 2);
      } else if (isPlainObject(item)) {
        if (isEmpty(item)) this.#setRef(copy, index, this.#lastRef());
        value = this.mapping(item, depth + 1, indent + 2);
      } else value = this.#scalar(item, copy, items, index, indent);
      if (value === BAIL) return BAIL;
      copy.push(value);
    }
    return copy;
  }

  #lastRef(): OriginRef {
    if (this.#lastVariable !== undefined) return { variable: this.#lastVariable };
    return this.#lastContainer === undefined
      ? NO_ORIGIN
      : { container: this.#lastContainer, key: this.#lastKey };
  }

  /** A scalar after `key: ` or `- ` written at column `indent`. */
  #scalar(value: unknown, copy: object, container: object, key: string | number, indent: number): unknown {
    this.#lastContainer = container;
    this.#lastKey = key;
    this.#lastVariable = undefined;
    if (typeof value === 'string') {
      if (!value.includes('${') && !value.includes('$$')) return readsBack(value) ? value : BAIL;
      return this.#substitute(value, copy, key, indent);
    }
    if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
    if (typeof value === 'boolean' || value === null) return value;
    // The emitter writes `null` for undefined; anything else (a date, a bigint) is left to the
    // text path.
    return value === undefined ? null : BAIL;
  }

  /**
   * A string holding an expression, written plain, single-quoted or as a literal block, never
   * folded: envsubst on its emitted text, which must read back in the same style.
   */
  #substitute(value: string, copy: object, key: string | number, indent: number): unknown {
    const style = styleOf(value);
    if (style === undefined || ODD_BREAK.test(value)) return BAIL;
    // The emitted text of the scalar: quotes doubled in single quotes; a literal block's lines
    // are the string's (the indentation between them holds no `$`).
    const piece = style === 'single' ? value.replaceAll("'", "''") : value;
    if (style !== 'literal' && value.includes(' ')) {
      // The text starts after `- ` or `key: ` (a quoted key's width is not worked out: the
      // text path takes it) and must not fold at a space past column 80.
      const width = typeof key === 'number' ? 0 : plainKeyWidth(key);
      if (width === undefined || folds(piece, indent + width + 2 + (style === 'single' ? 1 : 0))) return BAIL;
    }
    const result = style === 'literal' ? this.#envsubstLines(piece) : this.#envsubst(piece);
    if (result === BAIL) return BAIL;
    const { text, pieces } = result;
    // The parsed text traces the scalar's first character (a block's first one after the
    // indentation) to the piece that wrote it, and a scalar written with a variable (a `-`
    // after it, too) to the first variable in it.
    const at = style === 'literal' ? firstContent(text) : 0;
    let covering: EnvsubstPiece | undefined;
    let first: string | undefined;
    for (const item of pieces) {
      if (at !== undefined && item.outStart <= at) covering = item;
      if (first === undefined) first = item.variable;
      else if (at === undefined || item.outStart > at) break;
    }
    this.#lastVariable = first;
    const own = covering?.variable ?? first;
    if (own !== undefined) this.#setRef(copy, key, { variable: own });
    if (text === piece) return readsBack(value) ? value : BAIL;
    this.changed = true;
    return readBack(text, style);
  }

  /**
   * envsubst on a literal block line by line, or BAIL: an expression that spans a line break
   * would hold the block's indentation in the emitted text, and a line a variable wrote to must
   * stay one line of the block as written (printable, not empty, not starting with a space:
   * the block's indentation is read from its first line with text).
   */
  #envsubstLines(block: string): { text: string; pieces: readonly EnvsubstPiece[] } | typeof BAIL {
    const pieces: EnvsubstPiece[] = [];
    let text = '';
    let inStart = 0;
    for (const line of block.split('\n')) {
      if (inStart > 0) {
        pieces.push({ outStart: text.length, outEnd: text.length + 1, inStart: inStart - 1, inEnd: inStart });
        text += '\n';
      }
      if (!line.includes('$')) {
        pieces.push({
          outStart: text.length,
          outEnd: text.length + line.length,
          inStart,
          inEnd: inStart + line.length,
        });
        text += line;
      } else {
        const result = this.#envsubst(line);
        if (result === BAIL) return BAIL;
        const written = result.text;
        if (written !== line) {
          if (written === '' || written.startsWith(' ')) return BAIL;
          const analysis = analyzeScalar(written);
          if (analysis.multiline || !analysis.singleQuoted) return BAIL;
        }
        for (const piece of result.pieces) {
          pieces.push({
            ...piece,
            outStart: piece.outStart + text.length,
            outEnd: piece.outEnd + text.length,
            inStart: piece.inStart + inStart,
            inEnd: piece.inEnd + inStart,
          });
        }
        text += written;
      }
      inStart += line.length + 1;
    }
    return { text, pieces };
  }

  /** Flux's envsubst on one scalar's text, its variables added to the lists; BAIL on an error. */
  #envsubst(text: string): { text: string; pieces: readonly EnvsubstPiece[] } | typeof BAIL {
    const lookup = (name: string): string | undefined => this.variables.get(name)?.value;
    let result: EnvsubstResult;
    try {
      result =
        evaluateSimpleEnvsubst(text, lookup, this.strict) ??
        evaluateEnvsubst(text, lookup, { strict: this.strict });
    } catch (error) {
      if (error instanceof EnvsubstSyntaxError || error instanceof EnvsubstLimitError) return BAIL;
      throw error;
    }
    addNew(this.used, result.used);
    addNew(this.missing, result.missing);
    addNew(this.defaulted, result.defaulted);
    return { text: result.value, pieces: result.pieces };
  }

  #setRef(copy: object, key: string | number, ref: OriginRef): void {
    let refs = this.#refs.get(copy);
    if (!refs) {
      refs = new Map();
      this.#refs.set(copy, refs);
    }
    refs.set(key, ref);
  }

  /**
   * Answers `container[key]`'s origin as the parsed text would: a string written with a
   * variable points at the variable's definition, another scalar at where it was written, a
   * mapping at nothing (it starts at a key), and a sequence or empty mapping in a sequence at
   * what the scalar written before it points at.
   */
  resolver(provenance: Provenance): (container: object, key: string | number) => ValueOrigin | undefined {
    const originals = this.#originals;
    const refs = this.#refs;
    const variables = this.variables;
    return (container, key) => {
      const original = originals.get(container);
      if (original === undefined) return undefined;
      const name = Array.isArray(container) ? Number(key) : String(key);
      if (!Object.hasOwn(container, name)) return undefined;
      const ref = refs.get(container)?.get(name);
      if (ref !== undefined) {
        if (ref === NO_ORIGIN) return undefined;
        if ('variable' in ref) return variableOrigin(variables, ref.variable);
        return provenance.originOf(ref.container, ref.key);
      }
      const value = (container as Record<string | number, unknown>)[name];
      if (typeof value === 'object' && value !== null && !(value instanceof Date)) return undefined;
      return provenance.originOf(original, name);
    };
  }
}

function isPlainObject(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isEmpty(map: YamlMap): boolean {
  for (const _ in map) return false;
  return true;
}

function isSorted(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index += 1)
    if (compareKeys(keys[index - 1]!, keys[index]!) > 0) return false;
  return true;
}

function addNew(into: string[], names: readonly string[]): void {
  for (const name of names) if (!into.includes(name)) into.push(name);
}
