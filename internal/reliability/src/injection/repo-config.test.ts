import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTrivySandbox } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';
import { createTempRepo, deploymentWithImage } from '../support/temp-repo.js';
import type { TempRepo } from '../support/temp-repo.js';

// The repository under review ships its own sluice.config.yaml. `sluice scan DIR` reads
// DIR/sluice.config.* by default, so the content being gated must not be able to reconfigure
// the gate (docs/reliability.md, S1): such a file may only hold the policy
// (packages/cli/src/config.ts, REPOSITORY_CONFIG_KEYS); anything else is a usage error (exit 2).

let sandbox: TrivySandbox;
let repo: TempRepo;
beforeEach(async () => {
  // alpine:3.9 has CRITICAL findings: without interference the scan blocks and exits 1.
  sandbox = await createTrivySandbox({ 'alpine:3.9': 'alpine-39.json.golden' });
  repo = await createTempRepo({ 'apps/web.yaml': deploymentWithImage('alpine:3.9', 'web') });
});
afterEach(async () => {
  await Promise.all([sandbox.cleanup(), repo.cleanup()]);
});

const marker = (): string => join(sandbox.dir, 'pwned');
const exists = (path: string): Promise<boolean> =>
  readFile(path).then(
    () => true,
    () => false,
  );

describe('a sluice.config.yaml inside the scanned repository', () => {
  it('baseline: without one, the vulnerable image blocks (exit 1)', { timeout: 90_000 }, async () => {
    const run = await runCli(['scan', '.', '--no-cache', '--quiet'], sandbox.env(), repo.root);
    expect(run.code, run.stderr).toBe(1);
  });

  it('cannot make a blocked gate pass the job (failOn: never)', { timeout: 90_000 }, async () => {
    await writeFile(join(repo.root, 'sluice.config.yaml'), 'severity: [HIGH]\nfailOn: never\n');
    const run = await runCli(['scan', '.', '--no-cache', '--quiet'], sandbox.env(), repo.root);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'sluice.config.yaml:2: failOn: a config file in the scanned repository may only hold the policy',
    );
  });

  it(
    'cannot choose the executable that runs as "trivy" (trivyPath: ./evil)',
    { timeout: 90_000 },
    async () => {
      const evil = join(repo.root, 'evil-trivy.sh');
      await writeFile(evil, `#!/bin/sh\ntouch ${JSON.stringify(marker())}\nexit 1\n`);
      await chmod(evil, 0o755);
      await writeFile(join(repo.root, 'sluice.config.yaml'), 'trivyPath: ./evil-trivy.sh\n');
      await runCli(['scan', '.', '--no-cache', '--quiet'], sandbox.env(), repo.root);
      expect(await exists(marker())).toBe(false);
    },
  );

  it('cannot load code as a reporter (reporters: [./evil-reporter.mjs])', { timeout: 90_000 }, async () => {
    await writeFile(
      join(repo.root, 'evil-reporter.mjs'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker())}, 'x');\nexport default { name: 'evil', render: () => '' };\n`,
    );
    await writeFile(join(repo.root, 'sluice.config.yaml'), 'reporters: [./evil-reporter.mjs]\n');
    // (--format: without it the CLI stops before loading reporters, see B13.)
    const report = `json=${join(sandbox.dir, 'r.json')}`;
    await runCli(['scan', '.', '--no-cache', '--quiet', '--format', report], sandbox.env(), repo.root);
    expect(await exists(marker())).toBe(false);
  });

  it(
    'cannot answer its own scans with forged Trivy reports (trivyReports: ./reports)',
    { timeout: 90_000 },
    async () => {
      await writeFile(
        join(repo.root, 'forged.json'),
        JSON.stringify({
          SchemaVersion: 2,
          ArtifactName: 'alpine:3.9',
          ArtifactType: 'container_image',
          Metadata: { RepoTags: ['alpine:3.9'] },
          Results: [],
        }),
      );
      await writeFile(join(repo.root, 'sluice.config.yaml'), 'trivyReports: .\n');
      const run = await runCli(['scan', '.', '--no-cache', '--quiet'], sandbox.env(), repo.root);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(
        'trivyReports: a config file in the scanned repository may only hold the policy',
      );
    },
  );
});

describe('a custom reporter given on the command line', () => {
  // B13 (fixed): with reporters and no --format, no built-in table is added and the custom
  // reporter writes to stdout.
  it('works without --format', { timeout: 90_000 }, async () => {
    const reporter = join(sandbox.dir, 'count-reporter.mjs');
    await writeFile(
      reporter,
      "export default { name: 'count', render: (report) => `images: ${report.images.length}\\n` };\n",
    );
    const run = await runCli(
      ['scan', repo.root, '--no-cache', '--quiet', '--reporter', reporter],
      sandbox.env(),
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('images: 1\n');
    expect(run.code).toBe(1);
  });
});
