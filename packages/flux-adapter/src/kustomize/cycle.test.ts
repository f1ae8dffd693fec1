import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_IMAGE, fluxKustomization, tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';

const KUSTOMIZATION = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('built-in kustomize renderer, resource cycles', () => {
  it(
    'reports a resources cycle where it starts, and still builds the rest',
    { timeout: 20_000 },
    async () => {
      const repo = await tempFluxRepo({
        'clusters/dev/loop.yaml': fluxKustomization('loop', './loop-a'),
        'loop-a/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../loop-b\n  - inner.yaml\n`,
        'loop-a/inner.yaml':
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: inner\nspec:\n  containers:\n    - name: a\n      image: docker.io/library/inner:1\n',
        'loop-b/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../loop-a\n`,
      });
      cleanups.push(repo.cleanup);
      const result = await loadFluxRepository(repo.root);
      const cycles = result.diagnostics.filter((diagnostic) => diagnostic.code === 'kustomization-cycle');
      expect(cycles).toEqual([
        expect.objectContaining({ file: 'loop-a/kustomization.yaml', line: 4, severity: 'error' }),
      ]);
      expect(cycles[0]?.message).toContain('loop-b/kustomization.yaml');
      const refs = result.images.map((image) => image.ref);
      expect(refs).toContain(GOOD_IMAGE);
      expect(refs).toContain('docker.io/library/inner:1');
    },
  );

  it('reports a folder that lists itself, and a component cycle', { timeout: 20_000 }, async () => {
    const repo = await tempFluxRepo({
      'clusters/dev/self.yaml': fluxKustomization('self', './self'),
      'self/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - .\ncomponents:\n  - ../comp\n`,
      'comp/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncomponents:\n  - ../comp\n',
    });
    cleanups.push(repo.cleanup);
    const result = await loadFluxRepository(repo.root);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'kustomization-cycle', file: 'self/kustomization.yaml', line: 4 }),
    );
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'kustomization-cycle', file: 'comp/kustomization.yaml', line: 4 }),
    );
    expect(result.images.map((image) => image.ref)).toContain(GOOD_IMAGE);
  });
});
