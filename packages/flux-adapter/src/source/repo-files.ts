import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { posix, resolve, sep } from 'node:path';
import {
  DEFAULT_MAX_FILE_SIZE,
  SluiceError,
  decodeLeniently,
  parseYaml,
  readTextAtSync,
  type Diagnostic,
  type ParsedYaml,
  type ReadTextResult,
} from '@sluice/core';

// A path with an empty, `.` or `..` segment, or a backslash or drive letter (resolved by `resolve`).
const UNNORMALIZED = /(^|\/)\.{0,2}(\/|$)|\\|:/;

// An ignore file larger than this is not a list of patterns.
const MAX_IGNORE_FILE_SIZE = 1024 * 1024;

/** What a path in the repository is. */
export type EntryType = 'file' | 'dir';

/** What a path is on disk, without following a symbolic link. */
export type EntryKind = EntryType | 'symlink' | 'other';

/** One entry of a folder listing. */
export interface FolderEntry {
  readonly name: string;
  readonly type: EntryType;
}

/**
 * Normalizes a relative path (forward slashes) and refuses any that leaves the root: returns
 * undefined for absolute paths and paths that climb above the root with `..`.
 */
export function normalizeRelative(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.includes('\0')) return undefined;
  const normalized = posix.normalize(path.replace(/\\/g, '/'));
  if (normalized === '..' || normalized.startsWith('../')) return undefined;
  if (normalized === '.' || normalized === './') return '';
  return normalized.replace(/^\.\//, '').replace(/\/$/, '');
}

/** Joins relative paths and normalizes the result; undefined when it would leave the root. */
export function joinRelative(base: string, path: string): string | undefined {
  if (path.startsWith('/')) return undefined;
  return normalizeRelative(base === '' ? path : `${base}/${path}`);
}

/** Options of {@link RepoFiles.open}. */
export interface RepoFilesOptions {
  /**
   * How the folder's paths are shown in diagnostics and parsed documents: `label/path`. A
   * checkout outside the scanned repository (a tenant's repository mapped with `--source`) is
   * labelled with its path relative to the repository, such as `../tenant`.
   * @default '' (paths as they are)
   */
  readonly label?: string;
}

/**
 * Read-only, cached access to the files of a repository folder. Every path is relative to the
 * root, and nothing outside it is ever read: symbolic links are followed only when their target
 * stays inside the root (others are reported as `symlink-outside-root`).
 */
export class RepoFiles {
  readonly diagnostics: Diagnostic[] = [];
  readonly #types = new Map<string, Promise<EntryType | undefined>>();
  readonly #listings = new Map<string, Promise<FolderEntry[]>>();
  readonly #texts = new Map<string, Promise<ReadTextResult | undefined>>();
  /** Files whose read failure was already reported. */
  readonly #reported = new Set<string>();
  readonly #parsed = new Map<string, Promise<ParsedYaml | undefined>>();
  readonly #realPaths = new Map<string, string>();
  /** `lstat` of each path asked about (null: nothing there). */
  readonly #kinds = new Map<string, EntryKind | null>();
  readonly #names = new Map<string, Promise<string[]>>();
  readonly #noted = new Set<string>();

  private constructor(
    /** Absolute path of the root. */
    readonly root: string,
    readonly realRoot: string,
    readonly label: string,
  ) {}

  /**
   * Opens a root folder.
   *
   * @throws SluiceError `SLUICE_ROOT_NOT_FOUND` when the folder does not exist.
   */
  static async open(root: string, options: RepoFilesOptions = {}): Promise<RepoFiles> {
    const absolute = resolve(root);
    try {
      const info = await stat(absolute);
      if (!info.isDirectory()) throw new Error('not a directory');
      return new RepoFiles(absolute, await realpath(absolute), options.label ?? '');
    } catch (cause) {
      throw new SluiceError('SLUICE_ROOT_NOT_FOUND', `Repository folder not found: ${absolute}`, { cause });
    }
  }

  /** How a path of the folder is shown (see {@link RepoFilesOptions.label}). */
  shown(path: string): string {
    return this.label === '' ? path : path === '' ? this.label : `${this.label}/${path}`;
  }

  #push(diagnostic: Diagnostic): void {
    this.diagnostics.push(
      this.label === '' ? diagnostic : { ...diagnostic, file: this.shown(diagnostic.file) },
    );
  }

  /** Whether a relative path is a file, a folder, or neither (missing, or a link leaving the root). */
  typeOf(path: string): Promise<EntryType | undefined> {
    let pending = this.#types.get(path);
    if (!pending) {
      pending = this.#computeType(path);
      this.#types.set(path, pending);
    }
    return pending;
  }

  async #computeType(path: string): Promise<EntryType | undefined> {
    // A path is safe when its folder is (checked once, cached) and, if it is a link, its target
    // stays inside the root. Synchronous calls: they are short, and a thread-pool round trip
    // per file costs more than the call itself.
    if (path !== '') {
      const slash = path.lastIndexOf('/');
      if ((await this.typeOf(slash === -1 ? '' : path.slice(0, slash))) !== 'dir') return undefined;
    }
    // The path's own kind is lstat'ed once for typeOf and kindOf together.
    const kind = this.#kindSync(path);
    if (kind !== 'symlink') return kind === 'dir' || kind === 'file' ? kind : undefined;
    const absolute = this.#absolute(path);
    try {
      const target = realpathSync(absolute);
      if (target !== this.realRoot && !target.startsWith(this.realRoot + sep)) {
        this.#push({
          file: path,
          line: 1,
          severity: 'warning',
          code: 'symlink-outside-root',
          message: `Symbolic link ${path} points outside the repository; it is not followed`,
        });
        return undefined;
      }
      const followed = statSync(target);
      if (followed.isDirectory() && this.#leadsToAncestor(path, target)) {
        this.#push({
          file: path,
          line: 1,
          severity: 'info',
          code: 'symlink-loop',
          message: `${path} leads to a folder it is inside of; not entered again`,
        });
        return undefined;
      }
      return followed.isDirectory() ? 'dir' : followed.isFile() ? 'file' : undefined;
    } catch {
      // A link to nothing, to itself, or through a chain of links that never ends. Reported for
      // the files a build would read (YAML), as core's loadManifests does.
      if (/\.ya?ml$/.test(path)) {
        this.#push({
          file: path,
          line: 1,
          severity: 'warning',
          code: 'broken-symlink',
          message: `${path} is a symbolic link to nothing (missing target, or a link loop); it is not read`,
        });
      }
      return undefined;
    }
  }

  /**
   * Whether a folder link at `path` leads to the real folder of one of its own parents: entering
   * it would read the same folders again, without end. Every real folder is entered once per path.
   */
  #leadsToAncestor(path: string, target: string): boolean {
    for (let slash = path.lastIndexOf('/'); ; slash = path.lastIndexOf('/', slash - 1)) {
      const ancestor = slash <= 0 ? '' : path.slice(0, slash);
      if (this.#realPathOf(ancestor) === target) return true;
      if (slash <= 0) return false;
    }
  }

  #realPathOf(path: string): string | undefined {
    if (path === '') return this.realRoot;
    let real = this.#realPaths.get(path);
    if (real === undefined) {
      try {
        real = realpathSync(this.#absolute(path));
      } catch {
        return undefined;
      }
      this.#realPaths.set(path, real);
    }
    return real;
  }

  /**
   * What a path is itself (`lstat`: a symbolic link is `symlink`, whatever it points at), or
   * undefined when it does not exist. The path's folders are not checked: see {@link SourceTree}.
   */
  kindOf(path: string): Promise<EntryKind | undefined> {
    return Promise.resolve(this.#kindSync(path));
  }

  /**
   * {@link RepoFiles.kindOf} without a promise: one `lstat` per path for the whole run (a
   * repository does not change while it is read).
   */
  kindOfSync(path: string): EntryKind | undefined {
    return this.#kindSync(path);
  }

  #kindSync(path: string): EntryKind | undefined {
    let kind = this.#kinds.get(path);
    if (kind === undefined) {
      kind = this.#computeKind(path) ?? null;
      this.#kinds.set(path, kind);
    }
    return kind ?? undefined;
  }

  #computeKind(path: string): EntryKind | undefined {
    try {
      const info = lstatSync(this.#absolute(path));
      if (info.isSymbolicLink()) return 'symlink';
      return info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
    } catch {
      return undefined;
    }
  }

  /** The names in a folder reached without links below it, sorted; [] when it cannot be read. */
  names(path: string): Promise<string[]> {
    let pending = this.#names.get(path);
    if (!pending) {
      try {
        pending = Promise.resolve(readdirSync(this.#absolute(path)).sort());
      } catch {
        pending = Promise.resolve([]);
      }
      this.#names.set(path, pending);
    }
    return pending;
  }

  /** Records a diagnostic about a path of the folder once (the same path and code are reported once). */
  note(diagnostic: Diagnostic): void {
    const key = `${diagnostic.code}\0${diagnostic.file}`;
    if (this.#noted.has(key)) return;
    this.#noted.add(key);
    this.#push(diagnostic);
  }

  /** The entries of a folder, sorted by name (links leaving the root are left out). */
  list(path: string): Promise<FolderEntry[]> {
    let pending = this.#listings.get(path);
    if (!pending) {
      pending = this.#computeList(path);
      this.#listings.set(path, pending);
    }
    return pending;
  }

  async #computeList(path: string): Promise<FolderEntry[]> {
    if ((await this.typeOf(path)) !== 'dir') return [];
    const names = readdirSync(this.#absolute(path)).sort();
    const entries: FolderEntry[] = [];
    for (const name of names) {
      const child = path === '' ? name : `${path}/${name}`;
      const type = await this.typeOf(child);
      if (type) entries.push({ name, type });
    }
    return entries;
  }

  /**
   * The text of a file, or undefined when it is not a readable file inside the root. A file
   * larger than {@link DEFAULT_MAX_FILE_SIZE} is not read (`file-too-large`, checked on the open
   * handle before reading); a binary or non-UTF-8 file is not decoded (`binary-file`,
   * `invalid-encoding`). Each failure is reported once.
   */
  async read(path: string): Promise<string | undefined> {
    const result = await this.#readResult(path);
    if (!result) return undefined;
    if (result.ok) return result.text;
    this.#report(path, result.diagnostic);
    return undefined;
  }

  /**
   * Like {@link RepoFiles.read}, for files that are not manifests (`.sourceignore`): a binary
   * or non-UTF-8 file reads as missing without a diagnostic; a file too large is still reported.
   */
  async readQuietly(path: string): Promise<string | undefined> {
    const result = await this.#readResult(path);
    if (!result) return undefined;
    if (result.ok) return result.text;
    if (result.diagnostic.code !== 'binary-file' && result.diagnostic.code !== 'invalid-encoding')
      this.#report(path, result.diagnostic);
    return undefined;
  }

  /**
   * The text of an ignore file as Flux reads it (`os.Open` follows a link, here only inside
   * the root; any bytes are text), or undefined when there is none or it is larger than 1 MiB.
   */
  async readIgnoreText(path: string): Promise<string | undefined> {
    if ((await this.typeOf(path)) !== 'file') return undefined;
    try {
      const real = realpathSync(this.#absolute(path));
      if (statSync(real).size > MAX_IGNORE_FILE_SIZE) return undefined;
      return decodeLeniently(readFileSync(real));
    } catch {
      return undefined;
    }
  }

  #readResult(path: string): Promise<ReadTextResult | undefined> {
    let pending = this.#texts.get(path);
    if (!pending) {
      pending = this.#computeRead(path);
      this.#texts.set(path, pending);
    }
    return pending;
  }

  async #computeRead(path: string): Promise<ReadTextResult | undefined> {
    if ((await this.typeOf(path)) !== 'file') return undefined;
    // typeOf checked the path: its folders are safe and a link on it stays inside the root.
    // Read synchronously, as the checks are: one file after another, a thread-pool round trip
    // per open, stat, read and close was most of a large repository's reading time.
    return readTextAtSync(this.#absolute(path), path, DEFAULT_MAX_FILE_SIZE);
  }

  #report(path: string, diagnostic: Diagnostic): void {
    if (this.#reported.has(path)) return;
    this.#reported.add(path);
    this.#push(diagnostic);
  }

  /** The YAML documents of a file, parsed once and cached (callers must not mutate them). */
  parse(path: string): Promise<ParsedYaml | undefined> {
    let pending = this.#parsed.get(path);
    if (!pending) {
      pending = this.read(path).then((text) =>
        text === undefined ? undefined : parseYaml(text, this.shown(path)),
      );
      this.#parsed.set(path, pending);
    }
    return pending;
  }

  #absolute(path: string): string {
    if (path === '') return this.root;
    // A normalized relative path (no empty, `.` or `..` segment) is joined as it is: `resolve`
    // would parse it again for every lstat, read and listing.
    if (!UNNORMALIZED.test(path)) {
      const native = sep === '/' ? path : path.replaceAll('/', sep);
      return this.root.endsWith(sep) ? `${this.root}${native}` : `${this.root}${sep}${native}`;
    }
    return resolve(this.root, ...path.split('/'));
  }
}
