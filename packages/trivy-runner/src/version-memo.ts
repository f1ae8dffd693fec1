import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomic } from '@sluice/core';
import { TrivyDbMetadata } from './trivy-report.js';

// A warm run should not need to start Trivy at all. Two facts make that safe:
// - `trivy version` prints the version compiled into the binary: it changes only when the file
//   changes, so it is remembered per binary (path, size, modification time);
// - the DB version it prints is read from `<cache-dir>/db/metadata.json` (trivy-db's
//   pkg/metadata; Trivy's showVersion reads exactly that file), which the runner can read too.
// Whenever either is not available, the runner asks `trivy version --format json` instead.

type Env = Readonly<Record<string, string | undefined>>;

/** The path of an executable: `command` itself when it contains a path separator, else the first match on PATH. */
export async function locateExecutable(command: string, env: Env = process.env): Promise<string | undefined> {
  const candidates =
    command.includes('/') || command.includes('\\')
      ? [resolve(command)]
      : (env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .flatMap((dir) =>
            process.platform === 'win32'
              ? (env.PATHEXT ?? '.EXE;.CMD;.BAT')
                  .split(';')
                  .map((ext) => join(dir, `${command}${ext.toLowerCase()}`))
              : [join(dir, command)],
          );
  for (const candidate of candidates) {
    try {
      await access(candidate, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
      if ((await stat(candidate)).isFile()) return isAbsolute(candidate) ? candidate : resolve(candidate);
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * Trivy's cache directory when `--cache-dir` is not given: `TRIVY_CACHE_DIR`, else Go's
 * `os.UserCacheDir()/trivy` (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on
 * macOS, `%LocalAppData%` on Windows).
 */
export function trivyCacheDirectory(explicit: string | undefined, env: Env): string {
  if (explicit !== undefined) return explicit;
  const fromEnv = env.TRIVY_CACHE_DIR ?? process.env.TRIVY_CACHE_DIR;
  if (fromEnv) return fromEnv;
  if (process.platform === 'win32' && process.env.LOCALAPPDATA)
    return join(process.env.LOCALAPPDATA, 'trivy');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'trivy');
  const xdg = env.XDG_CACHE_HOME ?? process.env.XDG_CACHE_HOME;
  return join(xdg || join(homedir(), '.cache'), 'trivy');
}

/** The vulnerability DB metadata in a Trivy cache dir, or undefined when absent or unreadable. */
export async function readDbMetadata(cacheDir: string): Promise<TrivyDbMetadata | undefined> {
  try {
    const parsed = TrivyDbMetadata.safeParse(
      JSON.parse(await readFile(join(cacheDir, 'db', 'metadata.json'), 'utf8')),
    );
    // Trivy itself ignores metadata without an update time (showVersion checks the same).
    return parsed.success && parsed.data.UpdatedAt && parsed.data.NextUpdate ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const memory = new Map<string, string>();

async function binaryKey(binary: string): Promise<string | undefined> {
  try {
    const info = await stat(binary);
    return createHash('sha256').update(`${binary}\0${info.size}\0${info.mtimeMs}\0${info.ino}`).digest('hex');
  } catch {
    return undefined;
  }
}

/** The remembered `trivy version` of a binary, from this process or from `memoDir`. */
export async function recallTrivyVersion(
  binary: string,
  memoDir: string | undefined,
): Promise<string | undefined> {
  const key = await binaryKey(binary);
  if (key === undefined) return undefined;
  const known = memory.get(key);
  if (known !== undefined || memoDir === undefined) return known;
  try {
    const stored = JSON.parse(await readFile(join(memoDir, `${key}.json`), 'utf8')) as {
      key?: string;
      version?: unknown;
    };
    if (stored.key !== key || typeof stored.version !== 'string') return undefined;
    memory.set(key, stored.version);
    return stored.version;
  } catch {
    return undefined;
  }
}

/** Remembers the version of a binary in this process and, atomically, in `memoDir`. */
export async function rememberTrivyVersion(
  binary: string,
  version: string,
  memoDir: string | undefined,
): Promise<void> {
  const key = await binaryKey(binary);
  if (key === undefined) return;
  memory.set(key, version);
  if (memoDir === undefined) return;
  try {
    await writeFileAtomic(join(memoDir, `${key}.json`), JSON.stringify({ key, binary, version }), {
      createFolder: true,
    });
  } catch {
    // A memo that cannot be written only costs a `trivy version` next time.
  }
}
