import { compareStrings } from '@sluice/core';
import type { FluxWorkload } from '../model.js';
import type { GateSourceRef } from './types.js';

const SOURCE_KINDS = new Set<GateSourceRef['kind']>([
  'GitRepository',
  'OCIRepository',
  'Bucket',
  'ExternalArtifact',
]);

/** The source used when the gated Kustomizations name none Sluice can read. */
export const DEFAULT_GATE_SOURCE: GateSourceRef = { kind: 'GitRepository', name: 'flux-system' };

/**
 * Chooses the gate's source: the one most gated Kustomizations read (ties broken by id), so that
 * Flux's `dependsOn` also waits until the gate has applied the same source revision. Gated
 * Kustomizations on another source lose that guarantee; the returned note names them.
 */
export function chooseGateSource(
  gated: readonly FluxWorkload[],
  gateNamespace: string,
): { sourceRef: GateSourceRef; note?: string } {
  const bySource = new Map<string, string[]>();
  for (const workload of gated) {
    if (workload.source === undefined) continue;
    const ids = bySource.get(workload.source);
    if (ids) ids.push(workload.id);
    else bySource.set(workload.source, [workload.id]);
  }
  const ranked = [...bySource].sort(([a, x], [b, y]) => y.length - x.length || compareStrings(a, b));
  const chosen = ranked.find(([source]) => parseSource(source) !== undefined);
  if (!chosen) return { sourceRef: DEFAULT_GATE_SOURCE };
  const [kind, namespace, name] = chosen[0].split('/') as [GateSourceRef['kind'], string, string];
  const sourceRef: GateSourceRef = { kind, name, ...(namespace === gateNamespace ? {} : { namespace }) };
  const others = ranked
    .filter(([source]) => source !== chosen[0])
    .flatMap(([, ids]) => ids)
    .sort(compareStrings);
  if (others.length === 0) return { sourceRef };
  return {
    sourceRef,
    note: `The gate reads ${chosen[0]}; ${others.join(', ')} read${others.length === 1 ? 's' : ''} another source, so Flux does not check that the gate applied the same revision before ${others.length === 1 ? 'it applies' : 'they apply'}.`,
  };
}

function parseSource(source: string): GateSourceRef | undefined {
  const [kind, namespace, name] = source.split('/');
  if (!kind || !namespace || !name || !SOURCE_KINDS.has(kind as GateSourceRef['kind'])) return undefined;
  return { kind: kind as GateSourceRef['kind'], name, namespace };
}
