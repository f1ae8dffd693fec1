// Every field the schemas read must exist, with a compatible type, in the openAPIV3Schema of the
// Flux CRD for that API version (fixtures/flux-crds: current CRDs and legacy/ for beta APIs).
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { HELM_RELEASE_SPECS } from './helm-release.js';
import { KUSTOMIZATION_SPECS } from './kustomization.js';
import { ArtifactGeneratorSpec, SOURCE_SPECS, sourceSpecSchema } from './sources.js';

interface CrdNode {
  type?: string;
  properties?: Record<string, CrdNode>;
  items?: CrdNode;
  additionalProperties?: CrdNode | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

async function crdSpec(file: string, version: string): Promise<CrdNode> {
  const crd = yaml.load(await readFile(repoPath(`fixtures/flux-crds/${file}`), 'utf8')) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: CrdNode } }[] };
  };
  const found = crd.spec.versions.find((entry) => entry.name === version);
  if (!found) throw new Error(`${file} has no version ${version}`);
  const spec = found.schema.openAPIV3Schema.properties?.spec;
  if (!spec) throw new Error(`${file} ${version} has no spec`);
  return spec;
}

/** Lists the fields of a zod schema that the CRD node does not have with a compatible type. */
function incompatibilities(schema: z.ZodType, node: CrdNode, path: string): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return incompatibilities(def.innerType as z.ZodType, node, path);
    case 'unknown':
    case 'any':
      return [];
    case 'union':
      return (def.options as z.ZodType[]).every((option) => incompatibilities(option, node, path).length > 0)
        ? [`${path}: no union member matches`]
        : [];
    case 'string':
      return node.type === 'string' || node['x-kubernetes-int-or-string']
        ? []
        : [`${path}: string vs ${node.type}`];
    case 'literal':
      return node.type === 'string' ? [] : [`${path}: literal vs ${node.type}`];
    case 'number':
      return node.type === 'integer' || node.type === 'number' ? [] : [`${path}: number vs ${node.type}`];
    case 'boolean':
      return node.type === 'boolean' ? [] : [`${path}: boolean vs ${node.type}`];
    case 'array':
      if (node.type !== 'array' || !node.items) return [`${path}: array vs ${node.type}`];
      return incompatibilities(def.element as z.ZodType, node.items, `${path}[]`);
    case 'record': {
      if (node.type !== 'object') return [`${path}: record vs ${node.type}`];
      if (typeof node.additionalProperties === 'object')
        return incompatibilities(def.valueType as z.ZodType, node.additionalProperties, `${path}{}`);
      return node['x-kubernetes-preserve-unknown-fields']
        ? []
        : [`${path}: record without additionalProperties`];
    }
    case 'object': {
      if (node.type !== 'object') return [`${path}: object vs ${node.type}`];
      const shape = def.shape as Record<string, z.ZodType>;
      if (!node.properties)
        return node['x-kubernetes-preserve-unknown-fields'] ? [] : [`${path}: object without properties`];
      return Object.entries(shape).flatMap(([key, child]) => {
        const property = node.properties?.[key];
        return property
          ? incompatibilities(child, property, `${path}.${key}`)
          : [`${path}.${key}: not in the CRD`];
      });
    }
    default:
      return [`${path}: unhandled zod type ${def.type}`];
  }
}

const CASES: [string, string, z.ZodType][] = [
  ['kustomize.toolkit.fluxcd.io_kustomizations.yaml', 'v1', KUSTOMIZATION_SPECS.v1],
  ['legacy/kustomize.toolkit.fluxcd.io_kustomizations.yaml', 'v1beta2', KUSTOMIZATION_SPECS.v1beta2],
  ['legacy/kustomize.toolkit.fluxcd.io_kustomizations.yaml', 'v1beta1', KUSTOMIZATION_SPECS.v1beta1],
  ['helm.toolkit.fluxcd.io_helmreleases.yaml', 'v2', HELM_RELEASE_SPECS.v2],
  ['legacy/helm.toolkit.fluxcd.io_helmreleases.yaml', 'v2beta2', HELM_RELEASE_SPECS.v2beta2],
  ['legacy/helm.toolkit.fluxcd.io_helmreleases.yaml', 'v2beta1', HELM_RELEASE_SPECS.v2beta1],
  ['source.extensions.fluxcd.io_artifactgenerators.yaml', 'v1beta1', ArtifactGeneratorSpec],
  ['source.toolkit.fluxcd.io_externalartifacts.yaml', 'v1', SOURCE_SPECS.ExternalArtifact],
];
for (const [kind, file] of [
  ['GitRepository', 'gitrepositories'],
  ['HelmRepository', 'helmrepositories'],
  ['HelmChart', 'helmcharts'],
  ['Bucket', 'buckets'],
  ['OCIRepository', 'ocirepositories'],
] as const) {
  CASES.push([`source.toolkit.fluxcd.io_${file}.yaml`, 'v1', sourceSpecSchema(kind, 'v1')]);
  CASES.push([`legacy/source.toolkit.fluxcd.io_${file}.yaml`, 'v1beta2', sourceSpecSchema(kind, 'v1beta2')]);
  if (kind !== 'OCIRepository') {
    CASES.push([
      `legacy/source.toolkit.fluxcd.io_${file}.yaml`,
      'v1beta1',
      sourceSpecSchema(kind, 'v1beta1'),
    ]);
  }
}

describe('Flux schemas against the CRD OpenAPI schemas', () => {
  it.each(CASES)('%s %s: every field read exists with a compatible type', async (file, version, schema) => {
    expect(incompatibilities(schema, await crdSpec(file, version), 'spec')).toEqual([]);
  });

  it('notices a field the CRD does not have', async () => {
    const spec = await crdSpec('legacy/kustomize.toolkit.fluxcd.io_kustomizations.yaml', 'v1beta1');
    expect(incompatibilities(KUSTOMIZATION_SPECS.v1, spec, 'spec')).toEqual(
      expect.arrayContaining(['spec.components: not in the CRD', 'spec.namePrefix: not in the CRD']),
    );
  });
});
