import { parseYaml, type Diagnostic } from '@sluice/core';
import type { Provenance } from '../kustomize/provenance.js';
import { isMap, ownValue, setOwnValue, type YamlMap } from '../kustomize/resource.js';
import { dataEntries } from '../load/variables.js';

/** Finds a ConfigMap or Secret (`kind`, namespace, name) for `valuesFrom`. */
export type ConfigObjectLookup = (kind: string, namespace: string, name: string) => YamlMap | undefined;

/** Where the HelmRelease is written, for diagnostics. */
export interface ReleaseSite {
  readonly id: string;
  readonly namespace: string;
  readonly file: string;
  readonly line: number;
}

/**
 * The values helm-controller passes to Helm (`chartutil` composition in `ComposeValues`):
 * `valuesFrom` in order (ConfigMaps and Secrets from the builds or the repository, `valuesKey`
 * default `values.yaml`, `targetPath`, `optional`), then `spec.values` on top. Every value keeps
 * the position it was written at. A reference that is missing and not optional is a warning.
 */
export function composeReleaseValues(
  spec: YamlMap,
  site: ReleaseSite,
  lookup: ConfigObjectLookup,
  provenance: Provenance,
  diagnostics: Diagnostic[],
): YamlMap {
  const merged: YamlMap = {};
  const valuesFrom = spec.valuesFrom;
  if (Array.isArray(valuesFrom)) {
    for (const [index, reference] of valuesFrom.entries()) {
      if (!isMap(reference) || typeof reference.name !== 'string' || typeof reference.kind !== 'string')
        continue;
      const config = lookup(reference.kind, site.namespace, reference.name);
      const origin = provenance.originOf(valuesFrom, index);
      const warn = (code: string, message: string): void => {
        if (reference.optional === true) return;
        diagnostics.push({
          file: origin?.file ?? site.file,
          line: origin?.line ?? site.line,
          severity: 'warning',
          code,
          message,
          object: site.id,
        });
      };
      if (!config) {
        warn(
          'values-from-missing',
          `${reference.kind} ${site.namespace}/${reference.name} named in valuesFrom of ${site.id} is not in the repository; images it sets are not listed`,
        );
        continue;
      }
      const key = typeof reference.valuesKey === 'string' ? reference.valuesKey : 'values.yaml';
      const entry = dataEntries(config).find(([dataKey]) => dataKey === key);
      if (!entry) {
        warn(
          'values-key-missing',
          `${reference.kind} ${site.namespace}/${reference.name} has no key ${key} (valuesFrom of ${site.id})`,
        );
        continue;
      }
      const [, text, container] = entry;
      const textOrigin = provenance.originOf(container, key);
      if (typeof reference.targetPath === 'string') {
        // The whole value lands at targetPath: read it as values nested at that path.
        const values = nestAt(reference.targetPath, text);
        const leaf = innermost(values);
        if (leaf && textOrigin) provenance.setOverride(leaf.container, leaf.key, textOrigin);
        mergeValues(merged, values, provenance);
        continue;
      }
      const parsed = parseYaml(text, textOrigin?.file ?? site.file);
      const document = parsed.documents[0];
      if (!document) continue;
      provenance.register(document.value, {
        file: textOrigin?.file ?? site.file,
        positions: document.positions,
        lineOffset: (textOrigin?.line ?? 1) - 1,
        columnOffset: (textOrigin?.column ?? 1) - 1,
      });
      if (isMap(document.value)) mergeValues(merged, document.value, provenance);
    }
  }
  if (isMap(spec.values)) mergeValues(merged, spec.values, provenance);
  return merged;
}

/** `{a: {b: value}}` for the Helm target path `a.b` (escaped dots kept, list indexes as keys). */
function nestAt(targetPath: string, value: string): YamlMap {
  const keys = targetPath.split(/(?<!\\)\./).map((key) => key.replace(/\\\./g, '.'));
  const root: YamlMap = {};
  let current = root;
  for (const [position, key] of keys.entries()) {
    const next: YamlMap | string = position === keys.length - 1 ? value : {};
    // A key named like an Object.prototype member (`__proto__`) stays a key, as in Go's maps.
    setOwnValue(current, key, next);
    if (typeof next !== 'string') current = next;
  }
  return root;
}

function innermost(values: YamlMap): { container: YamlMap; key: string } | undefined {
  let current = values;
  for (;;) {
    const [key, value] = Object.entries(current)[0] ?? [];
    if (key === undefined) return undefined;
    if (!isMap(value)) return { container: current, key };
    current = value;
  }
}

/**
 * Flux's values merge (`fluxcd/pkg/chartutil` and `transform.MergeMaps`): mappings merge key by
 * key, anything else replaces, a `null` is kept (Helm then deletes that chart default when it
 * coalesces the release values with the chart's).
 */
export function mergeValues(target: YamlMap, source: YamlMap, provenance: Provenance): void {
  for (const [key, value] of Object.entries(source)) {
    // Only a key of the target's own: `__proto__` is Object.prototype, never a value to merge into.
    const current = ownValue(target, key);
    if (isMap(value) && isMap(current)) {
      mergeValues(current, value, provenance);
      continue;
    }
    // A scalar is its own copy: only mappings and sequences are cloned (a clone call makes a map).
    setOwnValue(target, key, typeof value === 'object' && value !== null ? provenance.clone(value) : value);
    provenance.copyOrigin(source, key, target, key);
  }
}
