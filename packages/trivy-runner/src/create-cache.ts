import type { Cache } from './cache.js';
import { createFsCache } from './fs-cache.js';

/**
 * A result cache from a CLI-style value: a directory path (see {@link createFsCache}).
 */
export function createCache(spec: string): Cache {
  return createFsCache(spec);
}
