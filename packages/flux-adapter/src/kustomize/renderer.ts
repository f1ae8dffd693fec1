import type { Diagnostic } from '@sluice/core';
import type { SourceTree } from '../source/source-tree.js';
import { buildKustomizeFolder, type KustomizeOverlay } from './build.js';
import { isAliasExpansionError, type Provenance } from './provenance.js';
import type { KResource } from './resource.js';
import { RemoteBases, type RemoteBaseOptions } from '../remote/remote-bases.js';

/** Options of {@link builtinRenderer}. */
export interface BuiltinRendererOptions {
  /**
   * Whether and how remote bases (`resources: [https://github.com/org/repo//deploy?ref=v1]`) are
   * fetched and built.
   * @default undefined (never fetched: the object using one is unknown, `remote-resource`)
   */
  readonly remoteBases?: RemoteBaseOptions;
}

/** What to render: a folder of a source, with the Flux Kustomization's overlay. */
export interface RenderRequest {
  readonly tree: SourceTree;
  /** Folder inside the source ('' for its root). */
  readonly path: string;
  readonly overlay?: KustomizeOverlay;
  /** Where rendered objects record their origins. */
  readonly provenance: Provenance;
  readonly signal?: AbortSignal;
}

/** The objects a render produced. */
export interface RenderResult {
  readonly resources: readonly KResource[];
  readonly diagnostics: readonly Diagnostic[];
  /** Repository files the render read (used to tell which files no Kustomization reaches). */
  readonly consumed: readonly string[];
}

/**
 * Turns a Kustomization folder into objects. The built-in renderer is fast and keeps source
 * positions; {@link kubectlKustomizeRenderer} runs the real kustomize instead.
 */
export interface Renderer {
  /** A short name for events and diagnostics, such as `builtin` or `kubectl`. */
  readonly name: string;
  render(request: RenderRequest): Promise<RenderResult>;
}

/**
 * The built-in kustomize renderer: resources, components, generators, patches (strategic merge
 * and JSON 6902), namespace, name prefix and suffix, labels and images, with Flux's generated
 * kustomization for folders without one. Every value keeps the position it was read from.
 *
 * @example
 * ```ts
 * const { resources } = await builtinRenderer().render({ tree, path: 'apps/prod', provenance });
 * ```
 */
export function builtinRenderer(options: BuiltinRendererOptions = {}): Renderer {
  // One per renderer: a base used by many Kustomizations is fetched once per run.
  const remoteBases = options.remoteBases ? new RemoteBases(options.remoteBases) : undefined;
  return {
    name: 'builtin',
    async render(request) {
      const diagnostics: Diagnostic[] = [];
      const consumed = new Set<string>();
      let resources: readonly KResource[];
      try {
        resources = await buildKustomizeFolder(
          request.path,
          {
            tree: request.tree,
            provenance: request.provenance,
            diagnostics,
            consumed,
            needsHelm: new Set(),
            ...(remoteBases ? { remoteBases } : {}),
            ...(request.signal ? { signal: request.signal } : {}),
          },
          request.overlay,
        );
      } catch (error) {
        if (!isAliasExpansionError(error)) throw error;
        // kustomize expands every alias of what it reads; this build's cannot be: unknown.
        const file = request.path === '' ? 'kustomization.yaml' : `${request.path}/kustomization.yaml`;
        diagnostics.push({
          file: request.tree.toRepoPath(file) ?? file,
          line: 1,
          severity: 'error',
          code: 'build-limit',
          message: `This kustomize build of ${request.path || '.'} stops: ${error.message}; what it deploys is unknown`,
        });
        resources = [];
      }
      return { resources, diagnostics, consumed: [...consumed].sort() };
    },
  };
}
