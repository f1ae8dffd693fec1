import type { Diagnostic } from '@sluice/core';
import type { Provenance } from '../kustomize/provenance.js';
import { isMap, type YamlMap } from '../kustomize/resource.js';
import { VARIABLE_NAME } from '../substitute/envsubst.js';
import type { Variable } from '../substitute/post-build.js';

/** Finds a ConfigMap or Secret by kind, namespace and name. */
export type ConfigLookup = (kind: string, namespace: string, name: string) => YamlMap | undefined;

/** The variables of a Kustomization's postBuild and whether substitution runs. */
export interface PostBuildVariables {
  readonly variables: Map<string, Variable>;
  /** Substitution runs when at least one variable is defined, or with `substituteStrategy: Always`. */
  readonly enabled: boolean;
}

/**
 * Collects postBuild variables as kustomize-controller does: `substituteFrom` entries in order
 * (later ones win; missing non-optional ones are reported), then inline `substitute` (wins over
 * all). Values lose their newlines. Each variable remembers where its value is written.
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
  const postBuild = isMap(spec.postBuild) ? spec.postBuild : undefined;
  if (!postBuild) return { variables, enabled: false };
  const from = postBuild.substituteFrom;
  if (Array.isArray(from)) {
    for (const [index, reference] of from.entries()) {
      if (!isMap(reference) || typeof reference.name !== 'string' || typeof reference.kind !== 'string')
        continue;
      const object = lookup(reference.kind, namespace, reference.name);
      if (!object) {
        if (reference.optional === true) continue;
        const origin = provenance.originOf(from, index);
        diagnostics.push({
          file: origin?.file ?? fallback.file,
          line: origin?.line ?? fallback.line,
          severity: 'warning',
          code: 'substitute-from-missing',
          message: `${reference.kind} ${namespace}/${reference.name} named in postBuild.substituteFrom of ${id} is not in the repository (it may come from the cluster); its variables are unknown`,
          object: id,
        });
        continue;
      }
      for (const [key, value, container] of dataEntries(object)) {
        const origin = provenance.originOf(container, key);
        variables.set(key, { value: value.replace(/\n/g, ''), ...(origin ? { origin } : {}) });
      }
    }
  }
  const inline = postBuild.substitute;
  if (isMap(inline)) {
    for (const [key, value] of Object.entries(inline)) {
      if (value === null || value === undefined) continue;
      if (!VARIABLE_NAME.test(key)) {
        const origin = provenance.originOf(inline, key);
        diagnostics.push({
          file: origin?.file ?? fallback.file,
          line: origin?.line ?? fallback.line,
          severity: 'error',
          code: 'invalid-variable-name',
          message: `Variable name ${key} of ${id} is invalid (must match ${VARIABLE_NAME.source})`,
          object: id,
        });
        continue;
      }
      const origin = provenance.originOf(inline, key);
      variables.set(key, { value: String(value).replace(/\n/g, ''), ...(origin ? { origin } : {}) });
    }
  }
  const always = postBuild.substituteStrategy === 'Always';
  return { variables, enabled: variables.size > 0 || always };
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
