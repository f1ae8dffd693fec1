import { describe, expect, it } from 'vitest';
import { repoPath } from '@sluice/test-utils';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { workloadId } from '../model.js';
import { buildDependencyGraph } from './build-dependency-graph.js';

const CORPORA = [
  'flux2-kustomize-helm-example',
  'flux2-kustomize-helm-example-pre-2.7',
  'flux2-multi-tenancy',
  'flux2-multi-tenancy-dev-team',
  'joryirving-home-ops',
];

describe('the dependency graphs of the corpora', () => {
  for (const corpus of CORPORA) {
    it(`${corpus}: every dependsOn is resolved or diagnosed, and per cluster nothing is a duplicate`, async () => {
      const repo = await loadFluxRepository(repoPath(`fixtures/corpora/${corpus}`));
      expect(repo.workloads.length).toBeGreaterThan(0);
      const clusters = repo.clusters && repo.clusters.length > 0 ? repo.clusters : [undefined];
      for (const cluster of clusters) {
        const graph = buildDependencyGraph(repo.workloads, cluster === undefined ? {} : { cluster });
        const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
        const diagnosed = new Set(
          graph.diagnostics
            .filter((diagnostic) => ['missing-dependency', 'cross-kind-depends-on'].includes(diagnostic.code))
            .map((diagnostic) => `${diagnostic.object} ${diagnostic.line}`),
        );
        for (const workload of repo.workloads) {
          if (cluster !== undefined && workload.cluster !== undefined && workload.cluster !== cluster)
            continue;
          for (const entry of workload.dependsOn) {
            const target = workloadId(workload.kind, entry.namespace || workload.namespace, entry.name);
            const resolved = nodes.get(workload.id)?.dependsOn.includes(target) ?? false;
            const reported = diagnosed.has(`${workload.id} ${entry.line ?? workload.line}`);
            expect(resolved || reported, `${workload.id} → ${target} in ${cluster}`).toBe(true);
          }
        }
        expect(graph.diagnostics.filter((diagnostic) => diagnostic.code === 'duplicate-object')).toEqual([]);
        // Every node is either in exactly one wave or unscheduled.
        const placed = [...graph.waves.flat(), ...graph.unscheduled].sort();
        expect(placed).toEqual(graph.nodes.map((node) => node.id));
      }
    });
  }
});
