import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TRIVY = fileURLToPath(new URL('../trivy', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function trivy(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    const options = { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, ...(cwd ? { cwd } : {}) };
    execFile(TRIVY, args, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-trivy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Report {
  ArtifactName: string;
  Metadata: { RepoTags?: string[] };
  Results: { Vulnerabilities?: { VulnerabilityID: string; Severity: string }[] }[];
}

function ids(report: Report): string[] {
  return report.Results.flatMap((result) => (result.Vulnerabilities ?? []).map((v) => v.VulnerabilityID));
}

describe('what Trivy reads from its working directory', () => {
  const scan = ['image', '--format', 'json', '--cache-backend', 'memory', '--quiet', 'alpine:3.9'];

  it('applies trivy.yaml and .trivyignore found there, as Trivy does', async () => {
    const cache = ['--cache-dir', join(dir, 'cache')];
    const clean = await trivy([...scan.slice(0, 1), ...cache, ...scan.slice(1)], {}, dir);
    expect(ids(JSON.parse(clean.stdout) as Report)).toContain('CVE-2019-14697');
    await writeFile(join(dir, '.trivyignore'), '# accepted\nCVE-2019-14697\nCVE-2019-1549 exp:2000-01-01\n');
    const ignored = JSON.parse(
      (await trivy(['image', ...cache, ...scan.slice(1)], {}, dir)).stdout,
    ) as Report;
    expect(ids(ignored)).not.toContain('CVE-2019-14697');
    expect(ids(ignored)).toContain('CVE-2019-1549');
    await writeFile(join(dir, 'trivy.yaml'), 'severity: [LOW]\nvulnerability:\n  ignore-unfixed: true\n');
    expect(
      ids(JSON.parse((await trivy(['image', ...cache, ...scan.slice(1)], {}, dir)).stdout) as Report),
    ).toEqual([]);
    // A flag on the command line wins over the file.
    const flagged = await trivy(
      ['image', ...cache, ...scan.slice(1, -1), '--severity', 'MEDIUM', 'alpine:3.9'],
      {},
      dir,
    );
    expect(ids(JSON.parse(flagged.stdout) as Report)).toContain('CVE-2019-1549');
  });

  it('fails when a --config file is missing, but not when the default trivy.yaml is', async () => {
    const missing = await trivy([
      'image',
      '--config',
      join(dir, 'nope.yaml'),
      '--cache-dir',
      dir,
      ...scan.slice(1),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('config file');
  });
});

describe('reports that are large or about another image', () => {
  it('streams a large report (inflateBytes) that still parses', async () => {
    const images = join(dir, 'images.json');
    await writeFile(
      images,
      JSON.stringify({
        'big:1': { report: 'alpine-39.json.golden', inflateBytes: 3_000_000 },
        'stale:1': { report: 'alpine-39.json.golden', artifactName: 'docker.io/library/other:9' },
      }),
    );
    const env = { FAKE_TRIVY_IMAGES: images };
    const base = ['image', '--cache-dir', join(dir, 'cache'), '--format', 'json', '--quiet'];
    const big = await trivy([...base, 'big:1'], env);
    expect(big.code).toBe(0);
    expect(big.stdout.length).toBeGreaterThanOrEqual(3_000_000);
    const report = JSON.parse(big.stdout) as Report;
    expect(report.ArtifactName).toBe('big:1');
    expect(ids(report).length).toBeGreaterThan(1000);
    const stale = JSON.parse((await trivy([...base, 'stale:1'], env)).stdout) as Report;
    expect([stale.ArtifactName, stale.Metadata.RepoTags]).toEqual([
      'docker.io/library/other:9',
      ['docker.io/library/other:9'],
    ]);
  });
});

describe('the stand-in trivy', () => {
  it('prints version JSON, with the DB only once it is downloaded', async () => {
    const cache = join(dir, 'cache');
    expect(JSON.parse((await trivy(['version', '--format', 'json', '--cache-dir', cache])).stdout)).toEqual({
      Version: '0.74.0',
    });
    expect((await trivy(['image', '--cache-dir', cache, '--download-db-only', '--quiet'])).code).toBe(0);
    const info = JSON.parse((await trivy(['--cache-dir', cache, 'version', '-f', 'json'])).stdout) as {
      VulnerabilityDB: { Version: number; UpdatedAt: string };
    };
    expect(info.VulnerabilityDB).toMatchObject({ Version: 2, UpdatedAt: '2022-03-02T06:07:07.99504083Z' });
    expect((await trivy(['version'], { FAKE_TRIVY_VERSION: '0.70.1' })).stdout).toContain('Version: 0.70.1');
  });

  it('rejects unknown flags and bad values the way Trivy does, exit 1', async () => {
    const unknown = await trivy(['image', '--no-such-flag', 'alpine:3.9']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('Usage:\n  trivy image [flags] IMAGE_NAME');
    expect(unknown.stderr).toMatch(/\tFATAL\tFatal error\tunknown flag: --no-such-flag\n$/);
    expect((await trivy(['image', '-Z', 'alpine'])).stderr).toContain("unknown shorthand flag: 'Z' in -Z");
    expect((await trivy(['image', '--severity', 'SEVERE', 'alpine'])).stderr).toContain(
      'invalid argument "SEVERE" for "--severity" flag: must be one of [UNKNOWN LOW MEDIUM HIGH CRITICAL]',
    );
    expect((await trivy(['image', '--format'])).stderr).toContain('flag needs an argument: --format');
    expect((await trivy(['image', '--reset'])).stderr).toContain('removed flag ("--reset")');
    expect(
      (await trivy(['image', '--cache-dir', dir, '--skip-db-update', '--download-db-only'])).stderr,
    ).toContain('--skip-db-update and --download-db-only options can not be specified both');
    const two = await trivy(['image', '--cache-dir', dir, 'a', 'b']);
    expect(two.stderr).toContain('multiple targets cannot be specified');
  });

  it('replays the real report for a known image, rewritten for the name and filtered by severity', async () => {
    const cache = join(dir, 'cache');
    const run = await trivy([
      'image',
      '--cache-dir',
      cache,
      '--format',
      'json',
      '-q',
      '--severity',
      'CRITICAL',
      '--',
      'alpine:3.9',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as {
      ArtifactName: string;
      Metadata: { RepoDigests: string[] };
      Results: { Target: string; Vulnerabilities: { Severity: string }[] }[];
    };
    expect(report.ArtifactName).toBe('alpine:3.9');
    expect(report.Metadata.RepoDigests[0]).toMatch(/^docker\.io\/library\/alpine@sha256:/);
    expect(report.Results[0]?.Target).toBe('alpine:3.9 (alpine 3.9.4)');
    expect(report.Results[0]?.Vulnerabilities.map((v) => v.Severity)).toEqual(['CRITICAL', 'CRITICAL']);
    const exit = await trivy([
      'image',
      '--cache-dir',
      cache,
      '--skip-db-update',
      '--format',
      'json',
      '--exit-code',
      '5',
      'alpine:3.9',
    ]);
    expect(exit.code).toBe(5);
  });

  it('prints real error texts for unknown images, auth failures and DB problems', async () => {
    const cache = join(dir, 'cache');
    const missing = await trivy(['image', '--cache-dir', cache, '--skip-db-update', 'alpine:3.9']);
    expect(missing.stderr).toContain('--skip-db-update cannot be specified on the first run');
    const notFound = await trivy(['image', '--cache-dir', cache, '--image-src', 'remote', 'nope:1']);
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toContain(
      'unable to find the specified image "nope:1" in ["remote"]: 1 error occurred:',
    );
    expect(notFound.stderr).toContain('MANIFEST_UNKNOWN: manifest unknown; unknown tag=1');
    const auth = await trivy(['image', '--cache-dir', cache, 'ghcr.io/example/private:1.0']);
    expect(auth.stderr).toContain('UNAUTHORIZED: authentication required');
    const db = await trivy(['image', '--cache-dir', join(dir, 'other'), 'alpine:3.9'], {
      FAKE_TRIVY_DB: 'unavailable',
    });
    expect(db.code).toBe(1);
    expect(db.stderr).toContain('failed to download vulnerability DB');
  });

  it('uses a custom image map and records every invocation', async () => {
    const map = join(dir, 'images.json');
    const log = join(dir, 'log.jsonl');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      map,
      JSON.stringify({
        'registry.example.com/team/app:2.0': {
          report: 'debian-buster.json.golden',
          digest: `sha256:${'d'.repeat(64)}`,
        },
      }),
    );
    const run = await trivy(
      ['image', '--cache-dir', join(dir, 'c'), '--format', 'json', 'registry.example.com/team/app:2.0'],
      {
        FAKE_TRIVY_IMAGES: map,
        FAKE_TRIVY_LOG: log,
      },
    );
    expect(JSON.parse(run.stdout).Metadata.RepoDigests).toEqual([
      `registry.example.com/team/app@sha256:${'d'.repeat(64)}`,
    ]);
    const [entry] = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entry).toMatchObject({
      command: 'image',
      image: 'registry.example.com/team/app:2.0',
      exitCode: 0,
      dbDownload: true,
      cacheBackend: 'fs',
    });
  });

  it('injects faults reproducibly from a seed and a rate', async () => {
    const runs = async (): Promise<number[]> => {
      const codes: number[] = [];
      for (const image of [
        'alpine:3.9',
        'alpine:3.10',
        'centos:7',
        'centos:6',
        'debian:buster',
        'ubuntu:18.04',
      ]) {
        const run = await trivy(
          ['image', '--cache-dir', join(dir, 'c'), '--cache-backend', 'memory', '--format', 'json', image],
          { FAKE_TRIVY_FAULTS: 'rate-limited@0.5;seed=3' },
        );
        codes.push(run.code);
      }
      return codes;
    };
    const first = await runs();
    expect(await runs()).toEqual(first);
    expect(first).toContain(0);
    expect(first).toContain(1);
    const bad = await trivy(['image', 'alpine:3.9'], { FAKE_TRIVY_FAULTS: 'explode' });
    expect(bad.stderr).toContain('unknown fault "explode"');
  });
});
