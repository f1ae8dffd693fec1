import yaml from 'js-yaml';

/**
 * Writes objects as one multi-document YAML text, in the given order with keys in insertion
 * order (so the same objects always give the same bytes).
 *
 * @example
 * ```ts
 * const gate = generateGate({ workloads });
 * await writeFile('sluice-gate.yaml', serializeManifests([gate.kustomization!]));
 * ```
 */
export function serializeManifests(objects: readonly object[]): string {
  return objects
    .map((object) => yaml.dump(object, { lineWidth: -1, noRefs: true, quotingType: '"' }))
    .join('---\n');
}
