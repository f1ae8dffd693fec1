// A Flux Kustomization labelled with a YAML boolean is deployed as Flux deploys it: a parent's
// patch with a labelSelector matches it, its images are found, and the label only costs a warning.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fluxKustomization, tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from './load-flux-repository.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** A repository whose `apps` patches every child Kustomization labelled `flag=<selected>`. */
async function repository(label: string, selected: string): Promise<string> {
  const apps = [
    fluxKustomization('apps', './apps').trimEnd(),
    '  patches:',
    '    - target:',
    '        kind: Kustomization',
    `        labelSelector: flag=${selected}`,
    '      patch: |',
    '        - op: add',
    '          path: /spec/postBuild',
    '          value: {substitute: {TAG: "2.0.0"}}',
    '',
  ].join('\n');
  const web = [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    '  name: web',
    '  namespace: flux-system',
    '  labels:',
    `    flag: ${label}`,
    'spec:',
    '  interval: 10m',
    '  path: ./web',
    '  prune: true',
    '  sourceRef: {kind: GitRepository, name: flux-system}',
    // Substitution runs only with a postBuild: the patch replaces this one.
    '  postBuild: {substitute: {OTHER: x}}',
    '',
  ].join('\n');
  const repo = await tempFluxRepo({
    'clusters/dev/sync.yaml': `${fluxKustomization('flux-system', './clusters/dev')}---\n${apps}`,
    'apps/web.yaml': web,
    'web/pod.yaml':
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: ghcr.io/sluice-test/web:${TAG:=1.0.0}\n',
  });
  cleanups.push(repo.cleanup);
  return repo.root;
}

async function summary(root: string) {
  const repo = await loadFluxRepository(root);
  return {
    workloads: repo.workloads.map((workload) => [
      workload.id,
      workload.method,
      workload.images.map((image) => image.ref),
    ]),
    images: repo.images.map((image) => image.ref),
    invalid: repo.diagnostics.filter((diagnostic) => diagnostic.code === 'invalid-flux-object'),
  };
}

describe('a Kustomization labelled with a YAML boolean', () => {
  it('is deployed, patched through the labelSelector, with a warning at the label', async () => {
    const root = await repository('true', 'true');
    const repo = await loadFluxRepository(root);
    const web = repo.workloads.find((workload) => workload.name === 'web');
    expect(web).toMatchObject({ method: 'rendered', parent: 'Kustomization/flux-system/apps' });
    expect(web?.images.map((image) => image.ref)).toEqual(['ghcr.io/sluice-test/web:2.0.0']);
    expect(repo.diagnostics.filter((diagnostic) => diagnostic.code !== 'flux-object-unreached')).toEqual([
      {
        file: 'apps/web.yaml',
        line: 7,
        column: 11,
        severity: 'warning',
        code: 'flux-metadata-not-string',
        message: expect.stringContaining(
          'Kustomization/flux-system/web: metadata.labels.flag is the boolean true',
        ) as string,
        object: 'Kustomization/flux-system/web',
      },
    ]);
  });

  it('property: quoting a label value never changes the objects or images found', async () => {
    const scalar = fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 12 }), fc.constantFrom('on', 'x1'));
    await fc.assert(
      fc.asyncProperty(scalar, scalar, async (value, selected) => {
        const text = String(value);
        const plain = await summary(await repository(text, String(selected)));
        const quoted = await summary(await repository(JSON.stringify(text), String(selected)));
        expect(quoted).toEqual(plain);
        expect(plain.invalid).toEqual([]);
        // The patch applies exactly when the label's text matches the selector.
        const tag = text === String(selected) ? '2.0.0' : '1.0.0';
        expect(plain.images).toContain(`ghcr.io/sluice-test/web:${tag}`);
      }),
      { numRuns: 12, seed: 1402 },
    );
  }, 120_000);
});
