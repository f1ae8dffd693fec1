import { createImagesFile, normalizeRelative, serializeImagesFile } from '@sluice/flux-adapter';
import { listOption, stringOption } from '../options.js';
import type { CommandLine } from '../options.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { CliContext } from '../io.js';
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
    target?.name === 'json'
      ? serializeImagesFile(
          createImagesFile(inventory, { mode: inventory.mode, ...clusterOption(commandLine) }),
        )
      : renderImagesTable(inventory);
  await writeOutput(text, target?.file ?? stringOption(commandLine.values, 'output'), context);
  return EXIT_CODES.PASS;
}

function clusterOption(commandLine: CommandLine): { cluster?: string } {
  const cluster = stringOption(commandLine.values, 'cluster');
  return cluster === undefined ? {} : { cluster: normalizeRelative(cluster) ?? cluster };
}
