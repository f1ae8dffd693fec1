import type { DependsOnEntry, FluxWorkload, WorkloadKind } from '../model.js';

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
    id: `${kind}/${namespace}/${name}`,
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
