import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTrivySandbox } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';
import { deployment } from '@sluice/test-utils';
import { createTempRepo, deploymentWithImage, GOOD_IMAGE } from '../support/temp-repo.js';
import type { TempRepo } from '../support/temp-repo.js';

let sandbox: TrivySandbox;
let repo: TempRepo;
beforeAll(async () => {
  sandbox = await createTrivySandbox();
  repo = await createTempRepo({
    'apps/good.yaml': deployment(),
    'apps/flag.yaml': deploymentWithImage('--server=http://evil.example.com', 'flag'),
    'apps/shell.yaml': deploymentWithImage('$(touch /tmp/sluice-pwned)', 'shell'),
    'apps/newline.yaml': deploymentWithImage('nginx\n--debug', 'newline'),
    'apps/lookalike.yaml': deploymentWithImage('ngіnx:1', 'lookalike'),
    'apps/env.yaml': deploymentWithImage('TRIVY_SERVER=http://evil.example.com', 'env'),
    'apps/dupes.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
    'apps/binary.yaml': Uint8Array.from([0, 1, 2, 3, 0, 255]),
    'apps/outside.yaml': { symlink: '/etc/passwd' },
    'apps/template.yaml':
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: {{ .Values.image }}\n',
  });
});
afterAll(async () => {
  await Promise.all([sandbox.cleanup(), repo.cleanup()]);
});

interface JsonReport {
  verdict: string;
  images: { ref: string; verdict: string }[];
  diagnostics: { file: string; line?: number; code: string }[];
}

describe('sluice scan end to end on a repository of hostile files', () => {
  it(
    'finishes, scans only the good image (after `--`), and names every bad file with its line',
    { timeout: 90_000 },
    async () => {
      const run = await runCli(
        ['scan', repo.root, '--format', 'json', '--no-cache', '--quiet'],
        sandbox.env(),
      );
      expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(report.images.map((image) => image.ref)).toEqual([GOOD_IMAGE]);
      const scans = await sandbox.scans();
      expect(scans.map((scan) => scan.image)).toEqual([GOOD_IMAGE]);
      expect(scans[0]?.argv.slice(-2)).toEqual(['--', GOOD_IMAGE]);
      const named = (file: string): { line?: number; code: string }[] =>
        report.diagnostics.filter((diagnostic) => diagnostic.file === file);
      for (const file of [
        'apps/flag.yaml',
        'apps/shell.yaml',
        'apps/newline.yaml',
        'apps/lookalike.yaml',
        'apps/env.yaml',
      ]) {
        expect(
          named(file).map((diagnostic) => diagnostic.line),
          file,
        ).toContain(10);
      }
      expect(named('apps/dupes.yaml').map((diagnostic) => diagnostic.line)).toContain(5);
      expect(named('apps/binary.yaml')).not.toEqual([]);
      expect(named('apps/outside.yaml')).not.toEqual([]);
    },
  );
});
