import type { KustomizeOverlay } from '../kustomize/build.js';
import type { RenderResult } from '../kustomize/renderer.js';
import type { SourceTree } from '../source/source-tree.js';
import type { LoadContext } from './context.js';

/**
 * Objects all the builds of one load may produce together (each distinct build counted once).
 * Past it, the Kustomizations left are not built: `build-limit`, unknown. 600 Kustomizations
 * with 600 different overlays over one folder of 1,000 Deployments are 600,000 objects and took
 * minutes; the home-ops corpus builds 1,789 objects in 252 builds.
 */
export const MAX_LOAD_OBJECTS = 100_000;

/**
 * Renders a folder once per (source tree, path, overlay) for the whole load: 600 Kustomizations
 * over one folder share one build instead of building it 600 times (issue #16: 205 s and
 * 2.1 GB before). Only overlays without lists are shared (`targetNamespace`, `namePrefix`,
 * `nameSuffix`): an `images`/`patches`/`components` entry locates what it changes at its own
 * line, which differs between Kustomizations. The rendered objects are read, never changed,
 * by the steps after the render (substitution writes new objects).
 */
export function renderShared(
  tree: SourceTree,
  path: string,
  overlay: KustomizeOverlay,
  context: LoadContext,
): Promise<RenderResult> {
  const request = {
    tree,
    path,
    overlay,
    provenance: context.provenance,
    ...(context.signal ? { signal: context.signal } : {}),
  };
  if (
    overlay.images ||
    overlay.patches ||
    overlay.patchesStrategicMerge ||
    overlay.patchesJson6902 ||
    overlay.components
  )
    return renderCounted(request, context);
  let byKey = context.builds.get(tree);
  if (!byKey) {
    byKey = new Map();
    context.builds.set(tree, byKey);
  }
  const key = JSON.stringify([path, overlay]);
  let build = byKey.get(key);
  if (!build) {
    build = renderCounted(request, context);
    byKey.set(key, build);
  }
  return build;
}

/** One render, counted against {@link MAX_LOAD_OBJECTS}; refused (empty, `build-limit`) past it. */
async function renderCounted(
  request: Parameters<LoadContext['renderer']['render']>[0],
  context: LoadContext,
): Promise<RenderResult> {
  if (context.builtObjects.count >= MAX_LOAD_OBJECTS) {
    const file = request.tree.toRepoPath(request.path) ?? request.path;
    return {
      resources: [],
      consumed: [],
      diagnostics: [
        {
          file,
          line: 1,
          severity: 'error',
          code: 'build-limit',
          message: `${file} is not built: this repository's builds already produced ${context.builtObjects.count} objects, past the limit of ${MAX_LOAD_OBJECTS} for one run, so what it deploys is unknown`,
        },
      ],
    };
  }
  const result = await context.renderer.render(request);
  context.builtObjects.count += result.resources.length;
  return result;
}
