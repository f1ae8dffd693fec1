/**
 * The files of a Flux source artifact, decided exactly as source-controller decides them
 * (fluxcd/pkg `sourceignore` and `artifact/storage/archive.go`, read at fluxcd/pkg e2cfd1a):
 *
 * - patterns come from every `.sourceignore` of the tree, parent folders before their
 *   sub-folders, each relative to its folder (`LoadIgnorePatterns`, which enters every folder
 *   but `.git`, ignored ones too), then from the source's `spec.ignore`;
 * - when there is at least one pattern, the matcher is `VCSPatterns + patterns`: the default
 *   exclusions (images, archives, CI files, `.sops.yaml`…) are replaced, not added to
 *   (`SourceIgnoreFilter`: `if len(ps) > 0 { matcher = NewMatcher(VCSPatterns + ps) }`);
 * - the last pattern that matches decides (`matcher.Match` walks the patterns backwards);
 * - every path is matched on its own: the archive walk does not skip an excluded folder, so a
 *   negation re-includes a file inside one;
 * - a pattern without `/` matches any element of the path below its folder, so it excludes
 *   everything inside a matching folder; a pattern with `/` matches from its folder, element by
 *   element (`**` spans folders), and a matching prefix excludes everything below it.
 */
import type { Dirent } from 'node:fs';
import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { goPathMatcher } from './go-path-match.js';
import { isInside } from './safe-path.js';

/** The name of the ignore file Flux reads in every folder of a source. */
export const SOURCE_IGNORE_FILE = '.sourceignore';

/** fluxcd/pkg `sourceignore.ExcludeVCS`: always applied. */
export const FLUX_VCS_EXCLUDES: readonly string[] = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];

/**
 * What source-controller leaves out of an artifact when no `.sourceignore` or `spec.ignore`
 * holds a pattern: {@link FLUX_VCS_EXCLUDES} plus fluxcd/pkg `ExcludeExt`, `ExcludeCI` and
 * `ExcludeExtra`.
 */
export const FLUX_DEFAULT_EXCLUDES: readonly string[] = [
  ...FLUX_VCS_EXCLUDES,
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

/** One parsed ignore pattern (fluxcd/pkg `gitignore.ParsePattern`). */
export interface IgnorePattern {
  /** The folder the pattern is relative to, as path elements (`[]` for the root). */
  readonly domain: readonly string[];
  /** The pattern split at `/`. */
  readonly parts: readonly string[];
  /** `!pattern`: re-includes what it matches. */
  readonly inclusion: boolean;
  /** `pattern/`: matches folders only (as the last element). */
  readonly dirOnly: boolean;
  /** The pattern holds a `/` (other than a trailing one): matched element by element from its folder. */
  readonly isGlob: boolean;
}

/** Parses one pattern relative to `domain`, as `gitignore.ParsePattern` does. */
export function parseIgnorePattern(text: string, domain: readonly string[] = []): IgnorePattern {
  let pattern = text;
  let inclusion = false;
  if (pattern.startsWith('!')) {
    inclusion = true;
    pattern = pattern.slice(1);
  }
  if (!pattern.endsWith('\\ ')) pattern = pattern.replace(/ +$/, '');
  let dirOnly = false;
  if (pattern.endsWith('/')) {
    dirOnly = true;
    pattern = pattern.slice(0, -1);
  }
  return {
    domain: [...domain],
    parts: pattern.split('/'),
    inclusion,
    dirOnly,
    isGlob: pattern.includes('/'),
  };
}

// bufio.Scanner's default limit: a longer line stops ReadPatterns (its error is not checked).
const MAX_LINE_BYTES = 64 * 1024;

// Go's `strings.TrimSpace` trims what `unicode.IsSpace` calls space; JavaScript's `trim()` also
// trims U+FEFF and keeps U+0085, so a line of either is blank for one and a pattern for the other.
const GO_SPACES_ONLY = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$/;

/**
 * The patterns of an ignore file's text, as `sourceignore.ReadPatterns` reads them: one per line
 * (a trailing CR dropped), except lines starting with `#` and lines that Go's `strings.TrimSpace`
 * leaves empty. A line of 64 KiB or more ends the reading there, as Go's line scanner does.
 */
export function readIgnorePatterns(text: string, domain: readonly string[] = []): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    // The last element is what follows the last newline: an empty one is no line.
    if (index === lines.length - 1 && raw === '') break;
    if (Buffer.byteLength(raw) >= MAX_LINE_BYTES) break;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#') || GO_SPACES_ONLY.test(line)) continue;
    patterns.push(parseIgnorePattern(line, domain));
  }
  return patterns;
}

// What a simple pattern (no `/`) says of one path element, remembered per name by the matcher.
const NAME_NO_MATCH = 0;
const NAME_MATCH = 1;
const NAME_ERROR = 2;

/**
 * Whether a simple pattern matches a path whose elements' answers are `rows` (one per element,
 * indexed by pattern), below the pattern's folder: the first element it matches decides, as
 * `gitignore.Pattern.Match` does (a malformed pattern matches nothing; a `dir/` pattern does not
 * match a file by its own name).
 */
function simpleNameMatch(
  pattern: IgnorePattern,
  patternIndex: number,
  rows: readonly Uint8Array[],
  isDir: boolean,
): boolean {
  // An index loop: this runs for every pattern and every path of a repository.
  for (let index = pattern.domain.length; index < rows.length; index += 1) {
    const match = rows[index]![patternIndex];
    if (match === NAME_ERROR) return false;
    if (match === NAME_NO_MATCH) continue;
    if (pattern.dirOnly && !isDir && index === rows.length - 1) return false;
    return true;
  }
  return false;
}

// A glob pattern's parts get matchers of their own too, made on first use.
const partMatchers = new WeakMap<IgnorePattern, ((name: string) => boolean | 'error')[]>();

function matchPart(pattern: IgnorePattern, index: number, name: string): boolean | 'error' {
  let matchers = partMatchers.get(pattern);
  if (!matchers) {
    matchers = [];
    partMatchers.set(pattern, matchers);
  }
  let matcher = matchers[index];
  if (!matcher) {
    matcher = goPathMatcher(pattern.parts[index] ?? '');
    matchers[index] = matcher;
  }
  return matcher(name);
}

function globMatch(pattern: IgnorePattern, path: readonly string[], isDir: boolean): boolean {
  // `at` is where the rest of the path starts: the path is not copied element by element.
  let at = 0;
  let matched = false;
  let canTraverse = false;
  const { parts } = pattern;
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    if (part === '') {
      canTraverse = false;
      continue;
    }
    if (part === '**') {
      if (index === parts.length - 1) break;
      canTraverse = true;
      continue;
    }
    if (part.includes('**')) return false;
    if (at === path.length) return false;
    if (canTraverse) {
      canTraverse = false;
      while (at < path.length) {
        const element = path[at]!;
        at += 1;
        const match = matchPart(pattern, index, element);
        if (match === 'error') return false;
        if (match) {
          matched = true;
          break;
        } else if (at === path.length) {
          matched = false;
        }
      }
    } else {
      const match = matchPart(pattern, index, path[at]!);
      if (match === 'error' || !match) return false;
      matched = true;
      at += 1;
    }
  }
  if (matched && pattern.dirOnly && !isDir && at === path.length) matched = false;
  return matched;
}

const MAX_REMEMBERED_NAMES = 100_000;

/** An ordered list of patterns; the last one that matches a path decides. */
export class IgnoreMatcher {
  // Every path of a repository is matched against every pattern, element by element, and the
  // same names (folders, `kustomization.yaml`) come back in path after path: each name's
  // answers to the simple patterns are worked out once, one per pattern.
  readonly #rows = new Map<string, Uint8Array>();
  readonly #nameMatchers: (((name: string) => boolean | 'error') | undefined)[];

  constructor(readonly patterns: readonly IgnorePattern[]) {
    this.#nameMatchers = patterns.map((pattern) =>
      pattern.isGlob ? undefined : goPathMatcher(pattern.parts[0] ?? ''),
    );
  }

  /** True when `path` (elements, or a `/`-separated relative path) is excluded. */
  excludes(path: string | readonly string[], isDirectory: boolean): boolean {
    const elements = typeof path === 'string' ? (path === '' ? [] : path.split('/')) : path;
    const rows = elements.map((name) => this.#row(name));
    for (let index = this.patterns.length - 1; index >= 0; index -= 1) {
      const pattern = this.patterns[index]!;
      if (!inDomain(pattern, elements)) continue;
      const matched = pattern.isGlob
        ? globMatch(
            pattern,
            // Most patterns are the root's: their path is the whole path, not a copy of it.
            pattern.domain.length === 0 ? elements : elements.slice(pattern.domain.length),
            isDirectory,
          )
        : simpleNameMatch(pattern, index, rows, isDirectory);
      if (matched) return !pattern.inclusion;
    }
    return false;
  }

  #row(name: string): Uint8Array {
    let row = this.#rows.get(name);
    if (!row) {
      row = new Uint8Array(this.patterns.length);
      for (let index = 0; index < row.length; index += 1) {
        const match = this.#nameMatchers[index]?.(name);
        row[index] = match === 'error' ? NAME_ERROR : match === true ? NAME_MATCH : NAME_NO_MATCH;
      }
      // Bounded: a tree of more distinct names than this starts over rather than grow.
      if (this.#rows.size >= MAX_REMEMBERED_NAMES) this.#rows.clear();
      this.#rows.set(name, row);
    }
    return row;
  }
}

/** True when the path lies below the pattern's folder (strictly: the folder itself is not). */
function inDomain(pattern: IgnorePattern, path: readonly string[]): boolean {
  if (path.length <= pattern.domain.length) return false;
  for (let index = 0; index < pattern.domain.length; index += 1)
    if (path[index] !== pattern.domain[index]) return false;
  return true;
}

/**
 * source-controller's `SourceIgnoreFilter`: with no pattern, the VCS and default exclusions;
 * with any pattern, the VCS exclusions and the patterns (the defaults are dropped).
 */
export function sourceArtifactMatcher(patterns: readonly IgnorePattern[]): IgnoreMatcher {
  const vcs = FLUX_VCS_EXCLUDES.map((pattern) => parseIgnorePattern(pattern));
  if (patterns.length > 0) return new IgnoreMatcher([...vcs, ...patterns]);
  return new IgnoreMatcher(FLUX_DEFAULT_EXCLUDES.map((pattern) => parseIgnorePattern(pattern)));
}

/** What {@link loadIgnorePatterns} needs to read a tree. */
export interface IgnoreTree {
  /** The real sub-folders of a folder (never symbolic links), sorted by name. */
  subfolders(dir: string): Promise<readonly string[]>;
  /** The text of the folder's `.sourceignore`, or undefined when it has none. */
  readIgnoreFile(dir: string): Promise<string | undefined>;
}

/**
 * Every `.sourceignore` pattern of a tree, as `sourceignore.LoadIgnorePatterns` collects them:
 * a folder's own file, then each sub-folder's (sorted, depth first), every folder but `.git`
 * entered, ignored ones too. Iterative: a deep tree cannot exhaust the stack.
 */
export async function loadIgnorePatterns(tree: IgnoreTree, dir = ''): Promise<IgnorePattern[]> {
  const patterns: IgnorePattern[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const folder = stack.pop()!;
    const domain = folder === '' ? [] : folder.split('/');
    const text = await tree.readIgnoreFile(folder);
    if (text !== undefined) for (const pattern of readIgnorePatterns(text, domain)) patterns.push(pattern);
    const children = (await tree.subfolders(folder)).filter((name) => name !== '.git');
    for (let index = children.length - 1; index >= 0; index -= 1)
      stack.push(folder === '' ? children[index]! : `${folder}/${children[index]!}`);
  }
  return patterns;
}

/** Which ignore rules apply; every field is optional. */
export interface SourceIgnoreOptions {
  /**
   * Extra gitignore patterns of Sluice's own, relative to the root (the CLI's `--ignore`): a
   * path they exclude is left out as well. They do not count as source patterns, so they never
   * switch off Flux's default exclusions. Default: none.
   */
  readonly ignore?: readonly string[];
  /** The source's `spec.ignore` text, applied after the `.sourceignore` files as Flux does. Default: none. */
  readonly specIgnore?: string;
  /** Read `.sourceignore` files in every folder, as Flux does. Default: `true`. */
  readonly sourceIgnoreFiles?: boolean;
  /** Apply Flux's VCS and default exclusions. Default: `true`. */
  readonly defaultExcludes?: boolean;
}

/**
 * Decides which paths of a source are left out of its Flux artifact (see the file comment for
 * the rules). Built once per tree: {@link SourceIgnore.load} reads every `.sourceignore` first,
 * because one pattern anywhere changes the default exclusions everywhere.
 *
 * @example
 * ```ts
 * const rules = await SourceIgnore.forFolder('/repo', { ignore: ['*.enc.yaml'] });
 * rules.ignores('apps/secret.enc.yaml', false); // true
 * ```
 */
export class SourceIgnore {
  readonly #artifact: IgnoreMatcher | undefined;
  readonly #extra: IgnoreMatcher | undefined;

  private constructor(artifact: IgnoreMatcher | undefined, extra: IgnoreMatcher | undefined) {
    this.#artifact = artifact;
    this.#extra = extra;
  }

  /** The rules of a tree read through `tree`. */
  static async load(tree: IgnoreTree, options: SourceIgnoreOptions = {}): Promise<SourceIgnore> {
    const patterns = options.sourceIgnoreFiles === false ? [] : await loadIgnorePatterns(tree);
    if (options.specIgnore !== undefined)
      for (const pattern of readIgnorePatterns(options.specIgnore)) patterns.push(pattern);
    const artifact =
      options.defaultExcludes === false
        ? patterns.length > 0
          ? new IgnoreMatcher(patterns)
          : undefined
        : sourceArtifactMatcher(patterns);
    const extra =
      options.ignore && options.ignore.length > 0
        ? new IgnoreMatcher(options.ignore.flatMap((line) => readIgnorePatterns(`${line}\n`)))
        : undefined;
    return new SourceIgnore(artifact, extra);
  }

  /** The rules of a folder on disk (`root`: its real path); symbolic links are not entered. */
  static forFolder(root: string, options: SourceIgnoreOptions = {}): Promise<SourceIgnore> {
    return SourceIgnore.load(folderIgnoreTree(root), options);
  }

  /**
   * True when nothing below the folder can be in the artifact: the folder is left out and no
   * `!` pattern could re-include a path under it. A walk may skip such a folder (`.git/`).
   */
  prunes(dir: string): boolean {
    if (dir === '' || !this.ignores(dir, true)) return false;
    const elements = dir.split('/');
    const mayReinclude = (matcher: IgnoreMatcher | undefined): boolean =>
      matcher?.patterns.some(
        (pattern) =>
          pattern.inclusion &&
          pattern.domain.every((name, index) => index >= elements.length || elements[index] === name),
      ) ?? false;
    return !mayReinclude(this.#artifact) && !mayReinclude(this.#extra);
  }

  /**
   * True when the path (relative to the root, forward slashes) is left out. The root itself
   * never is. Folders are decided on their own: a file inside an excluded folder may be kept.
   */
  ignores(path: string, isDirectory: boolean): boolean {
    if (path === '' || path === '.') return false;
    const elements = path.split('/');
    return (
      (this.#artifact?.excludes(elements, isDirectory) ?? false) ||
      (this.#extra?.excludes(elements, isDirectory) ?? false)
    );
  }
}

// An ignore file larger than this is not a list of patterns; it is not read.
const MAX_IGNORE_FILE_SIZE = 1024 * 1024;

/**
 * A tree on disk: sub-folders by `lstat` (a link to a folder is not one, as Go's `ReadDir`
 * says), `.sourceignore` opened through a link only when it stays inside the root (Go's
 * `os.Open` follows links; a target outside the checkout does not exist for Flux).
 */
function folderIgnoreTree(root: string): IgnoreTree {
  // Synchronous calls: every folder of the tree is asked, one after another, and a thread-pool
  // round trip per folder cost more than the listing and the (mostly failing) realpath. Each
  // folder is listed once, for its sub-folders and to see whether it holds an ignore file at
  // all: most do not, and a failing realpath per folder (an exception each) showed in profiles.
  const listings = new Map<string, Dirent[] | undefined>();
  const list = (dir: string): Dirent[] | undefined => {
    if (!listings.has(dir)) {
      let entries: Dirent[] | undefined;
      try {
        entries = readdirSync(join(root, dir), { withFileTypes: true });
      } catch {
        entries = undefined;
      }
      listings.set(dir, entries);
    }
    return listings.get(dir);
  };
  return {
    async subfolders(dir) {
      const entries = list(dir);
      listings.delete(dir);
      if (!entries) return [];
      return entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
    async readIgnoreFile(dir) {
      // A folder that lists no such name holds no such file (one that cannot be listed may
      // still let it be opened: it is asked for).
      const entries = list(dir);
      if (entries && !entries.some((entry) => entry.name === SOURCE_IGNORE_FILE)) return undefined;
      const path = join(root, dir, SOURCE_IGNORE_FILE);
      try {
        const target = realpathSync.native(path);
        if (!isInside(root, target)) return undefined;
        const stats = lstatSync(target);
        if (!stats.isFile() || stats.size > MAX_IGNORE_FILE_SIZE) return undefined;
        return decodeLeniently(readFileSync(target));
      } catch {
        return undefined;
      }
    },
  };
}

// Go's bufio.Scanner keeps a byte order mark: it is part of the first pattern (`\uFEFF*.yaml`
// matches no file), so it is kept here too.
const LENIENT_UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Ignore-file bytes as text, as source-controller reads them: UTF-8 with a byte order mark kept
 * and invalid bytes replaced (Go reads any bytes; a line of garbage is still a pattern, and its
 * mere presence replaces the default exclusions).
 */
export function decodeLeniently(bytes: Uint8Array): string {
  return LENIENT_UTF8.decode(bytes);
}
