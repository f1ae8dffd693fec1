import type yaml from 'js-yaml';

/** What a plain (unquoted) scalar's text means: js-yaml's implicit typing of one schema. */
export type PlainScalarResolver = (text: string) => unknown;

/**
 * Builds the typing of plain scalars that js-yaml applies with `schema`: its implicit types
 * (null, bool, int, float, timestamp, merge for the default schema), tried in the schema's
 * order with their own `resolve` and `construct`. Most scalars of a manifest are names, images
 * and paths, so a cheap look at the text first sends every scalar that no type of the default
 * schema can match (one whose first character starts no null, bool, number, timestamp or
 * merge key) straight back as a string. Undefined when the schema does not expose its
 * implicit types (another js-yaml build): the caller then reads every file with js-yaml.
 *
 * @example
 * ```ts
 * const resolve = createPlainScalarResolver(yaml.DEFAULT_SCHEMA)!;
 * resolve('0x1F'); // 31
 * resolve('nginx'); // 'nginx'
 * ```
 */
export function createPlainScalarResolver(schema: yaml.Schema): PlainScalarResolver | undefined {
  const implicit = (schema as unknown as { compiledImplicit?: unknown }).compiledImplicit;
  if (!Array.isArray(implicit)) return undefined;
  // Each type with the test a text must pass for the type to match it at all.
  const types: { readonly type: yaml.Type; readonly mayMatch: (text: string) => boolean }[] = [];
  for (const type of implicit as readonly yaml.Type[]) {
    const mayMatch = MAY_MATCH[(type as unknown as { tag?: unknown }).tag as string];
    if (mayMatch === undefined) return undefined;
    types.push({ type, mayMatch });
  }
  const resolveTyped = (text: string): unknown => {
    for (const { type, mayMatch } of types)
      if (mayMatch(text) && type.resolve(text)) return type.construct(text);
    return text;
  };
  return (text) => (mayBeTyped(text) ? resolveTyped(text) : text);
}

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;

// What each implicit type of the default schema can match at all (its `resolve` decides).
const MAY_MATCH: Readonly<Record<string, (text: string) => boolean>> = {
  // `~`, `null`, `Null`, `NULL`
  'tag:yaml.org,2002:null': (text) => text.length === 1 || text.length === 4,
  // `true`, `false` in three spellings
  'tag:yaml.org,2002:bool': (text) => text.length === 4 || text.length === 5,
  // a sign or a digit first
  'tag:yaml.org,2002:int': (text) =>
    text.charCodeAt(0) !== 0x2e && (text.length > 1 || isDigit(text.charCodeAt(0))),
  // a sign, a digit or a dot first
  'tag:yaml.org,2002:float': () => true,
  // `YYYY-MM-DD` first
  'tag:yaml.org,2002:timestamp': (text) =>
    text.length >= 8 &&
    text.charCodeAt(4) === 0x2d &&
    isDigit(text.charCodeAt(0)) &&
    isDigit(text.charCodeAt(3)),
  // `<<`
  'tag:yaml.org,2002:merge': (text) => text.length === 2,
};

/**
 * Whether an implicit type of the default schema can match `text`: a number, timestamp or
 * `.inf`/`.nan` starts with a digit, a sign or a dot; null is `~` or `null` in three spellings;
 * a bool is `true`/`false` in three spellings; a merge key is `<<`.
 */
function mayBeTyped(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first <= 0x39) return first >= 0x30 || first === 0x2b || first === 0x2d || first === 0x2e;
  switch (first) {
    case 0x7e: // ~
      return text.length === 1;
    case 0x3c: // <
      return text.length === 2;
    case 0x6e: // n
    case 0x4e: // N
    case 0x74: // t
    case 0x54: // T
      return text.length === 4;
    case 0x66: // f
    case 0x46: // F
      return text.length === 5;
    default:
      return false;
  }
}
