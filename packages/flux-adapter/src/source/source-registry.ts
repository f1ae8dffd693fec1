import { isAbsolute, relative, resolve } from 'node:path';
import { SluiceError, isInside, toPosixPath, type Diagnostic } from '@sluice/core';
import type { ArtifactGeneratorSpec } from '../schemas/sources.js';
import { RepoFiles, normalizeRelative } from './repo-files.js';
import { SourceTree, type SourceMount } from './source-tree.js';

/** The source served by the repository root unless told otherwise. */
export const DEFAULT_ROOT_SOURCE = 'GitRepository/flux-system/flux-system';

/** A source lookup: the tree, or why there is none. */
export type SourceResolution = { readonly tree: SourceTree } | { readonly reason: string };

/** How sources map to folders. */
export interface SourceRegistryOptions {
  /**
   * The source (`kind/namespace/name`) the repository root serves.
   * @default 'GitRepository/flux-system/flux-system'
   */
  readonly rootSource?: string;
  /**
   * Explicit mappings `kind/namespace/name` → folder relative to the root.
   * @default {}
   */
  readonly sources?: Readonly<Record<string, string>>;
  /**
   * Sources served by checkouts outside the repository (see {@link openSourceFolders}): each is
   * read from its own folder, and nothing outside that folder.
   * @default {}
   */
  readonly external?: Readonly<Record<string, RepoFiles>>;
  /**
   * Extra gitignore patterns for every source.
   * @default []
   */
  readonly ignore?: readonly string[];
}

/**
 * Maps Flux sources to folders of the repository: the root serves one GitRepository, others are
 * mapped explicitly, and ExternalArtifacts produced by an ArtifactGenerator are assembled from
 * the folders its `copy` rules name. A source that is not mapped is never guessed.
 */
export class SourceRegistry {
  readonly diagnostics: Diagnostic[] = [];
  readonly #trees = new Map<string, SourceTree>();
  readonly #generated = new Map<string, { mounts: SourceMount[]; base: SourceTree }>();
  readonly #specIgnore = new Map<string, string>();
  readonly #rootSource: string;

  constructor(
    readonly files: RepoFiles,
    readonly options: SourceRegistryOptions = {},
  ) {
    this.#rootSource = options.rootSource ?? DEFAULT_ROOT_SOURCE;
  }

  /** The id of the source the root serves. */
  get rootSource(): string {
    return this.#rootSource;
  }

  /** The tree of the root source. */
  root(): SourceTree {
    const resolved = this.resolve(this.#rootSource);
    if ('tree' in resolved) return resolved.tree;
    return this.#tree(this.#rootSource, [{ at: '', from: '' }]);
  }

  /** The tree of a source (`kind/namespace/name`), or why it is not available. */
  resolve(id: string): SourceResolution {
    const existing = this.#trees.get(id);
    if (existing) return { tree: existing };
    const external = this.options.external?.[id];
    if (external) return { tree: this.#tree(id, [{ at: '', from: '', files: external }]) };
    const mapped = this.options.sources?.[id];
    if (mapped !== undefined) {
      const folder = normalizeRelative(mapped);
      if (folder === undefined)
        return { reason: `source ${id} is mapped to ${mapped}, which is outside the repository` };
      return { tree: this.#tree(id, [{ at: '', from: folder }]) };
    }
    if (id === this.#rootSource) return { tree: this.#tree(id, [{ at: '', from: '' }]) };
    const generated = this.#generated.get(id);
    if (generated) return { tree: this.#tree(id, generated.mounts) };
    return {
      reason: `source ${id} is not mapped to a folder: give its checkout with --source ${id}=PATH (or sources: { '${id}': PATH } in the config)`,
    };
  }

  /**
   * Records a source's `spec.ignore` (found in the repository): it replaces the default
   * exclusions of that source's tree from now on.
   */
  setSpecIgnore(id: string, ignore: string): void {
    this.#specIgnore.set(id, ignore);
    this.#trees.delete(id);
  }

  /**
   * Registers the ExternalArtifacts an ArtifactGenerator produces. Supported copy rules:
   * `@alias/dir/**` (the folder's content) and `@alias/dir` or `@alias/dir/` (the folder itself)
   * into `@artifact/<path>/`; other rules are reported.
   */
  registerArtifactGenerator(
    namespace: string,
    spec: ArtifactGeneratorSpec,
    file: string,
    line: number,
  ): void {
    const aliases = new Map(
      spec.sources.map((source) => [
        source.alias,
        `${source.kind}/${source.namespace ?? namespace}/${source.name}`,
      ]),
    );
    for (const artifact of spec.artifacts) {
      const id = `ExternalArtifact/${namespace}/${artifact.name}`;
      const mounts: SourceMount[] = [];
      for (const copy of artifact.copy) {
        const from = /^@([^/]+)\/?(.*)$/.exec(copy.from);
        const to = /^@artifact\/?(.*)$/.exec(copy.to);
        const source = from ? aliases.get(from[1] ?? '') : undefined;
        const resolved = source ? this.resolve(source) : undefined;
        if (!from || !to || !resolved || !('tree' in resolved)) {
          this.diagnostics.push({
            file,
            line,
            severity: 'warning',
            code: 'artifact-copy-unsupported',
            message: `ArtifactGenerator copy ${copy.from} → ${copy.to} of ${id}: ${resolved && 'reason' in resolved ? resolved.reason : 'source alias not found'}`,
          });
          continue;
        }
        let path = from[2] ?? '';
        const target = (to[1] ?? '').replace(/\/$/, '');
        let at = target;
        if (path.endsWith('/**')) {
          path = path.slice(0, -3);
        } else if (/[*?[]/.test(path)) {
          this.diagnostics.push({
            file,
            line,
            severity: 'warning',
            code: 'artifact-copy-unsupported',
            message: `ArtifactGenerator copy ${copy.from} of ${id}: only folder copies (dir/** or dir/) are supported`,
          });
          continue;
        } else {
          path = path.replace(/\/$/, '');
          const base = path.split('/').pop() ?? '';
          at = target === '' ? base : `${target}/${base}`;
        }
        const mount = resolved.tree.mountAt(path, at);
        if (mount) mounts.push(mount);
      }
      this.#generated.set(id, { mounts, base: this.root() });
      this.#trees.delete(id);
    }
  }

  #tree(id: string, mounts: SourceMount[]): SourceTree {
    const specIgnore = this.#specIgnore.get(id);
    const tree = new SourceTree(id, this.files, {
      mounts,
      ...(this.options.ignore ? { extraIgnore: this.options.ignore } : {}),
      ...(specIgnore === undefined ? {} : { specIgnore }),
    });
    this.#trees.set(id, tree);
    return tree;
  }
}

/** Source mappings split by where their folders are. */
export interface SourceFolders {
  /** Folders inside the repository, relative to its root. */
  readonly sources: Record<string, string>;
  /** Checkouts outside the repository, labelled with their path relative to it. */
  readonly external: Record<string, RepoFiles>;
}

/**
 * Splits source mappings (`kind/namespace/name` → folder) into folders of the repository and
 * checkouts outside it. A relative folder is relative to the repository root and must stay
 * inside it; an absolute one may be anywhere (the person running Sluice chose it): inside the
 * repository it becomes the relative folder, outside it is opened as its own root, shown as
 * its path relative to the repository (`../tenant`), and nothing outside it is ever read.
 *
 * @throws SluiceError `SLUICE_INVALID_SOURCE_MAPPING` when a relative folder leaves the
 * repository or an absolute one is not a folder.
 */
export async function openSourceFolders(
  files: RepoFiles,
  mappings: Readonly<Record<string, string>>,
): Promise<SourceFolders> {
  const sources: Record<string, string> = {};
  const external: Record<string, RepoFiles> = {};
  for (const [id, folder] of Object.entries(mappings)) {
    if (!isAbsolute(folder)) {
      if (normalizeRelative(folder) === undefined) {
        throw new SluiceError(
          'SLUICE_INVALID_SOURCE_MAPPING',
          `Source ${id} is mapped to ${folder}, which is outside the repository (a folder outside it must be given as an absolute path)`,
        );
      }
      sources[id] = folder;
      continue;
    }
    const absolute = resolve(folder);
    const shown = toPosixPath(relative(files.root, absolute));
    if (isInside(files.root, absolute)) {
      sources[id] = shown;
      continue;
    }
    try {
      external[id] = await RepoFiles.open(absolute, { label: shown });
    } catch (cause) {
      throw new SluiceError(
        'SLUICE_INVALID_SOURCE_MAPPING',
        `Source ${id} is mapped to ${folder}, which is not a folder`,
        {
          cause,
        },
      );
    }
  }
  return { sources, external };
}
