import type { KustomizeOverlay } from '../kustomize/build.js';
import type { KResource, YamlMap } from '../kustomize/resource.js';
import { isMap, kindOf, metaString } from '../kustomize/resource.js';
import { readFluxObject } from '../schemas/flux-object.js';
import { normalizeRelative } from '../source/repo-files.js';
import { inspectObjectImages } from '../images/find-object-images.js';
import { invalidImageDiagnostic } from '../images/invalid-image.js';
import { addEmbeddedImages, findEmbeddedImages } from '../images/embedded-images.js';
import { ImageSet } from '../images/image-set.js';
import { isSubstitutionDisabled } from '../substitute/post-build.js';
import { substituteResource } from '../substitute/substitute-resource.js';
import { recordReads, type ClusterState, type LoadContext, type PendingObject } from './context.js';
import { registerWorkload, reportFluxObjectWarnings, reportInvalidFluxObject } from './register-workload.js';
import { collectVariables, type ConfigLookup } from './variables.js';
import { renderShared } from './shared-build.js';

/**
 * Renders one Flux Kustomization found in a build: resolves its source and path, renders the
 * folder with its overlay, applies postBuild substitution, records its images, and queues the
 * Flux objects its output contains (children) for the caller.
 */
export async function processKustomization(
  pending: PendingObject,
  state: ClusterState,
  context: LoadContext,
): Promise<void> {
  const { resource } = pending;
  const object = resource.object;
  const workload = registerWorkload('Kustomization', pending, state, context);
  if (!workload) return;
  const { id, namespace } = workload;
  const spec = isMap(object.spec) ? object.spec : {};
  const unresolved = (reason: string): void => {
    workload.method = 'unresolved';
    workload.unresolvedReason = reason;
    context.onEvent?.({ type: 'unresolved', id, reason });
  };
  const read = readFluxObject(object);
  if (read.status !== 'flux' || read.object.kind !== 'Kustomization') {
    const reason = read.status === 'invalid' ? read.reason : 'not a Flux Kustomization';
    unresolved(reportInvalidFluxObject(workload, reason, context));
    return;
  }
  const flux = read.object;
  reportFluxObjectWarnings(workload, object, read.warnings, context);
  const sourceId = `${flux.spec.sourceRef.kind}/${flux.spec.sourceRef.namespace ?? namespace}/${flux.spec.sourceRef.name}`;
  workload.source = sourceId;
  const rawPath = flux.spec.path ?? '';
  if (rawPath.includes('${')) {
    unresolved(`spec.path ${rawPath} holds an unresolved variable`);
    return;
  }
  const path = normalizeRelative(rawPath);
  if (path === undefined) {
    unresolved(`spec.path ${rawPath} leaves the source root`);
    return;
  }
  workload.path = path;
  const resolution = context.registry.resolve(sourceId);
  if ('reason' in resolution) {
    unresolved(resolution.reason);
    return;
  }
  const tree = resolution.tree;
  if ((await tree.typeOf(path)) !== 'dir') {
    unresolved(`kustomization path not found: ./${path} does not exist in source ${sourceId}`);
    return;
  }
  const started = performance.now();
  const result = await renderShared(tree, path, overlayOf(spec), context);
  recordReads(context, result.consumed, id);
  for (const diagnostic of result.diagnostics)
    context.diagnostics.push({ ...diagnostic, object: diagnostic.object ?? id });
  const lookup: ConfigLookup = (kind, ns, configName) => lookupConfig(state, context, kind, ns, configName);
  const post = collectVariables(
    spec,
    namespace,
    id,
    lookup,
    context.provenance,
    context.diagnostics,
    resource,
  );
  const images = new ImageSet();
  const undefinedVariables = new Set<string>();
  const clusterVariables = new Set<string>();
  for (const child of result.resources) {
    let output = child;
    if (post.enabled && !isSubstitutionDisabled(child.object)) {
      const substituted = substituteResource(child, post.variables, context.provenance);
      if (substituted.failure) reportSubstitutionFailure(child, substituted.failure, id, context);
      for (const name of [...substituted.used, ...substituted.missing, ...substituted.defaulted]) {
        if (post.fromCluster.length > 0 && !post.settled.has(name)) clusterVariables.add(name);
      }
      for (const name of substituted.missing) if (!clusterVariables.has(name)) undefinedVariables.add(name);
      output = substituted.resource;
    }
    collectOutput(output, id, namespace, state, context, images);
  }
  if (undefinedVariables.size > 0) {
    // kustomize-controller 1.9 turns StrictPostBuildSubstitutions on: the build fails.
    context.diagnostics.push({
      file: resource.file,
      line: resource.line,
      severity: 'error',
      code: 'undefined-variables',
      message: `${id} uses ${[...undefinedVariables].sort().join(', ')}, which nothing in the repository defines and which have no default: unless the cluster provides them, kustomize-controller 1.9+ fails this build`,
      object: id,
    });
  }
  if (clusterVariables.size > 0) {
    context.diagnostics.push({
      file: resource.file,
      line: resource.line,
      severity: 'error',
      code: 'variable-from-cluster',
      message: `${id} uses ${[...clusterVariables].sort().join(', ')}, which ${post.fromCluster.join(', ')} (not readable in the repository) may define: what Flux substitutes is known only in the cluster`,
      object: id,
    });
  }
  workload.method = 'rendered';
  workload.images = images.entries();
  context.images.merge(images);
  context.onEvent?.({
    type: 'rendered',
    id,
    renderer: context.renderer.name,
    resources: result.resources.length,
    images: images.size,
    durationMs: performance.now() - started,
  });
}

/**
 * A rendered object Flux's substitution fails on (`substitution-failed`: the whole build fails), or
 * one Sluice cannot substitute exactly (`build-limit`): either way the build is unknown.
 */
function reportSubstitutionFailure(
  child: KResource,
  failure: { readonly reason: string; readonly limit: boolean },
  id: string,
  context: LoadContext,
): void {
  const object = `${kindOf(child.object)}/${metaString(child.object, 'name') ?? ''}`;
  context.diagnostics.push({
    file: child.file,
    line: child.line,
    severity: 'error',
    code: failure.limit ? 'build-limit' : 'substitution-failed',
    message: `postBuild substitution of ${object} in ${id} fails (${failure.reason}): ${
      failure.limit
        ? 'Sluice cannot reproduce what kustomize-controller does here, so what this build deploys is unknown'
        : 'kustomize-controller fails this build'
    }`,
    object: id,
  });
}

/**
 * Sorts one object of a build: Flux Kustomizations and HelmReleases are queued as children,
 * ConfigMaps and Secrets are indexed for substitution, ArtifactGenerators register their
 * artifacts, and every other object's images are added to `images`.
 */
export function collectOutput(
  child: KResource,
  parent: string | undefined,
  defaultNamespace: string,
  state: ClusterState,
  context: LoadContext,
  images: ImageSet | undefined,
): void {
  const object = child.object;
  const kind = kindOf(object);
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const pending: PendingObject = { resource: child, parent, defaultNamespace };
  if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
    state.kustomizations.push(pending);
    return;
  }
  if (kind === 'HelmRelease' && apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
    state.helmReleases.push(pending);
    return;
  }
  if (apiVersion.startsWith('source.toolkit.fluxcd.io/')) {
    const namespace = metaString(object, 'namespace') ?? defaultNamespace;
    state.sourceObjects.set(`${kind}/${namespace}/${metaString(object, 'name') ?? ''}`, object);
  }
  if ((kind === 'ConfigMap' || kind === 'Secret') && apiVersion === 'v1') {
    const namespace = metaString(object, 'namespace') ?? defaultNamespace;
    state.configObjects.set(`${kind}/${namespace}/${metaString(object, 'name') ?? ''}`, object);
    // A ConfigMap key may hold a pod template an operator or a CI runner starts (Secret data is base64).
    if (images && parent && kind === 'ConfigMap' && isMap(object.data)) {
      const found = findEmbeddedImages(object.data, 'data', context.provenance);
      const objectNamespace = metaString(object, 'namespace');
      const owner = {
        kind,
        ...(objectNamespace ? { namespace: objectNamespace } : {}),
        name: metaString(object, 'name') ?? '',
        fallback: { file: child.file, line: child.line },
      };
      addEmbeddedImages(images, found, owner, parent, context.diagnostics);
    }
    return;
  }
  if (kind === 'ArtifactGenerator') {
    const read = readFluxObject(object);
    if (read.status === 'flux' && read.object.kind === 'ArtifactGenerator') {
      context.registry.registerArtifactGenerator(
        read.object.namespace ?? defaultNamespace,
        read.object.spec,
        child.file,
        child.line,
      );
    }
    return;
  }
  if (!images || !parent) return;
  const { fields, invalid, truncated, uncovered } = inspectObjectImages(object);
  if (truncated) {
    context.diagnostics.push({
      file: child.file,
      line: child.line,
      severity: 'warning',
      code: 'walk-limit',
      message: `${kind}/${metaString(object, 'name') ?? ''} is too large or too deeply nested to search completely for images; some may be missed`,
      object: parent,
    });
  }
  if (uncovered) noteUncovered(child, apiVersion, kind, context);
  for (const field of fields) {
    const namespace = metaString(object, 'namespace');
    const diagnostic = images.add(
      {
        image: field.image,
        origin: context.provenance.originOf(field.container, field.key),
        fallback: { file: child.file, line: child.line },
        kind,
        ...(namespace ? { namespace } : {}),
        name: metaString(object, 'name') ?? '',
        ...(field.containerName ? { container: field.containerName } : {}),
        fieldPath: field.fieldPath,
      },
      parent,
    );
    if (diagnostic) context.diagnostics.push(diagnostic);
  }
  for (const field of invalid) {
    context.diagnostics.push(
      invalidImageDiagnostic(
        field,
        context.provenance.originOf(field.container, field.key),
        { file: child.file, line: child.line },
        { kind, name: metaString(object, 'name') ?? '' },
        parent,
      ),
    );
  }
}

/** One `uncovered-custom-resource` note per custom resource kind of the whole load. */
function noteUncovered(child: KResource, apiVersion: string, kind: string, context: LoadContext): void {
  const key = `${apiVersion} ${kind}`;
  if (context.uncovered.has(key)) return;
  context.uncovered.add(key);
  context.diagnostics.push({
    file: child.file,
    line: child.line,
    severity: 'info',
    code: 'uncovered-custom-resource',
    message: `${apiVersion} ${kind} (first seen as ${kind}/${metaString(child.object, 'name') ?? ''}) has no field Sluice knows as an image (image, imageName, {repository, tag}, a PodSpec): an image its operator runs is not seen`,
  });
}

/** A ConfigMap or Secret from this cluster's builds, else one written in the repository. */
export function lookupConfig(
  state: ClusterState,
  context: LoadContext,
  kind: string,
  namespace: string,
  name: string,
): YamlMap | undefined {
  const rendered = state.configObjects.get(`${kind}/${namespace}/${name}`);
  if (rendered) return rendered;
  for (const raw of context.scan.configObjects) {
    const metadata = raw.value.metadata;
    if (raw.value.kind !== kind || !isMap(metadata) || metadata.name !== name) continue;
    if (metadata.namespace !== undefined && metadata.namespace !== namespace) continue;
    context.provenance.register(raw.value, {
      file: raw.file,
      positions: raw.document.positions,
      documentIndex: raw.document.index,
    });
    return raw.value;
  }
  return undefined;
}

/**
 * A Flux source by kind, namespace and name: rendered by this cluster's builds (after their
 * patches and substitutions), else written in the repository (in that namespace, or the only one
 * of that name). Its spec keeps the positions it was written at.
 */
export function lookupSource(
  state: ClusterState,
  context: LoadContext,
  kind: string,
  namespace: string,
  name: string,
): { kind: string; namespace: string; name: string; spec: YamlMap } | undefined {
  const rendered = state.sourceObjects.get(`${kind}/${namespace}/${name}`);
  if (rendered) return { kind, namespace, name, spec: isMap(rendered.spec) ? rendered.spec : {} };
  const candidates = context.scan.fluxObjects.filter(
    (raw) => raw.object.kind === kind && raw.object.name === name,
  );
  const raw =
    candidates.find((candidate) => (candidate.object.namespace ?? namespace) === namespace) ??
    (candidates.length === 1 ? candidates[0] : undefined);
  if (!raw || !isMap(raw.document.value)) return undefined;
  context.provenance.register(raw.document.value, {
    file: raw.file,
    positions: raw.document.positions,
    documentIndex: raw.document.index,
  });
  const spec = raw.document.value.spec;
  return { kind, namespace: raw.object.namespace ?? namespace, name, spec: isMap(spec) ? spec : {} };
}

function overlayOf(spec: YamlMap): KustomizeOverlay {
  const list = (value: unknown): readonly unknown[] | undefined => (Array.isArray(value) ? value : undefined);
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;
  const overlay: { -readonly [K in keyof KustomizeOverlay]: KustomizeOverlay[K] } = {};
  const images = list(spec.images);
  if (images) overlay.images = images;
  const patches = list(spec.patches);
  if (patches) overlay.patches = patches;
  const smp = list(spec.patchesStrategicMerge);
  if (smp) overlay.patchesStrategicMerge = smp;
  const json = list(spec.patchesJson6902);
  if (json) overlay.patchesJson6902 = json;
  const components = list(spec.components);
  if (components) overlay.components = components;
  const targetNamespace = text(spec.targetNamespace);
  if (targetNamespace) overlay.targetNamespace = targetNamespace;
  const namePrefix = text(spec.namePrefix);
  if (namePrefix) overlay.namePrefix = namePrefix;
  const nameSuffix = text(spec.nameSuffix);
  if (nameSuffix) overlay.nameSuffix = nameSuffix;
  if (spec.ignoreMissingComponents === true) overlay.ignoreMissingComponents = true;
  return overlay;
}
