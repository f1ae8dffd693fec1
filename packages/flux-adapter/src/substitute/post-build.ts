import type { Provenance, ValueOrigin } from '../kustomize/provenance.js';
import { isMap, metaMap, type YamlMap } from '../kustomize/resource.js';
import { substituteText } from './envsubst.js';

/** A postBuild variable with where its value is written. */
export interface Variable {
  readonly value: string;
  readonly origin?: ValueOrigin;
}

/** The label or annotation that turns substitution off for one object. */
export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

/** True when an object opts out of postBuild substitution (label or annotation `disabled`). */
export function isSubstitutionDisabled(object: YamlMap): boolean {
  return (
    metaMap(object, 'labels')[SUBSTITUTE_ANNOTATION] === 'disabled' ||
    metaMap(object, 'annotations')[SUBSTITUTE_ANNOTATION] === 'disabled'
  );
}

/** A value left with an undefined variable. */
export interface UnresolvedReference {
  readonly container: object;
  readonly key: string | number;
  readonly variables: readonly string[];
}

/**
 * Substitutes variables in every string value of an object, in place. A value that changed
 * takes the origin of the first variable it used (so an image built from `${TAG}` points at the
 * line defining `TAG`); a value whose variables fall back to defaults keeps its own origin.
 * Returns the values still holding undefined variables.
 */
export function substituteObject(
  object: YamlMap,
  variables: ReadonlyMap<string, Variable>,
  provenance: Provenance,
): UnresolvedReference[] {
  const unresolved: UnresolvedReference[] = [];
  const lookup = (name: string): string | undefined => variables.get(name)?.value;
  // A container shared through YAML aliases is substituted once: an alias bomb stays linear.
  const visited = new Set<object>();
  const visit = (container: YamlMap | unknown[]): void => {
    if (visited.has(container)) return;
    visited.add(container);
    const entries: [string | number, unknown][] = Array.isArray(container)
      ? [...container.entries()]
      : Object.entries(container);
    for (const [key, value] of entries) {
      if (typeof value === 'string') {
        if (!value.includes('$')) continue;
        const result = substituteText(value, lookup);
        if (result.value !== value) {
          (container as Record<string | number, unknown>)[key] = result.value;
          const first = result.used[0];
          const origin = first === undefined ? undefined : variables.get(first)?.origin;
          if (origin)
            provenance.setOverride(container, key, {
              ...origin,
              raw: variables.get(first ?? '')?.value ?? '',
            });
        }
        if (result.unresolved.length > 0) unresolved.push({ container, key, variables: result.unresolved });
      } else if (Array.isArray(value) || isMap(value)) {
        visit(value);
      }
    }
  };
  visit(object);
  return unresolved;
}
