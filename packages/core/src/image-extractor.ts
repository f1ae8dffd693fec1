import { walkObjects } from './bounded-walk.js';
import type { WalkNodes } from './bounded-walk.js';
import { nodePath } from './bounded-walk.js';
import { appendFieldPath } from './field-path.js';
import { isPlainObject } from './manifest.js';

export { appendFieldPath } from './field-path.js';

/** The object an extractor looks at: a parsed Kubernetes object with its identity. */
export interface ExtractTarget {
  /** `apiVersion` of the object, `''` when the object has none (for example Helm values). */
  readonly apiVersion: string;
  /** `kind` of the object, `''` when the object has none. */
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The parsed object. Treat it as read-only. */
  readonly object: Record<string, unknown>;
}

/**
 * One field that holds an image reference: `holder[key]`. Extractors return fields, not
 * strings, so that Sluice can look up where the value is written and report it precisely.
 */
export interface ImageField {
  /** The object or array that holds the image string. */
  readonly holder: object;
  /** The key (or index) of the image string in `holder`. */
  readonly key: string | number;
  /** Dotted path from the object root, such as `spec.template.spec.containers[0].image`. */
  readonly fieldPath: string;
  /** The container the image runs in, when it is a container. */
  readonly container?: string;
  /**
   * The reference, when it is composed from several fields rather than read from `holder[key]`:
   * a `{registry?, repository, tag | digest}` mapping (then `holder[key]` is its `repository`,
   * where the reference is written).
   */
  readonly value?: string;
  /**
   * Why the field is an image that cannot be read (a mapping that names no complete reference):
   * reported as `invalid-image-reference`, never dropped.
   */
  readonly problem?: string;
}

/** Helpers Sluice hands to extractors. */
export interface ExtractorContext {
  /** The image fields of a PodSpec (containers, init and ephemeral containers, image volumes). */
  podSpecFields(podSpec: unknown, fieldPath: string): ImageField[];
}

/**
 * Finds the image fields of custom resources whose images are not in a PodSpec. Built-ins
 * cover workloads, CloudNativePG, prometheus-operator and custom resources with a string
 * `spec.image`; pass more through `extractImages(documents, { extractors })`.
 *
 * @example
 * ```ts
 * const redisExtractor: ImageExtractor = {
 *   name: 'redis-operator',
 *   matches: (target) => target.kind === 'Redis' && target.apiVersion.startsWith('redis.example.com/'),
 *   extract: (target) => {
 *     const spec = target.object.spec as Record<string, unknown> | undefined;
 *     return spec && typeof spec.image === 'string' ? [{ holder: spec, key: 'image', fieldPath: 'spec.image' }] : [];
 *   },
 * };
 * ```
 */
export interface ImageExtractor {
  /** A stable name, recorded on each reference it finds. */
  readonly name: string;
  /** True when this extractor knows the object. */
  matches(target: ExtractTarget): boolean;
  /** The image fields of the object. */
  extract(target: ExtractTarget, context: ExtractorContext): readonly ImageField[];
}

/** The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → `''`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** The image fields of a PodSpec: every container list, then image volumes. */
export function podSpecFields(podSpec: unknown, fieldPath: string): ImageField[] {
  if (!isPlainObject(podSpec)) return [];
  const fields: ImageField[] = [];
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec[list];
    if (!Array.isArray(containers)) continue;
    for (const [index, container] of containers.entries()) {
      if (!isPlainObject(container) || !('image' in container)) continue;
      const path = `${fieldPath === '' ? '' : `${fieldPath}.`}${list}[${index}].image`;
      fields.push(
        typeof container.name === 'string'
          ? { holder: container, key: 'image', fieldPath: path, container: container.name }
          : { holder: container, key: 'image', fieldPath: path },
      );
    }
  }
  const volumes = podSpec.volumes;
  if (Array.isArray(volumes)) {
    for (const [index, volume] of volumes.entries()) {
      if (!isPlainObject(volume) || !isPlainObject(volume.image) || !('reference' in volume.image)) continue;
      fields.push({
        holder: volume.image,
        key: 'reference',
        fieldPath: appendFieldPath(
          appendFieldPath(appendFieldPath(appendFieldPath(fieldPath, 'volumes'), index), 'image'),
          'reference',
        ),
      });
    }
  }
  return fields;
}

/** True when the value looks like a PodSpec: a `containers` list with an object holding a string `image`. */
export function isPodSpecLike(value: Record<string, unknown>): boolean {
  const containers = value.containers;
  return (
    Array.isArray(containers) &&
    containers.some((container) => isPlainObject(container) && typeof container.image === 'string')
  );
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

const WORKLOAD_GROUPS = new Set(['', 'apps', 'batch', 'extensions']);
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** Built-in: the PodSpec of Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob and PodTemplate. */
export const workloadExtractor: ImageExtractor = {
  name: 'workload',
  matches: (target) =>
    POD_SPEC_PATHS[target.kind] !== undefined && WORKLOAD_GROUPS.has(apiGroupOf(target.apiVersion)),
  extract: (target, context) => {
    const path = POD_SPEC_PATHS[target.kind] ?? [];
    return context.podSpecFields(at(target.object, ...path), path.join('.'));
  },
};

function stringField(holder: unknown, key: string, fieldPath: string): ImageField[] {
  return isPlainObject(holder) && key in holder && holder[key] !== null ? [{ holder, key, fieldPath }] : [];
}

/** Built-in: CloudNativePG `Cluster.spec.imageName` (and `ImageCatalog` images). */
export const cloudNativePgExtractor: ImageExtractor = {
  name: 'cloudnative-pg',
  matches: (target) => apiGroupOf(target.apiVersion) === 'postgresql.cnpg.io',
  extract: (target) => {
    const spec = target.object.spec;
    if (target.kind === 'Cluster') return stringField(spec, 'imageName', 'spec.imageName');
    if (target.kind === 'ImageCatalog' || target.kind === 'ClusterImageCatalog') {
      const images = at(spec, 'images');
      if (!Array.isArray(images)) return [];
      return images.flatMap((entry, index) => stringField(entry, 'image', `spec.images[${index}].image`));
    }
    return [];
  },
};

const PROMETHEUS_OPERATOR_KINDS = new Set(['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler']);

/** Built-in: prometheus-operator `Prometheus`, `PrometheusAgent`, `Alertmanager`, `ThanosRuler` `spec.image`. */
export const prometheusOperatorExtractor: ImageExtractor = {
  name: 'prometheus-operator',
  matches: (target) =>
    apiGroupOf(target.apiVersion) === 'monitoring.coreos.com' && PROMETHEUS_OPERATOR_KINDS.has(target.kind),
  extract: (target) => stringField(target.object.spec, 'image', 'spec.image'),
};

// Flux's image automation names repositories to watch, not images it runs; Flux's other kinds
// (HelmRelease values, sources) are read by the Flux adapter.
const NOT_DEPLOYING_GROUP = /(^|\.)fluxcd\.io$/;
// Enough for any real custom resource; a walk past it stops (the PodSpec search reports it).
const CUSTOM_RESOURCE_MAX_NODES = 20_000;
const CUSTOM_RESOURCE_MAX_DEPTH = 64;

/**
 * Built-in: the generic image finder for custom resources of other API groups (operators for
 * VictoriaMetrics, Dragonfly, Elastic, RabbitMQ, MCP servers, model servers, Renovate jobs…): under
 * `spec`, every `image` or `imageName` field holding a string (`spec.image`,
 * `spec.execution.image`), and every `image` mapping of the form `{registry?, repository,
 * tag | digest}` (VictoriaMetrics `spec.image: {repository, tag}`), composed into one reference.
 * PodSpecs on the way are left to the PodSpec search. Flux's own kinds are excluded: an
 * ImageRepository names a repository to watch, not an image that runs.
 */
export const customResourceImageExtractor: ImageExtractor = {
  name: 'custom-resource-image',
  matches: (target) => isCustomResource(target) && isPlainObject(target.object.spec),
  extract: (target) => findCustomResourceImageFields(target.object.spec).fields,
};

/**
 * The search of {@link customResourceImageExtractor}, with whether it stopped at its budget
 * (`truncated`: then some image fields may be missing, which `findImageFields` reports).
 */
export function findCustomResourceImageFields(spec: unknown): { fields: ImageField[]; truncated: boolean } {
  const limits = { maxNodes: CUSTOM_RESOURCE_MAX_NODES, maxDepth: CUSTOM_RESOURCE_MAX_DEPTH };
  const fields: ImageField[] = [];
  // A cheap walk first; one that runs out of budget may be going round YAML aliases.
  if (!walkObjects(spec, 'spec', collectImageFields, fields, limits, undefined).exhausted)
    return { fields, truncated: false };
  fields.length = 0;
  const walk = walkObjects(spec, 'spec', collectImageFields, fields, limits, new Set());
  return { fields, truncated: walk.exhausted };
}

/**
 * True for a custom resource: an API group with a dot, not Kubernetes' own (`*.k8s.io`) nor
 * Flux's (`*.fluxcd.io`, read by the Flux adapter).
 */
export function isCustomResource(target: Pick<ExtractTarget, 'apiVersion'>): boolean {
  const group = apiGroupOf(target.apiVersion);
  return group.includes('.') && !group.endsWith('.k8s.io') && !NOT_DEPLOYING_GROUP.test(group);
}

const IMAGE_KEYS = ['image', 'imageName'] as const;
// The keys of an image mapping; one of them makes a mapping under `image` an image to read.
const IMAGE_MAPPING_KEYS = ['registry', 'repository', 'tag', 'digest'] as const;

function collectImageFields(
  record: Record<string, unknown>,
  node: number,
  nodes: WalkNodes,
  fields: ImageField[],
): boolean {
  // PodSpecs are left to the PodSpec search, which knows their containers.
  if (isPodSpecLike(record)) return true;
  for (const key of IMAGE_KEYS) {
    const value = record[key];
    const fieldPath = appendFieldPath(nodePath(nodes, node), key);
    if (typeof value === 'string') {
      fields.push({ holder: record, key, fieldPath });
    } else if (isPlainObject(value) && IMAGE_MAPPING_KEYS.some((name) => value[name] !== undefined)) {
      // `{pullPolicy: …}` alone names no image (the operator's default runs): only mappings
      // with one of the image keys are read, and one that does not compose is said, not dropped.
      const composed = composeImage(value);
      const located = typeof value.repository === 'string' ? 'repository' : undefined;
      fields.push({
        holder: located ? value : record,
        key: located ?? key,
        fieldPath: located ? appendFieldPath(fieldPath, located) : fieldPath,
        ...('reference' in composed ? { value: composed.reference } : { problem: composed.problem }),
      });
    }
  }
  return false;
}

/**
 * `{registry?, repository, tag | digest}` as one reference: `registry/repository:tag@digest` (a
 * digest without its `sha256:` algorithm gets it). Every part must be a non-empty string and a
 * tag or a digest must be given: with neither, the operator picks the tag (its own version,
 * usually), which only the cluster knows; a number (`tag: 1.10`) is what the API server refuses
 * for a string field, after YAML made it `1.1`.
 */
export function composeImage(
  map: Record<string, unknown>,
): { readonly reference: string } | { readonly problem: string } {
  for (const name of IMAGE_MAPPING_KEYS) {
    const value = map[name];
    if (value !== undefined && value !== null && (typeof value !== 'string' || value === ''))
      return { problem: `an image mapping whose ${name} is not a non-empty string` };
  }
  const { registry, repository, tag, digest } = map as Partial<Record<string, string | null>>;
  if (!repository) return { problem: 'an image mapping without a repository (its operator picks one)' };
  if (!tag && !digest)
    return { problem: 'an image mapping without a tag or digest (its operator picks the tag)' };
  let reference = registry ? `${registry.replace(/\/+$/, '')}/${repository}` : repository;
  if (tag) reference += `:${tag}`;
  if (digest) reference += `@${digest.includes(':') ? digest : `sha256:${digest}`}`;
  return { reference };
}

/** The built-in extractors, in the order they run. */
export const BUILTIN_EXTRACTORS: readonly ImageExtractor[] = [
  workloadExtractor,
  cloudNativePgExtractor,
  prometheusOperatorExtractor,
  customResourceImageExtractor,
];
