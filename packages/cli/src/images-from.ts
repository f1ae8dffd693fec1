import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { isSluiceError } from '@sluice/core';
import { parseImagesFile, toRepositoryModel } from '@sluice/flux-adapter';
import { CliError } from './exit-codes.js';
import type { RepositoryInventory } from './inspect-repository.js';
import type { CliContext } from './io.js';

/**
 * The inventory of `sluice scan --images-from FILE`: the repository model serialised in an
 * images file (by `sluice images --format json`, or in the in-cluster gate's ConfigMap) instead
 * of a folder read again. The scan then decides exactly as it would on the folder.
 */
export async function readImagesFrom(file: string, context: CliContext): Promise<RepositoryInventory> {
  const path = resolve(context.cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
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
