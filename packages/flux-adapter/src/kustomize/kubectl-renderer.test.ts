import { execa } from 'execa';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { kubectlKustomizeRenderer } from './kubectl-renderer.js';

const FIXTURE = repoPath('packages/flux-adapter/src/__fixtures__/repo');
const kubectl = await execa('kubectl', ['version', '--client'], { reject: false }).catch(() => undefined);

describe.skipIf(kubectl?.exitCode !== 0)(
  'kubectlKustomizeRenderer (skipped when kubectl is not installed)',
  () => {
    it('finds the same images as the built-in renderer, with the Flux overlay and generated kustomizations', async () => {
      const builtin = await loadFluxRepository(FIXTURE);
      const real = await loadFluxRepository(FIXTURE, { renderer: kubectlKustomizeRenderer() });
      const refs = (repo: typeof builtin): [string, string[]][] =>
        repo.workloads.map((workload) => [workload.id, workload.images.map((image) => image.ref)]);
      expect(refs(real)).toEqual(refs(builtin));
      // Without value positions, locations point at the folder's kustomization file.
      const web = real.images.find((image) => image.ref === 'ghcr.io/acme/web:2.0.0');
      expect(web?.locations[0]).toMatchObject({
        file: 'apps/dev/kustomization.yaml',
        line: 1,
        raw: 'ghcr.io/acme/web:2.0.0',
      });
    });

    it('reports a folder kubectl cannot build', async () => {
      const repo = await loadFluxRepository(repoPath('fixtures/corpora/joryirving-home-ops'), {
        renderer: kubectlKustomizeRenderer(),
        entries: ['kubernetes/apps/base/downloads/sabnzbd'],
      });
      expect(repo.diagnostics).toContainEqual(
        expect.objectContaining({
          code: 'render-failed',
          file: 'kubernetes/apps/base/downloads/sabnzbd/kustomization.yaml',
        }),
      );
    });
  },
);
