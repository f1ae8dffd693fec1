// Which report the stand-in replays for an image name, and how it turns a golden (made from a
// tar archive) into what a registry scan of that name would print.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('..', import.meta.url));

/** The folder with the Trivy goldens: FAKE_TRIVY_FIXTURES, else the repository's fixtures/trivy. */
export function fixturesDir(env) {
  return env.FAKE_TRIVY_FIXTURES || join(HERE, '..', '..', 'fixtures', 'trivy');
}

/**
 * Docker's canonical form of a name, for matching: `alpine` → `docker.io/library/alpine:latest`.
 */
export function canonicalName(name) {
  const [withoutDigest, digest] = name.split('@');
  const slash = withoutDigest.indexOf('/');
  const first = slash === -1 ? '' : withoutDigest.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  let host = hasHost ? first : 'docker.io';
  if (host === 'index.docker.io') host = 'docker.io';
  let rest = hasHost ? withoutDigest.slice(slash + 1) : withoutDigest;
  if (host === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  const lastSlash = rest.lastIndexOf('/');
  const hasTag = rest.lastIndexOf(':') > lastSlash;
  if (!hasTag && !digest) rest = `${rest}:latest`;
  return `${host}/${rest}${digest ? `@${digest}` : ''}`;
}

/** The image map: built-in images.json, overridden by the JSON file named in FAKE_TRIVY_IMAGES. */
export function loadImageMap(env) {
  const map = JSON.parse(readFileSync(join(HERE, 'images.json'), 'utf8'));
  if (env.FAKE_TRIVY_IMAGES) Object.assign(map, JSON.parse(readFileSync(env.FAKE_TRIVY_IMAGES, 'utf8')));
  const byCanonical = new Map();
  for (const [name, entry] of Object.entries(map)) {
    if (name === '*') continue;
    byCanonical.set(canonicalName(name), typeof entry === 'string' ? { report: entry } : entry);
  }
  const fallback = map['*'];
  return { byCanonical, fallback: typeof fallback === 'string' ? { report: fallback } : fallback };
}

/** The map entry for an image, matching by canonical name (a digest-pinned name also by repo). */
export function findImage(imageMap, image) {
  const canonical = canonicalName(image);
  const direct = imageMap.byCanonical.get(canonical);
  if (direct) return direct;
  if (canonical.includes('@')) {
    // A digest-pinned name: an entry with that digest, else any tag of the same repository
    // (the registry is assumed to hold the digest; the report then carries the given digest).
    const [name, digest] = canonical.split('@');
    const repository = name.replace(/:[^/:]*$/, '');
    const sameRepository = [...imageMap.byCanonical]
      .filter(([key]) => key.split('@')[0].replace(/:[^/:]*$/, '') === repository)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const pinned = sameRepository.find(([, entry]) => entry.digest === digest);
    if (pinned) return pinned[1];
    if (imageMap.byCanonical.has(name)) return imageMap.byCanonical.get(name);
    if (sameRepository[0]) return sameRepository[0][1];
  }
  return imageMap.fallback;
}

/** The digest the stand-in reports for an image: the pinned one, the configured one, else a hash. */
export function imageDigest(entry, image) {
  if (image.includes('@')) return image.split('@')[1];
  if (entry.digest) return entry.digest;
  return `sha256:${createHash('sha256').update(canonicalName(image)).digest('hex')}`;
}

function keepVulnerability(vulnerability, filters) {
  if (filters.ignoredIds && filters.ignoredIds.has(vulnerability.VulnerabilityID)) return false;
  if (filters.severities && !filters.severities.includes(vulnerability.Severity)) return false;
  if (filters.ignoreStatuses && filters.ignoreStatuses.includes(vulnerability.Status)) return false;
  return true;
}

const UNFIXED_STATUSES = [
  'unknown',
  'not_affected',
  'affected',
  'under_investigation',
  'will_not_fix',
  'fix_deferred',
  'end_of_life',
];

/**
 * Loads the golden for an entry and rewrites it into a registry scan of `image`: ArtifactName,
 * RepoTags, RepoDigests, the OS result's Target, Trivy.Version; applies `--severity`,
 * `--ignore-unfixed` and `--ignore-status` the way Trivy filters before writing.
 */
export function renderReport(entry, image, options, env) {
  const path = isAbsolute(entry.report) ? entry.report : join(fixturesDir(env), entry.report);
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const oldName = report.ArtifactName;
  const digest = imageDigest(entry, image);
  const repository = canonicalName(image)
    .split('@')[0]
    .replace(/:[^/:]*$/, '');
  // `artifactName`: a report about another image than the one asked for (a wrapper that
  // answers from a stale file, a tag that resolved elsewhere).
  const named = entry.artifactName ?? image;
  const namedRepository = entry.artifactName
    ? canonicalName(named)
        .split('@')[0]
        .replace(/:[^/:]*$/, '')
    : repository;
  report.Trivy = { ...report.Trivy, Version: options.version };
  report.ArtifactName = named;
  if (report.Metadata) {
    report.Metadata.RepoTags = named.includes('@') ? [] : [named];
    report.Metadata.RepoDigests = [`${namedRepository}@${digest}`];
    if (report.Metadata.RepoTags.length === 0) delete report.Metadata.RepoTags;
    report.Metadata.Reference = named;
  }
  const ignoreStatuses =
    options.ignoreUnfixed && !options.ignoreStatus ? UNFIXED_STATUSES : options.ignoreStatus;
  const filters = { severities: options.severities, ignoreStatuses, ignoredIds: options.ignoredIds };
  for (const result of report.Results ?? []) {
    if (typeof result.Target === 'string' && result.Target.startsWith(`${oldName} `)) {
      result.Target = `${named}${result.Target.slice(oldName.length)}`;
    }
    if (result.Vulnerabilities) {
      result.Vulnerabilities = result.Vulnerabilities.filter((v) => keepVulnerability(v, filters));
      if (result.Vulnerabilities.length === 0) delete result.Vulnerabilities;
    }
  }
  return report;
}
