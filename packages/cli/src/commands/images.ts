import { listOption, stringOption } from '../options.js';
import type { CommandLine } from '../options.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { CliContext } from '../io.js';
import type { RepositoryInventory } from '../inspect-repository.js';
import { inspectRepository } from '../inspect-repository.js';
import { parseFormatTargets, writeOutput } from '../output.js';
import { loadConfig } from '../config.js';
import { renderImagesTable } from './images-table.js';

/**
 * `sluice images`: the unique images and where each is written; `--format json` writes the
 * images file (`version: 1`) that `sluice scan --images-from` reads.
 */
export async function runImages(commandLine: CommandLine, context: CliContext): Promise<number> {
  const [target] = parseFormatTargets(listOption(commandLine.values, 'format'), ['table', 'json'], 'table');
  const config = await loadConfig(stringOption(commandLine.values, 'config'), commandLine.dir, context.cwd);
  const inventory = await inspectRepository(commandLine, config, context);
  const text =
    target?.name === 'json' ? await renderImagesFile(inventory, commandLine) : renderImagesTable(inventory);
  await writeOutput(text, target?.file ?? stringOption(commandLine.values, 'output'), context);
  return EXIT_CODES.PASS;
}

/**
 * The images file (`--format json`); its writer is loaded only then, without the rest of the
 * Flux adapter (a plain run never loads it; a `--cluster` run has loaded it already).
 */
async function renderImagesFile(inventory: RepositoryInventory, commandLine: CommandLine): Promise<string> {
  const { createImagesFile, serializeImagesFile } = await import('@sluice/flux-adapter/images-file');
  const given = stringOption(commandLine.values, 'cluster');
  const cluster =
    given === undefined
      ? undefined
      : ((await import('@sluice/flux-adapter')).normalizeRelative(given) ?? given);
  return serializeImagesFile(
    createImagesFile(inventory, { mode: inventory.mode, ...(cluster === undefined ? {} : { cluster }) }),
  );
}
