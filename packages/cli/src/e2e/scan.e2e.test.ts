import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { helmBinary, repoPath } from '@sluice/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_SLUICE_IMAGE } from '../commands/gate-settings.js';
import { fakeTrivyEnv, pathWithoutTrivy, runCli, temporaryFolder } from './run-cli.js';

const EXAMPLE = 'examples/flux-repo';

// The docs HelmRelease's chart is committed in the example: rendered with the real helm, offline.
let helmPath = '';
beforeAll(async () => {
  helmPath = await helmBinary(3);
});
const helm = (): string[] => ['--helm-path', helmPath, '--offline'];

describe('sluice scan on the example repository, with the stand-in trivy', () => {
  it('blocks the apps Kustomization and what depends on it, and exits 1', async () => {
    const env = await fakeTrivyEnv();
    const run = await runCli(['scan', EXAMPLE, ...helm(), '--format', 'json'], { env });
    expect(run.stderr).toContain('sluice: 6 unique images in 8 Flux objects');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      verdict: string;
      objects: { id: string; status: string; reasons: string[]; chain?: string[] }[];
      images: { ref: string; verdict: string; source?: string }[];
    };
    expect(report.verdict).toBe('blocked');
    const status = Object.fromEntries(report.objects.map((object) => [object.id, object.status]));
    expect(status).toEqual({
      // Offline, the app-template chart is not in the chart cache: unknown, failing closed.
      'HelmRelease/apps/blog': 'unknown',
      // Its chart (committed in the example) is rendered: its default images pass.
      'HelmRelease/apps/docs': 'pass',
      'Kustomization/flux-system/apps': 'blocked',
      'Kustomization/flux-system/flux-system': 'pass',
      'Kustomization/flux-system/infra-configs': 'pass',
      'Kustomization/flux-system/infra-controllers': 'pass',
      'Kustomization/flux-system/monitoring': 'blocked-upstream',
      // The gate's scanner image is unknown to the stand-in; the example's config only warns.
      'Kustomization/flux-system/sluice-gate': 'unknown',
    });
    const monitoring = report.objects.find((object) => object.id === 'Kustomization/flux-system/monitoring');
    expect(monitoring?.chain).toEqual([
      'Kustomization/flux-system/monitoring',
      'Kustomization/flux-system/apps',
    ]);
    expect(report.images.map((image) => [image.ref, image.verdict, image.source])).toEqual([
      ['ghcr.io/aquasecurity/trivy-test-images:alpine-310', 'pass', 'scan'],
      ['ghcr.io/aquasecurity/trivy-test-images:alpine-39', 'fail', 'scan'],
      ['ghcr.io/aquasecurity/trivy-test-images:distroless-base', 'pass', 'scan'],
      ['ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb', 'pass', 'scan'],
      ['ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804', 'pass', 'scan'],
      [CLI_SLUICE_IMAGE, 'unknown', undefined],
    ]);
    const log = (await readFile(env.FAKE_TRIVY_LOG!, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { command: string; image?: string });
    const scans = log.filter((entry) => entry.command === 'image' && entry.image);
    expect(scans.map((entry) => entry.image).sort()).toEqual(report.images.map((image) => image.ref));
  });

  it('writes every report to its file, and a rerun is served from the result cache', async () => {
    const env = await fakeTrivyEnv();
    const out = await temporaryFolder();
    const formats = ['sarif', 'junit', 'markdown', 'json'].flatMap((format) => [
      '--format',
      `${format}=${join(out, `report.${format}`)}`,
    ]);
    const first = await runCli(['scan', EXAMPLE, ...helm(), ...formats, '--format', 'table'], { env });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('Kustomization/flux-system/apps');
    const sarif = JSON.parse(await readFile(join(out, 'report.sarif'), 'utf8')) as {
      runs: {
        results: {
          ruleId: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    const critical = sarif.runs[0]?.results.find((result) => result.ruleId === 'CVE-2019-14697');
    expect(critical?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(
      'apps/production/kustomization.yaml',
    );
    expect(critical?.locations[0]?.physicalLocation.region.startLine).toBe(12);
    expect(await readFile(join(out, 'report.junit'), 'utf8')).toContain('<testsuites');
    expect(await readFile(join(out, 'report.markdown'), 'utf8')).toMatch(/blocked/i);

    const second = await runCli(['scan', EXAMPLE, ...helm(), '--format', 'json'], { env });
    expect(second.code).toBe(1);
    const sources = (JSON.parse(second.stdout) as { images: { source: string }[] }).images.map(
      (image) => image.source,
    );
    // Failures are never cached: the unknown scanner image is tried again.
    expect(sources).toEqual(['cache', 'cache', 'cache', 'cache', 'cache', undefined]);
  });

  it('gives byte-identical SARIF, JSON and JUnit for the same repository', async () => {
    const outputs: string[][] = [];
    for (const attempt of [1, 2]) {
      const env = await fakeTrivyEnv();
      const out = await temporaryFolder();
      const files = ['sarif', 'json', 'junit'].map((format) => join(out, `${attempt}.${format}`));
      const formats = ['sarif', 'json', 'junit'].flatMap((format, index) => [
        '--format',
        `${format}=${files[index]}`,
      ]);
      const run = await runCli(['scan', EXAMPLE, ...helm(), ...formats, '--quiet'], { env });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      outputs.push(await Promise.all(files.map((file) => readFile(file, 'utf8'))));
    }
    expect(outputs[0]).toEqual(outputs[1]);
  });

  it('passes with --fail-on never, and with a severity the findings do not reach', async () => {
    const env = await fakeTrivyEnv();
    expect((await runCli(['scan', EXAMPLE, ...helm(), '--fail-on', 'never', '-q'], { env })).code).toBe(0);
    // --on-scan-error warn: the blog's chart is not reachable offline, which would block.
    const ignored = await runCli(
      [
        'scan',
        EXAMPLE,
        ...helm(),
        '--severity',
        'UNKNOWN',
        '--on-scan-error',
        'warn',
        '-q',
        '--format',
        'json',
      ],
      { env },
    );
    expect(ignored.code).toBe(0);
    expect((JSON.parse(ignored.stdout) as { verdict: string }).verdict).toBe('pass');
  });

  it('uses existing Trivy reports with --trivy-reports, without any trivy installed', async () => {
    const run = await runCli(
      ['scan', EXAMPLE, ...helm(), '--trivy-reports', `${EXAMPLE}/trivy-reports`, '--format', 'json'],
      {
        env: { PATH: pathWithoutTrivy() },
      },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { images: { source: string; verdict: string }[] };
    expect(report.images.map((image) => [image.source, image.verdict])).toEqual([
      ['report', 'pass'],
      ['report', 'fail'],
      ['report', 'pass'],
      ['report', 'pass'],
      ['report', 'pass'],
      [undefined, 'unknown'],
    ]);
  });

  it('exits 3 and says how to get a scanner when trivy is missing', async () => {
    const run = await runCli(['scan', EXAMPLE], { env: { PATH: pathWithoutTrivy() } });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('trivy was not found');
    expect(run.stderr).toContain('--server URL');
    expect(run.stderr).toContain('--trivy-reports DIR');
    // Said once for the run, not once per image.
    expect(run.stderr.match(/Install Trivy/g)).toHaveLength(1);
    expect(run.stderr).not.toContain('scanner-missing');
  });

  it('fails closed when an image cannot be scanned, and only warns with --on-scan-error warn', async () => {
    const env = await fakeTrivyEnv({
      'ghcr.io/aquasecurity/trivy-test-images:alpine-39': 'alpine-39.json.golden',
    });
    const closed = await runCli(['scan', EXAMPLE, ...helm(), '--format', 'json', '--severity', 'UNKNOWN'], {
      env,
    });
    expect(closed.code).toBe(1);
    const report = JSON.parse(closed.stdout) as {
      images: { ref: string; verdict: string; error?: { code: string } }[];
      objects: { id: string; status: string }[];
    };
    const unscanned = report.images.filter((image) => image.verdict === 'unknown');
    // alpine-310 is in the stand-in's own image map; the other images are unknown to it.
    expect(unscanned.map((image) => [image.ref, image.error?.code])).toEqual([
      ['ghcr.io/aquasecurity/trivy-test-images:distroless-base', 'not-found'],
      ['ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb', 'not-found'],
      ['ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804', 'not-found'],
      [CLI_SLUICE_IMAGE, 'not-found'],
    ]);
    expect(
      report.objects.find((object) => object.id === 'Kustomization/flux-system/infra-controllers')?.status,
    ).toBe('unknown');
    // The progress line shows the start of Trivy's message; the report keeps all of it.
    const progressLine = closed.stderr
      .split('\n')
      .find((line) =>
        line.startsWith('sluice: ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804: not-found: '),
      );
    const fullMessage = (
      report.images.find((image) => image.ref.endsWith(':ubuntu-1804'))?.error as
        { message: string } | undefined
    )?.message;
    expect(fullMessage?.length).toBeGreaterThan(100);
    expect(progressLine).toBe(
      `sluice: ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804: not-found: ${fullMessage?.slice(0, 99)}…`,
    );
    const warned = await runCli(
      ['scan', EXAMPLE, ...helm(), '--severity', 'UNKNOWN', '--on-scan-error', 'warn', '-q'],
      {
        env,
      },
    );
    expect(warned.code).toBe(0);
  });
});

describe('sluice usage errors', () => {
  it('exits 2 on an unknown format, before scanning anything', async () => {
    const env = await fakeTrivyEnv();
    const run = await runCli(['scan', EXAMPLE, ...helm(), '--format', 'pdf'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'unknown format "pdf": expected one of table, json, sarif, junit, markdown, mermaid, dot',
    );
    await expect(readFile(env.FAKE_TRIVY_LOG!, 'utf8')).rejects.toThrow();
  });

  it('exits 2 naming the file, line and key of a bad config', async () => {
    const dir = await temporaryFolder();
    const config = join(dir, 'sluice.config.yaml');
    await import('node:fs/promises').then((fs) => fs.writeFile(config, 'severity: HIGH\nconcurency: 4\n'));
    const run = await runCli(['scan', EXAMPLE, ...helm(), '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/sluice\.config\.yaml:2: concurency: /);
  });

  it('exits 2 on a folder that does not exist, naming it', async () => {
    const run = await runCli(['images', 'no/such/folder']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`sluice: no/such/folder (${repoPath('no/such/folder')}): no such folder\n`);
  });
});
