import type { Diagnostic, Policy } from '@sluice/core';
import { generateGates, type GeneratedGate } from '@sluice/flux-adapter';
import { sanitizeText } from '@sluice/reporters';
import { loadConfig } from '../config.js';
import { CliError, EXIT_CODES } from '../exit-codes.js';
import { inspectRepository, type RepositoryInventory } from '../inspect-repository.js';
import type { CliContext } from '../io.js';
import type { CommandLine } from '../options.js';
import { booleanOption, stringOption } from '../options.js';
import { writeOutput } from '../output.js';
import { resolvePolicy } from '../scan-settings.js';
import { resolveGateSettings } from './gate-settings.js';
import { patchGates, wireGates, writeRepositoryFile } from './gate-write.js';

/**
 * `sluice gate`: generates the in-cluster gate (a Kustomization with `wait` and `force` holding
 * a scan Job) for the Flux objects of DIR. It prints the files (or writes them to `-o FILE`) and
 * says which Kustomizations must depend on it; with `--write` it wires itself in: the gate is
 * added to `spec.dependsOn` of every gated Kustomization in its own file (in place), the
 * repository is read again (the images file in the gate carries those `dependsOn`), then the
 * gate's files are written. A second run changes nothing.
 */
export async function runGate(commandLine: CommandLine, context: CliContext): Promise<number> {
  const { values, dir } = commandLine;
  if (booleanOption(values, 'write') && stringOption(values, 'output') !== undefined) {
    throw new CliError(
      '--write writes the gate into DIR and -o FILE writes it to one file: give one of them',
    );
  }
  if (booleanOption(values, 'patch') && !booleanOption(values, 'write')) {
    throw new CliError('--patch says how --write wires the gate in: give --write too');
  }
  const config = await loadConfig(stringOption(values, 'config'), dir, context.cwd);
  let inventory = await inspectRepository(commandLine, config, context);
  if (inventory.mode !== 'flux') {
    throw new CliError(
      `${dir}: no Flux Kustomization or HelmRelease found; the in-cluster gate gates Flux objects`,
    );
  }
  const { policy, diagnostics } = await resolvePolicy(values, config, dir, context);
  const generate = (from: RepositoryInventory): GeneratedGate[] =>
    generateGatesOf(from, diagnostics, policy, resolveGateSettings(values, config));
  let gates = generate(inventory);
  const quiet = booleanOption(values, 'quiet') === true;
  if (booleanOption(values, 'write')) {
    const wiring = await (booleanOption(values, 'patch') ? patchGates : wireGates)(
      inventory.root,
      gates,
      inventory.workloads,
    );
    if (wiring.edited.length > 0) {
      inventory = await inspectRepository(commandLine, config, context);
      gates = generate(inventory);
    }
    for (const file of gates.flatMap((gate) => gate.files)) {
      await writeRepositoryFile(inventory.root, file.path, file.content);
      context.stderr.write(`sluice: ${sanitizeText(`wrote ${file.path}`)}\n`);
    }
    if (!quiet) {
      for (const added of wiring.added)
        context.stderr.write(`sluice: ${sanitizeText(`added the gate to spec.dependsOn of ${added}`)}\n`);
      for (const reason of wiring.refused)
        context.stderr.write(`sluice: ${sanitizeText(`not edited: ${reason}`)}\n`);
    }
  } else {
    const files = gates.flatMap((gate) => gate.files);
    await writeOutput(
      files.map((file) => `# ${file.path}\n${file.content}`).join('---\n'),
      stringOption(values, 'output'),
      context,
    );
  }
  if (!quiet) {
    // Object names and paths come from the repository: shown through sanitizeText.
    for (const gate of gates) {
      const prefix = gates.length > 1 && gate.cluster !== undefined ? `${gate.cluster}: ` : '';
      for (const note of gate.notes) context.stderr.write(`sluice: ${sanitizeText(`${prefix}${note}`)}\n`);
      for (const patch of gate.patches.filter((item) => !item.satisfied)) {
        context.stderr.write(
          `sluice: ${sanitizeText(`${patch.target} (${patch.file}:${patch.line}) must depend on the gate: dependsOn ${JSON.stringify(patch.dependsOn)}`)}\n`,
        );
      }
    }
  }
  return EXIT_CODES.PASS;
}

function generateGatesOf(
  inventory: RepositoryInventory,
  diagnostics: readonly Diagnostic[],
  policy: Policy,
  settings: ReturnType<typeof resolveGateSettings>,
): GeneratedGate[] {
  // The images file in the gate carries what `sluice scan DIR` would report, policy diagnostics
  // included. One gate per cluster: a gate runs in one cluster and gates that cluster's Kustomizations.
  return generateGates({
    workloads: inventory.workloads,
    images: inventory.images,
    diagnostics: [...inventory.diagnostics, ...diagnostics],
    policy,
    ...settings,
  });
}
