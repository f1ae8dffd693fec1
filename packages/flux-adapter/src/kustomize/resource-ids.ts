import type { Diagnostic } from '@sluice/core';
import type { ValueOrigin } from './provenance.js';
import { CLUSTER_SCOPED_KINDS, groupVersionOf, kindOf, metaString, type KResource } from './resource.js';

/**
 * The ids of the objects one kustomization has accumulated, as kustomize's resource map keeps
 * them: kustomize refuses to add an object whose id is already there (`resWrangler.Append`: "may
 * not add resource with an already registered id"), and the whole build fails, so Flux applies
 * nothing of it. Ids compare as kustomize's `ResId.Equals`: group, version, kind and name equal,
 * and the same effective namespace (none for cluster-scoped kinds; '' and `default` are one).
 */
export class ResourceIds {
  private readonly seen = new Map<string, KResource>();

  constructor(existing: readonly KResource[] = []) {
    for (const resource of existing) this.seen.set(idKey(resource), resource);
  }

  /**
   * Adds the objects to `target` in order, except one whose id is already registered: that one
   * is left out and reported as `kustomize-duplicate-id` at `via` (the entry that brought it in).
   */
  appendAll(
    target: KResource[],
    resources: readonly KResource[],
    via: ValueOrigin | undefined,
    file: string,
    diagnostics: Diagnostic[],
  ): void {
    for (const resource of resources) {
      // An object without a kind is reported as not-a-kubernetes-object already.
      if (kindOf(resource.object) === '') {
        target.push(resource);
        continue;
      }
      const key = idKey(resource);
      const first = this.seen.get(key);
      if (first) {
        diagnostics.push({
          file: via?.file ?? file,
          line: via?.line ?? 1,
          ...(via ? { column: via.column } : {}),
          severity: 'error',
          code: 'kustomize-duplicate-id',
          message:
            `kustomize fails: may not add resource with an already registered id: ${displayId(resource)} ` +
            `(${resource.file}:${resource.line}, first from ${first.file}:${first.line}); Flux applies nothing of this build`,
        });
        continue;
      }
      this.seen.set(key, resource);
      target.push(resource);
    }
  }
}

function idKey(resource: KResource): string {
  const { group, version } = groupVersionOf(resource.object);
  return JSON.stringify([
    group,
    version,
    kindOf(resource.object),
    metaString(resource.object, 'name') ?? '',
    effectiveNamespace(resource),
  ]);
}

function effectiveNamespace(resource: KResource): string {
  if (CLUSTER_SCOPED_KINDS.has(kindOf(resource.object))) return '';
  const namespace = metaString(resource.object, 'namespace') ?? '';
  return namespace === '' ? 'default' : namespace;
}

/** kustomize's `ResId.String()`: `Deployment.v1.apps/web.[noNs]`, `ConfigMap.v1.[noGrp]/x.team`. */
function displayId(resource: KResource): string {
  const { group, version } = groupVersionOf(resource.object);
  const namespace = metaString(resource.object, 'namespace') ?? '';
  return `${kindOf(resource.object)}.${version}.${group || '[noGrp]'}/${metaString(resource.object, 'name') ?? ''}.${namespace || '[noNs]'}`;
}
