import { createHash } from 'node:crypto';
import type { Finding, ScannerInfo } from '@sluice/core';

/** Version of the cache key and entry layout; bumping it invalidates every stored result. */
export const CACHE_FORMAT_VERSION = 1;

/** One stored scan result. */
export interface CachedScan {
  /** The reference that was scanned. */
  readonly ref: string;
  /** The image digest Trivy reported, when known. */
  readonly digest?: string;
  readonly findings: readonly Finding[];
  /** The scanner and DB that produced the findings. */
  readonly scanner: ScannerInfo;
  /** When the scan ran (ISO 8601). Stored data only: reports never print it. */
  readonly scannedAt: string;
}

/**
 * A result cache backend. `get` resolves to undefined for a missing, expired or damaged entry
 * and never rejects for those; `set` stores with an optional time to live. Implementations:
 * {@link createFsCache}, {@link createMemoryCache}, {@link createRedisCache}.
 */
export interface Cache {
  get(key: string): Promise<CachedScan | undefined>;
  set(key: string, value: CachedScan, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Releases connections; the cache is unusable afterwards. */
  close?(): Promise<void>;
}

/** Everything that decides whether a stored result still answers a scan. */
export interface CacheKeyParts {
  /** The image: `repo@sha256:…` when the digest is known, else the normalized reference. */
  readonly image: string;
  readonly trivyVersion: string;
  /** The vulnerability DB version (schema and update time); `unknown` when not known. */
  readonly dbVersion: string;
  /** Every option that changes the result (severities, ignore-unfixed, ignore-file content, …). */
  readonly options: Readonly<Record<string, unknown>>;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The cache key of a scan: a SHA-256 over the canonical JSON of its parts and the format version. */
export function createCacheKey(parts: CacheKeyParts): string {
  return createHash('sha256')
    .update(canonicalJson({ format: CACHE_FORMAT_VERSION, ...parts }))
    .digest('hex');
}

/** SHA-256 of a string, as `sha256:<hex>`. */
export function checksum(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The envelope backends store: the entry as a JSON string and its checksum. */
interface Envelope {
  readonly format: number;
  readonly checksum: string;
  readonly body: string;
}

interface Body {
  readonly key: string;
  readonly expiresAt?: number;
  readonly value: CachedScan;
}

/** Serializes an entry with its key, expiry and checksum, for backends that store text. */
export function encodeEntry(key: string, value: CachedScan, expiresAt?: number): string {
  const body = JSON.stringify({
    key,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    value,
  } satisfies Body);
  return JSON.stringify({ format: CACHE_FORMAT_VERSION, checksum: checksum(body), body } satisfies Envelope);
}

/**
 * Reads an encoded entry; undefined when the text is damaged (bad JSON, wrong checksum, other
 * format), belongs to another key, or has expired.
 */
export function decodeEntry(text: string, key: string, now: number = Date.now()): CachedScan | undefined {
  try {
    const envelope = JSON.parse(text) as Partial<Envelope>;
    if (envelope.format !== CACHE_FORMAT_VERSION || typeof envelope.body !== 'string') return undefined;
    if (envelope.checksum !== checksum(envelope.body)) return undefined;
    const body = JSON.parse(envelope.body) as Body;
    if (body.key !== key) return undefined;
    if (body.expiresAt !== undefined && body.expiresAt <= now) return undefined;
    if (!body.value || !Array.isArray(body.value.findings)) return undefined;
    return body.value;
  } catch {
    return undefined;
  }
}

/** An in-process cache, for tests and short-lived tools. */
export function createMemoryCache(): Cache {
  const entries = new Map<string, string>();
  return {
    get: async (key) => {
      const text = entries.get(key);
      return text === undefined ? undefined : decodeEntry(text, key);
    },
    set: async (key, value, ttlMs) => {
      entries.set(key, encodeEntry(key, value, ttlMs !== undefined ? Date.now() + ttlMs : undefined));
    },
    delete: async (key) => {
      entries.delete(key);
    },
  };
}
