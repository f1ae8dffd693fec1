import { isSluiceError } from '@sluice/core';
import { sanitizeText } from '@sluice/reporters';
import { runGate } from './commands/gate.js';
import { runGraph } from './commands/graph.js';
import { runImages } from './commands/images.js';
import { runScan } from './commands/scan.js';
import { CliError, EXIT_CODES } from './exit-codes.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import type { CliContext } from './io.js';
import { guardWorkflowCommands } from './io.js';
import { parseCommandLine } from './options.js';
import { SLUICE_VERSION } from './version.js';

/**
 * Runs `sluice` with the given arguments and returns the exit code. Everything the command
 * prints goes through `context`: results to stdout, progress and errors to stderr, each through
 * a guard that neutralises GitHub workflow commands (`guardWorkflowCommands`), whatever a
 * reporter or a message quotes.
 */
export async function main(argv: readonly string[], given: CliContext): Promise<number> {
  const context: CliContext = {
    ...given,
    stdout: guardWorkflowCommands(given.stdout),
    stderr: guardWorkflowCommands(given.stderr),
  };
  try {
    const commandLine = parseCommandLine(argv);
    if (commandLine.values.version) {
      context.stdout.write(`sluice ${SLUICE_VERSION}\n`);
      return EXIT_CODES.PASS;
    }
    if (commandLine.values.help || commandLine.command === undefined) {
      context.stdout.write(commandLine.command ? renderCommandHelp(commandLine.command) : renderMainHelp());
      return commandLine.values.help ? EXIT_CODES.PASS : EXIT_CODES.USAGE;
    }
    switch (commandLine.command) {
      case 'images':
        return await runImages(commandLine, context);
      case 'graph':
        return await runGraph(commandLine, context);
      case 'gate':
        return await runGate(commandLine, context);
      case 'scan':
        return await runScan(commandLine, context);
    }
  } catch (error) {
    return reportError(error, context);
  }
}

function reportError(error: unknown, context: CliContext): number {
  if (error instanceof CliError) {
    context.stderr.write(`sluice: ${sanitizeText(error.message, { multiline: true })}\n`);
    return error.exitCode;
  }
  if (isSluiceError(error)) {
    context.stderr.write(`sluice: ${sanitizeText(error.message, { multiline: true })} (${error.code})\n`);
    return EXIT_CODES.USAGE;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  context.stderr.write(`sluice: internal error: ${sanitizeText(message, { multiline: true })}\n`);
  return EXIT_CODES.USAGE;
}
