import { parseYaml } from '@sluice/core';
import { applyImageOverride, imageMatches } from '../kustomize/images-transformer.js';
import { isMap, metaString, type YamlMap } from '../kustomize/resource.js';
import { readFluxObject } from '../schemas/flux-object.js';
import { findValuesImages, type ValuesImage } from '../helm/values-images.js';
import { findPodImages, type InvalidImageField } from '../images/find-pod-images.js';
import { invalidImageDiagnostic } from '../images/invalid-image.js';
import { ImageSet } from '../images/image-set.js';
import { type ClusterState, type LoadContext, type PendingObject } from './context.js';
import { registerWorkload, reportInvalidFluxObject } from './register-workload.js';
import { dataEntries } from './variables.js';
import type { RawFluxObject } from './raw-scan.js';
import { lookupConfig } from './kustomization-step.js';

/**
 * Finds the images of one HelmRelease: from `spec.values` and `valuesFrom` (ConfigMaps and
 * Secrets found in the builds or the repository) by the image conventions charts follow, with
 * `postRenderers` image overrides applied; or from the chart itself when a Helm renderer is set.
 */
export async function processHelmRelease(
  pending: PendingObject,
  state: ClusterState,
  context: LoadContext,
): Promise<void> {
  const { resource } = pending;
  const object = resource.object;
  const workload = registerWorkload('HelmRelease', pending, state, context);
  if (!workload) return;
  const { id, namespace, name } = workload;
  const spec = isMap(object.spec) ? object.spec : {};
  const read = readFluxObject(object);
  if (read.status !== 'flux' || read.object.kind !== 'HelmRelease') {
    const reason = read.status === 'invalid' ? read.reason : 'not a Flux HelmRelease';
    workload.unresolvedReason = reportInvalidFluxObject(workload, reason, context);
    return;
  }
  const hr = read.object.spec;
  const chart = hr.chart?.spec;
  if (chart) {
    workload.source = `${chart.sourceRef.kind}/${chart.sourceRef.namespace ?? namespace}/${chart.sourceRef.name}`;
    workload.chart = `${chart.chart}${chart.version ? `@${chart.version}` : ''}`;
  } else if (hr.chartRef) {
    workload.source = `${hr.chartRef.kind}/${hr.chartRef.namespace ?? namespace}/${hr.chartRef.name}`;
    workload.chart =
      sourceUrl(context, hr.chartRef.kind, hr.chartRef.namespace ?? namespace, hr.chartRef.name) ??
      workload.source;
  }
  // Helm merges valuesFrom in order, then spec.values on top: images are read from the result,
  // whose values keep the position they were written at.
  const merged: YamlMap = {};
  const valuesFrom = spec.valuesFrom;
  if (Array.isArray(valuesFrom)) {
    for (const [index, reference] of valuesFrom.entries()) {
      if (!isMap(reference) || typeof reference.name !== 'string' || typeof reference.kind !== 'string')
        continue;
      const config = lookupConfig(state, context, reference.kind, namespace, reference.name);
      const origin = context.provenance.originOf(valuesFrom, index);
      if (!config) {
        if (reference.optional !== true) {
          context.diagnostics.push({
            file: origin?.file ?? resource.file,
            line: origin?.line ?? resource.line,
            severity: 'warning',
            code: 'values-from-missing',
            message: `${reference.kind} ${namespace}/${reference.name} named in valuesFrom of ${id} is not in the repository; images it sets are not listed`,
            object: id,
          });
        }
        continue;
      }
      const key = typeof reference.valuesKey === 'string' ? reference.valuesKey : 'values.yaml';
      const entry = dataEntries(config).find(([dataKey]) => dataKey === key);
      if (!entry) {
        if (reference.optional !== true) {
          context.diagnostics.push({
            file: origin?.file ?? resource.file,
            line: origin?.line ?? resource.line,
            severity: 'warning',
            code: 'values-key-missing',
            message: `${reference.kind} ${namespace}/${reference.name} has no key ${key} (valuesFrom of ${id})`,
            object: id,
          });
        }
        continue;
      }
      const [, text, container] = entry;
      if (typeof reference.targetPath === 'string') {
        // The whole value lands at targetPath: read it as values nested at that path.
        const values = nestAt(reference.targetPath, text);
        const textOrigin = context.provenance.originOf(container, key);
        const leaf = innermost(values);
        if (leaf && textOrigin) context.provenance.setOverride(leaf.container, leaf.key, textOrigin);
        mergeValues(merged, values, context.provenance);
        continue;
      }
      const textOrigin = context.provenance.originOf(container, key);
      const parsed = parseYaml(text, textOrigin?.file ?? resource.file);
      const values = parsed.documents[0]?.value;
      if (!values || !parsed.documents[0]) continue;
      context.provenance.register(values, {
        file: textOrigin?.file ?? resource.file,
        positions: parsed.documents[0].positions,
        lineOffset: (textOrigin?.line ?? 1) - 1,
        columnOffset: (textOrigin?.column ?? 1) - 1,
      });
      if (isMap(values)) mergeValues(merged, values, context.provenance);
    }
  }
  if (isMap(spec.values)) mergeValues(merged, spec.values, context.provenance);
  const found: ValuesImage[] = findValuesImages(merged, 'spec.values', context.provenance);
  const overrides = postRendererImages(spec);
  const images = new ImageSet();
  for (const item of found) {
    const override = overrides.find((entry) => imageMatches(item.image, entry.override.name));
    const image = override ? applyImageOverride(item.image, override.override) : item.image;
    const overrideOrigin = override
      ? context.provenance.originOf(
          override.container,
          override.override.newTag ? 'newTag' : override.override.digest ? 'digest' : 'newName',
        )
      : undefined;
    const diagnostic = images.add(
      {
        image,
        origin: overrideOrigin ?? item.origin,
        fallback: { file: resource.file, line: resource.line },
        kind: 'HelmRelease',
        namespace,
        name,
        ...(item.containerName ? { container: item.containerName } : {}),
        fieldPath: item.fieldPath,
      },
      id,
    );
    if (diagnostic) context.diagnostics.push(diagnostic);
  }
  if (context.helmRenderer && (chart || hr.chartRef)) {
    const sourceRef = chart
      ? { kind: chart.sourceRef.kind, namespace: chart.sourceRef.namespace, name: chart.sourceRef.name }
      : hr.chartRef;
    const sourceNamespace = sourceRef?.namespace ?? namespace;
    const source = sourceRef
      ? sourceObject(context, sourceRef.kind, sourceNamespace, sourceRef.name)
      : undefined;
    const url = (source?.spec as { url?: unknown } | undefined)?.url;
    const ociTag = (source?.spec as { ref?: { tag?: unknown } } | undefined)?.ref?.tag;
    const version = chart?.version ?? (typeof ociTag === 'string' ? ociTag : undefined);
    const rendered = await context.helmRenderer.render({
      id,
      releaseName: typeof spec.releaseName === 'string' ? spec.releaseName : name,
      namespace: typeof spec.targetNamespace === 'string' ? spec.targetNamespace : namespace,
      chart: {
        ...(chart ? { name: chart.chart } : {}),
        ...(version ? { version } : {}),
        sourceKind: sourceRef?.kind ?? '',
        sourceId: workload.source ?? '',
        ...(typeof url === 'string' ? { url } : {}),
      },
      values: isMap(spec.values) ? spec.values : {},
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if ('manifests' in rendered) {
      for (const manifest of rendered.manifests) {
        const invalid: InvalidImageField[] = [];
        for (const field of findPodImages(manifest, invalid)) {
          images.add(
            {
              image: field.image,
              origin: undefined,
              fallback: { file: resource.file, line: resource.line },
              kind: String(manifest.kind ?? ''),
              name: metaString(manifest, 'name') ?? '',
              fieldPath: field.fieldPath,
            },
            id,
          );
        }
        for (const field of invalid) {
          const object = { kind: String(manifest.kind ?? ''), name: metaString(manifest, 'name') ?? '' };
          const fallback = { file: resource.file, line: resource.line };
          context.diagnostics.push(invalidImageDiagnostic(field, undefined, fallback, object, id));
        }
      }
      workload.method = 'helm-template';
    } else {
      context.diagnostics.push({
        file: resource.file,
        line: resource.line,
        severity: 'warning',
        code: 'helm-render-failed',
        message: `${context.helmRenderer.name} could not render ${id}: ${rendered.error}`,
        object: id,
      });
    }
  }
  workload.images = images.entries();
  context.images.merge(images);
  if (workload.method !== 'helm-template') {
    if (workload.images.length > 0) {
      workload.method = 'values';
    } else {
      workload.unresolvedReason = `no image in spec.values${Array.isArray(valuesFrom) ? ' or valuesFrom' : ''}: the images of chart ${workload.chart ?? '(unknown)'} are its defaults, which need helm template`;
      context.onEvent?.({ type: 'unresolved', id, reason: workload.unresolvedReason });
    }
  }
}

function postRendererImages(
  spec: YamlMap,
): { override: { name: string; newName?: string; newTag?: string; digest?: string }; container: YamlMap }[] {
  const out: {
    override: { name: string; newName?: string; newTag?: string; digest?: string };
    container: YamlMap;
  }[] = [];
  if (!Array.isArray(spec.postRenderers)) return out;
  for (const renderer of spec.postRenderers) {
    if (!isMap(renderer) || !isMap(renderer.kustomize) || !Array.isArray(renderer.kustomize.images)) continue;
    for (const image of renderer.kustomize.images) {
      if (!isMap(image) || typeof image.name !== 'string') continue;
      const override: { name: string; newName?: string; newTag?: string; digest?: string } = {
        name: image.name,
      };
      if (image.newName !== undefined) override.newName = String(image.newName);
      if (image.newTag !== undefined) override.newTag = String(image.newTag);
      if (image.digest !== undefined) override.digest = String(image.digest);
      out.push({ override, container: image });
    }
  }
  return out;
}

/** A source written in the repository, by kind, namespace (or the only one of that name) and name. */
function sourceObject(
  context: LoadContext,
  kind: string,
  namespace: string,
  name: string,
): RawFluxObject['object'] | undefined {
  const candidates = context.scan.fluxObjects.filter(
    (raw) => raw.object.kind === kind && raw.object.name === name,
  );
  return (
    candidates.find((raw) => raw.object.namespace === namespace) ??
    (candidates.length === 1 ? candidates[0] : undefined)
  )?.object;
}

/** The `spec.url` of a source written in the repository (an OCIRepository's `oci://…`), if found. */
function sourceUrl(context: LoadContext, kind: string, namespace: string, name: string): string | undefined {
  const url = (sourceObject(context, kind, namespace, name)?.spec as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' ? url : undefined;
}

/** `{a: {b: value}}` for the Helm target path `a.b` (escaped dots kept, list indexes as keys). */
function nestAt(targetPath: string, value: string): YamlMap {
  const keys = targetPath.split(/(?<!\\)\./).map((key) => key.replace(/\\\./g, '.'));
  const root: YamlMap = {};
  let current = root;
  for (const [position, key] of keys.entries()) {
    if (position === keys.length - 1) current[key] = value;
    else current = (current[key] = {}) as YamlMap;
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

/** Helm's values merge: mappings merge key by key, `null` deletes, anything else replaces. */
function mergeValues(target: YamlMap, source: YamlMap, provenance: LoadContext['provenance']): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === null) {
      delete target[key];
      continue;
    }
    const current = target[key];
    if (isMap(value) && isMap(current)) {
      mergeValues(current, value, provenance);
      continue;
    }
    target[key] = provenance.clone(value);
    provenance.copyOrigin(source, key, target, key);
  }
}
