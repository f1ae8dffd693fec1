import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { relative, resolve } from 'node:path';
import { isSluiceError } from '@sluice/core';
import { parseImagesFile, toRepositoryModel } from '@sluice/flux-adapter';
import { CliError } from './exit-codes.js';
import type { RepositoryInventory } from './inspect-repository.js';
import type { CliContext } from './io.js';

/** The largest images file read, once decompressed: a compressed file cannot expand past it. */
const MAX_IMAGES_FILE_BYTES = 256 * 1024 * 1024;

function isGzip(bytes: Buffer): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The inventory of `sluice scan --images-from FILE`: the repository model serialised in an
 * images file (by `sluice images --format json`, or in the in-cluster gate's ConfigMap) instead
 * of a folder read again (as JSON, or gzip-compressed JSON). The scan then decides exactly as it
 * would on the folder.
 */
export async function readImagesFrom(file: string, context: CliContext): Promise<RepositoryInventory> {
  const path = resolve(context.cwd, file);
  let text: string;
  try {
    const bytes = await readFile(path);
    // The gate's ConfigMap holds a large images file gzip-compressed (images.json.gz).
    text = (isGzip(bytes) ? gunzipSync(bytes, { maxOutputLength: MAX_IMAGES_FILE_BYTES }) : bytes).toString(
      'utf8',
    );
  } catch (error) {
    throw new CliError(`--images-from ${file}: ${(error as Error).message}`, undefined, { cause: error });
  }
  try {
    const file = parseImagesFile(text, relative(context.cwd, path) || path);
    return { mode: file.mode, root: context.cwd, ...toRepositoryModel(file) };
  } catch (error) {
    if (isSluiceError(error)) throw new CliError(error.message, undefined, { cause: error });
    throw error;
  }
}
