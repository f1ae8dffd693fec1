import { groupImagesByWorkload } from '@sluice/flux-adapter';
import { listOption, stringOption } from '../options.js';
import type { CommandLine } from '../options.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { CliContext } from '../io.js';
import { inspectRepository } from '../inspect-repository.js';
import type { RepositoryInventory } from '../inspect-repository.js';
import { parseFormatTargets, writeOutput } from '../output.js';
import { loadConfig } from '../config.js';
import { renderImagesTable } from './images-table.js';

/** `sluice images`: the unique images and where each is written. */
export async function runImages(commandLine: CommandLine, context: CliContext): Promise<number> {
  const [target] = parseFormatTargets(listOption(commandLine.values, 'format'), ['table', 'json'], 'table');
  const config = await loadConfig(stringOption(commandLine.values, 'config'), commandLine.dir, context.cwd);
  const inventory = await inspectRepository(commandLine, config, context);
  const text =
    target?.name === 'json'
      ? `${JSON.stringify(toImagesJson(inventory), null, 2)}\n`
      : renderImagesTable(inventory);
  await writeOutput(text, target?.file ?? stringOption(commandLine.values, 'output'), context);
  return EXIT_CODES.PASS;
}

/**
 * The JSON of `sluice images`: every image with its locations and the diagnostics; in Flux mode
 * also the images grouped per Kustomization and HelmRelease (each location naming the Flux
 * objects that deploy it).
 */
export function toImagesJson(inventory: RepositoryInventory): object {
  if (inventory.flux) return { mode: inventory.mode, ...groupImagesByWorkload(inventory.flux) };
  return { mode: inventory.mode, images: inventory.images, diagnostics: inventory.diagnostics };
}
