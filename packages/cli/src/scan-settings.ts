import { extname, join, resolve } from 'node:path';
import type { Diagnostic, IgnoreRule, Policy, Severity } from '@sluice/core';
import { SEVERITIES, parsePolicyConfig, parseTrivyIgnore, parseTrivyIgnoreYaml } from '@sluice/core';
import { normalizeRegistryHost } from '@sluice/trivy-runner';
import type { TrivyRunnerOptions } from '@sluice/trivy-runner';
import type { SluiceConfig } from './config.js';
import { CliError } from './exit-codes.js';
import type { CliContext } from './io.js';
import type { OptionValues } from './options.js';
import { displayPath, existsAtAll, findPolicyFile, readNamedPolicyFile } from './policy-files.js';
import type { PolicyFileText } from './policy-files.js';
import { booleanOption, listOption, stringOption } from './options.js';

/** The ignore files looked for in the scanned folder, then the working directory, as Trivy does. */
export const DEFAULT_IGNORE_FILES = ['.trivyignore.yaml', '.trivyignore.yml', '.trivyignore'] as const;

/** Parses `--severity CRITICAL,HIGH` (Trivy's spelling: a comma-separated list). */
export function parseSeverityList(text: string): Severity[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toUpperCase())
    .filter((name) => name !== '');
  const invalid = names.filter((name) => !(SEVERITIES as readonly string[]).includes(name));
  if (names.length === 0 || invalid.length > 0) {
    throw new CliError(
      `invalid argument "${text}" for "--severity" flag: must be one of [${SEVERITIES.join(' ')}]`,
    );
  }
  return [...new Set(names as Severity[])];
}

/** Parses a Go-style duration (`90s`, `5m`, `1h30m`, `500ms`) into milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(text.trim());
  const [, hours = '0', minutes = '0', seconds = '0', milliseconds = '0'] = match ?? [];
  const total = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(milliseconds);
  if (!match || text.trim() === '' || total <= 0) {
    throw new CliError(`${option} ${text}: expected a duration such as 90s, 5m or 1h30m`);
  }
  return total;
}

/**
 * The policy of a run: the config file's policy, then the command line (`--severity`,
 * `--ignore-unfixed`, `--on-scan-error`), plus the ignores of the ignore file (`--ignorefile`,
 * else one found in `dir` or the working directory; none is looked for without a `dir`).
 */
export async function resolvePolicy(
  values: OptionValues,
  config: SluiceConfig,
  dir: string | undefined,
  context: CliContext,
): Promise<{ policy: Policy; diagnostics: Diagnostic[] }> {
  const base = parsePolicyConfig(
    {
      severity: config.severity,
      ignoreUnfixed: config.ignoreUnfixed,
      onScanError: config.onScanError,
      ignores: config.ignores,
      overrides: config.overrides,
    },
    'sluice config',
  );
  const severity = stringOption(values, 'severity');
  const onScanError = stringOption(values, 'on-scan-error');
  if (onScanError !== undefined && onScanError !== 'block' && onScanError !== 'warn') {
    throw new CliError(`--on-scan-error ${onScanError}: expected block or warn`);
  }
  const ignoreFile = await readIgnoreFile(
    stringOption(values, 'ignorefile') ?? config.ignorefile,
    dir,
    stringOption(values, 'config') !== undefined,
    context,
  );
  const policy: Policy = {
    ...base,
    ...(severity !== undefined ? { severity: parseSeverityList(severity) } : {}),
    ...(booleanOption(values, 'ignore-unfixed') ? { ignoreUnfixed: true } : {}),
    ...(onScanError !== undefined ? { onScanError } : {}),
    ignores: [...(base.ignores ?? []), ...ignoreFile.ignores],
  };
  return { policy, diagnostics: ignoreFile.diagnostics };
}

/**
 * The ignore file of a run. `--ignorefile` (or `ignorefile` in a `--config` file) names one;
 * else, without a `--config`, the first of {@link DEFAULT_IGNORE_FILES} in the scanned folder,
 * then in the working directory, as Trivy does, read under the repository's rules (a regular
 * file, no symlink, FIFO or device, at most 1 MiB; a refused file is an error diagnostic and
 * ignores nothing). With a trusted `--config`, the repository's own ignore files are not
 * applied unless named: stderr says so once.
 */
async function readIgnoreFile(
  explicit: string | undefined,
  dir: string | undefined,
  trustedConfig: boolean,
  context: CliContext,
): Promise<{ ignores: IgnoreRule[]; diagnostics: Diagnostic[] }> {
  // Without a scanned folder (--images-from) only a named ignore file applies.
  const root = dir === undefined ? undefined : resolve(context.cwd, dir);
  let file: PolicyFileText | undefined;
  if (explicit !== undefined) {
    file = await readNamedPolicyFile('--ignorefile', explicit, root, context.cwd);
  } else if (root === undefined) {
    return { ignores: [], diagnostics: [] };
  } else if (trustedConfig) {
    const present = await firstPresent([root, context.cwd], DEFAULT_IGNORE_FILES);
    if (present !== undefined) {
      context.stderr.write(
        `sluice: ${displayPath(present, context.cwd)} is not applied: with --config, the repository's ignore files count only when --ignorefile names them\n`,
      );
    }
    return { ignores: [], diagnostics: [] };
  } else {
    for (const folder of new Set([root, resolve(context.cwd)])) {
      const found = await findPolicyFile(folder, DEFAULT_IGNORE_FILES, context.cwd);
      if (found.status === 'missing') continue;
      if (found.status === 'refused') {
        return {
          ignores: [],
          diagnostics: [
            { file: found.display, severity: 'error', code: 'policy-file-refused', message: found.message },
          ],
        };
      }
      file = found.file;
      break;
    }
  }
  if (file === undefined) return { ignores: [], diagnostics: [] };
  const isYaml = ['.yaml', '.yml'].includes(extname(file.path));
  return isYaml ? parseTrivyIgnoreYaml(file.text, file.display) : parseTrivyIgnore(file.text, file.display);
}

async function firstPresent(
  folders: readonly string[],
  names: readonly string[],
): Promise<string | undefined> {
  for (const folder of new Set(folders.map((entry) => resolve(entry)))) {
    for (const name of names) if (await existsAtAll(join(folder, name))) return join(folder, name);
  }
  return undefined;
}

/** The runner's options from the command line and the config file (the command line wins). */
export function resolveRunnerOptions(
  values: OptionValues,
  config: SluiceConfig,
  context: CliContext,
): TrivyRunnerOptions {
  const concurrencyText = stringOption(values, 'concurrency');
  const concurrency = concurrencyText === undefined ? config.concurrency : Number(concurrencyText);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)) {
    throw new CliError(`--concurrency ${concurrencyText}: expected a whole number from 1 to 256`);
  }
  const timeout = stringOption(values, 'timeout') ?? config.timeout;
  const server = stringOption(values, 'server') ?? config.server;
  if (server !== undefined && !/^https?:\/\//.test(server)) {
    throw new CliError(`--server ${server}: expected a URL starting with http:// or https://`);
  }
  const headers = [...(config.customHeaders ?? []), ...listOption(values, 'custom-headers')];
  const customHeaders = Object.fromEntries(
    headers.map((header) => {
      const separator = header.indexOf(':');
      if (separator <= 0) throw new CliError(`--custom-headers ${header}: expected KEY:VALUE`);
      return [header.slice(0, separator).trim(), header.slice(separator + 1).trim()];
    }),
  );
  // The cache URL can come from the environment, so that a Redis password stays in a Secret.
  const cacheOption =
    stringOption(values, 'cache') ??
    (context.env.SLUICE_CACHE || undefined) ??
    (config.cache === false ? undefined : config.cache);
  const noCache = booleanOption(values, 'no-cache') === true || config.cache === false;
  const token = stringOption(values, 'token');
  const tokenHeader = stringOption(values, 'token-header') ?? config.tokenHeader;
  const trivyCacheDir = stringOption(values, 'cache-dir') ?? config.cacheDir;
  const trivyPath = stringOption(values, 'trivy-path') ?? config.trivyPath;
  const dbRepository = listOrConfig(listOption(values, 'db-repository'), config.dbRepository);
  const javaDbRepository = listOrConfig(listOption(values, 'java-db-repository'), config.javaDbRepository);
  const registries = [...(config.registryCredentials ?? []), ...listOption(values, 'registry-credentials')];
  const maxReportSize = stringOption(values, 'max-report-size') ?? config.maxReportSize;
  return {
    ...(registries.length > 0 ? { registryCredentials: registries.map(parseRegistryHost) } : {}),
    ...(maxReportSize !== undefined ? { maxReportBytes: parseSize(maxReportSize, '--max-report-size') } : {}),
    ...(trivyPath !== undefined ? { trivyPath: resolveExecutable(trivyPath, context) } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(timeout !== undefined ? { scanTimeoutMs: parseDuration(timeout, '--timeout') } : {}),
    ...(server !== undefined ? { server } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(tokenHeader !== undefined ? { tokenHeader } : {}),
    ...(headers.length > 0 ? { customHeaders } : {}),
    ...(trivyCacheDir !== undefined ? { trivyCacheDir: resolve(context.cwd, trivyCacheDir) } : {}),
    ...(noCache
      ? { cache: false }
      : cacheOption !== undefined
        ? { cache: resolveCacheLocation(cacheOption, context) }
        : {}),
    ...((booleanOption(values, 'skip-db-update') ?? config.skipDbUpdate) ? { skipDbUpdate: true } : {}),
    ...(dbRepository.length > 0 ? { dbRepository } : {}),
    ...(javaDbRepository.length > 0 ? { javaDbRepository } : {}),
    env: context.env,
    ...(context.signal ? { signal: context.signal } : {}),
  };
}

function listOrConfig(values: readonly string[], fromConfig: readonly string[] = []): string[] {
  return values.length > 0 ? [...values] : [...fromConfig];
}

function parseRegistryHost(host: string): string {
  try {
    return normalizeRegistryHost(host);
  } catch (error) {
    throw new CliError(`--registry-credentials ${host}: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** Parses a size: bytes, or a number with `KiB`, `MiB` or `GiB` (`256MiB`). */
export function parseSize(text: string | number, option: string): number {
  const match = /^(\d+)\s*(B|KiB|MiB|GiB)?$/.exec(String(text).trim());
  const bytes = match ? Number(match[1]) * (SIZE_UNITS[match[2] ?? ''] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new CliError(`${option} ${text}: expected a size such as 256MiB, 1GiB or a number of bytes`);
  }
  return bytes;
}

function resolveExecutable(path: string, context: CliContext): string {
  return path.includes('/') ? resolve(context.cwd, path) : path;
}

function resolveCacheLocation(location: string, context: CliContext): string {
  return /^rediss?:\/\//.test(location) ? location : resolve(context.cwd, location);
}
