import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { helmBinary } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { fakeTrivyEnv, runCli, temporaryFolder } from './run-cli.js';
import { expectOneSummary } from './summary-check.js';

/** Runs a scan writing JSON, Markdown and the table to files, and checks that they agree. */
async function scanAndCompare(dir: string, args: readonly string[], env: Record<string, string>) {
  const out = await temporaryFolder();
  const files = { json: join(out, 'r.json'), markdown: join(out, 'r.md'), table: join(out, 'r.txt') };
  const run = await runCli(
    [
      'scan',
      dir,
      '--format',
      `json=${files.json}`,
      '--format',
      `markdown=${files.markdown}`,
      '--format',
      `table=${files.table}`,
      ...args,
    ],
    { env },
  );
  expect(run.code, run.stderr).not.toBe(2);
  return expectOneSummary({
    json: await readFile(files.json, 'utf8'),
    markdown: await readFile(files.markdown, 'utf8'),
    table: await readFile(files.table, 'utf8'),
    stderr: run.stderr,
  });
}

describe('one summary: the headline, the stderr line, the table, JSON and Markdown agree', () => {
  it('on the demo repository: one unknown object blocks nothing, the other (an unrendered chart) blocks', async () => {
    const summary = await scanAndCompare(
      'examples/flux-repo',
      [
        '--trivy-reports',
        'examples/flux-repo/trivy-reports',
        '--fail-on',
        'never',
        // As `pnpm demo`: the docs chart is rendered offline; the blog's app-template chart is not cached.
        '--helm-path',
        await helmBinary(3),
        '--offline',
      ],
      await fakeTrivyEnv(),
    );
    expect(summary.objects).toMatchObject({ total: 8, blocking: 3, unknown: 2, unknownBlocking: 1 });
  });

  it('on the Flux kustomize-helm example, failing closed on images nobody recorded', async () => {
    const summary = await scanAndCompare(
      'fixtures/corpora/flux2-kustomize-helm-example',
      // Offline with an empty chart cache: no chart can be fetched (and no test needs the network).
      ['--offline'],
      await fakeTrivyEnv({ '*': 'alpine-310.json.golden' }),
    );
    // Its HelmReleases take their images from chart defaults: unknown, failing closed.
    expect(summary.objects.unknownBlocking).toBeGreaterThan(0);
  });

  it('on the Flux multi-tenancy example', async () => {
    const summary = await scanAndCompare(
      'fixtures/corpora/flux2-multi-tenancy',
      ['--offline'],
      await fakeTrivyEnv({}),
    );
    expect(summary.objects.unknownBlocking).toBeGreaterThan(0);
    expect(summary.objects.pass).toBeGreaterThan(0);
  });
});
