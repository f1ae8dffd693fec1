const cache = new Map<string, RegExp>();

/**
 * Tells whether `text` matches a glob pattern: `*` matches any run of characters except `/`,
 * `**` matches any run including `/`, `?` matches one character except `/`; everything else
 * matches itself. Used for Flux object ids (`Kustomization/apps-*` … `kind/namespace/name`),
 * image references and Trivy's ignore paths.
 *
 * @example
 * ```ts
 * matchGlob('Kustomization/flux-system/*', 'Kustomization/flux-system/apps'); // true
 * matchGlob('ghcr.io/acme/**', 'ghcr.io/acme/team/web:1.0'); // true
 * ```
 */
export function matchGlob(pattern: string, text: string): boolean {
  let regexp = cache.get(pattern);
  if (!regexp) {
    regexp = compileGlob(pattern);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, regexp);
  }
  return regexp.test(text);
}

function compileGlob(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] ?? '';
    if (char === '*') {
      if (pattern[index + 1] === '*') {
        // `**/` also matches nothing, so `**/x` matches `x` at the root.
        if (pattern[index + 2] === '/') {
          source += '(?:.*/)?';
          index += 2;
        } else {
          source += '.*';
          index += 1;
        }
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}
