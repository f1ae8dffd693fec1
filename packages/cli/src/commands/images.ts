import { listOption, stringOption } from '../options.js';
import type { CommandLine } from '../options.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { CliContext } from '../io.js';
import { inspectRepository, parseSourceMappings } from '../inspect-repository.js';
import type { RepositoryInventory } from '../inspect-repository.js';
import { parseFormatTargets, writeOutput } from '../output.js';
import { loadConfig } from '../config.js';
import { renderImagesTable } from './images-table.js';

/** `sluice images`: the unique images and where each is written. */
export async function runImages(commandLine: CommandLine, context: CliContext): Promise<number> {
  const [target] = parseFormatTargets(listOption(commandLine.values, 'format'), ['table', 'json'], 'table');
  const config = await loadConfig(stringOption(commandLine.values, 'config'), commandLine.dir, context.cwd);
  const inventory = await inspectRepository(
    commandLine.dir,
    {
      sources: parseSourceMappings(listOption(commandLine.values, 'source'), config.sources),
      ignore: [...(config.ignore ?? []), ...listOption(commandLine.values, 'ignore')],
    },
    context,
  );
  const text = target?.name === 'json' ? `${JSON.stringify(toImagesJson(inventory), null, 2)}\n` : renderImagesTable(inventory);
  await writeOutput(text, target?.file ?? stringOption(commandLine.values, 'output'), context);
  return EXIT_CODES.PASS;
}

/** The JSON of `sluice images`: images with locations, Flux objects in Flux mode, diagnostics. */
export function toImagesJson(inventory: RepositoryInventory): object {
  return {
    mode: inventory.mode,
    images: inventory.images,
    ...(inventory.mode === 'flux'
      ? {
          objects: inventory.workloads.map((workload) => ({
            id: workload.id,
            file: workload.file,
            line: workload.line,
            method: workload.method,
            ...(workload.unresolvedReason ? { unresolvedReason: workload.unresolvedReason } : {}),
            images: workload.images.map((image) => image.ref),
          })),
        }
      : {}),
    diagnostics: inventory.diagnostics,
  };
}
