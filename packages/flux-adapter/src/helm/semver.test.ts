import { describe, expect, it } from 'vitest';
import { applyChartMirrors, parseChartMirror, type ChartMirror } from './chart-mirrors.js';
import { releaseNameOf, shortenReleaseName } from './release-name.js';
import { parseConstraint, parseVersion, satisfies, selectChartVersion } from './semver.js';

const matches = (constraint: string, version: string): boolean => {
  const parsed = parseConstraint(constraint);
  const v = parseVersion(version);
  if ('error' in parsed || !v) throw new Error(`bad case ${constraint} ${version}`);
  return satisfies(v, parsed);
};

describe('Masterminds semver constraints (source-controller)', () => {
  it.each([
    ['*', '1.2.3', true],
    ['*', '1.2.3-rc.1', false],
    ['1.x', '1.9.0', true],
    ['1.x', '2.0.0', false],
    ['1.2.x', '1.2.9', true],
    ['1.2.x', '1.3.0', false],
    ['>=1.0.0', '6.9.0', true],
    ['>=1.0.0', '6.10.0-rc.1', false],
    ['>=1.0.0-alpha', '6.10.0-rc.1', true],
    ['>= 1.8.0-rc.0', '1.8.0-rc.1', true],
    ['>=1.2, <2', '1.9.9', true],
    ['>=1.2 <2', '2.0.0', false],
    ['>=1.2.0, <2.0.0 || 3.x', '3.1.0', true],
    ['1.2 - 1.4.5', '1.4.5', true],
    ['1.2 - 1.4.5', '1.4.6', false],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['~1', '1.9.0', true],
    ['^1.2.3', '1.9.0', true],
    ['^1.2.3', '2.0.0', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.4', false],
    ['>1.2', '1.2.5', false],
    ['>1.2', '1.3.0', true],
    ['<=1.2', '1.2.9', true],
    ['!=1.2.3', '1.2.3', false],
    ['!=1.2.x', '1.2.7', false],
    ['!=1.2.x', '1.3.0', true],
    ['=1.2.3', '1.2.3', true],
    ['v1.2.3', 'v1.2.3', true],
  ])('%s matches %s: %s', (constraint, version, expected) => {
    expect(matches(constraint, version)).toBe(expected);
  });

  it('rejects what is not a version or a constraint', () => {
    expect(parseVersion('1.2')).toBeUndefined();
    expect(parseVersion('01.2.3')).toBeUndefined();
    expect(parseConstraint('>= banana')).toMatchObject({
      error: expect.stringContaining('improper constraint'),
    });
  });

  it('selects as getChartVersion does: exact text first, then the highest stable match, created breaking ties', () => {
    const versions = [
      { version: '1.0.0' },
      { version: '1.1.0', created: '2024-01-01T00:00:00Z' },
      { version: '1.1.0+build.2', created: '2024-02-01T00:00:00Z' },
      { version: '1.2.0-rc.1' },
      { version: '2.0.0' },
      { version: 'latest' },
      { version: 'not-semver' },
    ];
    const pick = (wanted: string): string | undefined => {
      const result = selectChartVersion(versions, wanted);
      return 'selected' in result ? result.selected.version : result.error;
    };
    expect(pick('')).toBe('2.0.0');
    expect(pick('*')).toBe('2.0.0');
    expect(pick('1.x')).toBe('1.1.0+build.2');
    expect(pick('>=1.0.0-alpha <2.0.0')).toBe('1.2.0-rc.1');
    expect(pick('latest')).toBe('latest');
    expect(pick('3.x')).toBe("no chart version matching '3.x' found");
  });
});

describe('release names and chart mirrors', () => {
  it('names releases as helm-controller does (GetReleaseName, ShortenName)', () => {
    expect(releaseNameOf({}, 'podinfo')).toBe('podinfo');
    expect(releaseNameOf({ targetNamespace: 'prod' }, 'podinfo')).toBe('prod-podinfo');
    expect(releaseNameOf({ releaseName: 'x', targetNamespace: 'prod' }, 'podinfo')).toBe('x');
    const long = 'a-very-long-target-namespace-for-tests-and-a-release-name';
    expect(shortenReleaseName(long)).toBe(`${long.slice(0, 40)}-7a81c92a17fc`); // sha256 computed with Python
    expect(shortenReleaseName(long)).toHaveLength(53);
  });

  it('rewrites the longest prefix, whole segments only; loopback OCI is plain HTTP', () => {
    const mirrors = [
      parseChartMirror('https://charts.example.com=http://127.0.0.1:8080/mirror'),
      parseChartMirror('oci://ghcr.io=oci://127.0.0.1:5000/ghcr'),
      parseChartMirror('oci://ghcr.io/team=oci://registry.internal/team'),
    ].filter((mirror): mirror is ChartMirror => !('error' in mirror));
    expect(applyChartMirrors('https://charts.example.com/', mirrors)).toEqual({
      url: 'http://127.0.0.1:8080/mirror',
      plainHttp: false,
    });
    expect(applyChartMirrors('https://charts.example.community', mirrors).url).toBe(
      'https://charts.example.community',
    );
    expect(applyChartMirrors('oci://ghcr.io/org/chart', mirrors)).toEqual({
      url: 'oci://127.0.0.1:5000/ghcr/org/chart',
      plainHttp: true,
    });
    expect(applyChartMirrors('oci://ghcr.io/team/chart', mirrors)).toEqual({
      url: 'oci://registry.internal/team/chart',
      plainHttp: false,
    });
    expect(parseChartMirror('oci://a=https://b')).toMatchObject({ error: expect.stringContaining('oci://') });
    expect(parseChartMirror('nonsense')).toMatchObject({ error: expect.stringContaining('FROM=TO') });
  });
});
