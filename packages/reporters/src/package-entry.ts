import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

interface PackageJson {
  name?: string;
  main?: string;
  exports?: unknown;
}

// Conditions an ESM import from Node honours, in the order Sluice prefers them.
const CONDITIONS = ['import', 'node', 'default'];

function readPackageJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

function resolveExportTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const entry of target) {
      const resolved = resolveExportTarget(entry);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    const record = target as Record<string, unknown>;
    for (const condition of CONDITIONS) {
      if (condition in record) {
        const resolved = resolveExportTarget(record[condition]);
        if (resolved !== undefined) return resolved;
      }
    }
  }
  return undefined;
}

/** The file a package's root entry point names (`exports["."]`, then `main`, then `index.js`). */
function packageEntry(root: string, manifest: PackageJson): string {
  const { exports } = manifest;
  if (exports !== undefined && exports !== null) {
    const isSubpathMap =
      typeof exports === 'object' &&
      !Array.isArray(exports) &&
      Object.keys(exports).some((key) => key.startsWith('.'));
    const target = resolveExportTarget(isSubpathMap ? (exports as Record<string, unknown>)['.'] : exports);
    if (target !== undefined) return resolve(root, target);
  }
  return resolve(root, manifest.main ?? 'index.js');
}

/** Where a package lookup looked, for error messages. */
export interface PackageLookup {
  /** The resolved entry file, when the package was found. */
  readonly entry?: string;
  /** The directories searched, nearest first. */
  readonly searched: readonly string[];
}

/**
 * Finds an installed package the way Node does from `cwd` (each `node_modules` up to the file
 * system root, and the enclosing package itself by name), and returns its ESM entry file.
 */
export function findPackageEntry(name: string, cwd: string): PackageLookup {
  const searched: string[] = [];
  let directory = resolve(cwd);
  for (;;) {
    const own = readPackageJson(join(directory, 'package.json'));
    if (own?.name === name) return { entry: packageEntry(directory, own), searched };
    const candidate = join(directory, 'node_modules', ...name.split('/'));
    searched.push(join(directory, 'node_modules'));
    const manifest = existsSync(join(candidate, 'package.json'))
      ? readPackageJson(join(candidate, 'package.json'))
      : undefined;
    if (manifest !== undefined) return { entry: packageEntry(candidate, manifest), searched };
    const parent = dirname(directory);
    if (parent === directory) return { searched };
    directory = parent;
  }
}

/**
 * The package names tried for a reporter name, following the `sluice-reporter-<name>`
 * convention: `csv` → `csv`, `sluice-reporter-csv`; `@acme` → `@acme/sluice-reporter`;
 * `@acme/csv` → `@acme/csv`, `@acme/sluice-reporter-csv`.
 */
export function reporterPackageNames(name: string): string[] {
  const prefix = 'sluice-reporter';
  if (name.startsWith('@')) {
    const [scope, rest] = name.split('/', 2);
    if (rest === undefined || rest === '') return [`${scope}/${prefix}`];
    return rest.startsWith(prefix) ? [name] : [name, `${scope}/${prefix}-${rest}`];
  }
  return name.startsWith(`${prefix}-`) ? [name] : [name, `${prefix}-${name}`];
}
