import { metaMap, type YamlMap } from '../kustomize/resource.js';

export type { Variable } from './substitute-resource.js';

/** The label or annotation that turns substitution off for one object. */
export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

/** True when an object opts out of postBuild substitution (label or annotation `disabled`). */
export function isSubstitutionDisabled(object: YamlMap): boolean {
  return (
    metaMap(object, 'labels')[SUBSTITUTE_ANNOTATION] === 'disabled' ||
    metaMap(object, 'annotations')[SUBSTITUTE_ANNOTATION] === 'disabled'
  );
}
