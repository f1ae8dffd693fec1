// Trivy's fs scan cache is a BoltDB file (<cache-dir>/fanal/fanal.db) opened with an exclusive
// flock and a hardcoded 5 s timeout (pkg/cache/fs.go): a second process on the same cache dir
// waits, then fails with "cache may be in use by another process: timeout". The stand-in
// models the flock with an exclusively created lock file holding the owner's pid; a lock whose
// owner is gone counts as free, as a flock dies with its process.
import { mkdirSync, openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

function ownerAlive(path) {
  let pid;
  try {
    pid = Number(readFileSync(path, 'utf8'));
  } catch {
    return true; // being written right now: treat as held
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Takes the fs-cache lock of a cache dir, waiting up to `timeoutMs`. Resolves to a release
 * function, or to undefined on timeout.
 */
export async function acquireCacheLock(cacheDir, timeoutMs) {
  const dir = join(cacheDir, 'fanal');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'fanal.db.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (!ownerAlive(path)) {
        try {
          unlinkSync(path);
        } catch {
          // another waiter removed it first
        }
        continue;
      }
    }
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
