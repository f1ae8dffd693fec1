/**
 * Semantic versions and version constraints as Flux's source-controller reads them: versions
 * with `fluxcd/pkg/version.ParseVersion` (strict semver, an optional leading `v`), constraints with
 * Masterminds/semver v3 (`NewConstraint`): `||` between alternatives, `,` or spaces between
 * conditions, hyphen ranges, `x`/`X`/`*` wildcards, `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`,
 * `^`. A pre-release version is only considered by an alternative that names a pre-release.
 */

/** A parsed semantic version. */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Dot-separated pre-release identifiers ('' for none). */
  readonly prerelease: string;
  /** The text as written. */
  readonly original: string;
}

const STRICT =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Parses a version as source-controller does (strict semver, optional `v`), or undefined. */
export function parseVersion(text: string): SemVer | undefined {
  const match = STRICT.exec(text);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4] ?? '',
    original: text,
  };
}

/** Orders two versions by precedence (build metadata ignored): negative, 0 or positive. */
export function compareVersions(a: SemVer, b: SemVer): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const x = left[index];
    const y = right[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    if (xNumeric && yNumeric) return Number(x) - Number(y);
    if (xNumeric) return -1;
    if (yNumeric) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

interface Condition {
  readonly operator: string;
  readonly version: SemVer;
  /** A wildcard or missing part (Masterminds' `dirty`, `minorDirty`, `patchDirty`). */
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

/** A parsed constraint: alternatives (`||`) of conditions that must all hold. */
export interface VersionConstraint {
  readonly text: string;
  readonly alternatives: readonly (readonly Condition[])[];
}

const CONDITION =
  /^(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const HYPHEN_RANGE = /(\S+)\s+-\s+(\S+)/g;
const IS_WILDCARD = (part: string | undefined): boolean =>
  part === undefined || ['x', 'X', '*'].includes(part.replace(/^\./, ''));

/** Parses a Masterminds constraint, or returns why it is not one. */
export function parseConstraint(text: string): VersionConstraint | { readonly error: string } {
  const alternatives: Condition[][] = [];
  for (const alternative of text.split('||')) {
    const rewritten = alternative.replace(HYPHEN_RANGE, '>= $1, <= $2');
    // Masterminds joins an operator to its version ("> 1.2") before splitting on spaces and commas.
    const tokens = rewritten
      .replace(/(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)\s+/g, '$1')
      .split(/[\s,]+/)
      .filter((token) => token !== '');
    if (tokens.length === 0) return { error: `improper constraint: ${text}` };
    const conditions: Condition[] = [];
    for (const token of tokens) {
      const match = CONDITION.exec(token);
      if (!match) return { error: `improper constraint: ${text}` };
      const [, operator = '', major = '', minor, patch, prerelease = ''] = match;
      if ([major, minor, patch].some((part) => part !== undefined && !/^\.?(\d+|[xX*])$/.test(part)))
        return { error: `improper constraint: ${text}` };
      const pre = prerelease.replace(/^-/, '');
      const number = (part: string | undefined): number =>
        IS_WILDCARD(part) ? 0 : Number((part ?? '').replace(/^\./, ''));
      let dirty = false;
      let minorDirty = false;
      let patchDirty = false;
      if (IS_WILDCARD(major)) dirty = true;
      else if (IS_WILDCARD(minor)) dirty = minorDirty = true;
      else if (IS_WILDCARD(patch)) dirty = patchDirty = true;
      const version: SemVer = {
        major: IS_WILDCARD(major) ? 0 : Number(major),
        minor: dirty && !patchDirty ? 0 : number(minor),
        patch: dirty ? 0 : number(patch),
        prerelease: pre,
        original: token,
      };
      conditions.push({ operator: normalizeOperator(operator), version, dirty, minorDirty, patchDirty });
    }
    alternatives.push(conditions);
  }
  return { text, alternatives };
}

function normalizeOperator(operator: string): string {
  if (operator === '=>') return '>=';
  if (operator === '=<') return '<=';
  if (operator === '~>') return '~';
  return operator === '' ? '=' : operator;
}

/** Whether a version satisfies a constraint (one alternative whose conditions all hold). */
export function satisfies(version: SemVer, constraint: VersionConstraint): boolean {
  return constraint.alternatives.some((conditions) => {
    // Masterminds v3.3+: a pre-release version is considered only by an alternative (`||` part)
    // where some condition names a pre-release (`Constraints.containsPre`).
    const includePrerelease = conditions.some((condition) => condition.version.prerelease !== '');
    if (version.prerelease !== '' && !includePrerelease) return false;
    return conditions.every((condition) => check(version, condition));
  });
}

function check(v: SemVer, c: Condition): boolean {
  const con = c.version;
  const compared = compareVersions(v, con);
  switch (c.operator) {
    case '=':
      return c.dirty ? tilde(v, c) : compared === 0;
    case '!=':
      return notEqual(v, c);
    case '>':
      if (!c.dirty) return compared > 0;
      if (v.major !== con.major) return v.major > con.major;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > con.minor;
      return compared > 0;
    case '<':
      return compared < 0;
    case '>=':
      return compared >= 0;
    case '<=':
      if (!c.dirty) return compared <= 0;
      if (v.major !== con.major) return v.major < con.major;
      if (c.minorDirty) return true;
      if (c.patchDirty) return v.minor <= con.minor;
      return compared <= 0;
    case '~':
      return tilde(v, c);
    case '^':
      return caret(v, c);
    default:
      return false;
  }
}

function tilde(v: SemVer, c: Condition): boolean {
  const con = c.version;
  if (compareVersions(v, con) < 0) return false;
  // ~0.0.0 (and `*`) accepts everything: >= 0.0.0.
  if (con.major === 0 && con.minor === 0 && con.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== con.major) return false;
  return v.minor === con.minor || c.minorDirty;
}

function caret(v: SemVer, c: Condition): boolean {
  const con = c.version;
  if (compareVersions(v, con) < 0) return false;
  if (con.major > 0 || c.minorDirty) return v.major === con.major;
  if (v.major > 0) return false;
  if (con.minor > 0 || c.patchDirty) return v.minor === con.minor;
  if (v.minor > 0) return false;
  return v.patch === con.patch;
}

function notEqual(v: SemVer, c: Condition): boolean {
  const con = c.version;
  if (!c.dirty) return compareVersions(v, con) !== 0;
  if (con.major !== v.major) return true;
  if (c.minorDirty) return false;
  if (con.minor !== v.minor) return true;
  if (c.patchDirty)
    return v.prerelease !== '' || con.prerelease !== '' ? v.prerelease !== con.prerelease : false;
  return con.patch !== v.patch;
}

/** One published version of a chart (an `index.yaml` entry or an OCI tag). */
export interface ChartVersionCandidate {
  readonly version: string;
  /** The entry's `created` time, which orders versions that differ only by build metadata. */
  readonly created?: string;
}

/**
 * Picks the chart version source-controller would (`ChartRepository.getChartVersion`,
 * `getLastMatchingVersionOrConstraint`): an exact match of the written text first; otherwise the
 * highest version satisfying the constraint, where '' and `*` mean the latest stable version.
 * Entries that are not strict semver are skipped.
 */
export function selectChartVersion<T extends ChartVersionCandidate>(
  candidates: readonly T[],
  wanted: string,
): { readonly selected: T } | { readonly error: string } {
  if (wanted !== '') {
    const exact = candidates.find((candidate) => candidate.version === wanted);
    if (exact) return { selected: exact };
  }
  const constraint = parseConstraint(wanted === '' ? '*' : wanted);
  if ('error' in constraint) return { error: `invalid version constraint '${wanted}': ${constraint.error}` };
  const matching = candidates
    .map((candidate) => ({ candidate, version: parseVersion(candidate.version) }))
    .filter(
      (entry): entry is { candidate: T; version: SemVer } =>
        entry.version !== undefined && satisfies(entry.version, constraint),
    )
    .sort(
      (a, b) =>
        compareVersions(b.version, a.version) ||
        (b.candidate.created ?? '').localeCompare(a.candidate.created ?? ''),
    );
  const best = matching[0];
  if (!best) return { error: `no chart version matching '${wanted === '' ? '*' : wanted}' found` };
  return { selected: best.candidate };
}
