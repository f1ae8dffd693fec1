import { compareStrings } from '@sluice/core';
import { clustersOf, generateGate } from './generate-gate.js';
import type { GeneratedGate, GenerateGateOptions } from './types.js';

/**
 * One in-cluster gate per cluster of the repository (see {@link generateGate}): each gates its
 * cluster's Kustomizations, and its Job folder is `<path>/<cluster folder name>` (default
 * `sluice-gate/production` for `clusters/production`; the whole cluster path, slashes as `-`,
 * when two clusters end in the same name), so that the gates never share a file. A repository
 * with one cluster (or `options.cluster`) gets one gate, at `path` itself.
 *
 * @example
 * ```ts
 * const { workloads } = await loadFluxRepository(root);
 * for (const gate of generateGates({ workloads })) console.log(gate.cluster, gate.files.map((f) => f.path));
 * ```
 */
export function generateGates(options: GenerateGateOptions): GeneratedGate[] {
  const clusters = clustersOf(options.workloads);
  if (options.cluster !== undefined || clusters.length < 2) return [generateGate(options)];
  const base = (options.path ?? 'sluice-gate').replace(/\/+$/, '');
  const names = new Map(clusters.map((cluster) => [cluster, cluster.split('/').pop() || 'root']));
  const counts = new Map<string, number>();
  for (const name of names.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return clusters.sort(compareStrings).map((cluster) =>
    generateGate({
      ...options,
      cluster,
      path: `${base}/${counts.get(names.get(cluster)!)! > 1 ? cluster.replace(/\//g, '-') : names.get(cluster)!}`,
    }),
  );
}
