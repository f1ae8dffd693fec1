import { isSluiceError } from '@sluice/core/files';
import { sanitizeText } from '@sluice/reporters/sanitize-text';
import { CliError, EXIT_CODES } from './exit-codes.js';
import type { CliContext } from './io.js';
import { guardWorkflowCommands } from './io.js';
import type { CommandLine, CommandName } from './options.js';
import { locateRepository } from './locate-repository.js';

/** Prints through `given` with every write guarded (`guardWorkflowCommands`). */
function guardContext(given: CliContext): CliContext {
  return {
    ...given,
    stdout: guardWorkflowCommands(given.stdout),
    stderr: guardWorkflowCommands(given.stderr),
  };
}

/**
 * Runs the command of a parsed command line and returns the exit code; an error becomes a
 * message on stderr and its exit code ({@link reportError}).
 */
export async function runCommand(
  command: CommandName,
  given: CommandLine,
  givenContext: CliContext,
): Promise<number> {
  const context = guardContext(givenContext);
  try {
    // `sluice scan clusters/production` reads the repository around the cluster folder.
    const commandLine = await locateRepository(given, context);
    // Each command is loaded when it runs, with only what it uses: start-up pays for one.
    switch (command) {
      case 'images':
        return await (await import('./commands/images.js')).runImages(commandLine, context);
      case 'graph':
        return await (await import('./commands/graph.js')).runGraph(commandLine, context);
      case 'gate':
        return await (await import('./commands/gate.js')).runGate(commandLine, context);
      case 'scan':
        return await (await import('./commands/scan.js')).runScan(commandLine, context);
    }
  } catch (error) {
    return printError(error, context);
  }
}

/**
 * Prints an error on the (guarded) stderr of `given` and returns its exit code: a `CliError`'s
 * own, {@link EXIT_CODES.USAGE} for an SDK error (with its code) and for an unexpected one (with
 * its stack).
 */
export function reportError(error: unknown, given: CliContext): number {
  return printError(error, guardContext(given));
}

function printError(error: unknown, { stderr }: CliContext): number {
  if (error instanceof CliError) {
    stderr.write(`sluice: ${sanitizeText(error.message, { multiline: true })}\n`);
    return error.exitCode;
  }
  if (isSluiceError(error)) {
    stderr.write(`sluice: ${sanitizeText(error.message, { multiline: true })} (${error.code})\n`);
    return EXIT_CODES.USAGE;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`sluice: internal error: ${sanitizeText(message, { multiline: true })}\n`);
  return EXIT_CODES.USAGE;
}
