import type { Cache } from './cache.js';
import { createFsCache } from './fs-cache.js';
import { createRedisCache } from './redis-cache.js';
import type { RedisCacheOptions } from './redis-cache.js';

/**
 * A result cache from a CLI-style value (`--cache`): a `redis://` or `rediss://` URL gives
 * {@link createRedisCache}, anything else is a directory for {@link createFsCache}.
 *
 * @example
 * ```ts
 * createCache('redis://:secret@redis.ci:6379/2'); // shared by every runner
 * createCache('.cache/sluice'); // one machine
 * ```
 */
export function createCache(spec: string, options: RedisCacheOptions = {}): Cache {
  return /^rediss?:\/\//i.test(spec) ? createRedisCache(spec, options) : createFsCache(spec);
}
