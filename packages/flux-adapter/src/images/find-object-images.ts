import { extractImagesFromObject } from '@sluice/core';
import { isMap, type YamlMap } from '../kustomize/resource.js';
import { findPodImages, type ImageField, type InvalidImageField } from './find-pod-images.js';

/**
 * Every image field of a rendered object: container images (including those still holding a
 * variable, so they can be reported), plus what core's extractors find beyond containers
 * (CloudNativePG `imageName`, prometheus-operator images, image volumes, custom resources with
 * `spec.image`). Each field is returned with the mapping holding it, so that its origin can be
 * looked up after kustomize and substitution moved things around. Containers whose `image` is
 * not a non-empty string are added to `invalid`, when given.
 */
export function findObjectImages(object: YamlMap, invalid?: InvalidImageField[]): ImageField[] {
  const fields = findPodImages(object, invalid);
  const seen = new Set(fields.map((field) => field.fieldPath));
  for (const reference of extractImagesFromObject(object, undefined, { file: '' }).references) {
    if (seen.has(reference.fieldPath)) continue;
    const located = locateField(object, reference.fieldPath);
    if (!located || typeof located.container[located.key] !== 'string') continue;
    seen.add(reference.fieldPath);
    fields.push({
      container: located.container,
      key: located.key,
      image: located.container[located.key] as string,
      fieldPath: reference.fieldPath,
      ...(reference.container ? { containerName: reference.container } : {}),
    });
  }
  return fields;
}

/** The mapping and key a dotted field path (`spec.containers[0].image`) ends at. */
function locateField(object: YamlMap, fieldPath: string): { container: YamlMap; key: string } | undefined {
  const segments = fieldPath.split('.');
  let current: unknown = object;
  for (const [position, segment] of segments.entries()) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match) return undefined;
    const name = match[1] ?? '';
    const indexes = [...(match[2] ?? '').matchAll(/\[(\d+)\]/g)].map((item) => Number(item[1]));
    const last = position === segments.length - 1;
    if (last && indexes.length === 0)
      return isMap(current) && name !== '' ? { container: current, key: name } : undefined;
    if (name !== '') {
      if (!isMap(current)) return undefined;
      current = current[name];
    }
    for (const index of indexes) {
      if (!Array.isArray(current)) return undefined;
      current = current[index];
    }
  }
  return undefined;
}
