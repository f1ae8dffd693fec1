import { createRequire } from 'node:module';
import { SluiceError } from '@sluice/core';
import { parseFluxDuration } from './duration.js';
import type { ScanJobCache, SecretKey } from './scan-job.js';
import type { GateSecretKey, GenerateGateOptions } from './types.js';

// By the package's own name, not a relative path: this module may be bundled elsewhere (the
// `sluice` command's bin), where the resolution still finds this package's manifest.
const VERSION = (createRequire(import.meta.url)('@sluice/flux-adapter/package.json') as { version: string })
  .version;

/** The repository of the Sluice image (sluice, trivy and helm; entrypoint `sluice`). */
export const SLUICE_IMAGE_REPOSITORY = 'ghcr.io/sluice-dev/sluice';
/** The Sluice image the gate runs by default: this release, pinned by version. Pin a digest in production. */
export const DEFAULT_SLUICE_IMAGE = `${SLUICE_IMAGE_REPOSITORY}:${VERSION}`;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;

/** The options of {@link generateGate} with every default filled in and checked. */
export interface ResolvedGateOptions {
  readonly name: string;
  readonly namespace: string;
  readonly path: string;
  readonly sluiceImage: string;
  readonly interval: string;
  readonly backoffLimit: number;
  readonly concurrency: number;
  readonly dbDownloadSeconds: number;
  readonly server?: { readonly url: string; readonly tokenSecret?: SecretKey };
  readonly dbRepository: readonly string[];
  readonly javaDbRepository: readonly string[];
  readonly cache: ScanJobCache;
  readonly policy: NonNullable<GenerateGateOptions['policy']>;
}

/**
 * Fills in the defaults of {@link GenerateGateOptions} and checks them. The time budget is
 * checked by `computeGateBudget`.
 *
 * @throws {SluiceError} `SLUICE_INVALID_GATE_OPTIONS` for a bad name, namespace, path, duration,
 * image, server, cache or backoffLimit.
 */
export function resolveGateOptions(options: GenerateGateOptions): ResolvedGateOptions {
  const name = options.name ?? 'sluice-gate';
  if (!DNS_LABEL.test(name) || name.length > 40)
    invalid(`name "${name}" must be a DNS label of at most 40 characters.`);
  const namespace = options.namespace ?? 'flux-system';
  if (!DNS_LABEL.test(namespace) || namespace.length > 63)
    invalid(`namespace "${namespace}" is not a DNS label.`);
  const path = (options.path ?? 'sluice-gate').replace(/^\.\//, '').replace(/\/+$/, '');
  if (path === '' || path.startsWith('/') || path.split('/').includes('..')) {
    invalid(`path "${options.path}" must be a folder inside the source, such as sluice-gate.`);
  }
  const interval = options.interval ?? '10m';
  parseFluxDuration(interval, 'interval');
  const backoffLimit = options.backoffLimit ?? 0;
  if (!Number.isInteger(backoffLimit) || backoffLimit < 0 || backoffLimit > 3)
    invalid('backoffLimit must be 0, 1, 2 or 3.');
  const sluiceImage = options.sluiceImage ?? DEFAULT_SLUICE_IMAGE;
  if (!isPinnedImage(sluiceImage)) {
    invalid(`sluiceImage "${sluiceImage}" must be pinned by a tag other than latest, or by a digest.`);
  }
  const server = options.server;
  if (server !== undefined && !/^https?:\/\/[^\s/]+/.test(server))
    invalid(`server "${server}" must be an http:// or https:// URL.`);
  if (server === undefined && options.serverTokenSecret)
    invalid('serverTokenSecret needs a server: the token is for a Trivy server.');
  if (server !== undefined && (options.dbRepository ?? []).length > 0)
    invalid('dbRepository is for a local trivy; a Trivy server downloads its own DB.');
  return {
    name,
    namespace,
    path,
    sluiceImage,
    interval,
    backoffLimit,
    concurrency: options.concurrency ?? 4,
    dbDownloadSeconds: options.dbDownloadSeconds ?? (server === undefined ? 300 : 0),
    ...(server === undefined
      ? {}
      : {
          server: {
            url: server,
            ...(options.serverTokenSecret
              ? { tokenSecret: secretKey(options.serverTokenSecret, 'token', 'serverTokenSecret') }
              : {}),
          },
        }),
    dbRepository: [...(options.dbRepository ?? [])],
    javaDbRepository: [...(options.javaDbRepository ?? [])],
    cache: resolveCache(options.cache, name),
    policy: options.policy ?? {},
  };
}

function resolveCache(cache: GenerateGateOptions['cache'], gateName: string): ScanJobCache {
  if (cache === undefined) return { type: 'none' };
  if (cache.type === 'redis') {
    if ((cache.url === undefined) === (cache.secret === undefined))
      invalid('a Redis cache needs either a url or a secret holding the url.');
    if (cache.url !== undefined) {
      let url: URL | undefined;
      try {
        url = new URL(cache.url);
      } catch {
        url = undefined;
      }
      if (!url || !/^rediss?:$/.test(url.protocol))
        invalid(`cache "${cache.url}" must be a redis:// or rediss:// URL.`);
      if (url?.password || url?.username) {
        invalid(
          'the Redis URL holds credentials, which would be written in the manifest in clear: put the URL in a Secret and name it as the cache secret (passed as SLUICE_CACHE).',
        );
      }
      return { type: 'redis', url: cache.url };
    }
    return { type: 'redis', secret: secretKey(cache.secret!, 'url', 'cache secret') };
  }
  const claimName = cache.claimName ?? `${gateName}-cache`;
  if (!DNS_SUBDOMAIN.test(claimName) || claimName.length > 253)
    invalid(`claimName "${claimName}" is not a valid PersistentVolumeClaim name.`);
  if (cache.claimName !== undefined) {
    if (cache.size !== undefined || cache.storageClassName !== undefined)
      invalid('size and storageClassName are for the claim Sluice generates, not for an existing claim.');
    return { type: 'volume', claimName };
  }
  const size = cache.size ?? '5Gi';
  if (!QUANTITY.test(size)) invalid(`size "${size}" is not a storage quantity such as 5Gi.`);
  if (cache.storageClassName !== undefined && !DNS_SUBDOMAIN.test(cache.storageClassName))
    invalid(`storageClassName "${cache.storageClassName}" is not a valid name.`);
  return {
    type: 'volume',
    claimName,
    claim: { size, ...(cache.storageClassName ? { storageClassName: cache.storageClassName } : {}) },
  };
}

function secretKey(secret: GateSecretKey, defaultKey: string, what: string): SecretKey {
  const key = secret.key ?? defaultKey;
  if (!DNS_SUBDOMAIN.test(secret.name) || !/^[-._a-zA-Z0-9]+$/.test(key))
    invalid(`${what} "${secret.name}:${key}" is not a Secret name and key.`);
  return { name: secret.name, key };
}

/** True for an image pinned by a digest, or by a tag other than `latest`. */
export function isPinnedImage(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon !== -1 && lastSegment.slice(colon + 1) !== 'latest' && lastSegment.slice(colon + 1) !== '';
}

function invalid(message: string): never {
  throw new SluiceError('SLUICE_INVALID_GATE_OPTIONS', message);
}
