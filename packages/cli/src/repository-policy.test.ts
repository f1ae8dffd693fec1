import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '@sluice/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from './io.js';
import type { OptionValues } from './options.js';
import { parseSize, resolvePolicy, resolveRunnerOptions } from './scan-settings.js';

let repo: string;
let outside: string;
let stderr: string[];
let context: CliContext;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'sluice-settings-repo-'));
  outside = await mkdtemp(join(tmpdir(), 'sluice-settings-outside-'));
  await writeFile(join(outside, 'hide-all'), 'CVE-2019-14697\n');
  stderr = [];
  context = {
    stdout: { write: () => true },
    stderr: { write: (text: string) => stderr.push(text) },
    env: {},
    cwd: repo,
  };
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function ignoresOf(values: OptionValues = {}) {
  const { policy, diagnostics } = await resolvePolicy(values, {}, '.', context);
  return { ids: (policy.ignores ?? []).map((rule) => rule.id), diagnostics };
}

describe("the repository's ignore files", () => {
  it('reads a regular .trivyignore of the scanned folder', async () => {
    await writeTree(repo, { '.trivyignore': 'CVE-2019-14697 # accepted\n' });
    expect(await ignoresOf()).toEqual({ ids: ['CVE-2019-14697'], diagnostics: [] });
  });

  it('refuses a .trivyignore that is a symlink (out of the repository or not), a FIFO or too large: it ignores nothing', async () => {
    for (const entry of [
      { symlink: join(outside, 'hide-all') },
      { fifo: true as const },
      'CVE-1\n'.repeat(200_000),
    ]) {
      await rm(join(repo, '.trivyignore'), { force: true });
      await writeTree(repo, { '.trivyignore': entry });
      const { ids, diagnostics } = await ignoresOf();
      expect(ids).toEqual([]);
      expect(diagnostics).toEqual([
        {
          file: '.trivyignore',
          severity: 'error',
          code: 'policy-file-refused',
          message: expect.stringMatching(/^\.trivyignore is /),
        },
      ]);
    }
  });

  it('under a trusted --config, applies none of the repository ignore files unless --ignorefile names one, and says so once', async () => {
    await writeTree(repo, {
      '.trivyignore.yaml': 'vulnerabilities:\n  - id: CVE-2019-14697\n',
      '.trivyignore': 'CVE-2019-1549\n',
    });
    expect(await ignoresOf({ config: join(outside, 'ci.yaml') })).toEqual({ ids: [], diagnostics: [] });
    expect(stderr).toEqual([
      "sluice: .trivyignore.yaml is not applied: with --config, the repository's ignore files count only when --ignorefile names them\n",
    ]);
    stderr.length = 0;
    expect(await ignoresOf({ config: join(outside, 'ci.yaml'), ignorefile: '.trivyignore' })).toEqual({
      ids: ['CVE-2019-1549'],
      diagnostics: [],
    });
    expect(stderr).toEqual([]);
  });

  it('refuses a named --ignorefile inside the repository that is a symlink, but follows one outside it', async () => {
    await writeTree(repo, { 'ignores/.trivyignore': { symlink: join(outside, 'hide-all') } });
    await expect(ignoresOf({ ignorefile: 'ignores/.trivyignore' })).rejects.toThrowError(
      /^--ignorefile ignores\/\.trivyignore: ignores\/\.trivyignore is a symbolic link/,
    );
    await writeTree(outside, { 'link-to-hide-all': { symlink: join(outside, 'hide-all') } });
    expect((await ignoresOf({ ignorefile: join(outside, 'link-to-hide-all') })).ids).toEqual([
      'CVE-2019-14697',
    ]);
  });
});

describe('runner settings', () => {
  it('passes --registry-credentials and the config key on, normalized, and refuses what is not a host', () => {
    const options = resolveRunnerOptions(
      { 'registry-credentials': ['GHCR.IO'], 'max-report-size': '64MiB' },
      { registryCredentials: ['registry.example.com:5000'] },
      context,
    );
    expect(options.registryCredentials).toEqual(['registry.example.com:5000', 'ghcr.io']);
    expect(options.maxReportBytes).toBe(64 * 1024 * 1024);
    expect(() =>
      resolveRunnerOptions({ 'registry-credentials': ['https://ghcr.io'] }, {}, context),
    ).toThrowError(/^--registry-credentials https:\/\/ghcr\.io: "https:\/\/ghcr\.io" is not a registry host/);
  });

  it('reads sizes in bytes, KiB, MiB and GiB', () => {
    expect([
      parseSize('1024', 'x'),
      parseSize('2KiB', 'x'),
      parseSize('256MiB', 'x'),
      parseSize(1, 'x'),
    ]).toEqual([1024, 2048, 256 * 1024 * 1024, 1]);
    expect(() => parseSize('lots', '--max-report-size')).toThrowError(
      /^--max-report-size lots: expected a size/,
    );
    expect(() => parseSize('0', '--max-report-size')).toThrowError(/expected a size/);
  });
});
