import { resolve } from 'node:path';
import { PolicyConfig, lineOfPath, locateSchemaIssue, parseYaml } from '@sluice/core';
import * as z from 'zod';
import { CliError } from './exit-codes.js';
import { findPolicyFile, readNamedPolicyFile } from './policy-files.js';

/** The file names looked for in the scanned folder when `--config` is not given. */
export const CONFIG_FILE_NAMES = ['sluice.config.json', 'sluice.config.yaml', 'sluice.config.yml'] as const;

const Duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+(\.\d+)?s)?$|^\d+ms$/, 'expected a duration such as 90s, 5m or 1h30m');

/** A reporter in the config file: a name, a path or package, or `[name, options]`. */
export const ReporterEntryConfig = z.union([
  z.string(),
  z.tuple([z.string(), z.record(z.string(), z.unknown())]),
]);

/**
 * `sluice.config.json` / `sluice.config.yaml`: the policy (`severity`, `ignoreUnfixed`,
 * `onScanError`, `ignores`, `overrides`, as in core's PolicyConfig) and the same settings as the
 * command-line options, in camelCase. Command-line options win over the file.
 */
export const SluiceConfig = z.strictObject({
  ...PolicyConfig.shape,
  ignorefile: z.string().optional(),
  timeout: Duration.optional(),
  server: z.url().optional(),
  tokenHeader: z.string().optional(),
  customHeaders: z.array(z.string().regex(/^[^:\s]+:.*$/, 'expected KEY:VALUE')).optional(),
  cacheDir: z.string().optional(),
  cache: z.union([z.string(), z.literal(false)]).optional(),
  skipDbUpdate: z.boolean().optional(),
  dbRepository: z.array(z.string().min(1)).optional(),
  javaDbRepository: z.array(z.string().min(1)).optional(),
  concurrency: z.number().int().positive().max(256).optional(),
  trivyPath: z.string().optional(),
  trivyReports: z.string().optional(),
  sources: z.record(z.string(), z.string()).optional(),
  helmPath: z.string().optional(),
  chartMirrors: z.array(z.string().regex(/^[^=\s]+=[^=\s]+$/, 'expected FROM=TO')).optional(),
  offline: z.boolean().optional(),
  remoteBases: z.enum(['unknown', 'fetch', 'fetch-unpinned']).optional(),
  gitMirrors: z.array(z.string().regex(/^[^=\s]+=[^=\s]+$/, 'expected FROM=TO')).optional(),
  render: z.boolean().optional(),
  kubeVersion: z
    .string()
    .regex(/^v?\d+\.\d+(\.\d+)?$/, 'expected a version such as 1.33.0')
    .optional(),
  ignore: z.array(z.string()).optional(),
  failOn: z.enum(['blocked', 'never']).optional(),
  registryCredentials: z.array(z.string()).optional(),
  maxReportSize: z.union([z.string(), z.number().int().positive()]).optional(),
  formats: z.array(z.string()).optional(),
  reporters: z.array(ReporterEntryConfig).optional(),
});
/** The validated config file. */
export type SluiceConfig = z.infer<typeof SluiceConfig>;

/**
 * The keys a config file found in the scanned folder may set: the policy, and nothing else. That
 * file belongs to the repository being gated, so it cannot choose what runs (the trivy
 * executable, reporter modules), what is read (report folders, ignore patterns, source
 * mappings, caches, servers), where files are written, or whether a blocked gate fails the job.
 * Those settings come from the command line or a file named by `--config`.
 */
export const REPOSITORY_CONFIG_KEYS = [
  'severity',
  'ignoreUnfixed',
  'onScanError',
  'ignores',
  'overrides',
] as const;

/**
 * Reads and validates the config file: the one named by `--config`, else the first of
 * {@link CONFIG_FILE_NAMES} in `dir` (when there is a scanned folder), else an empty config. A file of the repository (found in
 * `dir`, or named inside it) is read only when it is a regular file reached through no symlink
 * (Flux's artifact drops symlinks), never a FIFO or a device, at most 1 MiB. An invalid or
 * refused file, or a file found in `dir` that sets anything but the
 * {@link REPOSITORY_CONFIG_KEYS}, is a usage error naming the file, the line and the path of the
 * bad key.
 */
export async function loadConfig(
  explicitPath: string | undefined,
  dir: string | undefined,
  cwd: string,
): Promise<SluiceConfig> {
  const repository = dir === undefined ? undefined : resolve(cwd, dir);
  let text: string;
  let display: string;
  if (explicitPath !== undefined) {
    ({ text, display } = await readNamedPolicyFile('--config', explicitPath, repository, cwd));
  } else {
    if (repository === undefined) return {};
    const found = await findPolicyFile(repository, CONFIG_FILE_NAMES, cwd);
    if (found.status === 'missing') return {};
    if (found.status === 'refused') throw new CliError(`${found.display}: ${found.message}`);
    ({ text, display } = found.file);
  }
  const { documents, diagnostics } = parseYaml(text, display);
  const syntax = diagnostics[0];
  if (syntax) throw new CliError(`${display}:${syntax.line}:${syntax.column}: ${syntax.message}`);
  const document = documents[0];
  const result = SluiceConfig.safeParse(document?.value ?? {});
  if (result.success) {
    const allowed: readonly string[] = REPOSITORY_CONFIG_KEYS;
    const forbidden =
      explicitPath === undefined ? Object.keys(result.data).find((key) => !allowed.includes(key)) : undefined;
    if (forbidden === undefined) return result.data;
    const line = document ? lineOfPath(document, [forbidden]) : undefined;
    throw new CliError(
      `${line ? `${display}:${line}` : display}: ${forbidden}: a config file in the scanned repository may only ` +
        `hold the policy (${REPOSITORY_CONFIG_KEYS.join(', ')}); pass other settings on the command line or with --config`,
    );
  }
  const { path: keyPath, line, message } = locateSchemaIssue(result.error, document);
  const where = line ? `${display}:${line}` : display;
  throw new CliError(`${where}: ${keyPath || '(top level)'}: ${message}`);
}
