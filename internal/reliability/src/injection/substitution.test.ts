import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFluxRepository } from '@sluice/flux-adapter';
import { runCli } from '../support/cli.js';
import { createTrivySandbox } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';
import { deployment } from '@sluice/test-utils';
import { createTempRepo, deploymentWithImage, GOOD_IMAGE } from '../support/temp-repo.js';
import type { TempRepo } from '../support/temp-repo.js';

const SECRET = 'env-secret-value-5e8f1a2b';

// A Flux Kustomization with postBuild substitution whose values try to become flags, and
// manifests that name variables of Sluice's own environment (HOME, TRIVY_PASSWORD).
const SYNC = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/dev
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      FLAG: "--server=http://evil.example.com"
      SHELL_WORD: "$(touch /tmp/pwned)"
      GOOD_TAG: "2.0.0"
`;

let repo: TempRepo;
let sandbox: TrivySandbox;
beforeAll(async () => {
  sandbox = await createTrivySandbox();
  repo = await createTempRepo({
    'clusters/dev/sync.yaml': SYNC,
    'apps/good.yaml': deployment(),
    'apps/flag.yaml': deploymentWithImage('${FLAG}', 'flag'),
    'apps/shell.yaml': deploymentWithImage('ghcr.io/x/app:${SHELL_WORD}', 'shell'),
    'apps/env-secret.yaml': deploymentWithImage('ghcr.io/x/${TRIVY_PASSWORD}:1', 'env-secret'),
    'apps/env-home.yaml': deploymentWithImage('ghcr.io/x${HOME}:1', 'env-home'),
    'apps/substituted.yaml': deploymentWithImage(
      'ghcr.io/sluice-test/substituted:${GOOD_TAG}',
      'substituted',
    ),
  });
});
afterAll(async () => {
  await Promise.all([repo.cleanup(), sandbox.cleanup()]);
});

describe('postBuild substitution and environment variables', () => {
  it(
    'substitutes only the Kustomization’s own variables, never Sluice’s environment, and rejects what becomes a flag',
    { timeout: 60_000 },
    async () => {
      process.env.TRIVY_PASSWORD = SECRET;
      try {
        const result = await loadFluxRepository(repo.root);
        const refs = result.images.map((image) => image.ref).sort();
        // The real substitution works, so the test shows substitution ran at all.
        expect(refs).toEqual(['ghcr.io/sluice-test/substituted:2.0.0', GOOD_IMAGE].sort());
        const text = JSON.stringify(result);
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(process.env.HOME ?? '/root');
        // A substituted value is located where it is written: the Kustomization's substitute entry.
        const at = (file: string, line: number): boolean =>
          result.diagnostics.some((diagnostic) => diagnostic.file === file && diagnostic.line === line);
        expect(at('apps/flag.yaml', 10) || at('clusters/dev/sync.yaml', 28)).toBe(true);
        expect(at('apps/shell.yaml', 10) || at('clusters/dev/sync.yaml', 29)).toBe(true);
        // Variables of Sluice's own environment stay unresolved.
        for (const file of ['apps/env-secret.yaml', 'apps/env-home.yaml']) {
          const named = result.diagnostics.filter(
            (diagnostic) => diagnostic.file === file && diagnostic.code === 'unresolved-variable',
          );
          expect(
            named.map((diagnostic) => diagnostic.line),
            file,
          ).toContain(10);
        }
      } finally {
        delete process.env.TRIVY_PASSWORD;
      }
    },
  );

  it(
    'the CLI neither scans nor prints an image built from its environment',
    { timeout: 90_000 },
    async () => {
      const run = await runCli(
        ['scan', repo.root, '--format', 'json', '--no-cache', '--quiet'],
        sandbox.env({ TRIVY_PASSWORD: SECRET }),
      );
      expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
      expect(run.stdout + run.stderr).not.toContain(SECRET);
      const scanned = (await sandbox.scans()).map((scan) => scan.image).sort();
      expect(scanned).toEqual(['ghcr.io/sluice-test/substituted:2.0.0', GOOD_IMAGE].sort());
    },
  );
});
