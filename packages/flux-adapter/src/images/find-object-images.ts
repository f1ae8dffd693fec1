import { findImageFields, isCustomResource } from '@sluice/core';
import { isMap, type YamlMap } from '../kustomize/resource.js';
import { describeValue, findPodImages, type ImageField, type InvalidImageField } from './find-pod-images.js';

/** Every image field of a rendered object and what could not be read. */
export interface ObjectImages {
  readonly fields: readonly ImageField[];
  /** Image fields written with something that is not a non-empty string. */
  readonly invalid: readonly InvalidImageField[];
  /** The PodSpec search stopped at its limits: some images may be missing (`walk-limit`). */
  readonly truncated: boolean;
  /** A custom resource in which no field Sluice knows holds an image (`uncovered-custom-resource`). */
  readonly uncovered: boolean;
}

/**
 * Every image field of a rendered object: container images (including those still holding a
 * variable, so they can be reported), plus what core's extractors find beyond containers
 * (CloudNativePG `imageName`, prometheus-operator images, image volumes, and custom resources'
 * `image`/`imageName` strings and `{registry?, repository, tag | digest}` mappings, composed).
 * Each field is returned with the mapping holding it, so that its origin can be looked up after
 * kustomize and substitution moved things around.
 */
export function inspectObjectImages(object: YamlMap): ObjectImages {
  // A build shared by many Kustomizations hands them the same objects: each is searched once.
  const known = inspected.get(object);
  if (known) return known;
  const result = searchObjectImages(object);
  inspected.set(object, result);
  return result;
}

const inspected = new WeakMap<YamlMap, ObjectImages>();

function searchObjectImages(object: YamlMap): ObjectImages {
  const invalid: InvalidImageField[] = [];
  const fields = findPodImages(object, invalid);
  const seen = new Set([...fields, ...invalid].map((field) => field.fieldPath));
  const found = findImageFields(object);
  for (const { field } of found.fields) {
    if (seen.has(field.fieldPath) || !isMap(field.holder)) continue;
    seen.add(field.fieldPath);
    const key = String(field.key);
    const value = field.value ?? field.holder[key];
    if (value === undefined || value === null) continue;
    if (field.problem === undefined && typeof value === 'string' && value !== '') {
      fields.push({
        container: field.holder,
        key,
        image: value,
        fieldPath: field.fieldPath,
        ...(field.container ? { containerName: field.container } : {}),
      });
    } else {
      invalid.push({
        container: field.holder,
        key,
        description: field.problem ?? describeValue(value),
        fieldPath: field.fieldPath,
        ...(field.container ? { containerName: field.container } : {}),
      });
    }
  }
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const uncovered =
    fields.length === 0 && invalid.length === 0 && !found.truncated && isCustomResource({ apiVersion });
  return { fields, invalid, truncated: found.truncated, uncovered };
}

/**
 * The image fields of a rendered object ({@link inspectObjectImages}); fields written with
 * something that is not a non-empty string are added to `invalid`, when given.
 */
export function findObjectImages(object: YamlMap, invalid?: InvalidImageField[]): ImageField[] {
  const result = inspectObjectImages(object);
  if (invalid) invalid.push(...result.invalid);
  return [...result.fields];
}
