import { SluiceError } from '@sluice/core';
import * as z from 'zod';
import { REPORTER_ERROR_CODES } from './error-codes.js';
import { graphReporter } from './graph-reporter.js';
import { jsonReporter } from './json-reporter.js';
import { junitReporter } from './junit-reporter.js';
import { markdownReporter } from './markdown-reporter.js';
import type { Reporter } from './reporter.js';
import { sarifReporter } from './sarif-reporter.js';
import { tableReporter } from './table-reporter.js';

// Options of built-ins come from config files (an edge), so they are validated here.
const positiveInt = z.number().int().positive();
const BUILTINS = {
  markdown: {
    options: z.strictObject({
      maxLength: positiveInt.optional(),
      title: z.string().min(1).optional(),
      detailsUrl: z.url({ protocol: /^https?$/ }).optional(),
      graph: z.boolean().optional(),
    }),
    create: markdownReporter,
  },
  sarif: {
    options: z.strictObject({
      category: z.string().min(1).optional(),
      uriBaseId: z.string().min(1).optional(),
      srcRoot: z.string().min(1).optional(),
      maxResults: positiveInt.optional(),
      maxGzipBytes: positiveInt.optional(),
      includeSuppressed: z.boolean().optional(),
      informationUri: z.url().optional(),
      indent: z.number().int().min(0).max(10).optional(),
    }),
    create: sarifReporter,
  },
  graph: {
    options: z.strictObject({
      format: z.enum(['mermaid', 'dot']).optional(),
      direction: z.enum(['LR', 'TB']).optional(),
    }),
    create: graphReporter,
  },
  json: {
    options: z.strictObject({ indent: z.number().int().min(0).max(10).optional() }),
    create: jsonReporter,
  },
  junit: {
    options: z.strictObject({
      dialect: z.enum(['extended', 'junit-10', 'ant']).optional(),
      name: z.string().min(1).optional(),
      findingsInMessage: z.number().int().min(0).optional(),
    }),
    create: junitReporter,
  },
  table: {
    options: z.strictObject({
      color: z.boolean().optional(),
      width: positiveInt.optional(),
      maxFindingsPerImage: z.number().int().min(0).optional(),
    }),
    create: tableReporter,
  },
} satisfies Record<string, { options: z.ZodType; create: (options: never) => Reporter }>;

/** The names of the built-in reporters. */
export type BuiltinReporterName = keyof typeof BUILTINS;

/** The names of the built-in reporters, sorted. */
export const BUILTIN_REPORTER_NAMES = Object.keys(BUILTINS).sort() as BuiltinReporterName[];

/** Whether a name is a built-in reporter. */
export function isBuiltinReporterName(name: string): name is BuiltinReporterName {
  return Object.hasOwn(BUILTINS, name);
}

/**
 * Creates a built-in reporter from untrusted options (from a config file), or throws a
 * `SluiceError` (`SLUICE_REPORTER_INVALID_OPTIONS`) that names the bad option.
 */
export function createBuiltinReporter(name: BuiltinReporterName, options: unknown = {}): Reporter {
  const builtin = BUILTINS[name];
  const parsed = builtin.options.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`)
      .join('; ');
    throw new SluiceError(
      REPORTER_ERROR_CODES.invalidOptions,
      `Invalid options for the ${name} reporter: ${issues}`,
      {
        cause: parsed.error,
      },
    );
  }
  return (builtin.create as (options: unknown) => Reporter)(parsed.data);
}
