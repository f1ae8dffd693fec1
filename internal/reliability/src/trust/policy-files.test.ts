// Trust boundaries of the policy files a scanned repository may hold (.trivyignore,
// .trivyignore.yaml, sluice.config.*, and Trivy's own trivy.yaml): red-team cases of issue #16,
// one per test, each with the outcome it must have. docs/reliability.md, section 7.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTrivySandbox } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';
import { createTempRepo, deploymentWithImage, writeTree } from '../support/temp-repo.js';
import type { TempRepo, TreeEntry } from '../support/temp-repo.js';

interface JsonReport {
  readonly verdict: string;
  readonly images: readonly {
    ref: string;
    verdict: string;
    findings: readonly { id: string; suppressed?: string }[];
  }[];
  readonly diagnostics: readonly { file: string; line?: number; code: string; message: string }[];
}

let sandbox: TrivySandbox;
let repo: TempRepo;
let outside: TempRepo;
beforeEach(async () => {
  // alpine:3.9 has CVE-2019-14697 (CRITICAL): untouched, the scan blocks.
  sandbox = await createTrivySandbox({ 'alpine:3.9': 'alpine-39.json.golden' });
  repo = await createTempRepo({ 'apps/web.yaml': deploymentWithImage('alpine:3.9', 'web') });
  outside = await createTempRepo({
    'hide-all': 'CVE-2019-14697\nCVE-2019-1549\nCVE-2019-1551\n',
    'evil-config.yaml': 'severity: [UNKNOWN]\n',
    'ci.yaml': 'severity: HIGH\n',
  });
});
afterEach(async () => {
  await Promise.all([sandbox.cleanup(), repo.cleanup(), outside.cleanup()]);
});

/** `sluice scan .` in the repository (as CI runs it), with a JSON report to read back. */
async function scan(tree: Record<string, TreeEntry>, ...extra: string[]) {
  await writeTree(repo.root, tree);
  const file = join(sandbox.dir, 'report.json');
  const run = await runCli(
    ['scan', '.', '--no-cache', '--quiet', '--format', `json=${file}`, ...extra],
    sandbox.env(),
    repo.root,
  );
  const report = run.code === 2 ? undefined : (JSON.parse(await readFile(file, 'utf8')) as JsonReport);
  return { run, report };
}

const refusedDiagnostics = (report: JsonReport | undefined) =>
  (report?.diagnostics ?? []).filter((diagnostic) => diagnostic.code === 'policy-file-refused');

describe('repository policy files are read only as regular files inside the repository', () => {
  it(
    'a .trivyignore symlinked out of the repository hides nothing: blocked, "policy-file-refused"',
    { timeout: 90_000 },
    async () => {
      const { run, report } = await scan({ '.trivyignore': { symlink: join(outside.root, 'hide-all') } });
      expect(run.code, run.stderr).toBe(1);
      expect(
        report?.images[0]?.findings.find((finding) => finding.id === 'CVE-2019-14697')?.suppressed,
      ).toBeUndefined();
      expect(refusedDiagnostics(report)).toEqual([
        expect.objectContaining({
          file: '.trivyignore',
          message: expect.stringContaining('.trivyignore is a symbolic link'),
        }),
      ]);
    },
  );

  it(
    'a .trivyignore that is a FIFO does not hang the scan: blocked, refused',
    { timeout: 90_000 },
    async () => {
      const { run, report } = await scan({ '.trivyignore': { fifo: true } });
      expect(run.code, run.stderr).toBe(1);
      expect(refusedDiagnostics(report)[0]?.message).toBe(
        '.trivyignore is a FIFO (named pipe), not a regular file; not read',
      );
    },
  );

  it(
    'a .trivyignore.yaml linked to /dev/kmsg is refused as a link, never opened',
    { timeout: 90_000 },
    async () => {
      const { run, report } = await scan({ '.trivyignore.yaml': { symlink: '/dev/kmsg' } });
      expect(run.code, run.stderr).toBe(1);
      expect(refusedDiagnostics(report)[0]?.file).toBe('.trivyignore.yaml');
    },
  );

  it(
    'a sluice.config.yaml symlinked out of the repository is refused: exit 2 naming it',
    { timeout: 90_000 },
    async () => {
      const { run } = await scan({
        'sluice.config.yaml': { symlink: join(outside.root, 'evil-config.yaml') },
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^sluice: sluice\.config\.yaml: sluice\.config\.yaml is a symbolic link; /m);
    },
  );

  it(
    'a sluice.config.yml linked to a file inside the repository is refused too (Flux drops every symlink)',
    { timeout: 90_000 },
    async () => {
      const { run } = await scan({
        'policy/loose.yaml': 'severity: [UNKNOWN]\n',
        'sluice.config.yml': { symlink: 'policy/loose.yaml' },
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('sluice.config.yml is a symbolic link');
    },
  );
});

describe('catch-all ignores and a trusted --config', () => {
  it(
    'an id-less .trivyignore.yaml entry with paths ["**"] hides nothing: blocked, invalid-ignore at its line',
    { timeout: 90_000 },
    async () => {
      const { run, report } = await scan({
        '.trivyignore.yaml': 'vulnerabilities:\n  - paths: ["**"]\n    statement: no findings\n',
      });
      expect(run.code, run.stderr).toBe(1);
      expect(report?.diagnostics).toContainEqual(
        expect.objectContaining({ file: '.trivyignore.yaml', line: 2, code: 'invalid-ignore' }),
      );
    },
  );

  it(
    'under --config the repository .trivyignore.yaml is not applied, and stderr says so once',
    { timeout: 90_000 },
    async () => {
      const { run, report } = await scan(
        { '.trivyignore.yaml': 'vulnerabilities:\n  - id: CVE-2019-14697\n' },
        '--config',
        join(outside.root, 'ci.yaml'),
      );
      expect(run.code, run.stderr).toBe(1);
      expect(report?.images[0]?.findings.every((finding) => finding.suppressed === undefined)).toBe(true);
      expect(run.stderr.match(/\.trivyignore\.yaml is not applied: with --config/g)).toHaveLength(1);
    },
  );

  it('under --config, --ignorefile naming the repository file applies it', { timeout: 90_000 }, async () => {
    const { run, report } = await scan(
      { '.trivyignore.yaml': 'vulnerabilities:\n  - id: CVE-2019-14697\n' },
      '--config',
      join(outside.root, 'ci.yaml'),
      '--ignorefile',
      '.trivyignore.yaml',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(
      report?.images[0]?.findings.find((finding) => finding.id === 'CVE-2019-14697')?.suppressed,
    ).toContain('.trivyignore.yaml:2');
  });

  it(
    'a catch-all ignore in the repository sluice.config.yaml is refused: exit 2 with file:line',
    { timeout: 90_000 },
    async () => {
      const { run } = await scan({
        'sluice.config.yaml': 'severity: HIGH\nignores:\n  - images: ["**"]\n    reason: later\n',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /sluice\.config\.yaml:3: ignores\[0\]: an ignore without an id whose every scope is only wildcards/,
      );
    },
  );
});

describe("Trivy's own files in the checkout", () => {
  it(
    'a trivy.yaml (severity: LOW) and .trivyignore in the checkout do not reach Trivy: it runs in an empty folder',
    { timeout: 90_000 },
    async () => {
      const { run } = await scan(
        { 'trivy.yaml': 'severity: LOW\nignorefile: .trivyignore\n', '.trivyignore': 'CVE-2019-14697\n' },
        '--config',
        join(outside.root, 'ci.yaml'),
      );
      expect(run.code, run.stderr).toBe(1);
      const scans = await sandbox.scans();
      expect(scans.length).toBeGreaterThan(0);
      for (const entry of scans) {
        expect(entry.cwd).not.toBe(repo.root);
        expect([entry.configFile, entry.ignoreFile]).toEqual([undefined, undefined]);
      }
    },
  );
});
