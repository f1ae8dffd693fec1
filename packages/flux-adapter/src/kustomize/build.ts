import type { Diagnostic, DiagnosticCode } from '@sluice/core';
import type { SourceTree } from '../source/source-tree.js';
import { joinRelative, type RepoFiles } from '../source/repo-files.js';
import { runGenerators } from './generators.js';
import { findKustomizationFile, generateResourceList, loadResourceFile } from './load-resources.js';
import type { PatchContext } from './patches.js';
import { applyTransformers, mergeOverlay } from './apply-transformers.js';
import type { Provenance, ValueOrigin } from './provenance.js';
import { isRemoteTarget } from './remote-target.js';
import type { RemoteBases } from '../remote/remote-bases.js';
import { resolveRemoteEntry } from '../remote/resolve-remote-entry.js';
import { BuildBudget } from './build-budget.js';
import { CopyOnWrite } from './copy-on-write.js';
import { isMap, type KResource, type YamlMap } from './resource.js';
import { ResourceIds } from './resource-ids.js';

/**
 * The fields of a Flux Kustomization spec merged into the kustomization before the build, as
 * kustomize-controller does. Arrays are the (provenance-tracked) arrays of the Flux object.
 */
export interface KustomizeOverlay {
  readonly images?: readonly unknown[];
  readonly patches?: readonly unknown[];
  readonly patchesStrategicMerge?: readonly unknown[];
  readonly patchesJson6902?: readonly unknown[];
  readonly components?: readonly unknown[];
  readonly targetNamespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  /** `ignoreMissingComponents`. @default false */
  readonly ignoreMissingComponents?: boolean;
}

/** Shared state of one build. */
export interface BuildContext {
  readonly tree: SourceTree;
  readonly provenance: Provenance;
  readonly diagnostics: Diagnostic[];
  /** Repository files the build read (resources, patches, generator inputs, kustomization files). */
  readonly consumed: Set<string>;
  /** Folders that need `helm` (their `helmCharts`), reported once each. */
  readonly needsHelm: Set<string>;
  /** The build's resource limits. @default a fresh BuildBudget with the default limits */
  readonly budget?: BuildBudget;
  /**
   * Fetches remote bases and components (`--remote-bases fetch`).
   * @default undefined (a remote entry is `remote-resource`, unknown)
   */
  readonly remoteBases?: RemoteBases;
  /** How many remote bases enclose this build. @default 0 */
  readonly remoteDepth?: number;
  readonly signal?: AbortSignal;
  /**
   * Copies objects of the parse cache before the build's transformers write them; shared by the
   * nested builds of one top-level build.
   * @default a fresh CopyOnWrite for each top-level build
   */
  readonly copies?: CopyOnWrite;
}

/**
 * One kustomization being built, outermost first: its file, its folder (a tree path), and
 * where the entry that included it was written (undefined for the root).
 */
export interface BuildFrame {
  readonly file: string;
  readonly dir: string;
  /** The tree `dir` is in (a remote base's checkout is another tree). */
  readonly tree: SourceTree;
  readonly via?: ValueOrigin;
}

// Fields the built-in renderer does not apply, with the code that reports them. Each can change
// or add images: `configurations` gives the images transformer more fields to rewrite, `openapi`
// changes how strategic-merge patches merge custom resources' lists. (`replicas` is applied by
// nobody here either, but it changes replica counts only; `crds` only teaches name references.)
const UNSUPPORTED_FIELDS = [
  ['transformers', 'kustomize-transformer-unsupported'],
  ['generators', 'kustomize-generator-unsupported'],
  ['vars', 'kustomize-field-unsupported'],
  ['configurations', 'kustomize-field-unsupported'],
  ['openapi', 'kustomize-field-unsupported'],
] as const;

/**
 * Builds a folder the way `kustomize build` does (with Flux's generated kustomization when the
 * folder has no kustomization file, and the Flux overlay merged in), returning the objects with
 * their provenance. Problems (missing files, failing patches, remote bases, Helm charts) become
 * diagnostics; the build goes on with what it can read.
 */
export async function buildKustomizeFolder(
  dir: string,
  context: BuildContext,
  overlay?: KustomizeOverlay,
  stack: readonly BuildFrame[] = [],
  via?: ValueOrigin,
): Promise<KResource[]> {
  context.signal?.throwIfAborted();
  if (!context.budget) context = { ...context, budget: new BuildBudget() };
  if (!context.copies) context = { ...context, copies: new CopyOnWrite(context.provenance) };
  const where = { file: via?.file ?? context.tree.toRepoPath(dir) ?? dir, line: via?.line ?? 1 };
  if (!context.budget?.enter(stack.length + 1, where, context.diagnostics)) return [];
  const kustomizationPath = await findKustomizationFile(context.tree, dir);
  let kustomization: YamlMap;
  let file: string;
  if (kustomizationPath) {
    file = context.tree.toRepoPath(kustomizationPath) ?? kustomizationPath;
    context.consumed.add(file);
    const parsed = await context.tree.parse(kustomizationPath);
    const document = parsed?.documents[0];
    if (parsed) context.diagnostics.push(...parsed.diagnostics);
    if (!document || !isMap(document.value)) {
      context.diagnostics.push({
        file,
        line: 1,
        severity: 'error',
        code: 'invalid-kustomization',
        message: `${file} is not a kustomization mapping`,
      });
      return [];
    }
    context.provenance.register(document.value, { file, positions: document.positions, documentIndex: 0 });
    // The build only reads a kustomization; merging a Flux overlay writes one, so that one is a copy.
    kustomization = overlay ? context.provenance.clone(document.value) : document.value;
  } else {
    file = context.tree.toRepoPath(dir) ?? dir;
    if (stack.length > 0) {
      context.diagnostics.push({
        file: stack[stack.length - 1]?.file ?? file,
        line: 1,
        severity: 'error',
        code: 'kustomization-missing',
        message: `Folder ${file} is used as a resource but has no kustomization file`,
      });
      return [];
    }
    const resources = await generateResourceList(context.tree, dir);
    kustomization = { resources: resources.map((path) => relativeTo(dir, path)) };
  }
  if (overlay)
    mergeOverlay(kustomization, await withoutMissingComponents(overlay, dir, context), context.provenance);
  const frame: BuildFrame = via ? { file, dir, tree: context.tree, via } : { file, dir, tree: context.tree };
  return buildKustomization(kustomization, dir, file, context, [...stack, frame], []);
}

async function buildKustomization(
  kustomization: YamlMap,
  dir: string,
  file: string,
  context: BuildContext,
  stack: readonly BuildFrame[],
  inherited: KResource[],
): Promise<KResource[]> {
  const resources: KResource[] = [...inherited];
  const ids = new ResourceIds(inherited);
  const report = (
    code: DiagnosticCode,
    message: string,
    container?: object,
    key?: string | number,
    severity: Diagnostic['severity'] = 'error',
  ): void => {
    const origin = container && key !== undefined ? context.provenance.originOf(container, key) : undefined;
    context.diagnostics.push({
      file: origin?.file ?? file,
      line: origin?.line ?? 1,
      ...(origin ? { column: origin.column } : {}),
      severity,
      code,
      message,
    });
  };
  for (const field of ['resources', 'bases'] as const) {
    const list = kustomization[field];
    if (!Array.isArray(list)) continue;
    for (const [index, entry] of list.entries()) {
      if (typeof entry !== 'string') continue;
      if (isRemoteTarget(entry)) {
        const via = context.provenance.originOf(list, index);
        const remote = await resolveRemoteEntry(entry, 'resource', context, via, file);
        if (!remote) continue;
        const start = stack.findIndex(
          (frame) => frame.dir === remote.path && frame.tree === remote.context.tree,
        );
        if (start !== -1) {
          reportCycle(stack.slice(start), entry, via, file, context.diagnostics);
          continue;
        }
        const built = await buildKustomizeFolder(remote.path, remote.context, undefined, stack, via);
        ids.appendAll(resources, built, via, file, context.diagnostics);
        context.diagnostics.push(...remote.files.diagnostics);
        if (context.budget?.exceeded) return resources;
        continue;
      }
      const path = joinRelative(dir, entry);
      if (path === undefined) {
        report('path-outside-root', `Resource ${entry} is outside the source root`, list, index);
        continue;
      }
      const type = await context.tree.typeOf(path);
      if (type === 'file') {
        const loaded = await loadResourceFile(context.tree, path, context.provenance, context.diagnostics);
        // Looked up once: an origin is built from the text's positions on every call.
        const origin = context.provenance.originOf(list, index);
        const where = { file: origin?.file ?? file, line: origin?.line ?? 1 };
        if (!context.budget?.addObjects(loaded.length, where, context.diagnostics)) return resources;
        ids.appendAll(resources, loaded, origin, file, context.diagnostics);
        context.consumed.add(context.tree.toRepoPath(path) ?? path);
      } else if (type === 'dir') {
        const via = context.provenance.originOf(list, index);
        const start = stack.findIndex((frame) => frame.dir === path && frame.tree === context.tree);
        if (start !== -1) {
          reportCycle(stack.slice(start), entry, via, file, context.diagnostics);
          continue;
        }
        const built = await buildKustomizeFolder(path, context, undefined, stack, via);
        ids.appendAll(resources, built, via, file, context.diagnostics);
        if (context.budget?.exceeded) return resources;
      } else {
        report('resource-missing', `Resource ${entry} not found`, list, index);
      }
    }
  }
  const components = kustomization.components;
  let accumulated = resources;
  if (Array.isArray(components)) {
    for (const [index, entry] of components.entries()) {
      if (typeof entry !== 'string') continue;
      let componentContext = context;
      let remoteFiles: RepoFiles | undefined;
      let path: string | undefined;
      if (isRemoteTarget(entry)) {
        const remote = await resolveRemoteEntry(
          entry,
          'component',
          context,
          context.provenance.originOf(components, index),
          file,
        );
        if (!remote) continue;
        componentContext = remote.context;
        remoteFiles = remote.files;
        path = remote.path;
      } else path = joinRelative(dir, entry);
      const componentFile =
        path === undefined ? undefined : await findKustomizationFile(componentContext.tree, path);
      if (path === undefined || !componentFile) {
        report('component-missing', `Component ${entry} not found`, components, index);
        continue;
      }
      const repoFile = componentContext.tree.toRepoPath(componentFile) ?? componentFile;
      const start = stack.findIndex((frame) => frame.dir === path && frame.tree === componentContext.tree);
      if (start !== -1) {
        reportCycle(
          stack.slice(start),
          entry,
          context.provenance.originOf(components, index),
          file,
          context.diagnostics,
        );
        continue;
      }
      const componentVia = context.provenance.originOf(components, index);
      const where = { file: componentVia?.file ?? file, line: componentVia?.line ?? 1 };
      if (!context.budget?.enter(stack.length + 1, where, context.diagnostics)) return accumulated;
      context.consumed.add(repoFile);
      const parsed = await componentContext.tree.parse(componentFile);
      const document = parsed?.documents[0];
      if (parsed) context.diagnostics.push(...parsed.diagnostics);
      if (!document || !isMap(document.value)) continue;
      context.provenance.register(document.value, {
        file: repoFile,
        positions: document.positions,
        documentIndex: 0,
      });
      accumulated = await buildKustomization(
        document.value,
        path,
        repoFile,
        componentContext,
        [
          ...stack,
          { file: repoFile, dir: path, tree: componentContext.tree, ...viaOf(components, index, context) },
        ],
        accumulated,
      );
      if (remoteFiles) context.diagnostics.push(...remoteFiles.diagnostics);
    }
  }
  const generatorContext = {
    tree: context.tree,
    dir,
    file,
    provenance: context.provenance,
    diagnostics: context.diagnostics,
    consumed: context.consumed,
    ...(context.copies ? { copies: context.copies } : {}),
  };
  await runGenerators(kustomization, accumulated, generatorContext);
  if (Array.isArray(kustomization.helmCharts) || Array.isArray(kustomization.helmChartInflationGenerator)) {
    if (!context.needsHelm.has(file)) {
      context.needsHelm.add(file);
      report(
        'helm-chart-not-rendered',
        `${file} inflates Helm charts (helmCharts): their images need helm and are not listed`,
        kustomization,
        'helmCharts',
      );
    }
  }
  for (const [field, code] of UNSUPPORTED_FIELDS) {
    if (kustomization[field] !== undefined) {
      report(
        code,
        `kustomize field ${field} of ${file} is not applied by the built-in renderer: the objects it changes or adds are unknown`,
        kustomization,
        field,
      );
    }
  }
  await applyTransformers(kustomization, accumulated, { ...generatorContext } satisfies PatchContext);
  return accumulated;
}

function viaOf(list: unknown[], index: number, context: BuildContext): { via?: ValueOrigin } {
  const via = context.provenance.originOf(list, index);
  return via ? { via } : {};
}

/**
 * Reports a `resources` cycle once, at the entry of the cycle's first kustomization that leads
 * into it (the kustomization that ends up including itself), naming every file of the cycle.
 */
function reportCycle(
  cycle: readonly BuildFrame[],
  closingEntry: string,
  closingOrigin: ValueOrigin | undefined,
  closingFile: string,
  diagnostics: Diagnostic[],
): void {
  const first = cycle[0];
  const origin = cycle[1]?.via ?? closingOrigin;
  const file = origin?.file ?? first?.file ?? closingFile;
  const chain = [...cycle.map((frame) => frame.file), first?.file ?? closingFile].join(' -> ');
  diagnostics.push({
    file,
    line: origin?.line ?? 1,
    ...(origin ? { column: origin.column } : {}),
    severity: 'error',
    code: 'kustomization-cycle',
    message: `Kustomization ${first?.file ?? closingFile} includes itself (${chain}, closed by resource ${closingEntry} of ${closingFile}); the cycle is not followed`,
  });
}

/** With `ignoreMissingComponents`, Flux drops the spec's components that do not exist. */
async function withoutMissingComponents(
  overlay: KustomizeOverlay,
  dir: string,
  context: BuildContext,
): Promise<KustomizeOverlay> {
  if (!overlay.ignoreMissingComponents || !overlay.components) return overlay;
  const kept: unknown[] = [];
  for (const component of overlay.components) {
    const path = typeof component === 'string' ? joinRelative(dir, component) : undefined;
    if (path !== undefined && (await context.tree.typeOf(path)) === 'dir') kept.push(component);
  }
  return { ...overlay, components: kept };
}

function relativeTo(dir: string, path: string): string {
  return dir === '' ? `./${path}` : `./${path.slice(dir.length + 1)}`;
}
