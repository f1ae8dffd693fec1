import type { Diagnostic } from '@sluice/core';
import type { Provenance } from '../kustomize/provenance.js';
import { isMap, type YamlMap } from '../kustomize/resource.js';
import { VARIABLE_NAME } from '../substitute/envsubst.js';
import type { Variable } from '../substitute/substitute-resource.js';

/** Finds a ConfigMap or Secret by kind, namespace and name. */
export type ConfigLookup = (kind: string, namespace: string, name: string) => YamlMap | undefined;

/** The variables of a Kustomization's postBuild and whether substitution runs. */
export interface PostBuildVariables {
  readonly variables: Map<string, Variable>;
  /**
   * Substitution runs when at least one variable is defined (in the repository or, possibly, in
   * the cluster), or with `substituteStrategy: Always`.
   */
  readonly enabled: boolean;
  /**
   * The `substituteFrom` objects whose values Sluice cannot read (not in the repository, or
   * SOPS-encrypted), as `Kind namespace/name`: only the cluster knows what they define.
   */
  readonly fromCluster: readonly string[];
  /** Variables whose value no object of {@link fromCluster} can change (inline, or set after them). */
  readonly settled: ReadonlySet<string>;
}

/**
 * Collects postBuild variables as kustomize-controller does (`LoadVariables`, then the inline
 * `substitute`): `substituteFrom` entries in order (later ones win), then inline `substitute`
 * (wins over all). Values lose their newlines. Each variable remembers where its value is
 * written. Every name must be a valid variable name, or Flux's substitution fails
 * (`invalid-variable-name`). A `substituteFrom` object that is not in the repository (optional
 * or not: it may exist in the cluster) or is SOPS-encrypted is listed in `fromCluster`.
 */
export function collectVariables(
  spec: YamlMap,
  namespace: string,
  id: string,
  lookup: ConfigLookup,
  provenance: Provenance,
  diagnostics: Diagnostic[],
  fallback: { file: string; line: number },
): PostBuildVariables {
  const variables = new Map<string, Variable>();
  const fromCluster: string[] = [];
  const settled = new Set<string>();
  const postBuild = isMap(spec.postBuild) ? spec.postBuild : undefined;
  if (!postBuild) return { variables, enabled: false, fromCluster, settled };
  const where = (
    container: object,
    key: string | number,
  ): { file: string; line: number; column?: number } => {
    const origin = provenance.originOf(container, key);
    return origin
      ? { file: origin.file, line: origin.line, column: origin.column }
      : { file: fallback.file, line: fallback.line };
  };
  const define = (name: string, value: string, container: object): void => {
    if (!VARIABLE_NAME.test(name)) {
      diagnostics.push({
        ...where(container, name),
        severity: 'error',
        code: 'invalid-variable-name',
        message: `Variable name ${name} of ${id} is invalid (must match ${VARIABLE_NAME.source}): kustomize-controller's substitution fails on it, so the build fails`,
        object: id,
      });
      return;
    }
    const origin = provenance.originOf(container, name);
    variables.set(name, { value: value.replace(/\n/g, ''), ...(origin ? { origin } : {}) });
  };
  const foundAfterCluster = new Set<string>();
  const from = postBuild.substituteFrom;
  if (Array.isArray(from)) {
    for (const [index, reference] of from.entries()) {
      if (!isMap(reference) || typeof reference.name !== 'string' || typeof reference.kind !== 'string')
        continue;
      const object = lookup(reference.kind, namespace, reference.name);
      const label = `${reference.kind} ${namespace}/${reference.name}`;
      if (!object || isMap(object.sops)) {
        fromCluster.push(label);
        foundAfterCluster.clear();
        if (object || reference.optional === true) continue;
        diagnostics.push({
          ...where(from, index),
          severity: 'warning',
          code: 'substitute-from-missing',
          message: `${label} named in postBuild.substituteFrom of ${id} is not in the repository (it may come from the cluster); its variables are unknown`,
          object: id,
        });
        continue;
      }
      for (const [key, value, container] of dataEntries(object)) {
        define(key, value, container);
        foundAfterCluster.add(key);
      }
    }
  }
  for (const name of foundAfterCluster) settled.add(name);
  const inline = postBuild.substitute;
  if (isMap(inline)) {
    for (const [key, value] of Object.entries(inline)) {
      if (value === null || value === undefined) continue;
      define(key, String(value), inline);
      settled.add(key);
    }
  }
  const always = postBuild.substituteStrategy === 'Always';
  return { variables, enabled: variables.size > 0 || fromCluster.length > 0 || always, fromCluster, settled };
}

/** The `data` (and, for Secrets, decoded `data` plus `stringData`) entries of a ConfigMap or Secret. */
export function dataEntries(object: YamlMap): [string, string, YamlMap][] {
  const out: [string, string, YamlMap][] = [];
  const secret = object.kind === 'Secret';
  if (isMap(object.data)) {
    for (const [key, value] of Object.entries(object.data)) {
      if (value === null || value === undefined) continue;
      const text = String(value);
      out.push([key, secret ? Buffer.from(text, 'base64').toString('utf8') : text, object.data]);
    }
  }
  if (secret && isMap(object.stringData)) {
    for (const [key, value] of Object.entries(object.stringData)) {
      if (value !== null && value !== undefined) out.push([key, String(value), object.stringData]);
    }
  }
  return out;
}
