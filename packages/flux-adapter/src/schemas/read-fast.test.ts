// The fast readers give what zod's parse gives, to the key order and to which parts are copies,
// for every Flux object of the corpora and for the shapes a hand-written manifest can take.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYaml } from '@sluice/core';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { yamlFiles } from '../__fixtures__/yaml-files.js';
import type * as z from 'zod';
import { ObjectMeta } from './common.js';
import { HELM_RELEASE_SPECS } from './helm-release.js';
import { KUSTOMIZATION_SPECS } from './kustomization.js';
import { DECLINED, fastReader } from './read-fast.js';
import { ArtifactGeneratorSpec, SOURCE_SPECS, sourceSpecSchema, type SourceKind } from './sources.js';

const SCHEMAS: readonly [string, z.ZodType][] = [
  ['ObjectMeta', ObjectMeta],
  ...Object.entries(KUSTOMIZATION_SPECS).map(([version, schema]): [string, z.ZodType] => [
    `Kustomization ${version}`,
    schema,
  ]),
  ...Object.entries(HELM_RELEASE_SPECS).map(([version, schema]): [string, z.ZodType] => [
    `HelmRelease ${version}`,
    schema,
  ]),
  ...(Object.keys(SOURCE_SPECS) as SourceKind[]).flatMap((kind) =>
    ['v1', 'v1beta1'].map((version): [string, z.ZodType] => [
      `${kind} ${version}`,
      sourceSpecSchema(kind, version),
    ]),
  ),
  ['ArtifactGenerator', ArtifactGeneratorSpec],
];

/**
 * The value as a list of steps that tells every difference apart: keys in order, types, values,
 * and for each mapping and list whether it is the input's own (passed through) or a copy.
 */
function describeOutput(output: unknown, inputs: ReadonlySet<unknown>): unknown {
  if (typeof output !== 'object' || output === null) return output === undefined ? '<undefined>' : output;
  const shared = inputs.has(output) ? 'shared' : 'copy';
  if (Array.isArray(output))
    return [shared, output.length, ...output.map((item) => describeOutput(item, inputs))];
  return [
    shared,
    Object.getPrototypeOf(output) === Object.prototype ? 'plain' : 'other',
    ...Object.keys(output).flatMap((key) => [
      key,
      describeOutput((output as Record<string, unknown>)[key], inputs),
    ]),
  ];
}

function nodesOf(value: unknown, into = new Set<unknown>()): Set<unknown> {
  if (typeof value !== 'object' || value === null || into.has(value)) return into;
  into.add(value);
  for (const child of Object.values(value)) nodesOf(child, into);
  return into;
}

/** Reads `value` both ways; the fast reader must decline or give zod's exact output. */
function compare(schema: z.ZodType, value: unknown): 'read' | 'declined' {
  const fast = fastReader(schema)(value);
  const parsed = schema.safeParse(value);
  if (fast === DECLINED) return 'declined';
  expect(parsed.success).toBe(true);
  const inputs = nodesOf(value);
  expect(describeOutput(fast, inputs)).toEqual(describeOutput(parsed.data, inputs));
  return 'read';
}

describe('fastReader', () => {
  it('gives zod’s output for every metadata and every spec of the corpora, under every schema', async () => {
    const root = repoPath('fixtures/corpora');
    let read = 0;
    for (const file of await yamlFiles(root)) {
      for (const document of parseYaml(await readFile(join(root, file), 'utf8'), file).documents) {
        const value = document.value as Record<string, unknown> | null;
        if (typeof value !== 'object' || value === null) continue;
        for (const [, schema] of SCHEMAS) {
          if (value.metadata !== undefined && compare(ObjectMeta, value.metadata) === 'read') read += 1;
          if (value.spec !== undefined && compare(schema, value.spec) === 'read') read += 1;
        }
      }
    }
    // Most of them are read without zod.
    expect(read).toBeGreaterThan(10_000);
  });

  it.each([
    ['a label that is not a string', ObjectMeta, { name: 'a', labels: { on: true } }, 'declined'],
    ['null metadata fields', ObjectMeta, { name: 'a', namespace: null }, 'declined'],
    ['a present undefined field', ObjectMeta, { name: 'a', namespace: undefined, x: undefined }, 'read'],
    [
      'unknown fields kept in order',
      ObjectMeta,
      { z: 1, name: 'a', b: [{}], labels: { b: 'x', a: 'y', 1: 'z' } },
      'read',
    ],
    ['a required field missing', KUSTOMIZATION_SPECS.v1, { path: './x' }, 'declined'],
    ['a wrong type', KUSTOMIZATION_SPECS.v1, { sourceRef: { kind: 'GitRepository', name: 1 } }, 'declined'],
    ['a list where a mapping goes', KUSTOMIZATION_SPECS.v1, { sourceRef: [] }, 'declined'],
    [
      'a mapping where a list goes',
      KUSTOMIZATION_SPECS.v1,
      { sourceRef: { kind: 'K', name: 'n' }, components: {} },
      'declined',
    ],
    [
      'a YAML timestamp',
      KUSTOMIZATION_SPECS.v1,
      { sourceRef: { kind: 'K', name: 'n' }, path: new Date(0) },
      'declined',
    ],
    [
      'an own __proto__ key',
      KUSTOMIZATION_SPECS.v1,
      JSON.parse('{"sourceRef":{"kind":"K","name":"n"},"__proto__":{"a":1}}'),
      'declined',
    ],
    [
      'a mapping without a prototype',
      KUSTOMIZATION_SPECS.v1,
      Object.assign(Object.create(null), { sourceRef: { kind: 'K', name: 'n' } }),
      'declined',
    ],
    [
      'values passed through, lists copied',
      HELM_RELEASE_SPECS.v2,
      {
        values: { a: [1, { b: null }] },
        chart: { spec: { chart: 'c', sourceRef: { kind: 'K', name: 'n', x: { y: 1 } } } },
        valuesFrom: [],
      },
      'read',
    ],
    [
      'a post-build substitution',
      KUSTOMIZATION_SPECS.v1beta2,
      {
        sourceRef: { kind: 'K', name: 'n' },
        postBuild: { substitute: { A: 'b', C: 'd' }, substituteStrategy: 'x' },
      },
      'read',
    ],
    [
      'a substitution that is not text',
      KUSTOMIZATION_SPECS.v1,
      { sourceRef: { kind: 'K', name: 'n' }, postBuild: { substitute: { A: 1 } } },
      'declined',
    ],
  ] as const)('%s', (_name, schema, value, expected) => {
    expect(compare(schema, value)).toBe(expected);
  });
});
