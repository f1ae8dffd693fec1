import type { Redis } from 'ioredis';
import { CACHE_FORMAT_VERSION, decodeEntry, encodeEntry } from './cache.js';
import type { Cache } from './cache.js';
import { redactSecrets } from './redact.js';

/** Options of {@link createRedisCache}. */
export interface RedisCacheOptions {
  /**
   * Prefix of every key: keys are `<namespace>:v<format>:scan:<key>`.
   * @default 'sluice'
   */
  readonly namespace?: string;
  /**
   * Time to live of entries stored without one (digest-pinned results), so that old DB
   * versions' entries leave Redis by themselves.
   * @default 2592000000 (30 days)
   */
  readonly maxTtlMs?: number;
  /**
   * How long a call waits for a (re)connection before it gives up and reports Redis as unavailable.
   * @default 1000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Time limit of one Redis command.
   * @default 2000
   */
  readonly commandTimeoutMs?: number;
  /**
   * After a failed connection, calls fail at once for this long instead of waiting again, so a
   * batch does not wait `connectTimeoutMs` per image while Redis is down.
   * @default 2000
   */
  readonly retryAfterMs?: number;
}

/** Error code of a Redis cache call while Redis cannot be reached. */
export const CACHE_UNAVAILABLE = 'SLUICE_CACHE_UNAVAILABLE';

class CacheUnavailableError extends Error {
  readonly code = CACHE_UNAVAILABLE;
}

/**
 * A result cache in Redis, shared by every runner that points at it. Keys are namespaced and
 * versioned (`sluice:v1:scan:<sha256>`), values carry a checksum (a damaged value is a miss),
 * TTLs are Redis TTLs (`SET … PX`). While Redis is unreachable, calls reject quickly with
 * `SLUICE_CACHE_UNAVAILABLE` (the runner turns that into a `warning` event and scans without a
 * cache); the client reconnects in the background and the cache works again once Redis is back.
 *
 * @example
 * ```ts
 * const runner = createTrivyRunner({ cache: createRedisCache('redis://redis.ci:6379/2') });
 * ```
 */
export function createRedisCache(url: string, options: RedisCacheOptions = {}): Cache {
  const namespace = options.namespace ?? 'sluice';
  const maxTtlMs = options.maxTtlMs ?? 30 * 24 * 3_600_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 1000;
  const retryAfterMs = options.retryAfterMs ?? 2000;
  const where = redactSecrets(url, []);
  let lastError = '';
  // ioredis is loaded with the first call, not with the SDK: a run without Redis never loads it.
  let opened: Promise<Redis> | undefined;
  const openClient = async (): Promise<Redis> => {
    const { Redis } = await import('ioredis');
    const client = new Redis(url, {
      lazyConnect: true,
      // Fail fast while disconnected instead of queueing commands until Redis returns.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      retryStrategy: (times) => Math.min(100 * times, 1000),
    });
    // ioredis reports connection errors as events; without a listener it prints them.
    client.on('error', (error: Error) => {
      lastError = error.message;
    });
    return client;
  };
  let failedAt = Number.NEGATIVE_INFINITY;
  let connecting: Promise<void> | undefined;
  let closed = false;

  const unavailable = (): CacheUnavailableError =>
    new CacheUnavailableError(
      `Redis at ${where} is unavailable${lastError ? ` (${redactSecrets(lastError, [])})` : ''}.`,
    );

  async function ready(): Promise<Redis> {
    if (closed) throw new CacheUnavailableError('The Redis cache is closed.');
    const client = await (opened ??= openClient());
    if (client.status === 'ready') return client;
    if (Date.now() - failedAt < retryAfterMs) throw unavailable();
    if (client.status === 'wait') connecting ??= client.connect().catch(() => undefined);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, connectTimeoutMs);
      function done(): void {
        clearTimeout(timer);
        client.off('ready', done);
        resolve();
      }
      client.once('ready', done);
    });
    if ((client.status as string) !== 'ready') {
      failedAt = Date.now();
      throw unavailable();
    }
    return client;
  }

  async function command<T>(run: (client: Redis) => Promise<T>): Promise<T> {
    const client = await ready();
    try {
      return await run(client);
    } catch (error) {
      if (client.status !== 'ready') failedAt = Date.now();
      throw new CacheUnavailableError(
        `Redis at ${where} failed: ${redactSecrets((error as Error).message, [])}`,
      );
    }
  }

  const keyOf = (key: string): string => `${namespace}:v${CACHE_FORMAT_VERSION}:scan:${key}`;
  return {
    async get(key) {
      const text = await command((client) => client.get(keyOf(key)));
      return text === null ? undefined : decodeEntry(text, key);
    },
    async set(key, value, ttlMs) {
      const ttl = Math.max(1, Math.round(ttlMs ?? maxTtlMs));
      const expiresAt = ttlMs !== undefined ? Date.now() + ttlMs : undefined;
      await command((client) => client.set(keyOf(key), encodeEntry(key, value, expiresAt), 'PX', ttl));
    },
    async delete(key) {
      await command((client) => client.del(keyOf(key)));
    },
    async close() {
      closed = true;
      const client = await opened;
      await connecting;
      client?.disconnect();
    },
  };
}
