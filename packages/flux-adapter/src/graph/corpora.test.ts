import { describe, expect, it } from 'vitest';
import { plainObjectId } from '@sluice/core';
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
      const qualifier = (cluster: string | undefined): string | undefined =>
        (repo.clusters?.length ?? 0) > 1 ? cluster : undefined;
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
            const namespace = entry.namespace || workload.namespace;
            const target = workloadId(workload.kind, namespace, entry.name, qualifier(workload.cluster));
            const unreached = workloadId(workload.kind, namespace, entry.name);
            const dependsOn = nodes.get(workload.id)?.dependsOn ?? [];
            // An object no cluster reaches finds its dependency in any cluster.
            const resolved =
              dependsOn.includes(target) ||
              dependsOn.includes(unreached) ||
              (workload.cluster === undefined && dependsOn.some((id) => plainObjectId(id) === unreached));
            const reported = diagnosed.has(`${workload.id} ${entry.line ?? workload.line}`);
            expect(resolved || reported, `${workload.id} → ${target} in ${cluster}`).toBe(true);
          }
        }
        expect(graph.diagnostics.filter((diagnostic) => diagnostic.code === 'duplicate-object')).toEqual([]);
        // Edges never cross clusters.
        for (const node of graph.nodes) {
          for (const id of [...node.dependsOn, ...node.manages]) {
            const other = nodes.get(id)?.cluster;
            if (other !== undefined && node.cluster !== undefined) expect(other).toBe(node.cluster);
          }
        }
        // Every node is either in exactly one wave or unscheduled.
        const placed = [...graph.waves.flat(), ...graph.unscheduled].sort();
        expect(placed).toEqual(graph.nodes.map((node) => node.id));
      }
    });
  }
});

describe('one graph per cluster (joryirving-home-ops: clusters main, test, utility)', () => {
  it('gives every workload its own node, ids unique per repository, children only in their cluster', async () => {
    const repo = await loadFluxRepository(repoPath('fixtures/corpora/joryirving-home-ops'));
    expect(repo.clusters).toEqual([
      'kubernetes/clusters/main',
      'kubernetes/clusters/test',
      'kubernetes/clusters/utility',
    ]);
    const graph = buildDependencyGraph(repo.workloads);
    expect(graph.nodes).toHaveLength(repo.workloads.length);
    expect(new Set(repo.workloads.map((workload) => workload.id)).size).toBe(repo.workloads.length);
    for (const cluster of repo.clusters ?? []) {
      const root = graph.nodes.find(
        (node) => node.id === `${cluster}:Kustomization/flux-system/cluster-apps`,
      );
      expect(root?.cluster).toBe(cluster);
      expect(root?.manages.length).toBeGreaterThan(0);
      for (const child of root?.manages ?? []) expect(child.startsWith(`${cluster}:`)).toBe(true);
    }
    // Every node keeps its kind, namespace and name; only ids carry the cluster.
    for (const node of graph.nodes) {
      expect(node.id).toBe(workloadId(node.kind, node.namespace, node.name, node.cluster));
    }
    expect(graph.diagnostics.filter((diagnostic) => diagnostic.code === 'duplicate-object')).toEqual([]);
  });
});
