import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeTrivyEnv, runCli, temporaryFolder } from './run-cli.js';
import { expectOneSummary } from './summary-check.js';

const HOME_OPS = 'fixtures/corpora/joryirving-home-ops';

describe('sluice on the real corpora, with the stand-in trivy', () => {
  it('scans every image of the large home-ops repository once and gates its 468 Flux objects', async () => {
    // Every image the stand-in does not know replays the debian-buster report (1 CRITICAL, fixed).
    const env = await fakeTrivyEnv({ '*': 'debian-buster.json.golden' });
    const out = await temporaryFolder();
    const sarifFile = join(out, 'home-ops.sarif');
    const markdownFile = join(out, 'home-ops.md');
    const tableFile = join(out, 'home-ops.txt');
    const run = await runCli(
      [
        'scan',
        HOME_OPS,
        '--format',
        'json',
        '--format',
        `sarif=${sarifFile}`,
        '--format',
        `markdown=${markdownFile}`,
        '--format',
        `table=${tableFile}`,
        '-j',
        '4',
        '--no-render',
      ],
      { env },
    );
    expect(run.code).toBe(1);
    // The headline, the stderr line, the table, the JSON summary and the Markdown agree.
    const summary = expectOneSummary({
      json: run.stdout,
      markdown: await readFile(markdownFile, 'utf8'),
      table: await readFile(tableFile, 'utf8'),
      stderr: run.stderr,
    });
    expect(summary.objects.unknownBlocking).toBeGreaterThan(0);
    const report = JSON.parse(run.stdout) as {
      images: { ref: string; verdict: string }[];
      objects: { id: string; status: string }[];
    };
    expect(report.images.length).toBe(131);
    expect(report.images.every((image) => image.verdict === 'fail')).toBe(true);
    const statuses = new Set(report.objects.map((object) => object.status));
    expect([...statuses].sort()).toEqual(expect.arrayContaining(['blocked', 'blocked-upstream']));
    const log = (await readFile(env.FAKE_TRIVY_LOG!, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { command: string; image?: string });
    const scanned = log.filter((entry) => entry.image).map((entry) => entry.image);
    expect(scanned).toHaveLength(131);
    expect(new Set(scanned).size).toBe(131);
    const sarif = JSON.parse(await readFile(sarifFile, 'utf8')) as {
      runs: { results: { locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uris = sarif.runs[0]?.results
      .flatMap((result) => result.locations ?? [])
      .map((location) => location.physicalLocation.artifactLocation.uri);
    expect(uris?.length).toBeGreaterThan(131);
    expect(uris?.every((uri) => uri.startsWith('kubernetes/'))).toBe(true);
  }, 180_000);

  it('prints the dependency graph of a Flux example in the documented JSON shape', async () => {
    const run = await runCli(['graph', 'fixtures/corpora/flux2-kustomize-helm-example-pre-2.7', '--offline']);
    expect(run.code).toBe(0);
    const graph = JSON.parse(run.stdout) as {
      nodes: { id: string; dependsOn: string[]; manages: string[]; images: string[] }[];
      waves: string[][];
      diagnostics: unknown[];
    };
    const apps = graph.nodes.find((node) => node.id === 'Kustomization/flux-system/apps');
    expect(apps?.dependsOn).toEqual(['Kustomization/flux-system/infra-configs']);
    const order = graph.waves.flat();
    expect(order.indexOf('Kustomization/flux-system/infra-controllers')).toBeLessThan(
      order.indexOf('Kustomization/flux-system/infra-configs'),
    );
    expect(order.indexOf('Kustomization/flux-system/infra-configs')).toBeLessThan(
      order.indexOf('Kustomization/flux-system/apps'),
    );
  });

  it('lists the images of every Flux object, or why they are unknown', async () => {
    const run = await runCli(['images', HOME_OPS, '--format', 'json', '--offline']);
    expect(run.code).toBe(0);
    const listing = JSON.parse(run.stdout) as {
      mode: string;
      workloads: { id: string; method: string; unresolvedReason?: string; images: unknown[] }[];
    };
    expect(listing.mode).toBe('flux');
    expect(listing.workloads.length).toBe(468);
    for (const workload of listing.workloads) {
      if (workload.method === 'unresolved') expect(workload.unresolvedReason, workload.id).toBeTruthy();
    }
  });
});
