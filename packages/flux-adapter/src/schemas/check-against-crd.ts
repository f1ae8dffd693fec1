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
  const stack: [unknown, CrdNode, readonly (string | number)[]][] = [[value, node, path]];
  // A subtree checked against the same schema node gives the same result: alias bombs stay linear.
  const seen = new Map<object, Set<CrdNode>>();
  while (stack.length > 0) {
    const [current, schema, at] = stack.pop()!;
    if (current === null || current === undefined) continue;
    if (typeof current === 'object') {
      let nodes = seen.get(current);
      if (!nodes) seen.set(current, (nodes = new Set()));
      if (nodes.has(schema)) continue;
      nodes.add(schema);
    }
    const error = (message: string): void => {
      result.errors.push({ path: at, message });
    };
    if (schema['x-kubernetes-int-or-string']) {
      if (!(typeof current === 'string' || Number.isInteger(current)))
        error(`expected an integer or a string, got ${describe(current)}`);
      continue;
    }
    switch (schema.type) {
      case 'string':
        if (typeof current !== 'string') error(`expected a string, got ${describe(current)}`);
        else checkString(current, schema, error);
        break;
      case 'integer':
        if (!Number.isInteger(current)) error(`expected an integer, got ${describe(current)}`);
        else checkEnum(current, schema, error);
        break;
      case 'number':
        if (typeof current !== 'number') error(`expected a number, got ${describe(current)}`);
        break;
      case 'boolean':
        if (typeof current !== 'boolean') error(`expected a boolean, got ${describe(current)}`);
        break;
      case 'array':
        if (!Array.isArray(current)) {
          error(`expected a list, got ${describe(current)}`);
          break;
        }
        if (schema.minItems !== undefined && current.length < schema.minItems)
          error(`expected at least ${schema.minItems} items, got ${current.length}`);
        if (schema.maxItems !== undefined && current.length > schema.maxItems)
          error(`expected at most ${schema.maxItems} items, got ${current.length}`);
        if (schema.items)
          for (let index = current.length - 1; index >= 0; index -= 1)
            stack.push([current[index], schema.items, [...at, index]]);
        break;
      case 'object':
        if (!isRecord(current)) {
          error(`expected a mapping, got ${describe(current)}`);
          break;
        }
        checkObject(current, schema, at, stack, result);
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

function checkObject(
  current: Record<string, unknown>,
  schema: CrdNode,
  at: readonly (string | number)[],
  stack: [unknown, CrdNode, readonly (string | number)[]][],
  result: CrdCheck,
): void {
  for (const key of schema.required ?? []) {
    if (current[key] === undefined || current[key] === null)
      result.errors.push({ path: [...at, key], message: 'is required' });
  }
  const keys = Object.keys(current);
  for (let index = keys.length - 1; index >= 0; index -= 1) {
    const key = keys[index]!;
    const child = schema.properties?.[key];
    if (child) {
      stack.push([current[key], child, [...at, key]]);
    } else if (typeof schema.additionalProperties === 'object') {
      stack.push([current[key], schema.additionalProperties, [...at, key]]);
    } else if (
      schema.additionalProperties !== true &&
      !schema['x-kubernetes-preserve-unknown-fields'] &&
      current[key] !== null
    ) {
      result.pruned.push({ path: [...at, key], message: 'is not a field of the schema' });
    }
  }
}

function checkString(value: string, schema: CrdNode, error: (message: string) => void): void {
  checkEnum(value, schema, error);
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength)
    error(`expected at least ${schema.minLength} characters, got ${length}`);
  if (schema.maxLength !== undefined && length > schema.maxLength)
    error(`expected at most ${schema.maxLength} characters, got ${length}`);
  if (schema.pattern !== undefined) {
    const regex = compilePattern(schema.pattern);
    if (regex && !regex.test(value)) error(`${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
}

function checkEnum(value: unknown, schema: CrdNode, error: (message: string) => void): void {
  if (schema.enum && !schema.enum.includes(value))
    error(
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
