/** A URL-prefix rewrite for remote bases (`--git-mirror FROM=TO`), as `--chart-mirror` is for charts. */
export interface GitMirror {
  readonly from: string;
  readonly to: string;
}

// FROM: a clone-URL prefix as kustomize writes it (https, http, ssh, or `user@host:` SCP form).
const FROM = /^(?:(?:https?|ssh):\/\/[^\s]+|[A-Za-z][A-Za-z0-9-]*@[^\s/:]+:[^\s]*)$/;
// TO: where git fetches instead; only transports GIT_ALLOW_PROTOCOL lets through.
const TO = /^(?:https?|ssh|git):\/\/[^\s]+$/;

/**
 * Parses `FROM=TO` (the same form as `--chart-mirror`): FROM a prefix of the clone URLs
 * kustomize derives (`https://github.com/`, `git@github.com:`), TO an `https://`, `http://`,
 * `ssh://` or `git://` URL prefix. Returns why it is not one otherwise.
 */
export function parseGitMirror(text: string): GitMirror | { readonly error: string } {
  const separator = text.indexOf('=');
  const from = separator > 0 ? text.slice(0, separator).trim() : '';
  const to = separator > 0 ? text.slice(separator + 1).trim() : '';
  if (!FROM.test(from) || !TO.test(to) || from.startsWith('-') || to.startsWith('-')) {
    return {
      error: `${text}: expected FROM=TO, FROM a git URL prefix (https://github.com/ or git@github.com:) and TO an https://, http://, ssh:// or git:// URL prefix`,
    };
  }
  return { from, to };
}

/**
 * The URL git fetches for a clone URL: the longest matching FROM replaced by its TO. FROM
 * matches whole path segments (`https://github.com/org` does not match `…/organisation`),
 * unless it ends with `/` or `:`; the slashes where FROM and TO meet are kept as one.
 */
export function applyGitMirrors(url: string, mirrors: readonly GitMirror[]): string {
  const matches = (from: string): boolean =>
    /[/:]$/.test(from) ? url.startsWith(from) : url === from || url.startsWith(`${from}/`);
  const match = [...mirrors]
    .filter((mirror) => matches(mirror.from))
    .sort((a, b) => b.from.length - a.from.length)[0];
  if (!match) return url;
  const rest = url.slice(match.from.length).replace(/^\/+/, '');
  const to = match.to.replace(/\/+$/, '');
  return rest === '' ? to : `${to}/${rest}`;
}
