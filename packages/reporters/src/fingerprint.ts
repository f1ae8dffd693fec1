import { createHash } from 'node:crypto';

/**
 * A stable fingerprint of the given parts: the first 32 hex digits of a SHA-256 over their JSON
 * encoding (unambiguous whatever the parts contain).
 */
export function fingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
