import type { Diagnostic } from '@sluice/core';
import { applyTransformers } from '../kustomize/apply-transformers.js';
import type { Provenance } from '../kustomize/provenance.js';
import { isMap, type KResource, type YamlMap } from '../kustomize/resource.js';
import type { SourceTree } from '../source/source-tree.js';
import type { RenderedObject } from './render-chart.js';

/** What applying post-renderers needs. */
export interface PostRenderContext {
  /** The root source tree (post-renderer patches are inline: nothing is read from it). */
  readonly tree: SourceTree;
  /** The HelmRelease's file. */
  readonly file: string;
  readonly line: number;
  readonly provenance: Provenance;
  readonly diagnostics: Diagnostic[];
  readonly consumed: Set<string>;
}

/** The kustomize fields of a post-renderer that change what is deployed. */
const KUSTOMIZE_FIELDS = ['images', 'patches', 'patchesStrategicMerge', 'patchesJson6902'] as const;

/**
 * Applies `spec.postRenderers[].kustomize` (`images`, `patches`, and the legacy
 * `patchesStrategicMerge`/`patchesJson6902`) to the rendered objects in order, with Sluice's
 * kustomize transformers, so that a value an entry writes points at that entry. Hooks are
 * post-rendered unless `spec.postRenderStrategy` is `nohooks`: helm-controller 1.5+ embeds
 * Helm 4, whose default strategy (`combined`) sends hooks to post-renderers
 * (helm-controller `internal/action/post_render.go`, `toHelmPostRenderStrategy`).
 */
export async function applyPostRenderers(
  spec: YamlMap,
  objects: readonly RenderedObject[],
  context: PostRenderContext,
): Promise<void> {
  const postRenderers = Array.isArray(spec.postRenderers) ? spec.postRenderers : [];
  if (postRenderers.length === 0) return;
  const withHooks = spec.postRenderStrategy !== 'nohooks';
  const resources: KResource[] = objects
    .filter((rendered) => withHooks || !rendered.hook)
    .map((rendered) => ({ object: rendered.object, file: context.file, line: context.line }));
  for (const renderer of postRenderers) {
    if (!isMap(renderer) || !isMap(renderer.kustomize)) continue;
    const kustomization: YamlMap = {};
    for (const field of KUSTOMIZE_FIELDS) {
      const value = renderer.kustomize[field];
      // The lists are passed as written, so that positions of their entries are kept.
      if (Array.isArray(value)) kustomization[field] = value;
    }
    await applyTransformers(kustomization, resources, {
      tree: context.tree,
      dir: '',
      file: context.file,
      provenance: context.provenance,
      diagnostics: context.diagnostics,
      consumed: context.consumed,
    });
  }
}
