// A remote kustomize base parsed exactly as kustomize v5 does (api/internal/git/repospec.go,
// NewRepoSpecFromURL, as embedded in kustomize-controller): the query first, then the host
// (`git::` stripped, scheme, SCP-style user, GitHub normalised), then the repository path split
// from the kustomization root at `_git/`, `//` or `.git`, else after two segments.

/** kustomize's timeout for each git command when the URL names none (`defaultTimeout`). */
export const KUSTOMIZE_GIT_TIMEOUT_MS = 27_000;

/** How a ref is pinned: a full commit id, a tag name, or not at all. */
export type RefPin =
  | { readonly kind: 'commit'; readonly commit: string }
  | { readonly kind: 'tag-name'; readonly tag: string }
  | { readonly kind: 'unpinned'; readonly why: string };

/** A remote base (`resources:`/`components:` entry) as kustomize reads it. */
export interface RemoteSpec {
  /** The entry exactly as written. */
  readonly raw: string;
  /** What git clones (`Host + RepoPath`), such as `https://github.com/org/repo`. */
  readonly cloneUrl: string;
  /** The folder inside the repository that kustomize builds ('' for the root). */
  readonly path: string;
  /** `?ref=` (or `?version=`), '' when none. */
  readonly ref: string;
  /** `?submodules=` (kustomize's default: true). */
  readonly submodules: boolean;
  /** `?timeout=` in milliseconds, for each git command. */
  readonly timeoutMs: number;
  readonly pin: RefPin;
}

const SSH = 'ssh://';
const HTTPS = 'https://';
const HTTP = 'http://';
const FILE = 'file://';

/**
 * Parses a remote base as kustomize v5 does, or says why Sluice will not fetch it: an entry
 * starting with `-` (git would read it as an option), control characters or spaces, a `file://`
 * URL (a repository on the machine running the gate, not something Flux fetches from the
 * network), a path that leaves the repository (`//../..`), or an entry kustomize itself refuses.
 */
export function parseRemoteSpec(raw: string): RemoteSpec | { readonly error: string } {
  if (raw.startsWith('-')) return { error: 'it starts with "-", which git would read as an option' };
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return { error: 'it holds spaces or control characters' };
  const question = raw.indexOf('?');
  const beforeQuery = question === -1 ? raw : raw.slice(0, question);
  const query = parseQuery(question === -1 ? '' : raw.slice(question + 1));
  const host = extractHost(beforeQuery);
  if ('error' in host) return host;
  if (host.host.startsWith('-') || host.host.startsWith('git::'))
    return { error: 'its host is not a host git can fetch from' };
  const parts = splitPath(host.rest);
  if ('error' in parts) return parts;
  const cloneUrl = host.host + parts.repoPath;
  if (cloneUrl.startsWith('-')) return { error: 'it starts with "-", which git would read as an option' };
  return {
    raw,
    cloneUrl,
    path: parts.path,
    ref: query.ref,
    submodules: query.submodules,
    timeoutMs: query.timeoutMs,
    pin: classifyRef(query.ref),
  };
}

/**
 * Whether a ref names what it fetches for good: a full commit id (40 or 64 hex digits) is
 * pinned; a name is pinned only if the remote has a tag of that name (decided at fetch time:
 * git prefers a tag over a branch of the same name, `refs/tags/` before `refs/heads/`); no ref
 * (the default branch's HEAD) and `refs/heads/…` are never pinned.
 */
export function classifyRef(ref: string): RefPin {
  if (ref === '')
    return {
      kind: 'unpinned',
      why: 'it names no ?ref=, so kustomize fetches the default branch, which moves',
    };
  if (/^[0-9a-f]{40}$/i.test(ref) || /^[0-9a-f]{64}$/i.test(ref))
    return { kind: 'commit', commit: ref.toLowerCase() };
  if (!isSafeRefName(ref)) return { kind: 'unpinned', why: `?ref=${ref} is not a ref name git accepts here` };
  if (ref.startsWith('refs/heads/')) return { kind: 'unpinned', why: `?ref=${ref} is a branch, which moves` };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag-name', tag: ref.slice('refs/tags/'.length) };
  if (ref.startsWith('refs/'))
    return { kind: 'unpinned', why: `?ref=${ref} is neither a tag nor a commit id` };
  return { kind: 'tag-name', tag: ref };
}

// git check-ref-format's rules, stricter: no option-like or refspec-like text reaches git.
function isSafeRefName(ref: string): boolean {
  return (
    /^[A-Za-z0-9._/-]+$/.test(ref) &&
    !ref.startsWith('-') &&
    !ref.startsWith('/') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    !ref.endsWith('.lock') &&
    !ref.includes('..') &&
    !ref.includes('//') &&
    !ref.split('/').some((part) => part.startsWith('.'))
  );
}

/**
 * How a remote base's files are shown: `<clone URL>@<ref>`, any password removed, an SCP-style
 * URL written as the `ssh://` URL it means (`git@github.com:org/repo` →
 * `ssh://git@github.com/org/repo`). Every such label starts with `scheme://`, which no
 * repository path does: a location in a remote base is never taken for a file of the repository.
 */
export function remoteLabel(spec: RemoteSpec): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(spec.cloneUrl)
    ? spec.cloneUrl
    : `ssh://${spec.cloneUrl.replace(':', '/')}`;
  return `${withoutCredentials(url)}@${spec.ref === '' ? 'HEAD' : spec.ref}`;
}

/**
 * A URL without credentials in its user part: a short plain user name (`git@`, `deploy@`) is
 * kept; a password, or anything else (a token given as the user name), becomes `***`.
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/i, keepPlainUser);
}

/** Every URL of a text (git's messages) with {@link withoutCredentials} applied. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s'"]*)@/gi, keepPlainUser);
}

function keepPlainUser(_: string, scheme: string, user: string): string {
  return /^[a-zA-Z][a-zA-Z0-9-]{0,19}$/.test(user) ? `${scheme}${user}@` : `${scheme}***@`;
}

/** The key of a fetched base: what decides its content (normalised URL, ref, submodules). */
export function remoteCacheKey(spec: RemoteSpec): string {
  const url = spec.cloneUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/]*)/i, (prefix) => prefix.toLowerCase());
  return JSON.stringify([url.replace(/\/+$/, ''), spec.ref, spec.submodules]);
}

interface Query {
  readonly ref: string;
  readonly timeoutMs: number;
  readonly submodules: boolean;
}

// Go's url.ParseQuery refuses `;` and bad escapes; kustomize then uses its defaults (no ref).
function parseQuery(query: string): Query {
  const defaults = { ref: '', timeoutMs: KUSTOMIZE_GIT_TIMEOUT_MS, submodules: true };
  if (query.includes(';') || /%(?![0-9a-f]{2})/i.test(query)) return defaults;
  const values = new URLSearchParams(query);
  const ref = values.get('ref') || values.get('version') || '';
  let timeoutMs = KUSTOMIZE_GIT_TIMEOUT_MS;
  const timeout = values.get('timeout') ?? '';
  if (/^\d+$/.test(timeout) && Number(timeout) > 0) timeoutMs = Number(timeout) * 1000;
  else {
    const duration = parseGoDuration(timeout);
    if (duration !== undefined && duration > 0) timeoutMs = duration;
  }
  const submodulesText = values.get('submodules') ?? '';
  const parsedBool = parseGoBool(submodulesText);
  return {
    ref,
    timeoutMs,
    submodules: submodulesText === '' || parsedBool === undefined ? true : parsedBool,
  };
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

function parseGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d*)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 0);
  return total;
}

function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

function extractHost(input: string): { host: string; rest: string } | { error: string } {
  let n = trimPrefixIgnoreCase(input, 'git::') ?? input;
  let scheme = '';
  for (const prefix of [SSH, HTTPS, HTTP, FILE]) {
    const rest = trimPrefixIgnoreCase(n, prefix);
    if (rest !== undefined) {
      scheme = prefix;
      n = rest;
      break;
    }
  }
  let username = '';
  const user = /^([a-zA-Z][a-zA-Z0-9-]*)@/.exec(n);
  if (user) {
    username = `${user[1]}@`;
    n = n.slice(username.length);
  }
  const github = /^github\.com[/:]/i.test(n);
  const scp = scheme === '' && (username !== '' || github);
  if (scheme === '' && !scp)
    return { error: 'kustomize cannot read its scheme (expected https://, http://, ssh:// or user@host:)' };
  if (scheme === FILE)
    return { error: 'file:// names a repository on the machine that runs kustomize, not one Flux fetches' };
  let host = n;
  let rest = '';
  let separator = n.indexOf('/');
  if (scp) {
    const colon = n.indexOf(':');
    if (separator === -1 || (colon > 0 && colon < separator)) separator = colon;
  }
  if (separator >= 0) {
    host = n.slice(0, separator + 1);
    rest = n.slice(separator + 1);
  }
  if (github) {
    if (scheme === SSH || username !== '') {
      scheme = '';
      host = 'github.com:';
    } else {
      scheme = HTTPS;
      username = '';
      host = 'github.com/';
    }
  }
  if (host === '') return { error: 'kustomize finds no host in it' };
  return { host: scheme + username + host, rest };
}

function splitPath(n: string): { repoPath: string; path: string } | { error: string } {
  let repoPath: string;
  let path: string;
  const gitRoot = n.indexOf('_git/');
  const doubleSlash = n.indexOf('//');
  const gitSuffix = n.indexOf('.git');
  if (gitRoot >= 0) {
    const segments = n.slice(gitRoot + '_git/'.length).split('/');
    repoPath = n.slice(0, gitRoot + '_git/'.length) + (segments[0] ?? '');
    path = segments.slice(1).join('/');
  } else if (doubleSlash >= 0) {
    repoPath = n.slice(0, doubleSlash);
    path = n.slice(doubleSlash + 2);
  } else if (gitSuffix >= 0) {
    repoPath = n.slice(0, gitSuffix + '.git'.length);
    path = n.slice(gitSuffix + '.git'.length);
  } else {
    const segments = n.split('/');
    if (segments.length < 2) return { error: 'kustomize finds no org/repo in it' };
    repoPath = segments.slice(0, 2).join('/');
    path = segments.slice(2).join('/');
  }
  if (repoPath === '') return { error: 'kustomize finds no repository path in it' };
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return { error: `its path ${path} leaves the repository` };
      segments.pop();
    } else segments.push(segment);
  }
  return { repoPath, path: segments.join('/') };
}

function trimPrefixIgnoreCase(text: string, prefix: string): string | undefined {
  return text.slice(0, prefix.length).toLowerCase() === prefix ? text.slice(prefix.length) : undefined;
}
