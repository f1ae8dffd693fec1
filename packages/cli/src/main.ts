import type { CommandLine } from './options.js';
import { EXIT_CODES } from './exit-codes.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import type { CliContext } from './io.js';
import { parseCommandLine } from './options.js';
import { SLUICE_VERSION } from './version.js';

/**
 * Runs `sluice` with the given arguments and returns the exit code. Everything the command
 * prints goes through `context`: results to stdout, progress and errors to stderr, each through
 * a guard that neutralises GitHub workflow commands (`guardWorkflowCommands`), whatever a
 * reporter or a message quotes.
 */
export async function main(argv: readonly string[], given: CliContext): Promise<number> {
  // `--version` and `--help` print Sluice's own fixed text (no workflow command to guard) and load
  // nothing else: start-up pays only for this module. The command, with the SDK, the output
  // guard and the error reporting, is loaded when one runs.
  let commandLine: CommandLine | undefined;
  let parseError: unknown;
  try {
    commandLine = parseCommandLine(argv);
  } catch (error) {
    parseError = error;
  }
  if (commandLine?.values.version) {
    given.stdout.write(`sluice ${SLUICE_VERSION}\n`);
    return EXIT_CODES.PASS;
  }
  if (commandLine === undefined) return (await import('./run-command.js')).reportError(parseError, given);
  if (commandLine.values.help || commandLine.command === undefined) {
    given.stdout.write(commandLine.command ? renderCommandHelp(commandLine.command) : renderMainHelp());
    return commandLine.values.help ? EXIT_CODES.PASS : EXIT_CODES.USAGE;
  }
  return (await import('./run-command.js')).runCommand(commandLine.command, commandLine, given);
}
