import { parseArgs } from 'node:util';
import { CliError } from './exit-codes.js';

/** The commands `sluice` knows. */
export const COMMANDS = ['scan', 'images', 'graph', 'gate'] as const;
/** One of the commands `sluice` knows. */
export type CommandName = (typeof COMMANDS)[number];

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's placeholder in `--help`. */
  readonly value?: string;
  readonly help: string;
}

/** Every option of every command, with its help text. One table, so help and parsing agree. */
export const OPTIONS = {
  format: {
    type: 'string',
    short: 'f',
    multiple: true,
    value: 'NAME[=FILE]',
    help: 'output format, to stdout or to FILE; repeat for several',
  },
  reporter: {
    type: 'string',
    multiple: true,
    value: 'PATH|PACKAGE[=FILE]',
    help: 'a custom reporter: a file, or a package (sluice-reporter-<name>)',
  },
  severity: {
    type: 'string',
    short: 's',
    value: 'LIST',
    help: 'severities that block, comma-separated (default CRITICAL,HIGH)',
  },
  'ignore-unfixed': { type: 'boolean', help: 'vulnerabilities without a fixed version never block' },
  ignorefile: {
    type: 'string',
    value: 'FILE',
    help: 'a .trivyignore or .trivyignore.yaml file (default: the one in DIR, if any)',
  },
  timeout: {
    type: 'string',
    value: 'DURATION',
    help: 'timeout of one image scan, e.g. 5m or 90s (default 5m)',
  },
  server: { type: 'string', value: 'URL', help: 'scan through a Trivy server (client/server mode)' },
  token: { type: 'string', value: 'TOKEN', help: 'Trivy server token (prefer the TRIVY_TOKEN variable)' },
  'token-header': {
    type: 'string',
    value: 'NAME',
    help: 'header that carries the token (default Trivy-Token)',
  },
  'custom-headers': {
    type: 'string',
    multiple: true,
    value: 'KEY:VALUE',
    help: 'extra header for the server',
  },
  'registry-credentials': {
    type: 'string',
    multiple: true,
    value: 'HOST',
    help: 'give TRIVY_USERNAME/PASSWORD/REGISTRY_TOKEN to scans of this registry only; repeat for several',
  },
  'max-report-size': {
    type: 'string',
    value: 'SIZE',
    help: 'the largest Trivy report read, e.g. 128MiB (default 64MiB); larger: the image is unknown',
  },
  'cache-dir': { type: 'string', value: 'DIR', help: "Trivy's cache directory" },
  'db-repository': {
    type: 'string',
    multiple: true,
    value: 'REPO',
    help: "OCI repository of Trivy's vulnerability DB (a mirror); repeat for fallbacks",
  },
  'java-db-repository': {
    type: 'string',
    multiple: true,
    value: 'REPO',
    help: "OCI repository of Trivy's Java index DB (a mirror); repeat for fallbacks",
  },
  'images-from': {
    type: 'string',
    value: 'FILE',
    help: 'scan the images file FILE (from `sluice images --format json` or a gate ConfigMap) instead of DIR',
  },
  'termination-log': {
    type: 'string',
    value: 'FILE',
    help: 'also write the one-line verdict to FILE (the gate Job: /dev/termination-log)',
  },
  cache: {
    type: 'string',
    value: 'DIR|redis://…',
    help: 'where scan results, and charts in DIR/charts, are cached (default: $SLUICE_CACHE, else the user cache directory)',
  },
  'no-cache': { type: 'boolean', help: 'neither read nor write cached scan results' },
  'skip-db-update': { type: 'boolean', help: 'do not update the vulnerability DB before scanning' },
  concurrency: {
    type: 'string',
    short: 'j',
    value: 'N',
    help: 'scans (and chart renders) at once (default: number of CPUs)',
  },
  'helm-path': { type: 'string', value: 'PATH', help: 'the helm executable (default: helm on PATH)' },
  'chart-mirror': {
    type: 'string',
    multiple: true,
    value: 'FROM=TO',
    help: 'fetch charts of URLs starting with FROM from TO instead (loopback: plain HTTP)',
  },
  offline: { type: 'boolean', help: 'charts only from the chart cache and the repository' },
  'remote-bases': {
    type: 'string',
    value: 'MODE',
    help: 'kustomize remote bases (resources: [https://github.com/org/repo//deploy?ref=v1]): unknown (default: never fetched, the Kustomization is unknown), fetch (git-fetch those pinned to a tag or commit id, cached in DIR/git of --cache), fetch-unpinned (also branches and no ?ref=, which move)',
  },
  'git-mirror': {
    type: 'string',
    multiple: true,
    value: 'FROM=TO',
    help: 'fetch remote bases whose clone URL starts with FROM (https://github.com/, git@github.com:) from TO instead; reports keep the URL as written',
  },
  'no-render': {
    type: 'boolean',
    help: 'do not render charts: HelmRelease images from values only',
  },
  'kube-version': {
    type: 'string',
    value: 'VERSION',
    help: 'Kubernetes version charts are rendered for (default 1.33.0)',
  },
  'trivy-path': { type: 'string', value: 'PATH', help: 'the trivy executable (default: trivy on PATH)' },
  'trivy-reports': {
    type: 'string',
    value: 'DIR',
    help: 'use existing `trivy image --format json` reports instead of scanning',
  },
  source: {
    type: 'string',
    multiple: true,
    value: 'KIND/NS/NAME=PATH',
    help: 'map a Flux source to a local folder, relative to the working directory or absolute, inside or outside the repository (the root serves flux-system)',
  },
  ignore: { type: 'string', multiple: true, value: 'PATTERN', help: 'skip files (gitignore syntax)' },
  'on-scan-error': {
    type: 'string',
    value: 'block|warn',
    help: 'what an image that cannot be scanned does (default block)',
  },
  'fail-on': { type: 'string', value: 'blocked|never', help: 'exit 1 when something is blocked (default)' },
  config: {
    type: 'string',
    short: 'c',
    value: 'FILE',
    help: 'sluice.config.json or .yaml (default: one in DIR, if any)',
  },
  output: { type: 'string', short: 'o', value: 'FILE', help: 'write the output to FILE instead of stdout' },
  namespace: {
    type: 'string',
    short: 'n',
    value: 'NS',
    help: 'namespace of the generated gate (default flux-system)',
  },
  patch: {
    type: 'boolean',
    help: 'with --write: add the dependsOn through one spec.patches entry per parent Kustomization instead',
  },
  write: {
    type: 'boolean',
    help: 'write the gate into DIR and add it to spec.dependsOn of every gated Kustomization, in place',
  },
  cluster: {
    type: 'string',
    value: 'PATH',
    help: 'only this cluster (its entry folder, e.g. clusters/production; default: every cluster)',
  },
  revision: {
    type: 'string',
    value: 'TEXT',
    help: 'forces a new scan Job for the same images (a commit SHA)',
  },
  'registry-secret': {
    type: 'string',
    value: 'NAME',
    help: 'dockerconfigjson Secret with registry credentials for the scan Job',
  },
  'sluice-image': {
    type: 'string',
    value: 'IMAGE',
    help: 'the Sluice image the gate Job runs (default: this release; pin a digest in production)',
  },
  'image-budget': {
    type: 'string',
    value: 'DURATION',
    help: 'average time to pull and scan one image in the gate Job (default 60s)',
  },
  'db-budget': {
    type: 'string',
    value: 'DURATION',
    help: 'time for the vulnerability DB download in the gate Job (default 5m; 0s with --server)',
  },
  'max-timeout': {
    type: 'string',
    value: 'DURATION',
    help: 'the longest timeout a gate may need; more is refused (default 1h)',
  },
  'server-token-secret': {
    type: 'string',
    value: 'NAME[:KEY]',
    help: 'Secret holding the Trivy server token, for the gate Job (default key token)',
  },
  'cache-secret': {
    type: 'string',
    value: 'NAME[:KEY]',
    help: 'Secret holding the redis:// URL of the gate Job result cache (default key url)',
  },
  'cache-size': { type: 'string', value: 'SIZE', help: 'size of the generated cache claim (default 5Gi)' },
  'storage-class': { type: 'string', value: 'NAME', help: 'storage class of the generated cache claim' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress on stderr' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', short: 'v', help: 'show the version' },
} as const satisfies Record<string, OptionSpec>;

/** The name of an option in {@link OPTIONS}. */
export type OptionName = keyof typeof OPTIONS;

/** The options of chart rendering, on every command that reads a repository. */
const HELM_OPTIONS: readonly OptionName[] = [
  'helm-path',
  'chart-mirror',
  'offline',
  'no-render',
  'kube-version',
  'concurrency',
];

/** The options of remote kustomize bases, on every command that reads a repository. */
const REMOTE_BASE_OPTIONS: readonly OptionName[] = ['remote-bases', 'git-mirror'];

/** Which options each command accepts (global ones: help, version, quiet, config). */
export const COMMAND_OPTIONS: Record<CommandName, readonly OptionName[]> = {
  scan: [
    'format',
    'reporter',
    'severity',
    'ignore-unfixed',
    'ignorefile',
    'timeout',
    'server',
    'token',
    'token-header',
    'custom-headers',
    'registry-credentials',
    'max-report-size',
    'cache-dir',
    'cache',
    'no-cache',
    'skip-db-update',
    'db-repository',
    'java-db-repository',
    'concurrency',
    'trivy-path',
    'trivy-reports',
    'images-from',
    'termination-log',
    'source',
    'cluster',
    'ignore',
    'helm-path',
    'chart-mirror',
    'offline',
    'no-render',
    'kube-version',
    ...REMOTE_BASE_OPTIONS,
    'on-scan-error',
    'fail-on',
  ],
  images: [
    'format',
    'source',
    'cluster',
    'ignore',
    ...HELM_OPTIONS,
    ...REMOTE_BASE_OPTIONS,
    'cache',
    'output',
  ],
  graph: [
    'format',
    'source',
    'cluster',
    'ignore',
    ...HELM_OPTIONS,
    ...REMOTE_BASE_OPTIONS,
    'cache',
    'output',
  ],
  gate: [
    'source',
    'cluster',
    'ignore',
    ...HELM_OPTIONS,
    ...REMOTE_BASE_OPTIONS,
    'write',
    'patch',
    'output',
    'namespace',
    'sluice-image',
    'severity',
    'ignore-unfixed',
    'ignorefile',
    'on-scan-error',
    'timeout',
    'revision',
    'registry-secret',
    'concurrency',
    'image-budget',
    'db-budget',
    'max-timeout',
    'server',
    'server-token-secret',
    'db-repository',
    'java-db-repository',
    'cache',
    'cache-secret',
    'cache-size',
    'storage-class',
  ],
};

const GLOBAL_OPTIONS: readonly OptionName[] = ['help', 'version', 'quiet', 'config'];

/** Parsed option values: strings, booleans or string lists, by option name. */
export type OptionValues = Partial<Record<OptionName, string | boolean | string[]>>;

/** The parsed command line. */
export interface CommandLine {
  readonly command: CommandName | undefined;
  /** The folder to work on (default `.`). */
  readonly dir: string;
  readonly values: OptionValues;
}

/**
 * Parses `sluice [command] [dir] [options]`. Unknown options, options of another command and a
 * missing value are usage errors that say what was expected.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const first = argv[0];
  const command = COMMANDS.find((name) => name === first);
  if (first !== undefined && !first.startsWith('-') && command === undefined) {
    throw new CliError(
      `unknown command "${first}": expected one of ${COMMANDS.join(', ')} (see sluice --help)`,
    );
  }
  const allowed = [...GLOBAL_OPTIONS, ...(command ? COMMAND_OPTIONS[command] : [])];
  const options = Object.fromEntries(allowed.map((name) => [name, OPTIONS[name]]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv.slice(command ? 1 : 0)],
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // One prefix: main adds "sluice: "; the command's help is where the options are listed.
    throw new CliError(
      `${describeParseError(error)} (see sluice ${command ? `${command} ` : ''}--help)`,
      undefined,
      { cause: error },
    );
  }
  if (parsed.positionals.length > 1) {
    throw new CliError(`expected at most one folder, got: ${parsed.positionals.join(' ')}`);
  }
  return { command, dir: parsed.positionals[0] ?? '.', values: parsed.values as OptionValues };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node:util's texts mention its own API ("To specify a positional argument…"): keep the first sentence.
  return message.split('. To ')[0]?.replace(/\.$/, '') ?? message;
}

/** A string option's value, if given. */
export function stringOption(values: OptionValues, name: OptionName): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable option's values (empty when not given). */
export function listOption(values: OptionValues, name: OptionName): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** A boolean option's value, if given. */
export function booleanOption(values: OptionValues, name: OptionName): boolean | undefined {
  const value = values[name];
  return typeof value === 'boolean' ? value : undefined;
}
