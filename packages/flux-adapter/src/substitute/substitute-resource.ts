import { parseYaml } from '@sluice/core';
import type { Provenance, ValueOrigin } from '../kustomize/provenance.js';
import { isMap, type KResource } from '../kustomize/resource.js';
import { EmitDepthError, emitGoYaml, type EmittedSpan } from './go-yaml-emit.js';
import { EnvsubstLimitError, EnvsubstSyntaxError, evaluateEnvsubst, type EnvsubstPiece } from './envsubst.js';
import { substituteScalars, variableOrigin } from './substitute-scalars.js';

/** A postBuild variable with where its value is written. */
export interface Variable {
  readonly value: string;
  readonly origin?: ValueOrigin;
}

/** What substituting one rendered object did. */
export interface ResourceSubstitution {
  /** The object after substitution (the same object when the text did not change). */
  readonly resource: KResource;
  /** Variables read that have a value, in order of first use. */
  readonly used: readonly string[];
  /** Variables read without a value and without a default (strict mode fails the build on them). */
  readonly missing: readonly string[];
  /** Variables read without a value whose default was used. */
  readonly defaulted: readonly string[];
  /** Why Flux's substitution fails on this object (its build fails), when it does. */
  readonly failure?: { readonly reason: string; readonly limit: boolean };
}

/**
 * postBuild substitution of one rendered object exactly as kustomize-controller does it
 * (fluxcd/pkg `kustomize/kustomize_varsub.go` `SubstituteVariables`): the object is written as
 * YAML text (`res.AsYAML()`: {@link emitGoYaml}), Flux's envsubst runs on that whole text, and
 * the result is parsed again (`yaml.YAMLToJSON`: a repeated key keeps its last value). So a
 * variable may stand for a key, a value may carry `\r` (a YAML line break) or ` #…` (a comment),
 * and the object Flux applies is what the text now says. Every value of the new object still
 * knows where it was written: a stretch that a variable produced points at the variable's
 * definition, the rest at the value of the original object it was written from.
 *
 * Most objects take a shortcut with the same result (`substituteScalars`: each string
 * substituted on its own, when every expression sits in a plain one-line value and every
 * substituted value still reads as one); the rest take the whole text
 * (`substituteWholeText`).
 */
export function substituteResource(
  resource: KResource,
  variables: ReadonlyMap<string, Variable>,
  provenance: Provenance,
  options: { readonly strict?: boolean } = {},
): ResourceSubstitution {
  // The emitted text holds `${` or `$$` only where a key or string does: otherwise envsubst
  // copies the text and nothing changes (most objects; CRDs are large).
  if (!holdsExpression(resource.object)) return { resource, used: [], missing: [], defaulted: [] };
  return (
    substituteScalars(resource, variables, provenance, options) ??
    substituteWholeText(resource, variables, provenance, options)
  );
}

/**
 * {@link substituteResource} on the whole text, always: emit the object, envsubst the text,
 * parse it again. Exported for the tests that hold the shortcut to it.
 */
export function substituteWholeText(
  resource: KResource,
  variables: ReadonlyMap<string, Variable>,
  provenance: Provenance,
  options: { readonly strict?: boolean } = {},
): ResourceSubstitution {
  const none = { resource, used: [], missing: [], defaulted: [] };
  let text: string;
  let spans: readonly EmittedSpan[];
  try {
    ({ text, spans } = emitGoYaml(resource.object));
  } catch (error) {
    if (error instanceof EmitDepthError) return { ...none, failure: { reason: error.message, limit: true } };
    throw error;
  }
  // Without `${` or `$$` envsubst copies the text: nothing changes.
  if (!text.includes('${') && !text.includes('$$')) return none;
  let result: ReturnType<typeof evaluateEnvsubst>;
  try {
    result = evaluateEnvsubst(text, (name) => variables.get(name)?.value, options);
  } catch (error) {
    if (error instanceof EnvsubstSyntaxError || error instanceof EnvsubstLimitError) {
      return {
        ...none,
        failure: { reason: `envsubst: ${error.message}`, limit: error instanceof EnvsubstLimitError },
      };
    }
    throw error;
  }
  const { used, missing, defaulted } = result;
  if (result.value === text) return { resource, used, missing, defaulted };
  const parsed = parseYaml(result.value, resource.file, { duplicateKeys: 'last' });
  // A NEL, LS or PS in the text (from a variable, or written raw by the emitter in a block or
  // single-quoted scalar) is a line break to go-yaml and a character to js-yaml: Flux's parse
  // reads other lines than Sluice's, and fails where a value goes on after it
  // (`image: nginx:1\u2028b`). What Flux applies is not known.
  const syntax = parsed.diagnostics.find(
    (diagnostic) => diagnostic.code === 'yaml-syntax' || diagnostic.code === 'yaml-line-separator',
  );
  const document = parsed.documents[0];
  if (syntax || !document || !isMap(document.value)) {
    const reason = syntax ? syntax.message : 'the substituted text is not a YAML mapping';
    return {
      resource,
      used,
      missing,
      defaulted,
      // A line separator is where Sluice cannot follow go-yaml (a limit), not a failure of Flux.
      failure: { reason: `after substitution: ${reason}`, limit: syntax?.code === 'yaml-line-separator' },
    };
  }
  const object = document.value;
  const origins = new TextOrigins(result.pieces, spans, variables, provenance);
  provenance.registerResolver(object, (container, key) => {
    const offset = document.positions.contentOffsetOf(container, key);
    return offset === undefined ? undefined : origins.at(offset);
  });
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

/** True when a key or string of the value holds `${` or `$$`. Iterative, each node once. */
function holdsExpression(value: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  const marked = (text: string): boolean => text.includes('${') || text.includes('$$');
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (marked(item)) return true;
    } else if (typeof item === 'object' && item !== null && !seen.has(item)) {
      seen.add(item);
      if (Array.isArray(item)) for (const child of item) stack.push(child);
      else {
        // Keys one by one, without building an array of entries for every mapping.
        const record = item as Record<string, unknown>;
        for (const key in record) {
          if (marked(key)) return true;
          stack.push(record[key]);
        }
      }
    }
  }
  return false;
}

/** Traces an offset of the substituted text back to what was written. */
class TextOrigins {
  constructor(
    readonly pieces: readonly EnvsubstPiece[],
    readonly spans: readonly EmittedSpan[],
    readonly variables: ReadonlyMap<string, Variable>,
    readonly provenance: Provenance,
  ) {}

  at(offset: number): ValueOrigin | undefined {
    const piece = this.pieces[lastAtOrBefore(this.pieces, offset, (item) => item.outStart)];
    if (!piece) return undefined;
    if (piece.variable !== undefined) return this.#variableOrigin(piece.variable);
    const input = Math.min(
      piece.inStart + (offset - piece.outStart),
      Math.max(piece.inStart, piece.inEnd - 1),
    );
    const span = this.spans[lastAtOrBefore(this.spans, input, (item) => item.start)];
    if (!span) return undefined;
    // A value written with a variable points at the variable's definition.
    const variable = this.#firstVariableWithin(span.start, Math.max(span.end, span.start + 1));
    if (variable !== undefined) return this.#variableOrigin(variable);
    return span.isKey ? undefined : this.provenance.originOf(span.container, span.key);
  }

  #firstVariableWithin(start: number, end: number): string | undefined {
    let index = Math.max(
      0,
      lastAtOrBefore(this.pieces, start, (item) => item.inStart),
    );
    for (; index < this.pieces.length; index += 1) {
      const piece = this.pieces[index]!;
      if (piece.inStart >= end) break;
      if (piece.inEnd > start && piece.variable !== undefined) return piece.variable;
    }
    return undefined;
  }

  #variableOrigin(name: string): ValueOrigin | undefined {
    return variableOrigin(this.variables, name);
  }
}

/** The index of the last item whose key is at or before `value` (items sorted by key), or -1. */
function lastAtOrBefore<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (key(items[middle]!) <= value) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
