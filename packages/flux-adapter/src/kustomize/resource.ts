/** A plain YAML mapping. */
export type YamlMap = Record<string, unknown>;

/** One object in a kustomize build, with where it was read from. */
export interface KResource {
  /**
   * The object. While a build runs it may be the parse cache itself, shared with other builds:
   * a transformer replaces it with a provenance-tracked copy before writing it (see
   * `CopyOnWrite`). Readers after the build must not change it.
   */
  readonly object: YamlMap;
  /** Repository-relative file the object was read from (or the kustomization that generated it). */
  readonly file: string;
  /** 1-based line where the object starts in `file`. */
  readonly line: number;
  /** 0-based document index inside `file`, when read from a file. */
  readonly documentIndex?: number;
}

/** True for a plain mapping (not null, not an array). */
export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `container[key]` when the container has that key of its own, else undefined. Keys come from
 * the repository: an inherited value (`__proto__` is `Object.prototype`, `constructor` a
 * function) is never a value of the YAML, as no Go map has it.
 */
export function ownValue(container: object, key: string | number): unknown {
  return Object.hasOwn(container, key) ? (container as Record<string | number, unknown>)[key] : undefined;
}

/**
 * Sets `container[key]` as a key of its own, as a Go map or js-yaml stores it: a `__proto__`
 * key stays a key, where assignment would replace the prototype (or, on an inherited path,
 * write into `Object.prototype` for the whole process).
 */
export function setOwnValue(container: object, key: string | number, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    (container as Record<string | number, unknown>)[key] = value;
  }
}

/** `metadata` of an object, created when missing. */
export function metadataOf(object: YamlMap): YamlMap {
  if (!isMap(object.metadata)) object.metadata = {};
  return object.metadata as YamlMap;
}

/** A string field of `metadata`, or undefined. */
export function metaString(object: YamlMap, key: 'name' | 'namespace'): string | undefined {
  const metadata = object.metadata;
  if (!isMap(metadata)) return undefined;
  const value = metadata[key];
  return typeof value === 'string' ? value : undefined;
}

/** A string map of `metadata` (`labels` or `annotations`). */
export function metaMap(object: YamlMap, key: 'labels' | 'annotations'): Record<string, string> {
  const metadata = object.metadata;
  if (!isMap(metadata) || !isMap(metadata[key])) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata[key] as YamlMap)) {
    if (typeof value === 'string') setOwnValue(out, name, value);
    else if (value !== null && value !== undefined) setOwnValue(out, name, String(value));
  }
  return out;
}

/** The API group and version of an object (`apps/v1` → `apps`, `v1`; `v1` → '', `v1`). */
export function groupVersionOf(object: YamlMap): { group: string; version: string } {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The kind of an object, or ''. */
export function kindOf(object: YamlMap): string {
  return typeof object.kind === 'string' ? object.kind : '';
}

/** Kinds kustomize treats as cluster-scoped (never given a namespace). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);
