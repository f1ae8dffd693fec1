// Flux objects are admitted as the API server and the controllers admit them: what Flux
// tolerates is a warning and the object is used, what Flux refuses is invalid, named.
import { readFile } from 'node:fs/promises';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { buildCrdStructures, formatCrdStructures } from '../../scripts/crd-structures.js';
import { readFluxObject } from './flux-object.js';

function kustomization(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'volsync', namespace: 'flux-system', ...metadata },
    spec: {
      interval: '10m',
      path: './apps',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      ...spec,
    },
  };
}

function read(value: unknown) {
  const result = readFluxObject(value);
  if (result.status === 'other') throw new Error('not a Flux object');
  return result;
}

describe('what Flux tolerates: a warning, the object used as Flux uses it', () => {
  it('reads a boolean label as its text', () => {
    const result = read(kustomization({}, { labels: { 'substitution.flux/enabled': true, app: 'x' } }));
    expect(result.status).toBe('flux');
    if (result.status !== 'flux') return;
    expect(result.object.labels).toEqual({ 'substitution.flux/enabled': 'true', app: 'x' });
    expect(result.warnings).toEqual([
      {
        code: 'flux-metadata-not-string',
        path: ['metadata', 'labels', 'substitution.flux/enabled'],
        message: expect.stringContaining('is the boolean true, not a string') as string,
      },
    ]);
  });

  it('reads a number label, a null label and a boolean annotation as their text', () => {
    const result = read(
      kustomization({}, { labels: { replicas: 3, empty: null }, annotations: { 'example.com/flag': false } }),
    );
    if (result.status !== 'flux') throw new Error(result.status);
    expect(result.object.labels).toEqual({ replicas: '3', empty: '' });
    expect(result.object.annotations).toEqual({ 'example.com/flag': 'false' });
    expect(result.warnings.map((warning) => warning.path.join('.'))).toEqual([
      'metadata.labels.replicas',
      'metadata.labels.empty',
      'metadata.annotations.example.com/flag',
    ]);
  });

  it('prunes a field the CRD does not have, at any depth', () => {
    const result = read(
      kustomization({
        postbuild: { substitute: { A: 'b' } },
        sourceRef: { kind: 'GitRepository', name: 'x', branch: 'main' },
      }),
    );
    if (result.status !== 'flux') throw new Error(result.status);
    expect(result.warnings).toEqual([
      {
        code: 'flux-field-pruned',
        path: ['spec', 'postbuild'],
        message:
          'spec.postbuild is not a field of kustomize.toolkit.fluxcd.io/v1 Kustomization: the API server drops it',
      },
      {
        code: 'flux-field-pruned',
        path: ['spec', 'sourceRef', 'branch'],
        message:
          'spec.sourceRef.branch is not a field of kustomize.toolkit.fluxcd.io/v1 Kustomization: the API server drops it',
      },
    ]);
    expect(result.object.spec.postBuild).toBeUndefined();
  });

  it('takes a null field as absent, and HelmRelease values as anything', () => {
    expect(read(kustomization({ postBuild: null, targetNamespace: null })).status).toBe('flux');
    const release = read({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'web', namespace: 'web' },
      spec: {
        interval: '1h',
        chart: { spec: { chart: 'web', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
        values: { anything: [1, { deep: true }], image: { tag: 3 } },
      },
    });
    expect(release).toMatchObject({ status: 'flux', warnings: [] });
  });
});

describe('what Flux refuses: invalid, named Kind/namespace/name', () => {
  it.each([
    [{ suspend: 'yes' }, 'spec.suspend: expected a boolean, got the string "yes"'],
    [{ interval: undefined }, 'spec.interval: is required'],
    [{ interval: '5 minutes' }, 'spec.interval: "5 minutes" does not match'],
    [
      { sourceRef: { kind: 'HelmRepository', name: 'x' } },
      'spec.sourceRef.kind: expected one of "OCIRepository", ',
    ],
    [{ dependsOn: { name: 'infra' } }, 'spec.dependsOn: expected a list, got a mapping'],
    [
      { images: [{ name: 'web', newTag: 1.2 }] },
      'spec.images.0.newTag: expected a string, got the number 1.2',
    ],
  ])('refuses %j', (spec, reason) => {
    const result = read(kustomization(spec, { labels: { enabled: true } }));
    expect(result).toMatchObject({
      status: 'invalid',
      kind: 'Kustomization',
      name: 'volsync',
      namespace: 'flux-system',
    });
    if (result.status === 'invalid') {
      expect(result.reason).toContain(reason);
      expect(result.reason).toMatch(/the API server refuses it$/);
    }
  });

  it('refuses a label that is a mapping, keeping the name', () => {
    expect(read(kustomization({}, { labels: { app: { nested: 'x' } } }))).toMatchObject({
      status: 'invalid',
      name: 'volsync',
      namespace: 'flux-system',
    });
  });
});

describe('crd-structures.json', () => {
  it('is generated from the Flux CRDs in fixtures/flux-crds (pnpm --filter @sluice/flux-adapter run generate:crds)', async () => {
    const expected = formatCrdStructures(
      await buildCrdStructures(new URL(`file://${repoPath('fixtures/flux-crds')}/`)),
    );
    const actual = await readFile(repoPath('packages/flux-adapter/src/schemas/crd-structures.json'), 'utf8');
    expect(actual).toBe(expected);
  });
});
