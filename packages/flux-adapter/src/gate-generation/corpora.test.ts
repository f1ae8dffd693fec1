import { describe, expect, it } from 'vitest';
import { repoPath } from '@sluice/test-utils';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { checkGate } from './check-gate.js';
import { parseImagesFile } from '../images-file/parse-images-file.js';
import { generateGate } from './generate-gate.js';

describe('generateGate on a real repository (joryirving-home-ops)', () => {
  it('gates every cluster without deadlock, through parents for HelmReleases, with a Job that can block', async () => {
    const repo = await loadFluxRepository(repoPath('fixtures/corpora/joryirving-home-ops'));
    expect(repo.clusters?.length).toBeGreaterThan(1);
    for (const cluster of repo.clusters ?? []) {
      const gate = generateGate({ workloads: repo.workloads, images: repo.images, cluster });
      const inCluster = repo.workloads.filter((workload) => workload.cluster === cluster);
      const byId = new Map(inCluster.map((workload) => [workload.id, workload]));
      expect(gate.gated.length).toBeGreaterThan(0);
      // Every gated object is a Kustomization of this cluster that is not the root.
      for (const id of gate.gated) {
        expect(byId.get(id)?.kind).toBe('Kustomization');
        expect(byId.get(id)?.parent).toBeDefined();
      }
      // Every image of the cluster is scanned, by one container, and listed in the ConfigMap.
      const expected = new Set(inCluster.flatMap((workload) => workload.images.map((image) => image.ref)));
      expect(gate.images).toEqual([...expected].sort());
      const configMap = gate.resources.find((resource) => resource.kind === 'ConfigMap') as unknown as {
        data: { 'images.json': string };
      };
      const file = parseImagesFile(configMap.data['images.json'], 'images.json');
      expect(file.images.map((image) => image.ref)).toEqual(gate.images);
      expect(file.cluster).toBe(cluster);
      const spec = (
        gate.resources.find((resource) => resource.kind === 'Job') as unknown as {
          spec: { template: { spec: { containers: { args: string[] }[]; initContainers?: unknown } } };
        }
      ).spec.template.spec;
      expect(spec.initContainers).toBeUndefined();
      expect(spec.containers).toHaveLength(1);
      expect(spec.containers[0]?.args.slice(0, 3)).toEqual([
        'scan',
        '--images-from',
        '/etc/sluice/images.json',
      ]);
      const job = gate.resources.find((resource) => resource.kind === 'Job');
      expect(checkGate(gate.kustomization, job)).toEqual([]);
      expect(gate.patches.map((patch) => patch.target)).toEqual(gate.gated);
      expect(gate.notes.some((note) => note.includes('is gated through its parent'))).toBe(true);
    }
  });
});
