import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from '@sluice/test-utils';
import { runCli } from '../support/cli.js';
import { createTrivySandbox } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';

const FORMATS = ['sarif', 'json', 'junit'] as const;
const sandboxes: TrivySandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
});

/** Scans a corpus from scratch (own caches, own log) and returns the three reports. */
async function scanOnce(corpus: string): Promise<{ code: number | null; reports: string[] }> {
  // Every image of the corpus replays a report with findings, so the reports carry results.
  const sandbox = await createTrivySandbox({ '*': 'alpine-39.json.golden' });
  sandboxes.push(sandbox);
  const files = FORMATS.map((format) => join(sandbox.dir, `report.${format}`));
  const run = await runCli(
    [
      'scan',
      repoPath(`fixtures/corpora/${corpus}`),
      '--quiet',
      // No chart is fetched (the chart cache of the sandbox is empty): no test needs the network.
      '--offline',
      '--concurrency',
      '8',
      ...FORMATS.flatMap((format, index) => ['--format', `${format}=${files[index]}`]),
    ],
    sandbox.env(),
  );
  expect(run.stderr).toBe('');
  return { code: run.code, reports: await Promise.all(files.map((file) => readFile(file, 'utf8'))) };
}

describe('determinism on real corpora: two independent scans give byte-identical SARIF, JSON and JUnit', () => {
  it(
    'flux2-kustomize-helm-example-pre-2.7 (Flux objects, no image found in values)',
    { timeout: 120_000 },
    async () => {
      const [first, second] = await Promise.all([
        scanOnce('flux2-kustomize-helm-example-pre-2.7'),
        scanOnce('flux2-kustomize-helm-example-pre-2.7'),
      ]);
      // Its HelmReleases' images are only in chart defaults: unknown, so failing closed they block.
      expect(first.code).toBe(1);
      expect(second.code).toBe(first.code);
      FORMATS.forEach((format, index) => expect(second.reports[index], format).toBe(first.reports[index]));
      expect(first.reports[1]).toContain('Kustomization/flux-system/apps');
    },
  );

  it(
    'joryirving-home-ops (131 images, 468 Flux objects, every image with findings)',
    { timeout: 300_000 },
    async () => {
      const [first, second] = await Promise.all([
        scanOnce('joryirving-home-ops'),
        scanOnce('joryirving-home-ops'),
      ]);
      expect(first.code).toBe(1);
      expect(second.code).toBe(first.code);
      FORMATS.forEach((format, index) => expect(second.reports[index], format).toBe(first.reports[index]));
      // Not trivially equal: the reports carry the corpus's images and their findings.
      expect(first.reports[1]).toContain('CVE-2019-14697');
      expect(first.reports[0]).toContain('"ruleId"');
    },
  );
});
