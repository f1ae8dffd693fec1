import { applyImageOverride, imageMatches } from '../kustomize/images-transformer.js';
import { isMap, type YamlMap } from '../kustomize/resource.js';
import { readFluxObject } from '../schemas/flux-object.js';
import { resolveChartReference, type ChartReference, type FoundSource } from '../helm/chart-reference.js';
import { releaseNameOf, releaseNamespaceOf } from '../helm/release-name.js';
import { composeReleaseValues } from '../helm/release-values.js';
import { findValuesImages } from '../helm/values-images.js';
import { addEmbeddedImages, findEmbeddedImages } from '../images/embedded-images.js';
import { ImageSet } from '../images/image-set.js';
import { type ClusterState, type LoadContext, type PendingObject, type WorkloadDraft } from './context.js';
import { registerWorkload, reportFluxObjectWarnings, reportInvalidFluxObject } from './register-workload.js';
import { lookupConfig, lookupSource } from './kustomization-step.js';

/**
 * Finds the images of one HelmRelease. With a Helm renderer (`helm` option) the chart is
 * fetched and rendered as helm-controller would, in the load's pool (the workload is completed
 * when the render ends); a chart that cannot be rendered leaves the release unknown with the
 * reason, its values images still listed. Without one, images come from the values by the
 * conventions charts follow, and a release whose images are not all written there is unknown.
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
  const { id, namespace } = workload;
  const spec = isMap(object.spec) ? object.spec : {};
  const read = readFluxObject(object);
  if (read.status !== 'flux' || read.object.kind !== 'HelmRelease') {
    const reason = read.status === 'invalid' ? read.reason : 'not a Flux HelmRelease';
    workload.unresolvedReason = reportInvalidFluxObject(workload, reason, context);
    return;
  }
  const hr = read.object.spec;
  reportFluxObjectWarnings(workload, object, read.warnings, context);
  const chart = hr.chart?.spec;
  if (chart) {
    workload.source = `${chart.sourceRef.kind}/${chart.sourceRef.namespace ?? namespace}/${chart.sourceRef.name}`;
    workload.chart = `${chart.chart}${chart.version ? `@${chart.version}` : ''}`;
  } else if (hr.chartRef) {
    workload.source = `${hr.chartRef.kind}/${hr.chartRef.namespace ?? namespace}/${hr.chartRef.name}`;
    const url = lookupSource(
      state,
      context,
      hr.chartRef.kind,
      hr.chartRef.namespace ?? namespace,
      hr.chartRef.name,
    )?.spec.url;
    workload.chart = typeof url === 'string' ? url : workload.source;
  }
  const site = { id, namespace, file: resource.file, line: resource.line };
  const lookup = (kind: string, ns: string, configName: string): YamlMap | undefined =>
    lookupConfig(state, context, kind, ns, configName);
  const values = composeReleaseValues(spec, site, lookup, context.provenance, context.diagnostics);
  const reference = resolveChartReference(spec, namespace, {
    provenance: context.provenance,
    findSource: (kind, ns, sourceName): FoundSource | undefined =>
      lookupSource(state, context, kind, ns, sourceName),
    resolveTree: (sourceId) => context.registry.resolve(sourceId),
  });
  const renderer = context.helm;
  if (!renderer) {
    readValuesOnly(workload, spec, values, context, undefined);
    return;
  }
  if ('reason' in reference) {
    readValuesOnly(workload, spec, values, context, `its chart was not rendered: ${reference.reason}`);
    return;
  }
  context.pending.push(renderRelease(workload, spec, values, reference, pending, context));
}

async function renderRelease(
  workload: WorkloadDraft,
  spec: YamlMap,
  values: YamlMap,
  reference: ChartReference,
  pending: PendingObject,
  context: LoadContext,
): Promise<void> {
  const renderer = context.helm;
  if (!renderer) return;
  const started = performance.now();
  const result = await renderer.render({
    id: workload.id,
    reference,
    releaseName: releaseNameOf(spec, workload.name),
    namespace: releaseNamespaceOf(spec, workload.namespace),
    spec,
    values,
    file: pending.resource.file,
    line: pending.resource.line,
    rootTree: context.registry.root(),
    provenance: context.provenance,
    diagnostics: context.diagnostics,
    consumed: context.consumed,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  if ('error' in result) {
    // The release's own reason says it (unknown, with helm's message): no second diagnostic.
    readValuesOnly(workload, spec, values, context, `its chart was not rendered: ${result.error}`);
    return;
  }
  workload.method = 'helm-template';
  workload.chart = `${result.chart.name}@${result.chart.version}`;
  // Pod templates held in value strings reach the chart as written: the chart renders them into
  // objects (a runner's job template ConfigMap) whose strings are the values' own.
  addValuesEmbeddedImages(result.images, values, workload, context);
  workload.images = result.images.entries();
  context.images.merge(result.images);
  context.onEvent?.({
    type: 'rendered',
    id: workload.id,
    renderer: 'helm-template',
    resources: workload.images.length,
    images: result.images.size,
    durationMs: performance.now() - started,
  });
}

/**
 * The values-only reading: every complete image written in the values (post-renderer image
 * overrides applied) is listed. With `notRendered` (the chart could not be rendered) the release
 * is unknown for that reason; without a renderer it is unknown when post-renderers patch the
 * rendered objects, when a value leaves the tag to the chart, or when the values hold no image
 * at all. No `:latest` is ever made up.
 */
function readValuesOnly(
  workload: WorkloadDraft,
  spec: YamlMap,
  values: YamlMap,
  context: LoadContext,
  notRendered: string | undefined,
): void {
  const images = new ImageSet();
  const overrides = postRendererImages(spec);
  const partial: string[] = [];
  for (const item of findValuesImages(values, 'spec.values', context.provenance)) {
    if (item.chartDecidesTag) {
      const where = item.origin ? ` (${item.origin.file}:${item.origin.line})` : '';
      partial.push(`${item.fieldPath} sets the repository ${item.image}${where} but its tag is the chart's`);
      continue;
    }
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
        fallback: { file: workload.file, line: workload.line },
        kind: 'HelmRelease',
        namespace: workload.namespace,
        name: workload.name,
        ...(item.containerName ? { container: item.containerName } : {}),
        fieldPath: item.fieldPath,
      },
      workload.id,
    );
    if (diagnostic) context.diagnostics.push(diagnostic);
  }
  addValuesEmbeddedImages(images, values, workload, context);
  workload.images = images.entries();
  context.images.merge(images);
  let reason = notRendered;
  const patches = postRendererPatches(spec, context, workload);
  if (reason === undefined && patches.length > 0) {
    reason = `its postRenderers patch the rendered objects (${patches.join(', ')}), which the values alone do not show: render the chart to know what they deploy`;
  }
  if (reason === undefined && partial.length > 0) {
    reason = `the chart decides some image tags (${partial.join('; ')}): render the chart to know them`;
  }
  if (reason === undefined && workload.images.length === 0) {
    reason = `no image in spec.values${Array.isArray(spec.valuesFrom) ? ' or valuesFrom' : ''}: the images of chart ${workload.chart ?? '(unknown)'} are its defaults, which need the chart rendered`;
  }
  if (reason === undefined) {
    workload.method = 'values';
    return;
  }
  workload.method = 'unresolved';
  workload.unresolvedReason = reason;
  context.onEvent?.({ type: 'unresolved', id: workload.id, reason });
}

/** The images of pod templates written in strings of the values (`embedded` locations). */
function addValuesEmbeddedImages(
  images: ImageSet,
  values: YamlMap,
  workload: WorkloadDraft,
  context: LoadContext,
): void {
  const found = findEmbeddedImages(values, 'spec.values', context.provenance);
  const owner = {
    kind: 'HelmRelease',
    namespace: workload.namespace,
    name: workload.name,
    fallback: { file: workload.file, line: workload.line },
  };
  addEmbeddedImages(images, found, owner, workload.id, context.diagnostics);
}

/**
 * Where each post-renderer patch is written (`file:line`): `patches`, `patchesStrategicMerge`
 * and `patchesJson6902` of `spec.postRenderers[].kustomize` change the rendered objects (a
 * container, an image) in ways reading the values cannot follow.
 */
function postRendererPatches(
  spec: YamlMap,
  context: LoadContext,
  workload: { readonly file: string; readonly line: number },
): string[] {
  const out: string[] = [];
  if (!Array.isArray(spec.postRenderers)) return out;
  for (const renderer of spec.postRenderers) {
    if (!isMap(renderer) || !isMap(renderer.kustomize)) continue;
    for (const field of ['patches', 'patchesStrategicMerge', 'patchesJson6902'] as const) {
      const list = renderer.kustomize[field];
      if (!Array.isArray(list)) continue;
      for (const [index, item] of list.entries()) {
        // After postBuild substitution a mapping item is located through its first key's
        // value (the item's own offset is its first key's); failing that, the release itself.
        const firstKey = isMap(item) ? Object.keys(item)[0] : undefined;
        const origin =
          context.provenance.originOf(list, index) ??
          (firstKey === undefined ? undefined : context.provenance.originOf(item as YamlMap, firstKey));
        out.push(
          origin
            ? `${origin.file}:${origin.line}`
            : `${workload.file}:${workload.line} spec.postRenderers[].kustomize.${field}`,
        );
      }
    }
  }
  return out;
}

interface PostRendererImage {
  readonly override: { name: string; newName?: string; newTag?: string; digest?: string };
  readonly container: YamlMap;
}

function postRendererImages(spec: YamlMap): PostRendererImage[] {
  const out: PostRendererImage[] = [];
  if (!Array.isArray(spec.postRenderers)) return out;
  for (const renderer of spec.postRenderers) {
    if (!isMap(renderer) || !isMap(renderer.kustomize) || !Array.isArray(renderer.kustomize.images)) continue;
    for (const image of renderer.kustomize.images) {
      if (!isMap(image) || typeof image.name !== 'string') continue;
      const override: PostRendererImage['override'] = { name: image.name };
      if (image.newName !== undefined) override.newName = String(image.newName);
      if (image.newTag !== undefined) override.newTag = String(image.newTag);
      if (image.digest !== undefined) override.digest = String(image.digest);
      out.push({ override, container: image });
    }
  }
  return out;
}
