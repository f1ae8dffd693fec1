import { readFileSync } from 'node:fs';
import { repoPath } from '@sluice/test-utils';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import {
  HOSTILE,
  buildHostileReport,
  buildPassingReport,
  buildSampleReport,
} from './__fixtures__/sample-report.js';
import { junitReporter, renderJunit } from './junit-reporter.js';
import type { JunitDialect } from './junit-reporter.js';

const junit10 = readFileSync(repoPath('fixtures/schemas/junit-10.xsd'), 'utf8');
const ant = readFileSync(repoPath('fixtures/schemas/JUnit.xsd'), 'utf8');
// The extended dialect is junit-10 plus `file` and `line` on testcase (read by GitLab and the
// GitHub annotation actions); validate it against junit-10 with exactly those two attributes added.
const junit10WithLocation = junit10.replace(
  '<xs:attribute name="group" type="xs:string"/>\n        </xs:complexType>\n    </xs:element>\n\n    <xs:element name="testsuite">',
  '<xs:attribute name="group" type="xs:string"/>\n            <xs:attribute name="file" type="xs:string"/>\n            <xs:attribute name="line" type="xs:nonNegativeInteger"/>\n        </xs:complexType>\n    </xs:element>\n\n    <xs:element name="testsuite">',
);

const SCHEMAS: Record<JunitDialect, string> = { extended: junit10WithLocation, 'junit-10': junit10, ant };

async function schemaErrors(xml: string, schema: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'schema.xsd', contents: schema }],
  });
  return result.errors.map((error) => error.rawMessage);
}

/** A minimal DOM-free reader: the attributes of every `<tag …>` in document order. */
function attributesOf(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag}((?:\\s+[\\w-]+="[^"]*")*)\\s*/?>`, 'g'))].map((match) =>
    Object.fromEntries([...(match[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );
}

describe('junitReporter', () => {
  it('checks that the derived extended schema really differs from junit-10 only by file and line', () => {
    expect(junit10WithLocation).not.toBe(junit10);
    expect(junit10WithLocation.length - junit10.length).toBeLessThan(200);
  });

  for (const dialect of ['extended', 'junit-10', 'ant'] as const) {
    it(`writes the ${dialect} dialect valid against its XSD, for every sample report`, async () => {
      for (const report of [buildSampleReport(), buildPassingReport(), buildHostileReport()]) {
        const xml = renderJunit(report, { dialect });
        expect(await schemaErrors(xml, SCHEMAS[dialect])).toEqual([]);
      }
      const withTime = renderJunit(
        buildSampleReport(),
        { dialect },
        { now: new Date('2026-01-02T03:04:05.678Z') },
      );
      expect(await schemaErrors(withTime, SCHEMAS[dialect])).toEqual([]);
    });
  }

  it('rejects what the schemas forbid (the validation is real)', async () => {
    const extended = renderJunit(buildSampleReport());
    expect((await schemaErrors(extended, junit10)).join('\n')).toMatch(/attribute 'file' is not allowed/);
    expect(await schemaErrors(extended, ant)).not.toEqual([]);
  });

  it('matches the golden files', async () => {
    await expect(await junitReporter().render(buildSampleReport())).toMatchFileSnapshot(
      './__fixtures__/golden/sample.junit.xml',
    );
    await expect(await junitReporter({ dialect: 'ant' }).render(buildSampleReport())).toMatchFileSnapshot(
      './__fixtures__/golden/sample.junit-ant.xml',
    );
  });

  it('writes a suite per Flux object plus one for images outside Flux, a testcase per image with file and line', () => {
    const xml = renderJunit(buildSampleReport());
    const suites = attributesOf(xml, 'testsuite');
    expect(suites.map((suite) => suite['name'])).toEqual([
      'HelmRelease/podinfo/podinfo',
      'HelmRelease/redis/redis',
      'Kustomization/flux-system/apps',
      'Kustomization/flux-system/apps-extra',
      'Kustomization/flux-system/infra-controllers',
      'Kustomization/flux-system/monitoring',
      'Kustomization/flux-system/sources',
      'Images outside Flux',
    ]);
    const apps = suites[2]!;
    expect(apps).toMatchObject({ tests: '3', failures: '3', errors: '0', skipped: '0' });
    const cases = attributesOf(xml, 'testcase');
    const alpine = cases.find(
      (c) => c['classname'] === 'Kustomization/flux-system/apps' && c['name']!.endsWith(':alpine-39'),
    );
    expect(alpine).toMatchObject({ file: 'apps/base/podinfo/deployment.yaml', line: '24' });
    const debian = cases.find((c) => c['classname'] === 'Images outside Flux');
    expect(debian).toMatchObject({
      name: 'docker.io/library/debian:buster',
      file: 'clusters/production/debug-pod.yaml',
      line: '9',
    });
    // Names are unique within each class name (GitLab drops duplicates).
    const keys = cases.map((c) => `${c['classname']}\u0000${c['name']}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(attributesOf(xml, 'testsuites')[0]).toMatchObject({ tests: String(cases.length) });
  });

  it('fails with a one-line message and a body listing the findings; errors for scan failures; passes clean images', () => {
    const xml = renderJunit(buildSampleReport());
    const failures = attributesOf(xml, 'failure');
    const alpine = failures.find((failure) => failure['message']!.includes('CVE-2019-14697'));
    expect(alpine?.['message']).toBe(
      '1 finding fails the policy: CRITICAL CVE-2019-14697 in musl 1.1.20-r4 (fixed in 1.1.20-r5)',
    );
    expect(xml).toContain(
      'MEDIUM CVE-2019-1549 in libssl1.1 1.1.1b-r1 (fixed in 1.1.1d-r0) [does not fail the policy]',
    );
    expect(xml).toContain(
      'CRITICAL CVE-2019-14697 in musl-utils 1.1.20-r4 (fixed in 1.1.20-r5, ignored: accepted until 2027-01-01 (ticket SEC-12)) [does not fail the policy]',
    );
    for (const failure of failures) expect(failure['message']).not.toMatch(/&#10;/);
    const errors = attributesOf(xml, 'error');
    expect(errors.find((error) => error['type'] === 'unauthorized')?.['message']).toContain(
      'could not be scanned',
    );
    expect(attributesOf(xml, 'skipped')[0]?.['message']).toContain('monitoring is suspended');
    const passing = renderJunit(buildPassingReport());
    expect(passing).not.toMatch(/<failure|<error/);
    expect(attributesOf(passing, 'testcase').map((c) => c['name'])).toEqual([
      'Flux gate',
      'docker.io/library/nginx:1.27.0',
    ]);
  });

  it('escapes hostile manifest text', async () => {
    const xml = renderJunit(buildHostileReport());
    expect(xml).not.toContain('<script>');
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).toContain('&lt;/details&gt;&lt;script&gt;');
    expect(HOSTILE).toContain(']]>');
    expect(await schemaErrors(xml, junit10WithLocation)).toEqual([]);
  });

  it('is deterministic: no time unless one is given', async () => {
    const first = await junitReporter().render(buildSampleReport());
    expect(await junitReporter().render(buildSampleReport())).toBe(first);
    expect(first).not.toContain('timestamp');
  });
});
