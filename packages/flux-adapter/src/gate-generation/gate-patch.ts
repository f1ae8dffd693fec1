import yaml from 'js-yaml';
import type { FluxGraphNode } from '../graph/types.js';
import type { FluxWorkload } from '../model.js';
import type { GatePatch } from './types.js';

/**
 * How a gated Kustomization comes to depend on the gate: its full `dependsOn` with the gate
 * added, and a JSON 6902 patch for its parent's `spec.patches` (`add` appends to the list, where
 * a strategic merge patch would replace it: custom resources have no merge keys).
 */
export function gatePatch(
  node: FluxGraphNode,
  workload: FluxWorkload | undefined,
  gateName: string,
  gateNamespace: string,
  nodes: ReadonlyMap<string, FluxGraphNode>,
): GatePatch {
  const existing = (workload?.dependsOn ?? []).map((entry) => ({
    name: entry.name,
    ...(entry.namespace ? { namespace: entry.namespace } : {}),
  }));
  const entry = { name: gateName, namespace: gateNamespace };
  const already = existing.some(
    (item) => item.name === gateName && (item.namespace ?? node.namespace) === gateNamespace,
  );
  const operations = already
    ? []
    : existing.length > 0
      ? [{ op: 'add', path: '/spec/dependsOn/-', value: entry }]
      : [{ op: 'add', path: '/spec/dependsOn', value: [entry] }];
  const parentNode = node.parent === undefined ? undefined : nodes.get(node.parent);
  const parentWorkloadSynthetic = parentNode?.synthetic === true;
  return {
    target: node.id,
    file: node.file,
    line: node.line,
    satisfied: already,
    dependsOn: already ? existing : [...existing, entry],
    ...(parentNode && !parentWorkloadSynthetic ? { parent: parentNode.id } : {}),
    fluxPatch: {
      patch: yaml.dump(operations, { lineWidth: -1, noRefs: true }),
      target: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', name: node.name },
    },
  };
}
