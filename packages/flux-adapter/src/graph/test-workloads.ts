import type { DependsOnEntry, FluxWorkload, WorkloadKind } from '../model.js';
import { workloadId } from '../model.js';

/** Options of {@link makeWorkload}, a test helper: shorthand for hand-made Flux objects. */
export interface WorkloadSpec {
  readonly kind?: WorkloadKind;
  readonly namespace?: string;
  /** Names (same namespace) or full entries. */
  readonly dependsOn?: readonly (string | DependsOnEntry)[];
  readonly images?: readonly string[];
  readonly parent?: string;
  readonly suspended?: boolean;
  readonly file?: string;
  readonly line?: number;
  /** The cluster: the id becomes `<cluster>:kind/namespace/name`, as in a multi-cluster repository. */
  readonly cluster?: string;
}

/**
 * Builds a {@link FluxWorkload} for tests and benchmarks: `makeWorkload('apps', { dependsOn:
 * ['infra'] })` is `Kustomization/flux-system/apps` depending on `infra`.
 */
export function makeWorkload(name: string, spec: WorkloadSpec = {}): FluxWorkload {
  const kind = spec.kind ?? 'Kustomization';
  const namespace = spec.namespace ?? 'flux-system';
  const file = spec.file ?? `clusters/${name}.yaml`;
  return {
    id: workloadId(kind, namespace, name, spec.cluster),
    ...(spec.cluster === undefined ? {} : { cluster: spec.cluster }),
    kind,
    namespace,
    name,
    file,
    line: spec.line ?? 1,
    dependsOn: (spec.dependsOn ?? []).map((entry) => (typeof entry === 'string' ? { name: entry } : entry)),
    ...(spec.parent === undefined ? {} : { parent: spec.parent }),
    suspended: spec.suspended ?? false,
    images: (spec.images ?? []).map((ref) => ({ ref, locations: [] })),
    method: 'rendered',
  };
}
