import { SOURCE_IGNORE_FILE, SourceIgnore, type IgnoreTree, type ParsedYaml } from '@sluice/core';
import type { EntryType, FolderEntry, RepoFiles } from './repo-files.js';

/** Places a repository folder at a path of a source artifact. */
export interface SourceMount {
  /** Path inside the artifact ('' for its root). */
  readonly at: string;
  /** Folder relative to the root of `files` ('' for the root). */
  readonly from: string;
  /**
   * Where the folder is read from: a checkout outside the repository (its paths are shown with
   * its label, `../tenant/apps/…`); nothing outside it is ever read.
   * @default the tree's files (the repository)
   */
  readonly files?: RepoFiles;
}

/** Where an artifact path is: the files it is read from, its path there, and how it is shown. */
interface Located {
  readonly files: RepoFiles;
  /** Path relative to the root of `files`. */
  readonly filePath: string;
  /** The path shown in locations and diagnostics (`files.shown(filePath)`). */
  readonly repoPath: string;
  /** The artifact path below its mount ('' for the mount's own folder). */
  readonly rest: string;
}

/** How a source tree is built. */
export interface SourceTreeOptions {
  /** Folders of the repository placed in the artifact. */
  readonly mounts: readonly SourceMount[];
  /**
   * The source's `spec.ignore` text: its patterns follow the `.sourceignore` files' (and, like
   * them, replace the default exclusions).
   * @default undefined
   */
  readonly specIgnore?: string;
  /**
   * Extra gitignore patterns of Sluice's own, relative to the artifact root (they never change
   * Flux's default exclusions).
   * @default []
   */
  readonly extraIgnore?: readonly string[];
}

/**
 * The content of one Flux source (a GitRepository, an OCIRepository mapped to a folder, an
 * ExternalArtifact assembled by an ArtifactGenerator) exactly as source-controller archives it:
 * paths are artifact paths, translated to repository files through mounts; only regular files
 * and folders exist (source-controller's `Archive` drops every symbolic link, `symlink-dropped`),
 * and core's {@link SourceIgnore} decides which of them the artifact keeps (`.sourceignore`
 * files anywhere in it, `spec.ignore`, the default exclusions). A folder the rules exclude still
 * exists when a file inside it is kept (a `!` pattern), as it does after extracting the archive.
 */
export class SourceTree {
  readonly #mounts: readonly SourceMount[];
  readonly #options: SourceTreeOptions;
  #rules: Promise<SourceIgnore> | undefined;
  #loadedRules: SourceIgnore | undefined;
  readonly #linksBeforeRules: [linkPath: string, files: RepoFiles, filePath: string][] = [];
  readonly #types = new Map<string, Promise<EntryType | undefined>>();
  readonly #kept = new Map<string, Promise<boolean>>();
  readonly #located = new Map<string, Located | undefined>();
  readonly #diskKinds = new Map<string, Promise<EntryType | undefined>>();

  constructor(
    /** `kind/namespace/name` of the source. */
    readonly id: string,
    readonly files: RepoFiles,
    options: SourceTreeOptions,
  ) {
    this.#mounts = [...options.mounts].sort((a, b) => b.at.length - a.at.length);
    this.#options = options;
  }

  /**
   * The repository path of an artifact path (relative to the repository root: `../tenant/…` for
   * a checkout beside it), or undefined when no mount covers it.
   */
  toRepoPath(path: string): string | undefined {
    return this.#locate(path)?.repoPath;
  }

  /** A mount placing this tree's folder `path` at `at` of another tree (an ArtifactGenerator's copy). */
  mountAt(path: string, at: string): SourceMount | undefined {
    const located = this.#locate(path);
    return located && { at, from: located.filePath, files: located.files };
  }

  #locate(path: string): Located | undefined {
    // Asked for the same paths over and over (every typeOf, read and toRepoPath): kept per path.
    if (this.#located.has(path)) return this.#located.get(path);
    const located = this.#computeLocated(path);
    this.#located.set(path, located);
    return located;
  }

  #computeLocated(path: string): Located | undefined {
    for (const mount of this.#mounts) {
      if (mount.at === '' || path === mount.at || path.startsWith(`${mount.at}/`)) {
        const rest = mount.at === '' ? path : path.slice(mount.at.length + 1);
        const filePath = mount.from === '' ? rest : rest === '' ? mount.from : `${mount.from}/${rest}`;
        const files = mount.files ?? this.files;
        return { files, filePath, repoPath: files.shown(filePath), rest };
      }
    }
    return undefined;
  }

  /** Whether an artifact path is a file, a folder, or absent (missing, a link, ignored, outside). */
  typeOf(path: string): Promise<EntryType | undefined> {
    let pending = this.#types.get(path);
    if (!pending) {
      pending = this.#computeType(path);
      this.#types.set(path, pending);
    }
    return pending;
  }

  async #computeType(path: string): Promise<EntryType | undefined> {
    if (this.#isMountAncestor(path)) return 'dir';
    const kind = await this.#diskKind(path);
    // Read before returning even for a link: a link's note waits for the rules.
    const rules = await this.#ignoreRules();
    if (kind === undefined) return undefined;
    if (kind === 'file') return rules.ignores(path, false) ? undefined : 'file';
    return !rules.ignores(path, true) || (await this.#keepsSomething(path)) ? 'dir' : undefined;
  }

  /** True for '' and every folder above a mount point. */
  #isMountAncestor(path: string): boolean {
    return this.#mounts.some(
      (mount) => mount.at !== '' && (path === '' || mount.at.startsWith(`${path}/`) || mount.at === path),
    );
  }

  /**
   * What the path is on disk when every folder below its mount is a real folder (a link is not
   * followed: the artifact holds none). A link met here is reported (see {@link #noteLink}).
   */
  #diskKind(path: string): Promise<EntryType | undefined> {
    // Asked once per path by typeOf, and again by every listing and the ignore rules' walk.
    let pending = this.#diskKinds.get(path);
    if (!pending) {
      pending = this.#computeDiskKind(path);
      this.#diskKinds.set(path, pending);
    }
    return pending;
  }

  async #computeDiskKind(path: string): Promise<EntryType | undefined> {
    const located = this.#locate(path);
    if (!located) return undefined;
    const { files, filePath, rest } = located;
    // The mount's own folder is the user's mapping (or the repository root): it may be reached through a link.
    if (rest === '') return (await files.typeOf(filePath)) === 'dir' ? 'dir' : undefined;
    // Below it, every folder on the way is a real folder: the parent's answer (kept per path, in
    // the same mount) and this path's own lstat (kept for the run) tell.
    const slash = path.lastIndexOf('/');
    if ((await this.#diskKind(slash === -1 ? '' : path.slice(0, slash))) !== 'dir') return undefined;
    const kind = files.kindOfSync(filePath);
    if (kind === 'symlink') {
      this.#noteLink(path, files, filePath);
      return undefined;
    }
    return kind === 'dir' || kind === 'file' ? kind : undefined;
  }

  /** Whether an excluded folder still holds a kept file (re-included by a `!` pattern). */
  #keepsSomething(path: string): Promise<boolean> {
    let pending = this.#kept.get(path);
    if (!pending) {
      pending = (async () => {
        const rules = await this.#ignoreRules();
        if (rules.prunes(path)) return false;
        for (const name of await this.#names(path)) {
          if ((await this.typeOf(path === '' ? name : `${path}/${name}`)) !== undefined) return true;
        }
        return false;
      })();
      this.#kept.set(path, pending);
    }
    return pending;
  }

  async #names(path: string): Promise<string[]> {
    const names = new Set<string>();
    const located = this.#locate(path);
    if (located !== undefined && (await this.#diskKind(path)) === 'dir') {
      for (const name of await located.files.names(located.filePath)) names.add(name);
    }
    const prefix = path === '' ? '' : `${path}/`;
    for (const mount of this.#mounts) {
      if (mount.at !== '' && mount.at.startsWith(prefix) && mount.at !== path) {
        const name = mount.at.slice(prefix.length).split('/')[0] ?? '';
        if (name !== '') names.add(name);
      }
    }
    return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The entries of an artifact folder, sorted by name: what the artifact holds. */
  async list(path: string): Promise<FolderEntry[]> {
    if ((await this.typeOf(path)) !== 'dir') return [];
    const entries: FolderEntry[] = [];
    for (const name of await this.#names(path)) {
      const type = await this.typeOf(path === '' ? name : `${path}/${name}`);
      if (type) entries.push({ name, type });
    }
    return entries;
  }

  /** The text of an artifact file, or undefined. */
  async read(path: string): Promise<string | undefined> {
    if ((await this.typeOf(path)) !== 'file') return undefined;
    const located = this.#locate(path);
    return located === undefined ? undefined : located.files.read(located.filePath);
  }

  /** The parsed YAML of an artifact file (cached, shared: never mutate it), or undefined. */
  async parse(path: string): Promise<ParsedYaml | undefined> {
    if ((await this.typeOf(path)) !== 'file') return undefined;
    const located = this.#locate(path);
    return located === undefined ? undefined : located.files.parse(located.filePath);
  }

  /** The ignore rules of the whole artifact, read once (every `.sourceignore` counts). */
  #ignoreRules(): Promise<SourceIgnore> {
    this.#rules ??= SourceIgnore.load(this.#ignoreTree(), {
      ...(this.#options.specIgnore === undefined ? {} : { specIgnore: this.#options.specIgnore }),
      ...(this.#options.extraIgnore ? { ignore: this.#options.extraIgnore } : {}),
    }).then((rules) => {
      this.#loadedRules = rules;
      for (const [linkPath, files, filePath] of this.#linksBeforeRules.splice(0))
        this.#noteLink(linkPath, files, filePath);
      return rules;
    });
    return this.#rules;
  }

  /**
   * Reports a symbolic link (`symlink-dropped`), unless the ignore rules leave it out anyway: a
   * link under `node_modules/` in `.sourceignore` was never meant to reach Flux, and saying so
   * is noise. Links met while the rules are still being read (their walk meets every folder)
   * wait for them.
   */
  #noteLink(linkPath: string, files: RepoFiles, filePath: string): void {
    const rules = this.#loadedRules;
    if (!rules) {
      this.#linksBeforeRules.push([linkPath, files, filePath]);
      return;
    }
    if (rules.ignores(linkPath, false) || rules.ignores(linkPath, true)) return;
    files.note({
      file: filePath,
      line: 1,
      severity: 'info',
      code: 'symlink-dropped',
      message: `${files.shown(filePath)} is a symbolic link: source-controller's artifact holds regular files only, so Flux never sees it (nor anything through it)`,
    });
  }

  /** The artifact's folders for `loadIgnorePatterns`: real folders only, links never entered. */
  #ignoreTree(): IgnoreTree {
    return {
      subfolders: async (dir) => {
        const out: string[] = [];
        for (const name of await this.#names(dir)) {
          const child = dir === '' ? name : `${dir}/${name}`;
          if (this.#isMountAncestor(child) || (await this.#diskKind(child)) === 'dir') out.push(name);
        }
        return out;
      },
      readIgnoreFile: async (dir) => {
        const located = this.#locate(dir === '' ? SOURCE_IGNORE_FILE : `${dir}/${SOURCE_IGNORE_FILE}`);
        return located === undefined ? undefined : located.files.readIgnoreText(located.filePath);
      },
    };
  }
}
