import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Sluice's cache directory (scan results, charts): `$XDG_CACHE_HOME/sluice`, else the
 * platform's user cache directory (`~/.cache/sluice`, `~/Library/Caches/sluice`,
 * `%LOCALAPPDATA%\\sluice`).
 */
export function defaultCacheDirectory(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'sluice');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'sluice');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'sluice');
  return join(homedir(), '.cache', 'sluice');
}
