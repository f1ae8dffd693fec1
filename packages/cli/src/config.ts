import { resolve } from 'node:path';
import type { SluiceConfig } from './config-schema.js';
import { CliError } from './exit-codes.js';
import { findPolicyFile, readNamedPolicyFile } from './policy-files.js';

export type { SluiceConfig } from './config-schema.js';

/** The file names looked for in the scanned folder when `--config` is not given. */
export const CONFIG_FILE_NAMES = ['sluice.config.json', 'sluice.config.yaml', 'sluice.config.yml'] as const;

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
  // The parser and the schema are loaded only for a file: most runs have none.
  const [{ lineOfPath, locateSchemaIssue, parseYaml }, { SluiceConfig }] = await Promise.all([
    import('@sluice/core'),
    import('./config-schema.js'),
  ]);
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
