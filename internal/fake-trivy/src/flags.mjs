// Trivy's flags for `trivy [global flags]`, `trivy image` and `trivy version`, as listed in
// docs/guide/references/configuration/cli/trivy_image.md and trivy_version.md (v0.74), and a
// parser with pflag's rules: `--name value`, `--name=value`, `-x value`, `-xvalue`, grouped
// boolean shorthands (`-qd`), `--` ends the flags, unknown flags are errors.

/** @typedef {'bool' | 'string' | 'strings' | 'int' | 'float' | 'duration'} FlagType */
/** @typedef {{ name: string, type: FlagType, short?: string, values?: string[] }} FlagSpec */

const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** @type {FlagSpec[]} */
export const GLOBAL_FLAGS = [
  { name: 'cacert', type: 'string' },
  { name: 'cache-dir', type: 'string' },
  { name: 'config', type: 'string', short: 'c' },
  { name: 'debug', type: 'bool', short: 'd' },
  { name: 'generate-default-config', type: 'bool' },
  { name: 'insecure', type: 'bool' },
  { name: 'no-color', type: 'bool' },
  { name: 'quiet', type: 'bool', short: 'q' },
  { name: 'timeout', type: 'duration' },
  { name: 'version', type: 'bool', short: 'v' },
  { name: 'help', type: 'bool', short: 'h' },
];

/** @type {FlagSpec[]} */
export const IMAGE_FLAGS = [
  { name: 'cache-backend', type: 'string' },
  { name: 'cache-ttl', type: 'duration' },
  { name: 'check-namespaces', type: 'strings' },
  { name: 'checks-bundle-repository', type: 'string' },
  { name: 'compliance', type: 'string' },
  { name: 'config-check', type: 'strings' },
  { name: 'config-data', type: 'strings' },
  { name: 'config-file-schemas', type: 'strings' },
  { name: 'custom-headers', type: 'strings' },
  { name: 'db-repository', type: 'strings' },
  { name: 'dependency-tree', type: 'bool' },
  { name: 'detection-priority', type: 'string', values: ['precise', 'comprehensive'] },
  { name: 'disable-telemetry', type: 'bool' },
  { name: 'distro', type: 'string' },
  { name: 'docker-host', type: 'string' },
  { name: 'download-db-only', type: 'bool' },
  { name: 'download-java-db-only', type: 'bool' },
  { name: 'enable-modules', type: 'strings' },
  { name: 'exit-code', type: 'int' },
  { name: 'exit-on-eol', type: 'int' },
  { name: 'file-patterns', type: 'strings' },
  {
    name: 'format',
    type: 'string',
    short: 'f',
    values: ['table', 'json', 'template', 'sarif', 'cyclonedx', 'spdx', 'spdx-json', 'github', 'cosign-vuln'],
  },
  { name: 'helm-api-versions', type: 'strings' },
  { name: 'helm-kube-version', type: 'string' },
  { name: 'helm-set', type: 'strings' },
  { name: 'helm-set-file', type: 'strings' },
  { name: 'helm-set-string', type: 'strings' },
  { name: 'helm-values', type: 'strings' },
  { name: 'ignore-policy', type: 'string' },
  {
    name: 'ignore-status',
    type: 'strings',
    values: [
      'unknown',
      'not_affected',
      'affected',
      'fixed',
      'under_investigation',
      'will_not_fix',
      'fix_deferred',
      'end_of_life',
    ],
  },
  { name: 'ignore-unfixed', type: 'bool' },
  { name: 'ignored-licenses', type: 'strings' },
  { name: 'ignorefile', type: 'string' },
  { name: 'image-config-scanners', type: 'strings', values: ['misconfig', 'secret'] },
  { name: 'image-src', type: 'strings', values: ['docker', 'containerd', 'podman', 'remote'] },
  { name: 'include-deprecated-checks', type: 'bool' },
  { name: 'include-non-failures', type: 'bool' },
  { name: 'input', type: 'string' },
  { name: 'java-db-repository', type: 'strings' },
  { name: 'license-confidence-level', type: 'float' },
  { name: 'license-full', type: 'bool' },
  { name: 'list-all-pkgs', type: 'bool' },
  { name: 'max-image-size', type: 'string' },
  { name: 'misconfig-scanners', type: 'strings' },
  { name: 'module-dir', type: 'string' },
  { name: 'no-progress', type: 'bool' },
  { name: 'offline-scan', type: 'bool' },
  { name: 'output', type: 'string', short: 'o' },
  { name: 'output-plugin-arg', type: 'string' },
  { name: 'parallel', type: 'int' },
  { name: 'password', type: 'strings' },
  { name: 'password-stdin', type: 'bool' },
  { name: 'pkg-relationships', type: 'strings' },
  { name: 'pkg-types', type: 'strings', values: ['os', 'library'] },
  { name: 'platform', type: 'string' },
  { name: 'podman-host', type: 'string' },
  { name: 'raw-config-scanners', type: 'strings' },
  { name: 'redis-ca', type: 'string' },
  { name: 'redis-cert', type: 'string' },
  { name: 'redis-key', type: 'string' },
  { name: 'redis-tls', type: 'bool' },
  { name: 'registry-token', type: 'string' },
  { name: 'rego-error-limit', type: 'int' },
  { name: 'rekor-url', type: 'string' },
  { name: 'removed-pkgs', type: 'bool' },
  { name: 'render-cause', type: 'strings' },
  { name: 'report', type: 'string', values: ['all', 'summary'] },
  { name: 'sbom-sources', type: 'strings' },
  { name: 'scanners', type: 'strings', values: ['vuln', 'misconfig', 'secret', 'license'] },
  { name: 'secret-config', type: 'string' },
  { name: 'server', type: 'string' },
  { name: 'severity', type: 'strings', short: 's', values: SEVERITIES },
  { name: 'show-suppressed', type: 'bool' },
  { name: 'skip-check-update', type: 'bool' },
  { name: 'skip-db-update', type: 'bool' },
  { name: 'skip-dirs', type: 'strings' },
  { name: 'skip-files', type: 'strings' },
  { name: 'skip-java-db-update', type: 'bool' },
  { name: 'skip-version-check', type: 'bool' },
  { name: 'skip-vex-repo-update', type: 'bool' },
  { name: 'table-mode', type: 'strings' },
  { name: 'template', type: 'string', short: 't' },
  { name: 'tf-exclude-downloaded-modules', type: 'bool' },
  { name: 'token', type: 'string' },
  { name: 'token-header', type: 'string' },
  { name: 'trace-rego', type: 'bool' },
  { name: 'username', type: 'strings' },
  { name: 'vex', type: 'strings' },
  { name: 'vuln-severity-source', type: 'strings' },
  // Deprecated aliases Trivy still accepts.
  { name: 'skip-update', type: 'bool' },
  { name: 'security-checks', type: 'strings' },
  { name: 'vuln-type', type: 'strings' },
  { name: 'slow', type: 'bool' },
  { name: 'light', type: 'bool' },
];

/** @type {FlagSpec[]} */
export const VERSION_FLAGS = [{ name: 'format', type: 'string', short: 'f' }];

/** Flags Trivy removed: it still knows them and fails with `removed flag ("--x")`. */
export const REMOVED_FLAGS = ['reset', 'clear-cache', 'reset-checks-bundle'];

/** A flag error, printed like Trivy prints cobra/pflag errors. */
export class FlagError extends Error {}

const DURATION_UNITS = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration (`5m0s`, `30s`, `1h30m`, `500ms`) into milliseconds, or undefined. */
export function parseDuration(text) {
  if (text === '0') return 0;
  const pattern = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * DURATION_UNITS[match[2]];
    consumed += match[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

/** Converts a flag's text to its type as pflag does; `display` names the flag in errors. */
export function convert(spec, raw, display) {
  const invalid = (why) => new FlagError(`invalid argument "${raw}" for "${display}" flag: ${why}`);
  switch (spec.type) {
    case 'bool': {
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
      throw invalid(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
    }
    case 'int':
      if (!/^[+-]?\d+$/.test(raw)) throw invalid(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
      return Number(raw);
    case 'float':
      if (Number.isNaN(Number(raw))) throw invalid(`strconv.ParseFloat: parsing "${raw}": invalid syntax`);
      return Number(raw);
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === undefined) throw invalid(`time: invalid duration "${raw}"`);
      return ms;
    }
    case 'strings':
      return raw === '' ? [] : raw.split(',');
    default:
      return raw;
  }
}

function store(values, spec, value) {
  if (spec.type === 'strings') values[spec.name] = [...(values[spec.name] ?? []), ...value];
  else values[spec.name] = value;
}

/**
 * Parses argv with pflag's rules against the given flags. Returns the flag values by long name
 * and the positional arguments.
 */
export function parseFlags(argv, specs) {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(specs.filter((spec) => spec.short).map((spec) => [spec.short, spec]));
  const values = {};
  const positionals = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (REMOVED_FLAGS.includes(name)) throw new FlagError(`removed flag ("--${name}")`);
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      let raw;
      if (eq !== -1) raw = arg.slice(eq + 1);
      else if (spec.type === 'bool') raw = 'true';
      else if (index + 1 < argv.length) raw = argv[++index];
      else throw new FlagError(`flag needs an argument: --${name}`);
      store(values, spec, convert(spec, raw, `--${name}`));
    } else if (arg.startsWith('-') && arg.length > 1) {
      let rest = arg.slice(1);
      while (rest.length > 0) {
        const letter = rest[0];
        const spec = byShort.get(letter);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${letter}' in ${arg}`);
        const display = `-${letter}, --${spec.name}`;
        rest = rest.slice(1);
        if (spec.type === 'bool') {
          let raw = 'true';
          if (rest.startsWith('=')) {
            raw = rest.slice(1);
            rest = '';
          }
          store(values, spec, convert(spec, raw, display));
          continue;
        }
        let raw;
        if (rest.startsWith('=')) raw = rest.slice(1);
        else if (rest.length > 0) raw = rest;
        else if (index + 1 < argv.length) raw = argv[++index];
        else throw new FlagError(`flag needs an argument: '${letter}' in ${arg}`);
        store(values, spec, convert(spec, raw, display));
        rest = '';
      }
    } else {
      positionals.push(arg);
    }
  }
  return { values, positionals };
}

/**
 * Fills flags that were not given from `TRIVY_<NAME>` environment variables, as Trivy's viper
 * binding does, then checks allowed values.
 */
export function applyEnvironment(values, specs, env) {
  for (const spec of specs) {
    if (values[spec.name] !== undefined) continue;
    const raw = env[`TRIVY_${spec.name.toUpperCase().replaceAll('-', '_')}`];
    if (raw === undefined || raw === '') continue;
    values[spec.name] = convert(spec, raw, `--${spec.name}`);
  }
  for (const spec of specs) {
    if (!spec.values || values[spec.name] === undefined) continue;
    const given = Array.isArray(values[spec.name]) ? values[spec.name] : [values[spec.name]];
    for (const value of given) {
      if (!spec.values.includes(value)) {
        throw new FlagError(
          `invalid argument "${given.join(',')}" for "--${spec.name}" flag: must be one of [${spec.values.join(' ')}]`,
        );
      }
    }
  }
  return values;
}
