import { isMap, metaString, type YamlMap } from '../kustomize/resource.js';
import type { FluxObjectWarning } from '../schemas/flux-object.js';
import type { WorkloadKind } from '../model.js';
import { refusedReason, workloadId } from '../model.js';
import type { ClusterState, LoadContext, PendingObject, WorkloadDraft } from './context.js';
import { readDependsOn } from './context.js';

/**
 * Registers a Kustomization or HelmRelease found in a build as a workload of its cluster, with
 * no images yet. A second definition of the same id is a `duplicate-flux-object` warning (the
 * first definition is used) and returns undefined.
 */
export function registerWorkload(
  kind: WorkloadKind,
  pending: PendingObject,
  state: ClusterState,
  context: LoadContext,
): WorkloadDraft | undefined {
  const { resource } = pending;
  const object = resource.object;
  const name = metaString(object, 'name') ?? '';
  const namespace = metaString(object, 'namespace') ?? pending.defaultNamespace;
  const id = workloadId(kind, namespace, name, state.qualifier);
  const existing = state.workloads.get(id);
  if (existing) {
    if (existing.file !== resource.file || existing.line !== resource.line) {
      context.diagnostics.push({
        file: resource.file,
        line: resource.line,
        severity: 'warning',
        code: 'duplicate-flux-object',
        message: `${id} is defined again (first at ${existing.file}:${existing.line}); the first definition is used`,
        object: id,
      });
    }
    return undefined;
  }
  const spec = isMap(object.spec) ? object.spec : {};
  const workload: WorkloadDraft = {
    id,
    kind,
    namespace,
    name,
    file: resource.file,
    line: resource.line,
    dependsOn: readDependsOn(spec, context.provenance),
    ...(pending.parent ? { parent: pending.parent } : {}),
    suspended: spec.suspend === true,
    images: [],
    method: 'unresolved',
    cluster: state.cluster,
  };
  state.workloads.set(id, workload);
  return workload;
}

/**
 * Reports a Kustomization or HelmRelease that does not read as the Flux object it claims to be
 * (an `invalid-flux-object` error at its file and line) and returns the unresolved reason.
 */
export function reportInvalidFluxObject(
  workload: WorkloadDraft,
  reason: string,
  context: LoadContext,
): string {
  context.diagnostics.push({
    file: workload.file,
    line: workload.line,
    severity: 'error',
    code: 'invalid-flux-object',
    message: `${workload.id}: ${reason}`,
    object: workload.id,
  });
  return refusedReason(workload.kind, reason);
}

/**
 * Reports what Flux tolerates in an object (a pruned field, a label that is not a string) as
 * warnings at the field's own position, naming the object.
 */
export function reportFluxObjectWarnings(
  workload: WorkloadDraft,
  object: YamlMap,
  warnings: readonly FluxObjectWarning[],
  context: LoadContext,
): void {
  for (const warning of warnings) {
    let container: unknown = object;
    for (const key of warning.path.slice(0, -1))
      container = isMap(container) || Array.isArray(container) ? (container as YamlMap)[key] : undefined;
    const last = warning.path[warning.path.length - 1];
    const origin =
      isMap(container) || Array.isArray(container)
        ? context.provenance.originOf(container as YamlMap, last!)
        : undefined;
    context.diagnostics.push({
      file: origin?.file ?? workload.file,
      line: origin?.line ?? workload.line,
      ...(origin ? { column: origin.column } : {}),
      severity: 'warning',
      code: warning.code,
      message: `${workload.id}: ${warning.message}`,
      object: workload.id,
    });
  }
}
