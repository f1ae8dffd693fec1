/**
 * The part of a CRD's OpenAPI v3 structural schema the API server checks when it admits an
 * object: types, required fields, enums, patterns, lengths and item counts, and which fields
 * exist (an unknown field is pruned). Descriptions, defaults and CEL rules are left out.
 */
export interface CrdNode {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly properties?: Readonly<Record<string, CrdNode>>;
  readonly required?: readonly string[];
  readonly items?: CrdNode;
  /** A schema for every other key (a map), or `true` for any value. */
  readonly additionalProperties?: CrdNode | boolean;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly maxItems?: number;
  readonly minItems?: number;
  readonly nullable?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
}

const KEPT = [
  'type',
  'required',
  'enum',
  'pattern',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'nullable',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
] as const;

/**
 * Reduces a CRD OpenAPI v3 schema node to a {@link CrdNode}: what admission checks, nothing
 * else (`pnpm --filter @sluice/flux-adapter run generate:crds` writes `crd-structures.json`
 * from the CRDs in `fixtures/flux-crds` with it; a test checks that the file is current).
 */
export function compactCrdSchema(schema: Readonly<Record<string, unknown>>): CrdNode {
  const node: Record<string, unknown> = {};
  for (const key of KEPT) if (schema[key] !== undefined) node[key] = schema[key];
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties) {
    node.properties = Object.fromEntries(
      Object.keys(properties)
        .sort()
        .map((key) => [key, compactCrdSchema(properties[key]!)]),
    );
  }
  if (schema.items && typeof schema.items === 'object')
    node.items = compactCrdSchema(schema.items as Record<string, unknown>);
  const additional = schema.additionalProperties;
  if (typeof additional === 'boolean') node.additionalProperties = additional;
  else if (additional && typeof additional === 'object')
    node.additionalProperties = compactCrdSchema(additional as Record<string, unknown>);
  return node as CrdNode;
}
