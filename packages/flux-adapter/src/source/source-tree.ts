import type { ParsedYaml } from '@sluice/core';
import { DEFAULT_SOURCE_IGNORE, IgnoreRules } from './ignore-rules.js';
import type { EntryType, FolderEntry, RepoFiles } from './repo-files.js';

/** Places a repository folder at a path of a source artifact. */
export interface SourceMount {
  /** Path inside the artifact ('' for its root). */
  readonly at: string;
  /** Folder relative to the repository root. */
  readonly from: string;
}

/** How a source tree is built. */
export interface SourceTreeOptions {
  /** Folders of the repository placed in the artifact. */
  readonly mounts: readonly SourceMount[];
  /**
   * The source's `spec.ignore` text: replaces the default exclusions when set.
   * @default undefined (the defaults apply)
   */
  readonly specIgnore?: string;
  /**
   * Extra gitignore patterns, relative to the repository root.
   * @default []
   */
  readonly extraIgnore?: readonly string[];
}

/**
 * The content of one Flux source (a GitRepository, an OCIRepository mapped to a folder, an
 * ExternalArtifact assembled by an ArtifactGenerator) as Flux's controllers would see it: paths
 * are artifact paths, translated to repository files through mounts, and files excluded by the
 * source's ignore rules (`.sourceignore` files, `spec.ignore`, the defaults) do not exist.
 */
export class SourceTree {
  readonly #rules = new IgnoreRules();
  readonly #loadedIgnoreFiles = new Map<string, Promise<void>>();
  readonly #mounts: readonly SourceMount[];

  constructor(
    /** `kind/namespace/name` of the source. */
    readonly id: string,
    readonly files: RepoFiles,
    options: SourceTreeOptions,
  ) {
    this.#mounts = [...options.mounts].sort((a, b) => b.at.length - a.at.length);
    if (options.specIgnore === undefined) this.#rules.addPatterns(DEFAULT_SOURCE_IGNORE);
    else this.#rules.add(options.specIgnore);
    if (options.extraIgnore) this.#rules.addPatterns(options.extraIgnore);
  }

  /** The repository path of an artifact path, or undefined when no mount covers it. */
  toRepoPath(path: string): string | undefined {
    for (const mount of this.#mounts) {
      if (mount.at === '' || path === mount.at || path.startsWith(`${mount.at}/`)) {
        const rest = mount.at === '' ? path : path.slice(mount.at.length + 1);
        if (mount.from === '') return rest;
        return rest === '' ? mount.from : `${mount.from}/${rest}`;
      }
    }
    return undefined;
  }

  /** Whether an artifact path is a file, a folder, or absent (missing, ignored, outside). */
  async typeOf(path: string): Promise<EntryType | undefined> {
    if (this.#mounts.some((mount) => mount.at !== '' && mount.at.startsWith(path === '' ? '' : `${path}/`))) {
      return 'dir';
    }
    const repoPath = this.toRepoPath(path);
    if (repoPath === undefined) return undefined;
    const type = await this.files.typeOf(repoPath);
    if (!type) return undefined;
    return (await this.#isIgnored(repoPath, type === 'dir')) ? undefined : type;
  }

  /** The entries of an artifact folder, sorted by name, without ignored ones. */
  async list(path: string): Promise<FolderEntry[]> {
    const entries = new Map<string, FolderEntry>();
    const repoPath = this.toRepoPath(path);
    if (repoPath !== undefined) {
      for (const entry of await this.files.list(repoPath)) {
        const child = repoPath === '' ? entry.name : `${repoPath}/${entry.name}`;
        if (!(await this.#isIgnored(child, entry.type === 'dir'))) entries.set(entry.name, entry);
      }
    }
    const prefix = path === '' ? '' : `${path}/`;
    for (const mount of this.#mounts) {
      if (mount.at !== '' && mount.at.startsWith(prefix) && mount.at !== path) {
        const name = mount.at.slice(prefix.length).split('/')[0] ?? '';
        if (name !== '') entries.set(name, { name, type: 'dir' });
      }
    }
    return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The text of an artifact file, or undefined. */
  async read(path: string): Promise<string | undefined> {
    if ((await this.typeOf(path)) !== 'file') return undefined;
    const repoPath = this.toRepoPath(path);
    return repoPath === undefined ? undefined : this.files.read(repoPath);
  }

  /** The parsed YAML of an artifact file (cached, shared: never mutate it), or undefined. */
  async parse(path: string): Promise<ParsedYaml | undefined> {
    if ((await this.typeOf(path)) !== 'file') return undefined;
    const repoPath = this.toRepoPath(path);
    return repoPath === undefined ? undefined : this.files.parse(repoPath);
  }

  readonly #ignored = new Map<string, boolean>();

  async #isIgnored(repoPath: string, isDirectory: boolean): Promise<boolean> {
    const key = `${isDirectory ? 'd' : 'f'}:${repoPath}`;
    let ignored = this.#ignored.get(key);
    if (ignored === undefined) {
      ignored = await this.#computeIgnored(repoPath, isDirectory);
      this.#ignored.set(key, ignored);
    }
    return ignored;
  }

  async #computeIgnored(repoPath: string, isDirectory: boolean): Promise<boolean> {
    const parts = repoPath.split('/');
    for (let index = 0; index < parts.length; index += 1) {
      const folder = parts.slice(0, index).join('/');
      await this.#loadIgnoreFile(folder);
      if (index > 0 && this.#rules.ignores(folder, true)) return true;
    }
    return this.#rules.ignores(repoPath, isDirectory);
  }

  #loadIgnoreFile(folder: string): Promise<void> {
    let pending = this.#loadedIgnoreFiles.get(folder);
    if (!pending) {
      pending = this.files
        .readQuietly(folder === '' ? '.sourceignore' : `${folder}/.sourceignore`)
        .then((text) => {
          if (text !== undefined) this.#rules.add(text, folder);
        });
      this.#loadedIgnoreFiles.set(folder, pending);
    }
    return pending;
  }
}
