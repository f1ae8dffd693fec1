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
    const junitFile = join(out, 'home-ops.xml');
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
        '--format',
        `junit=${junitFile}`,
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
      objects: { id: string; cluster?: string; status: string }[];
    };
    expect(report.images.length).toBe(131);
    // One graph per cluster: every object once, with its cluster (12 objects no build reaches).
    expect(report.objects).toHaveLength(468);
    const perCluster = new Map<string, number>();
    for (const object of report.objects) {
      if (object.cluster !== undefined) expect(object.id.startsWith(`${object.cluster}:`)).toBe(true);
      perCluster.set(object.cluster ?? '-', (perCluster.get(object.cluster ?? '-') ?? 0) + 1);
    }
    expect(Object.fromEntries(perCluster)).toEqual({
      '-': 12,
      'kubernetes/clusters/main': 294,
      'kubernetes/clusters/test': 54,
      'kubernetes/clusters/utility': 108,
    });
    const junit = await readFile(junitFile, 'utf8');
    expect([...junit.matchAll(/<testsuite name="([^"]*)"/g)].map((match) => match[1])).toEqual([
      'kubernetes/clusters/main',
      'kubernetes/clusters/test',
      'kubernetes/clusters/utility',
      'Flux objects outside every cluster',
    ]);
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

  it('prints the dependency graph of a Flux example in the documented JSON shape, one per cluster', async () => {
    const corpus = 'fixtures/corpora/flux2-kustomize-helm-example-pre-2.7';
    const run = await runCli(['graph', corpus, '--offline']);
    expect(run.code).toBe(0);
    const graph = JSON.parse(run.stdout) as {
      nodes: { id: string; cluster?: string; dependsOn: string[]; manages: string[]; images: string[] }[];
      waves: string[][];
      diagnostics: unknown[];
    };
    // Two clusters: every object once per cluster, ids carrying the cluster.
    for (const cluster of ['clusters/production', 'clusters/staging']) {
      const id = (name: string): string => `${cluster}:Kustomization/flux-system/${name}`;
      const apps = graph.nodes.find((node) => node.id === id('apps'));
      expect(apps?.cluster).toBe(cluster);
      expect(apps?.dependsOn).toEqual([id('infra-configs')]);
      const order = graph.waves.flat();
      expect(order.indexOf(id('infra-controllers'))).toBeLessThan(order.indexOf(id('infra-configs')));
      expect(order.indexOf(id('infra-configs'))).toBeLessThan(order.indexOf(id('apps')));
    }
    const staging = await runCli(['graph', corpus, '--cluster', 'clusters/staging', '--format', 'mermaid']);
    expect(staging.code).toBe(0);
    expect(staging.stdout).toContain(
      '  subgraph c0["clusters/staging"]\n    n0["HelmRelease/cert-manager/cert-manager"]',
    );
    expect(staging.stdout).not.toContain('clusters/production');
    const wrong = await runCli(['graph', corpus, '--cluster', 'clusters/nowhere']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      'clusters/nowhere is not a cluster of the repository; its clusters (entry folders) are clusters/production, clusters/staging',
    );
  }, 120_000);

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
    // One cluster: its objects and those no cluster reaches (listed as not deployed).
    const test = await runCli([
      'images',
      HOME_OPS,
      '--format',
      'json',
      '--cluster',
      'kubernetes/clusters/test',
    ]);
    const only = JSON.parse(test.stdout) as { workloads: { id: string; cluster?: string }[] };
    const inTest = listing.workloads.filter(
      (workload) => workload.id.startsWith('kubernetes/clusters/test:') || !workload.id.includes(':'),
    );
    expect(only.workloads.map((workload) => workload.id)).toEqual(inTest.map((workload) => workload.id));
    expect(only.workloads.length).toBe(54 + 12);
  }, 120_000);
});
