import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SluiceError } from '@sluice/core';
import { BUILTIN_REPORTER_NAMES, createBuiltinReporter, isBuiltinReporterName } from './builtin-reporters.js';
import { REPORTER_ERROR_CODES } from './error-codes.js';
import { findPackageEntry, reporterPackageNames } from './package-entry.js';
import { isReporter } from './reporter.js';
import type { Reporter } from './reporter.js';

/** Options a reporter is configured with (validated by the reporter). */
export type ReporterOptions = Readonly<Record<string, unknown>>;

/**
 * How a reporter is configured: a built-in name (`'sarif'`), a path (`'./my-reporter.js'`), a
 * package name (`'csv'` loads `csv` or `sluice-reporter-csv`), a reporter object, or any name
 * with options (`['sarif', { category: 'prod' }]`).
 */
export type ReporterConfig = string | Reporter | readonly [name: string, options?: ReporterOptions];

/** Options of {@link resolveReporter}. */
export interface ResolveReporterOptions {
  /**
   * Where relative paths and packages are resolved from.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/** A string that names a file rather than a package: relative, absolute, or ending in a JS extension. */
function isPathLike(name: string): boolean {
  return (
    name.startsWith('./') ||
    name.startsWith('../') ||
    name.startsWith('.\\') ||
    name.startsWith('..\\') ||
    isAbsolute(name) ||
    /\.(?:m|c)?[jt]s$/.test(name)
  );
}

const TYPESCRIPT = /\.(?:m|c)?tsx?$/;

/**
 * Node 20 cannot load TypeScript, and its error ("Unknown file extension") does not say what to
 * do. Reporters are JavaScript modules: this says so, and how to get one.
 */
function refuseTypeScript(file: string, name: string): void {
  if (!TYPESCRIPT.test(file)) return;
  throw new SluiceError(
    REPORTER_ERROR_CODES.typescript,
    `Reporter "${name}" is TypeScript (${file}), which Node cannot load: reporters are JavaScript modules ` +
      '(.js or .mjs, or .cjs). Compile it first, for example `npx tsc --module nodenext --target es2022 ' +
      `${name}\` or \`npx esbuild ${name} --format=esm --outfile=reporter.mjs\`, and pass the JavaScript file.`,
  );
}

async function importModule(file: string, name: string): Promise<unknown> {
  try {
    return (await import(pathToFileURL(file).href)) as unknown;
  } catch (error) {
    throw new SluiceError(
      REPORTER_ERROR_CODES.loadFailed,
      `Cannot load reporter "${name}" from ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

async function fromModule(
  module: unknown,
  name: string,
  file: string,
  options: ReporterOptions,
): Promise<Reporter> {
  const exported = (module as { default?: unknown }).default ?? module;
  const value: unknown =
    typeof exported === 'function' ? await (exported as (o: unknown) => unknown)(options) : exported;
  if (isReporter(value)) return value;
  throw new SluiceError(
    REPORTER_ERROR_CODES.invalid,
    `The module of reporter "${name}" (${file}) must export by default a reporter (an object with a name and a render function) or a function that returns one.`,
  );
}

/**
 * Turns a reporter configuration into a reporter: a built-in by name, a file by path (relative
 * to `cwd`), or an installed package (`<name>`, then `sluice-reporter-<name>`). A module must
 * export by default a reporter object or a factory that takes the options and returns one. It
 * is JavaScript (`.js`, `.mjs`, `.cjs`): a TypeScript file is refused with a message that says
 * how to compile it.
 *
 * @throws SluiceError `SLUICE_REPORTER_NOT_FOUND` listing everything tried, or
 *   `SLUICE_REPORTER_LOAD_FAILED` / `SLUICE_REPORTER_INVALID` / `SLUICE_REPORTER_INVALID_OPTIONS` /
 *   `SLUICE_REPORTER_TYPESCRIPT`.
 *
 * @example
 * ```ts
 * const reporters = await Promise.all(
 *   ['table', ['sarif', { category: 'prod' }], './reporters/slack.js'].map((config) =>
 *     resolveReporter(config, { cwd: process.cwd() }),
 *   ),
 * );
 * ```
 */
export async function resolveReporter(
  config: ReporterConfig,
  options: ResolveReporterOptions = {},
): Promise<Reporter> {
  if (typeof config === 'object' && !Array.isArray(config)) {
    if (isReporter(config)) return config;
    throw new SluiceError(
      REPORTER_ERROR_CODES.invalid,
      'A reporter object needs a string name and a render function.',
    );
  }
  const [name, reporterOptions = {}] =
    typeof config === 'string' ? [config, {}] : (config as readonly [string, ReporterOptions?]);
  if (typeof name !== 'string' || name === '') {
    throw new SluiceError(REPORTER_ERROR_CODES.notFound, 'A reporter name must be a non-empty string.');
  }
  const cwd = options.cwd ?? process.cwd();
  if (isBuiltinReporterName(name)) return createBuiltinReporter(name, reporterOptions);

  const tried = [`a built-in reporter (${BUILTIN_REPORTER_NAMES.join(', ')})`];
  if (isPathLike(name)) {
    const file = resolve(cwd, name);
    if (!existsSync(file)) {
      tried.push(`the file ${file} (does not exist)`);
      throw notFound(name, tried);
    }
    refuseTypeScript(file, name);
    return fromModule(await importModule(file, name), name, file, reporterOptions);
  }
  let searched: readonly string[] = [];
  for (const packageName of reporterPackageNames(name)) {
    const lookup = findPackageEntry(packageName, cwd);
    searched = lookup.searched;
    if (lookup.entry !== undefined) {
      refuseTypeScript(lookup.entry, name);
      return fromModule(await importModule(lookup.entry, name), name, lookup.entry, reporterOptions);
    }
    tried.push(`the package "${packageName}" (not installed)`);
  }
  throw notFound(name, tried, searched);
}

function notFound(name: string, tried: readonly string[], searched: readonly string[] = []): SluiceError {
  const where = searched.length > 0 ? ` Searched ${searched.join(', ')}.` : '';
  return new SluiceError(
    REPORTER_ERROR_CODES.notFound,
    `Cannot find reporter "${name}". Tried ${tried.join('; ')}.${where} Paths must start with ./ or ../ or be absolute.`,
  );
}
