export { main } from './main.js';
export type { CliContext, TextStream } from './io.js';
export { EXIT_CODES, CliError } from './exit-codes.js';
export { parseCommandLine, COMMANDS } from './options.js';
export type { CommandLine, CommandName } from './options.js';
export { SluiceConfig } from './config-schema.js';
export { loadConfig } from './config.js';
export type { SluiceProcessOptions } from './run-process.js';
export { CLOSED_PIPE_EXIT_CODE, runSluiceProcess } from './run-process.js';
