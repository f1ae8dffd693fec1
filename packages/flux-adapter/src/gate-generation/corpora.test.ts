import { describe, expect, it } from 'vitest';
import { repoPath } from '@sluice/test-utils';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { checkGate } from './check-gate.js';
import { generateGate } from './generate-gate.js';

describe('generateGate on a real repository (joryirving-home-ops)', () => {
  it('gates every cluster without deadlock, through parents for HelmReleases, with a Job that can block', async () => {
    const repo = await loadFluxRepository(repoPath('fixtures/corpora/joryirving-home-ops'));
    expect(repo.clusters?.length).toBeGreaterThan(1);
    for (const cluster of repo.clusters ?? []) {
      const gate = generateGate({
        workloads: repo.workloads,
        cluster,
        now: new Date('2026-11-26T00:00:00Z'),
      });
      const inCluster = repo.workloads.filter((workload) => workload.cluster === cluster);
      const byId = new Map(inCluster.map((workload) => [workload.id, workload]));
      expect(gate.gated.length).toBeGreaterThan(0);
      // Every gated object is a Kustomization of this cluster that is not the root.
      for (const id of gate.gated) {
        expect(byId.get(id)?.kind).toBe('Kustomization');
        expect(byId.get(id)?.parent).toBeDefined();
      }
      // Every image of a gatable object is scanned: own images of gated Kustomizations and the
      // images of HelmReleases whose parent is gated.
      const gated = new Set(gate.gated);
      const expected = new Set(
        inCluster
          .filter(
            (workload) =>
              gated.has(workload.id) ||
              (workload.parent !== undefined &&
                workload.kind === 'HelmRelease' &&
                gated.has(workload.parent)),
          )
          .flatMap((workload) => workload.images.map((image) => image.ref)),
      );
      expect(gate.images).toEqual([...expected].sort());
      const job = gate.resources.find((resource) => resource.kind === 'Job');
      expect(checkGate(gate.kustomization, job)).toEqual([]);
      expect(gate.patches.map((patch) => patch.target)).toEqual(gate.gated);
      expect(gate.notes.some((note) => note.includes('is gated through its parent'))).toBe(true);
    }
  });
});
