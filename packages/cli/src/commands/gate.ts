import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { generateGates } from '@sluice/flux-adapter';
import { sanitizeText } from '@sluice/reporters';
import { loadConfig } from '../config.js';
import { CliError, EXIT_CODES } from '../exit-codes.js';
import { inspectRepository } from '../inspect-repository.js';
import type { CliContext } from '../io.js';
import type { CommandLine } from '../options.js';
import { booleanOption, stringOption } from '../options.js';
import { resolvePolicy } from '../scan-settings.js';
import { resolveGateSettings } from './gate-settings.js';

/**
 * `sluice gate`: generates the in-cluster gate (a Kustomization with `wait` and `force` holding
 * a scan Job) for the Flux objects of DIR, and says which Kustomizations must depend on it.
 */
export async function runGate(commandLine: CommandLine, context: CliContext): Promise<number> {
  const { values, dir } = commandLine;
  const config = await loadConfig(stringOption(values, 'config'), dir, context.cwd);
  const inventory = await inspectRepository(commandLine, config, context);
  if (inventory.mode !== 'flux') {
    throw new CliError(
      `${dir}: no Flux Kustomization or HelmRelease found; the in-cluster gate gates Flux objects`,
    );
  }
  const { policy, diagnostics } = await resolvePolicy(values, config, dir, context);
  // The images file in the gate carries what `sluice scan DIR` would report, policy diagnostics
  // included. One gate per cluster: a gate runs in one cluster and gates that cluster's Kustomizations.
  const gates = generateGates({
    workloads: inventory.workloads,
    images: inventory.images,
    diagnostics: [...inventory.diagnostics, ...diagnostics],
    policy,
    ...resolveGateSettings(values, config),
  });
  const files = gates.flatMap((gate) => gate.files);
  if (booleanOption(values, 'write')) {
    for (const file of files) {
      const path = resolve(inventory.root, file.path);
      if (relative(inventory.root, path).split(sep)[0] === '..')
        throw new CliError(`${file.path}: outside ${dir}`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
      context.stderr.write(`sluice: wrote ${file.path}\n`);
    }
  } else {
    context.stdout.write(files.map((file) => `# ${file.path}\n${file.content}`).join('---\n'));
  }
  const quiet = booleanOption(values, 'quiet') === true;
  if (!quiet) {
    // Object names and paths come from the repository: shown through sanitizeText.
    for (const gate of gates) {
      const prefix = gates.length > 1 && gate.cluster !== undefined ? `${gate.cluster}: ` : '';
      for (const note of gate.notes) context.stderr.write(`sluice: ${sanitizeText(`${prefix}${note}`)}\n`);
      for (const patch of gate.patches) {
        context.stderr.write(
          `sluice: ${sanitizeText(`${patch.target} (${patch.file}:${patch.line}) must depend on the gate: dependsOn ${JSON.stringify(patch.dependsOn)}`)}\n`,
        );
      }
    }
  }
  return EXIT_CODES.PASS;
}
