import { resolve } from 'node:path';
import { writeFileAtomic } from '@sluice/core/files';
import { CliError } from './exit-codes.js';
import type { CliContext } from './io.js';

/** One `--format NAME[=FILE]`: a format name and, optionally, the file it goes to. */
export interface FormatTarget {
  readonly name: string;
  /** Absent: stdout. */
  readonly file?: string;
}

/** Parses `--format` values, checking each name against the formats the command offers. */
export function parseFormatTargets(
  values: readonly string[],
  allowed: readonly string[],
  fallback: string,
): FormatTarget[] {
  const targets = values.length === 0 ? [fallback] : values;
  const parsed = targets.map((value): FormatTarget => {
    const separator = value.indexOf('=');
    const name = separator === -1 ? value : value.slice(0, separator);
    const file = separator === -1 ? undefined : value.slice(separator + 1);
    if (!allowed.includes(name)) {
      throw new CliError(`unknown format "${name}": expected one of ${allowed.join(', ')}`);
    }
    if (file === '') throw new CliError(`--format ${name}=: expected a file name after "="`);
    return file === undefined ? { name } : { name, file };
  });
  const toStdout = parsed.filter((target) => target.file === undefined);
  if (toStdout.length > 1) {
    throw new CliError(
      `only one format can go to stdout; give the others a file: --format ${toStdout[1]?.name}=FILE`,
    );
  }
  return parsed;
}

/**
 * Writes one output: to stdout, or atomically to a file relative to the working directory,
 * creating its folder (core's `writeFileAtomic`: a temporary file in the same folder, flushed,
 * then renamed; a full disk leaves no partial file behind).
 */
export async function writeOutput(
  content: string | Uint8Array,
  file: string | undefined,
  context: CliContext,
): Promise<void> {
  if (file === undefined) {
    context.stdout.write(typeof content === 'string' ? content : Buffer.from(content).toString('utf8'));
    return;
  }
  try {
    await writeFileAtomic(resolve(context.cwd, file), content, { createFolder: true });
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${(error as Error).message}`, undefined, { cause: error });
  }
}
