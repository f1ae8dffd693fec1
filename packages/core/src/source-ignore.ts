import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';

/**
 * What Flux's source-controller leaves out of every artifact before any `.sourceignore` is
 * read: VCS metadata, images and archives, CI configuration and a few tool files.
 */
export const FLUX_DEFAULT_EXCLUDES: readonly string[] = [
  '.git/',
  '.gitignore',
  '.gitmodules',
  '.gitattributes',
  '*.jpg',
  '*.jpeg',
  '*.gif',
  '*.png',
  '*.wmv',
  '*.flv',
  '*.tar.gz',
  '*.zip',
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
  '**/.goreleaser.yml',
  '**/.sops.yaml',
  '**/.flux.yaml',
];

/** The name of the ignore file Flux reads in every folder of a source. */
export const SOURCE_IGNORE_FILE = '.sourceignore';

// An ignore file larger than this is not a list of patterns; it is skipped.
const MAX_IGNORE_FILE_SIZE = 1024 * 1024;

/** Which ignore rules apply; every field is optional. */
export interface SourceIgnoreOptions {
  /** Extra gitignore patterns, relative to the root (like a GitRepository's `spec.ignore`). Default: none. */
  readonly ignore?: readonly string[];
  /** Read `.sourceignore` files in every folder, as Flux does. Default: `true`. */
  readonly sourceIgnoreFiles?: boolean;
  /** Apply {@link FLUX_DEFAULT_EXCLUDES}. Default: `true`. */
  readonly defaultExcludes?: boolean;
}

/**
 * Decides which paths under a root are ignored, by Flux's rules: the default excludes, then
 * the `.sourceignore` file of each folder (its patterns are relative to that folder, deeper
 * files override shallower ones), then the explicit patterns. A path inside an ignored folder
 * is ignored. `.sourceignore` files are read lazily and cached.
 *
 * @example
 * ```ts
 * const rules = new SourceIgnore('/repo', { ignore: ['*.enc.yaml'] });
 * await rules.ignores('apps/secret.enc.yaml', false); // true
 * ```
 */
export class SourceIgnore {
  readonly #root: string;
  readonly #options: SourceIgnoreOptions;
  readonly #matchers = new Map<string, Promise<Ignore | undefined>>();
  readonly #directories = new Map<string, Promise<boolean>>();
  readonly #explicit: Ignore | undefined;

  /** @param root the real path of the root folder. */
  constructor(root: string, options: SourceIgnoreOptions = {}) {
    this.#root = root;
    this.#options = options;
    this.#explicit =
      options.ignore && options.ignore.length > 0 ? ignore().add([...options.ignore]) : undefined;
  }

  /**
   * True when the path (relative to the root, forward slashes, `''` for the root) is ignored.
   * The root itself is never ignored.
   */
  async ignores(path: string, isDirectory: boolean): Promise<boolean> {
    if (path === '' || path === '.') return false;
    const slash = path.lastIndexOf('/');
    const parent = slash === -1 ? '' : path.slice(0, slash);
    if (parent !== '' && (await this.#ignoresDirectory(parent))) return true;
    return this.#decide(path, isDirectory);
  }

  #ignoresDirectory(path: string): Promise<boolean> {
    let decision = this.#directories.get(path);
    if (!decision) {
      decision = this.ignores(path, true);
      this.#directories.set(path, decision);
    }
    return decision;
  }

  async #decide(path: string, isDirectory: boolean): Promise<boolean> {
    let ignored = false;
    const levels = ['', ...ancestors(path)];
    for (const level of levels) {
      const matcher = await this.#matcherFor(level);
      if (!matcher) continue;
      const relativePath = (level === '' ? path : path.slice(level.length + 1)) + (isDirectory ? '/' : '');
      const result = matcher.test(relativePath);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    if (this.#explicit) {
      const result = this.#explicit.test(path + (isDirectory ? '/' : ''));
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }

  #matcherFor(directory: string): Promise<Ignore | undefined> {
    let matcher = this.#matchers.get(directory);
    if (!matcher) {
      matcher = this.#loadMatcher(directory);
      this.#matchers.set(directory, matcher);
    }
    return matcher;
  }

  async #loadMatcher(directory: string): Promise<Ignore | undefined> {
    const patterns: string[] = [];
    if (directory === '' && this.#options.defaultExcludes !== false) patterns.push(...FLUX_DEFAULT_EXCLUDES);
    if (this.#options.sourceIgnoreFiles !== false) {
      const text = await readIgnoreFile(join(this.#root, directory, SOURCE_IGNORE_FILE));
      // A loop, not a spread: an ignore file may have more lines than the stack has room for.
      if (text !== undefined) for (const line of text.split(/\r?\n/)) patterns.push(line);
    }
    return patterns.length > 0 ? ignore().add(patterns) : undefined;
  }
}

/** The folders between the root and the path: `a/b/c` → `a`, `a/b`. */
function ancestors(path: string): string[] {
  const result: string[] = [];
  for (let index = path.indexOf('/'); index !== -1; index = path.indexOf('/', index + 1)) {
    result.push(path.slice(0, index));
  }
  return result;
}

/** Reads an ignore file when it is a regular file (never through a symlink) of sane size. */
async function readIgnoreFile(path: string): Promise<string | undefined> {
  try {
    const stats = await lstat(path);
    if (!stats.isFile() || stats.size > MAX_IGNORE_FILE_SIZE) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
