import { inPlaceWriter, type ContainerWriter } from './copy-on-write.js';
import type { Provenance } from './provenance.js';
import { groupVersionOf, isMap, ownValue, setOwnValue, type YamlMap } from './resource.js';

/**
 * Merge keys of the built-in Kubernetes list fields a strategic merge patch merges item by item
 * (from the Kubernetes API `patchMergeKey` tags). Other lists, and every list of a custom
 * resource, are replaced as a whole.
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  tolerations: '',
};

/** API groups whose kinds have Kubernetes' built-in schema (and so merge keys). */
const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'extensions',
  'policy',
  'autoscaling',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'node.k8s.io',
]);

/**
 * Applies a strategic merge patch to `target` in place: mappings merge recursively, `null`
 * deletes a key, `$patch: delete|replace` directives apply, and lists of built-in kinds merge by
 * their merge key (containers by name, …). Values taken from the patch keep the patch's origin.
 * `writer` makes each container below `target` writable before it is written (copy-on-write).
 */
export function applyStrategicMerge(
  target: YamlMap,
  patch: YamlMap,
  provenance: Provenance,
  byTarget = false,
  writer: ContainerWriter = inPlaceWriter(provenance),
): void {
  const builtin = BUILTIN_GROUPS.has(groupVersionOf(target).group);
  const merge: Merge = { provenance, builtin, writer };
  if (!byTarget) {
    mergeMap(target, patch, merge);
    return;
  }
  // A patch applied through a target selector never renames or re-kinds what it patches.
  const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = patch;
  const body: YamlMap = { ...rest };
  if (isMap(metadata)) {
    const { name: _name, namespace: _namespace, ...otherMetadata } = metadata;
    if (Object.keys(otherMetadata).length > 0) {
      body.metadata = otherMetadata;
      shareOrigins(metadata, otherMetadata, provenance);
    }
  }
  shareOrigins(patch, body, provenance);
  mergeMap(target, body, merge);
}

/** What one merge needs: origins, whether the target has built-in merge keys, how to write. */
interface Merge {
  readonly provenance: Provenance;
  readonly builtin: boolean;
  /** `target` is writable; the containers below it are made writable through this. */
  readonly writer: ContainerWriter;
}

/**
 * `to` (a shallow copy of some of `from`'s entries) answers positions as `from` does, and its
 * values not yet located are taken as written in `from`'s text.
 */
function shareOrigins(from: YamlMap, to: YamlMap, provenance: Provenance): void {
  const locator = provenance.locatorOf(from);
  if (!locator) return;
  provenance.share(from, to);
  for (const child of Object.values(to)) provenance.register(child, locator);
}

function mergeMap(target: YamlMap, patch: YamlMap, merge: Merge): void {
  const { provenance, builtin, writer } = merge;
  for (const [key, value] of Object.entries(patch)) {
    if (
      key === '$patch' ||
      key.startsWith('$setElementOrder/') ||
      key.startsWith('$deleteFromPrimitiveList/')
    ) {
      continue;
    }
    if (value === null) {
      delete target[key];
      continue;
    }
    const current = ownValue(target, key);
    if (isMap(value)) {
      if (value.$patch === 'delete') {
        delete target[key];
      } else if (value.$patch === 'replace' || !isMap(current)) {
        setOwnValue(target, key, stripDirectives(writer.clone(value)));
        provenance.copyOrigin(patch, key, target, key);
      } else {
        mergeMap(writer.child(target, key) as YamlMap, value, merge);
      }
      continue;
    }
    if (Array.isArray(value) && Array.isArray(current)) {
      const mergeKey = builtin ? (ownValue(MERGE_KEYS, key) as string | undefined) : undefined;
      if (mergeKey) {
        setOwnValue(target, key, mergeList(current, value, mergeKey, merge));
        continue;
      }
    }
    setOwnValue(
      target,
      key,
      Array.isArray(value)
        ? value.filter((item) => !isDirective(item)).map((item) => writer.clone(item))
        : value,
    );
    provenance.copyOrigin(patch, key, target, key);
  }
}

function mergeList(current: unknown[], patch: unknown[], mergeKey: string, merge: Merge): unknown[] {
  const { provenance, writer } = merge;
  if (patch.some((item) => isMap(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !isDirective(item)).map((item) => writer.clone(item));
  }
  const result = [...current];
  for (const [index, item] of patch.entries()) {
    if (!isMap(item) || !Object.hasOwn(item, mergeKey)) {
      result.push(writer.clone(item));
      provenance.copyOrigin(patch, index, result, result.length - 1);
      continue;
    }
    const position = result.findIndex((existing) => isMap(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (position !== -1) result.splice(position, 1);
      continue;
    }
    const existing = position === -1 ? undefined : result[position];
    if (isMap(existing)) {
      mergeMap(writer.child(result, position) as YamlMap, item, merge);
    } else {
      result.push(stripDirectives(writer.clone(item)));
    }
  }
  return result;
}

function isDirective(item: unknown): boolean {
  return isMap(item) && Object.hasOwn(item, '$patch') && Object.keys(item).length === 1;
}

function stripDirectives<T>(value: T): T {
  if (isMap(value)) delete value.$patch;
  return value;
}
