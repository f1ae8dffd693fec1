import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Create the file's folder (and its parents) when missing. @default false */
  readonly createFolder?: boolean;
  /** Permissions of a new file. @default 0o644 (less the umask) */
  readonly mode?: number;
}

/**
 * Writes a file so that readers see the old content or the whole new one, never a part, and a
 * failure leaves nothing behind: the content goes to a new temporary file in the same folder
 * (`.<name>.<pid>.<random>.tmp`, created exclusively), is flushed to disk (`fsync`), then renamed
 * over the target. When anything fails (a full disk, ENOSPC; a read-only folder; a target that
 * is a folder) the temporary file is removed and the error is thrown; the target is untouched.
 *
 * @example
 * ```ts
 * await writeFileAtomic('reports/sluice.sarif', sarifText, { createFolder: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const folder = dirname(path);
  if (options.createFolder) await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
