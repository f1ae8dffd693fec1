import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { decode } from '../read-text-file.js';

/** The largest policy file read (`.trivyignore`, `.trivyignore.yaml`, `sluice.config.*`): 1 MiB. */
export const MAX_POLICY_FILE_SIZE = 1024 * 1024;

/** A policy file's text, that it does not exist, or why it was refused. */
export type PolicyFileResult =
  | { readonly status: 'read'; readonly text: string }
  | { readonly status: 'missing' }
  | {
      readonly status: 'refused';
      /** `symlink`, `not-regular` (FIFO, device, socket, folder), `too-large`, `outside`, `unreadable`, `not-text`. */
      readonly reason: 'symlink' | 'not-regular' | 'too-large' | 'outside' | 'unreadable' | 'not-text';
      readonly message: string;
    };

/** Options of {@link readRepositoryPolicyFile}. */
export interface ReadPolicyFileOptions {
  /** Larger files are refused. @default MAX_POLICY_FILE_SIZE (1 MiB) */
  readonly maxBytes?: number;
}

// O_NONBLOCK: a FIFO swapped in after the type check must not block the open. O_NOFOLLOW: nor a
// symlink swapped in (the open fails with ELOOP). Both are 0 where the platform lacks them.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a policy file that belongs to the scanned repository (a `.trivyignore` or a
 * `sluice.config.yaml` found there, or one named inside it) under the rule of Flux's source
 * artifact: source-controller keeps only regular files and drops every symlink, so a policy file
 * is read only when it is a regular file inside the repository, reached through no symbolic
 * link, at most `maxBytes` long and UTF-8 text. Anything else is `refused` with a message that
 * names the file and says why; it is never followed, opened blocking (a FIFO or `/dev/kmsg`
 * would hang the scan) or read past the cap. A missing file is `missing`.
 *
 * @param root The repository folder (it may itself be reached through a symlink).
 * @param path The file, relative to `root` or absolute below it.
 * @example
 * ```ts
 * const result = await readRepositoryPolicyFile('/checkout', '.trivyignore');
 * if (result.status === 'read') parseTrivyIgnore(result.text, '.trivyignore');
 * else if (result.status === 'refused') console.error(result.message);
 * ```
 */
export async function readRepositoryPolicyFile(
  root: string,
  path: string,
  options: ReadPolicyFileOptions = {},
): Promise<PolicyFileResult> {
  const maxBytes = options.maxBytes ?? MAX_POLICY_FILE_SIZE;
  const base = resolve(root);
  const inside = relative(base, resolve(base, path));
  const display = inside.split(sep).join('/');
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    return refused('outside', `${path} is not a file inside the repository; not read`);
  }
  // Every step from the root down is checked without following links.
  const parts = inside.split(sep);
  for (let index = 0; index < parts.length; index += 1) {
    const step = join(base, ...parts.slice(0, index + 1));
    const shown = parts.slice(0, index + 1).join('/');
    let info;
    try {
      info = await lstat(step);
    } catch (error) {
      // ENOTDIR: the repository "folder" is a file; whoever asked for it says so.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
      return refused('unreadable', `cannot read ${display}: ${(error as Error).message}`);
    }
    if (info.isSymbolicLink()) {
      return refused(
        'symlink',
        `${shown} is a symbolic link; a policy file of the repository is read only as a regular file inside it (Flux's source artifact drops every symlink), so ${display} is not read`,
      );
    }
    const last = index === parts.length - 1;
    if (!last && !info.isDirectory()) return { status: 'missing' };
    if (last && !info.isFile()) {
      return refused('not-regular', `${display} is ${describeType(info)}, not a regular file; not read`);
    }
    if (last && info.size > maxBytes) return tooLarge(display, info.size, maxBytes);
  }
  return readOpened(join(base, inside), display, maxBytes);
}

async function readOpened(file: string, display: string, maxBytes: number): Promise<PolicyFileResult> {
  let handle: FileHandle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return refused('symlink', `${display} became a symbolic link while read; not read`);
    return refused('unreadable', `cannot read ${display}: ${(error as Error).message}`);
  }
  try {
    // The file opened may not be the one checked (swapped in between): check it again.
    const info = await handle.stat();
    if (!info.isFile())
      return refused('not-regular', `${display} is ${describeType(info)}, not a regular file; not read`);
    if (info.size > maxBytes) return tooLarge(display, info.size, maxBytes);
    // Read at most one byte past the cap: a file that grows while read is still refused.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) return tooLarge(display, length, maxBytes);
    }
    const decoded = decode(buffer.subarray(0, length), display);
    if (!decoded.ok) return refused('not-text', decoded.diagnostic.message);
    return { status: 'read', text: decoded.text };
  } catch (error) {
    return refused('unreadable', `cannot read ${display}: ${(error as Error).message}`);
  } finally {
    await handle.close();
  }
}

function describeType(info: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  isDirectory(): boolean;
}): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a folder';
  return 'a special file';
}

function tooLarge(display: string, size: number, maxBytes: number): PolicyFileResult {
  return refused(
    'too-large',
    `${display} is ${size} bytes or more, past the limit of ${maxBytes} for a policy file; not read`,
  );
}

function refused(
  reason: Extract<PolicyFileResult, { status: 'refused' }>['reason'],
  message: string,
): PolicyFileResult {
  return { status: 'refused', reason, message };
}
