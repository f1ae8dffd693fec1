import { isMap, type YamlMap } from '../kustomize/resource.js';

/** An image field found in an object. */
export interface ImageField {
  /** The mapping holding the field. */
  readonly container: YamlMap;
  readonly key: string;
  /** The image text. */
  readonly image: string;
  /** Dotted path of the field, such as `spec.template.spec.containers[0].image`. */
  readonly fieldPath: string;
  /** The container name, when the field belongs to one. */
  readonly containerName?: string;
}

/** A container whose `image` is written but is not a non-empty string (a mapping, a number, ""). */
export interface InvalidImageField {
  /** The mapping holding the field (a container, or a custom resource's image mapping). */
  readonly container: YamlMap;
  readonly key: string;
  /** What the value is, for messages: `a mapping`, `an empty string`, … */
  readonly description: string;
  readonly fieldPath: string;
  readonly containerName?: string;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * Every `image` of every item of a `containers`, `initContainers` or `ephemeralContainers` list
 * at any depth: the PodSpecs of every workload kind (Deployment, CronJob, …) and of custom
 * resources that embed one. A container shared through YAML aliases is listed once. Containers
 * whose `image` is written but is not a non-empty string are added to `invalid`, when given.
 */
export function findPodImages(object: YamlMap, invalid?: InvalidImageField[]): ImageField[] {
  const found: ImageField[] = [];
  // A node shared through YAML aliases is visited once: an alias bomb stays linear.
  const visited = new Set<object>();
  const visit = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null || visited.has(node)) return;
    visited.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}[${index}]`));
      return;
    }
    if (!isMap(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (CONTAINER_LISTS.has(key) && Array.isArray(value)) {
        value.forEach((item, index) => {
          if (isMap(item) && typeof item.image === 'string' && item.image !== '') {
            found.push({
              container: item,
              key: 'image',
              image: item.image,
              fieldPath: `${childPath}[${index}].image`,
              ...(typeof item.name === 'string' ? { containerName: item.name } : {}),
            });
          } else if (invalid && isMap(item) && item.image !== undefined) {
            invalid.push({
              container: item,
              key: 'image',
              description: describeValue(item.image),
              fieldPath: `${childPath}[${index}].image`,
              ...(typeof item.name === 'string' ? { containerName: item.name } : {}),
            });
          }
        });
      }
      if (typeof value === 'object' && value !== null) visit(value, childPath);
    }
  };
  visit(object, '');
  return found;
}

/** What a value is, for messages: `an empty string`, `a mapping (…)`, `a number (3)`. */
export function describeValue(value: unknown): string {
  if (value === '') return 'an empty string';
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object')
    return 'a mapping (an unrendered Helm template such as {{ .Values.image }} reads as one)';
  return `a ${typeof value} (${String(value)})`;
}
