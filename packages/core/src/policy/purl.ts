import type { Finding } from '../report.js';

/** The parts of a package URL (`pkg:type/namespace/name@version`) that Sluice matches on. */
export interface PackageUrl {
  readonly type: string;
  readonly namespace?: string;
  readonly name: string;
  readonly version?: string;
}

const PURL = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^@?#]+?)(?:@([^?#]+))?(?:\?[^#]*)?(?:#.*)?$/;

/**
 * Parses a package URL, or returns undefined when the text is not one.
 *
 * @example
 * ```ts
 * parsePurl('pkg:deb/debian/libssl1.1@1.1.1n-0'); // { type: 'deb', namespace: 'debian', name: 'libssl1.1', version: '1.1.1n-0' }
 * ```
 */
export function parsePurl(text: string): PackageUrl | undefined {
  const match = PURL.exec(text.trim());
  if (!match) return undefined;
  const segments = (match[2] ?? '').split('/').filter(Boolean).map(decode);
  const name = segments.pop();
  if (!name) return undefined;
  const namespace = segments.length > 0 ? segments.join('/') : undefined;
  const version = match[3] === undefined ? undefined : decode(match[3]);
  return {
    type: (match[1] ?? '').toLowerCase(),
    ...(namespace === undefined ? {} : { namespace }),
    name,
    ...(version === undefined ? {} : { version }),
  };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// Trivy's package types (Finding.packageType) per purl type. A finding whose type is not listed
// is matched on name (and version) alone.
const PACKAGE_TYPES: Readonly<Record<string, readonly string[]>> = {
  deb: ['debian', 'ubuntu'],
  apk: ['alpine', 'wolfi', 'chainguard', 'minimos'],
  rpm: [
    'redhat',
    'centos',
    'rocky',
    'alma',
    'amazon',
    'oracle',
    'fedora',
    'photon',
    'suse',
    'azurelinux',
    'cbl-mariner',
  ],
  golang: ['gobinary', 'gomod'],
  npm: ['npm', 'node-pkg', 'yarn', 'pnpm', 'bun'],
  pypi: ['pip', 'pipenv', 'poetry', 'python-pkg', 'uv'],
  maven: ['jar', 'pom', 'gradle', 'sbt'],
  cargo: ['cargo', 'rust-binary'],
  gem: ['bundler', 'gemspec'],
  composer: ['composer', 'composer-vendor'],
  nuget: ['nuget', 'dotnet-core', 'packages-props'],
};

/**
 * Tells whether a finding's package is the one a package URL names: same name (with the
 * namespace joined by `/`, or by `:` for Maven), a compatible package type when both are known,
 * and the same installed version when the URL has one.
 */
export function matchPurl(purl: PackageUrl, finding: Finding): boolean {
  const names = [purl.name];
  if (purl.namespace !== undefined) {
    names.push(`${purl.namespace}/${purl.name}`, `${purl.namespace}:${purl.name}`);
  }
  if (!names.includes(finding.package)) return false;
  const types = PACKAGE_TYPES[purl.type];
  if (types && finding.packageType !== undefined && !types.includes(finding.packageType.toLowerCase()))
    return false;
  return purl.version === undefined || purl.version === finding.installedVersion;
}
