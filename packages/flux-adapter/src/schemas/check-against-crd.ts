import type { CrdNode } from './crd-structure.js';

/** One finding of {@link checkAgainstCrd}: where (keys from the checked value) and what. */
export interface CrdIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** What the API server would do with a value: refuse it (`errors`) or drop fields (`pruned`). */
export interface CrdCheck {
  /** Type, required, enum, pattern, length and count violations: the API server refuses the object. */
  readonly errors: CrdIssue[];
  /** Fields the schema does not have: the API server drops them (pruning) and warns. */
  readonly pruned: CrdIssue[];
}

/**
 * Checks a value against a CRD structural schema the way the API server admits a custom
 * resource: unknown fields are pruned, a `null` is treated as absent, and a wrong type, a
 * missing required field, a value outside an enum, a string not matching its pattern or outside
 * its length, or a list outside its item count refuses the object. CEL rules
 * (`x-kubernetes-validations`) are not evaluated. Nodes shared through YAML aliases are checked
 * once per place they appear, as the API server sees the expanded JSON; the walk is iterative.
 */
export function checkAgainstCrd(
  value: unknown,
  node: CrdNode,
  path: readonly (string | number)[] = [],
): CrdCheck {
  const result: CrdCheck = { errors: [], pruned: [] };
  // Each place keeps its parent and its key; the keys from the root are spelled out only for an
  // issue (most objects have none), not for every place walked.
  const stack: Place[] = [{ value, schema: node, parent: undefined, key: undefined, root: path }];
  // A subtree checked against the same schema node gives the same result: alias bombs stay linear.
  // One schema node per object, a set only for an object met again under another (an alias).
  const seen = new Map<object, CrdNode | Set<CrdNode>>();
  while (stack.length > 0) {
    const place = stack.pop()!;
    const { value: current, schema } = place;
    if (current === null || current === undefined) continue;
    if (typeof current === 'object') {
      const nodes = seen.get(current);
      if (nodes === undefined) seen.set(current, schema);
      else if (nodes === schema) continue;
      else if (nodes instanceof Set) {
        if (nodes.has(schema)) continue;
        nodes.add(schema);
      } else seen.set(current, new Set([nodes, schema]));
    }
    if (schema['x-kubernetes-int-or-string']) {
      if (!(typeof current === 'string' || Number.isInteger(current)))
        addIssue(result.errors, place, `expected an integer or a string, got ${describe(current)}`);
      continue;
    }
    switch (schema.type) {
      case 'string':
        if (typeof current !== 'string')
          addIssue(result.errors, place, `expected a string, got ${describe(current)}`);
        else checkString(current, schema, place, result.errors);
        break;
      case 'integer':
        if (!Number.isInteger(current))
          addIssue(result.errors, place, `expected an integer, got ${describe(current)}`);
        else checkEnum(current, schema, place, result.errors);
        break;
      case 'number':
        if (typeof current !== 'number')
          addIssue(result.errors, place, `expected a number, got ${describe(current)}`);
        break;
      case 'boolean':
        if (typeof current !== 'boolean')
          addIssue(result.errors, place, `expected a boolean, got ${describe(current)}`);
        break;
      case 'array':
        if (!Array.isArray(current)) {
          addIssue(result.errors, place, `expected a list, got ${describe(current)}`);
          break;
        }
        if (schema.minItems !== undefined && current.length < schema.minItems)
          addIssue(result.errors, place, `expected at least ${schema.minItems} items, got ${current.length}`);
        if (schema.maxItems !== undefined && current.length > schema.maxItems)
          addIssue(result.errors, place, `expected at most ${schema.maxItems} items, got ${current.length}`);
        if (schema.items)
          for (let index = current.length - 1; index >= 0; index -= 1)
            stack.push({
              value: current[index],
              schema: schema.items,
              parent: place,
              key: index,
              root: undefined,
            });
        break;
      case 'object':
        if (!isRecord(current)) {
          addIssue(result.errors, place, `expected a mapping, got ${describe(current)}`);
          break;
        }
        checkObject(current, schema, place, stack, result);
        break;
      default:
        // No type: anything goes (x-kubernetes-preserve-unknown-fields), children unchecked.
        break;
    }
  }
  result.errors.sort(comparePaths);
  result.pruned.sort(comparePaths);
  return result;
}

/** A value to check and where it is: below `parent` at `key`, or at `root` for the first. */
interface Place {
  readonly value: unknown;
  readonly schema: CrdNode;
  readonly parent: Place | undefined;
  readonly key: string | number | undefined;
  readonly root: readonly (string | number)[] | undefined;
}

function pathOf(place: Place): (string | number)[] {
  const keys: (string | number)[] = [];
  let at: Place = place;
  while (at.parent !== undefined) {
    keys.push(at.key!);
    at = at.parent;
  }
  keys.reverse();
  return at.root === undefined || at.root.length === 0 ? keys : [...at.root, ...keys];
}

function addIssue(issues: CrdIssue[], place: Place, message: string, key?: string): void {
  const path = pathOf(place);
  if (key !== undefined) path.push(key);
  issues.push({ path, message });
}

function checkObject(
  current: Record<string, unknown>,
  schema: CrdNode,
  place: Place,
  stack: Place[],
  result: CrdCheck,
): void {
  for (const key of schema.required ?? []) {
    if (current[key] === undefined || current[key] === null)
      addIssue(result.errors, place, 'is required', key);
  }
  const keys = Object.keys(current);
  for (let index = keys.length - 1; index >= 0; index -= 1) {
    const key = keys[index]!;
    const child = schema.properties?.[key];
    if (child) {
      stack.push({ value: current[key], schema: child, parent: place, key, root: undefined });
    } else if (typeof schema.additionalProperties === 'object') {
      stack.push({
        value: current[key],
        schema: schema.additionalProperties,
        parent: place,
        key,
        root: undefined,
      });
    } else if (
      schema.additionalProperties !== true &&
      !schema['x-kubernetes-preserve-unknown-fields'] &&
      current[key] !== null
    ) {
      addIssue(result.pruned, place, 'is not a field of the schema', key);
    }
  }
}

function checkString(value: string, schema: CrdNode, place: Place, errors: CrdIssue[]): void {
  checkEnum(value, schema, place, errors);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    const length = codePoints(value);
    if (schema.minLength !== undefined && length < schema.minLength)
      addIssue(errors, place, `expected at least ${schema.minLength} characters, got ${length}`);
    if (schema.maxLength !== undefined && length > schema.maxLength)
      addIssue(errors, place, `expected at most ${schema.maxLength} characters, got ${length}`);
  }
  if (schema.pattern !== undefined) {
    const regex = compilePattern(schema.pattern);
    if (regex && !regex.test(value))
      addIssue(errors, place, `${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
}

/** The length in code points, as the API server counts characters (`[...value].length`). */
function codePoints(value: string): number {
  let length = value.length;
  for (let index = 0; index < value.length; index += 1) {
    const unit = value.charCodeAt(index);
    // A high surrogate followed by a low one is one code point; a lone one counts as one.
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < value.length) {
      const next = value.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length -= 1;
        index += 1;
      }
    }
  }
  return length;
}

function checkEnum(value: unknown, schema: CrdNode, place: Place, errors: CrdIssue[]): void {
  if (schema.enum && !schema.enum.includes(value))
    addIssue(
      errors,
      place,

      `expected one of ${schema.enum.map((item) => JSON.stringify(item)).join(', ')}, got ${JSON.stringify(value)}`,
    );
}

const patterns = new Map<string, RegExp | undefined>();

// CRD patterns are Go (RE2) regular expressions; the ones Flux uses read the same in JavaScript.
// One that does not compile is not checked (never a false refusal).
function compilePattern(pattern: string): RegExp | undefined {
  if (!patterns.has(pattern)) {
    try {
      patterns.set(pattern, new RegExp(pattern, 'u'));
    } catch {
      patterns.set(pattern, undefined);
    }
  }
  return patterns.get(pattern);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

function comparePaths(a: CrdIssue, b: CrdIssue): number {
  const left = a.path.join('.');
  const right = b.path.join('.');
  return left < right ? -1 : left > right ? 1 : 0;
}
