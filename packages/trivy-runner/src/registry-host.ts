import { SluiceError } from '@sluice/core';

/** Error code of a `registryCredentials` entry that is not a registry host. */
export const INVALID_REGISTRY_HOST = 'SLUICE_INVALID_REGISTRY_HOST';

// Docker Hub answers under several names; image references normalize to docker.io.
const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
// A host name or IPv4 address, or a bracketed IPv6 address, then an optional port.
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/**
 * Normalizes a registry host as image references name it: lower case, Docker Hub's aliases as
 * `docker.io`. `ghcr.io`, `127.0.0.1:5000` and `[::1]:5000` are hosts; `https://ghcr.io`,
 * `ghcr.io/org` and `*.example.com` are not.
 *
 * @throws {SluiceError} `SLUICE_INVALID_REGISTRY_HOST` when the text is not a host.
 */
export function normalizeRegistryHost(text: string): string {
  const host = text.trim().toLowerCase();
  if (!HOST.test(host)) {
    throw new SluiceError(
      INVALID_REGISTRY_HOST,
      `${JSON.stringify(text)} is not a registry host: expected a host name with an optional port, such as ghcr.io or registry.example.com:5000 (no scheme, path or wildcard)`,
    );
  }
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}
