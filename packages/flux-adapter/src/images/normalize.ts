/** A normalized image reference, or why the text is not one. */
export type NormalizedImage = { readonly ref: string } | { readonly error: string };

const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/**
 * Normalizes an image reference the way Docker does: `nginx` → `docker.io/library/nginx:latest`,
 * `ghcr.io/a/b:1@sha256:…` kept with tag and digest. Returns an error text for anything that is
 * not a valid reference (such as a value still holding `${VAR}`).
 */
export function normalizeImage(text: string): NormalizedImage {
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'empty image reference' };
  if (trimmed.includes('${')) return { error: 'image reference holds an unresolved variable' };
  let rest = trimmed;
  let digest = '';
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { error: `invalid digest ${digest}` };
  }
  const slash = rest.indexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag = '';
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { error: `invalid tag ${tag}` };
  }
  let domain = 'docker.io';
  let path = rest;
  const first = rest.split('/')[0] ?? '';
  if (
    rest.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  ) {
    domain = first;
    path = rest.slice(first.length + 1);
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!path.split('/').every((component) => NAME_COMPONENT.test(component))) {
    return { error: `invalid image name ${rest}` };
  }
  if (tag === '' && digest === '') tag = 'latest';
  return { ref: `${domain}/${path}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}` };
}
