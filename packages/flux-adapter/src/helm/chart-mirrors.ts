/** A URL-prefix rewrite for chart repositories (`--chart-mirror FROM=TO`). */
export interface ChartMirror {
  readonly from: string;
  readonly to: string;
}

/**
 * Parses `FROM=TO` (both `http(s)://` or both `oci://` URLs, or an `oci://` FROM mirrored to
 * another `oci://` registry), or returns why it is not one.
 */
export function parseChartMirror(text: string): ChartMirror | { readonly error: string } {
  const separator = text.indexOf('=');
  const from = separator > 0 ? text.slice(0, separator).trim() : '';
  const to = separator > 0 ? text.slice(separator + 1).trim() : '';
  const scheme = (url: string): string | undefined => /^(https?|oci):\/\/[^\s]+$/.exec(url)?.[1];
  const fromScheme = scheme(from);
  const toScheme = scheme(to);
  if (!fromScheme || !toScheme) {
    return { error: `${text}: expected FROM=TO, two URLs (http://, https:// or oci://)` };
  }
  if ((fromScheme === 'oci') !== (toScheme === 'oci')) {
    return { error: `${text}: an oci:// URL can only be mirrored to an oci:// URL, and http(s) to http(s)` };
  }
  return { from: withoutSlash(from), to: withoutSlash(to) };
}

/** A URL after mirror rewriting, and whether it is spoken to over plain HTTP. */
export interface MirroredUrl {
  readonly url: string;
  /** True for a loopback OCI registry (helm's `--plain-http`). */
  readonly plainHttp: boolean;
}

/**
 * Rewrites the longest matching prefix (whole path segments only). An OCI URL on a loopback
 * host (127.0.0.0/8, `localhost`, `::1`) is spoken to over plain HTTP, as local test and
 * air-gap registries usually are.
 */
export function applyChartMirrors(url: string, mirrors: readonly ChartMirror[]): MirroredUrl {
  const trimmed = withoutSlash(url);
  const match = [...mirrors]
    .filter((mirror) => trimmed === mirror.from || trimmed.startsWith(`${mirror.from}/`))
    .sort((a, b) => b.from.length - a.from.length)[0];
  const rewritten = match ? `${match.to}${trimmed.slice(match.from.length)}` : trimmed;
  return { url: rewritten, plainHttp: rewritten.startsWith('oci://') && isLoopback(rewritten) };
}

function isLoopback(url: string): boolean {
  const host = /^[a-z]+:\/\/(\[[^\]]+\]|[^/:]+)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function withoutSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
