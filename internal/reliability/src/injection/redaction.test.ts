import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildGateReport } from '@sluice/flux-adapter';
import type { ImageOutcome } from '@sluice/flux-adapter';
import { jsonReporter, junitReporter, renderReport, sarifReporter, tableReporter } from '@sluice/reporters';
import { createTrivyRunner } from '@sluice/trivy-runner';
import type { ImageScanOutcome, ScanEvent, TrivyRunnerOptions } from '@sluice/trivy-runner';
import { runCli } from '../support/cli.js';
import { createTrivySandbox } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';
import { createTempRepo, deploymentWithImage } from '../support/temp-repo.js';
import { SECRETS, writeLeakyTrivy } from './leaky-trivy.js';

// A password with URL-special characters: an HTTP client may echo it URL-encoded.
const PASSWORD = 'hunter2/Pa55:w@rd-7f3a';
const FORBIDDEN = [PASSWORD, SECRETS.token, SECRETS.registryToken, SECRETS.header];

let sandbox: TrivySandbox;
let leaky: string;
beforeEach(async () => {
  sandbox = await createTrivySandbox();
  leaky = await writeLeakyTrivy(sandbox.dir);
});
afterEach(async () => {
  await sandbox.cleanup();
});

function expectNoSecret(text: string, where: string, secrets: readonly string[] = FORBIDDEN): void {
  for (const secret of secrets) expect(text.includes(secret), `${where} contains ${secret}`).toBe(false);
}

const credentials = {
  TRIVY_USERNAME: 'robot',
  TRIVY_PASSWORD: PASSWORD,
  TRIVY_REGISTRY_TOKEN: SECRETS.registryToken,
};

/** Scans with the leaky trivy; returns outcomes and events as text, and the reports rendered from them. */
async function scanLeaky(
  options: TrivyRunnerOptions,
): Promise<{ outcomes: ImageScanOutcome[]; events: ScanEvent[]; reports: string[] }> {
  const events: ScanEvent[] = [];
  const runner = createTrivyRunner({
    trivyPath: leaky,
    trivyCacheDir: sandbox.trivyCacheDir,
    cache: false,
    retries: 1,
    retryDelayMs: 1,
    onEvent: (event) => events.push(event),
    // Both images' registries receive the credentials, so that trivy has them to echo.
    registryCredentials: ['docker.io', 'ghcr.io'],
    ...options,
    env: { ...sandbox.env(), ...credentials, ...options.env },
  });
  const outcomes = await runner.scan(['alpine:3.9', 'ghcr.io/sluice-test/private:1']);
  await runner.close();
  const report = buildGateReport({
    images: outcomes.map((outcome) => ({ ref: outcome.ref, locations: [] })),
    outcomes: outcomes.map((outcome): ImageOutcome =>
      outcome.status === 'ok'
        ? { ref: outcome.ref, outcome: 'ok', findings: [...outcome.findings] }
        : { ref: outcome.ref, outcome: 'error', error: outcome.error },
    ),
    tool: { version: '0.0.0' },
  });
  const reports = await Promise.all(
    [jsonReporter(), sarifReporter(), junitReporter(), tableReporter()].map(async (reporter) => {
      const { output } = await renderReport(reporter, report);
      return typeof output === 'string' ? output : Buffer.from(output).toString('utf8');
    }),
  );
  return { outcomes, events, reports };
}

describe('credentials never appear in outcomes, events, reports or CLI output', () => {
  it(
    'standalone mode: registry credentials in the environment, echoed by trivy, are redacted',
    { timeout: 60_000 },
    async () => {
      const { outcomes, events, reports } = await scanLeaky({});
      // Every image still ends classified: the echoed error is an authorization failure.
      expect(outcomes.map((outcome) => outcome.status === 'error' && outcome.error.code)).toEqual([
        'unauthorized',
        'unauthorized',
      ]);
      // Trivy had the password and echoed it (URL-encoded too): what is left is the redaction mark.
      for (const outcome of outcomes) {
        expect(outcome.status === 'error' && outcome.error.message).toContain(
          'registry-token=*** encoded=***',
        );
      }
      expectNoSecret(JSON.stringify(outcomes), 'outcomes');
      expectNoSecret(JSON.stringify(events), 'events');
      reports.forEach((report, index) => expectNoSecret(report, `report ${index}`));
    },
  );

  // B10 (fixed): an error that echoes a credential URL-encoded (as HTTP clients print URLs) is
  // redacted too.
  it('standalone mode: a password echoed URL-encoded is redacted too', { timeout: 60_000 }, async () => {
    const { outcomes, events, reports } = await scanLeaky({});
    const encoded = [encodeURIComponent(PASSWORD)];
    expectNoSecret(JSON.stringify(outcomes), 'outcomes', encoded);
    expectNoSecret(JSON.stringify(events), 'events', encoded);
    reports.forEach((report, index) => expectNoSecret(report, `report ${index}`, encoded));
  });

  it(
    'client/server mode: token and custom headers (TRIVY_TOKEN, TRIVY_CUSTOM_HEADERS) are redacted',
    { timeout: 60_000 },
    async () => {
      const { outcomes, events, reports } = await scanLeaky({
        server: 'http://trivy.example.com:4954',
        token: SECRETS.token,
        customHeaders: { Authorization: SECRETS.header },
      });
      expect(
        outcomes.every((outcome) => outcome.status === 'error' && outcome.error.code === 'unauthorized'),
      ).toBe(true);
      expectNoSecret(JSON.stringify(outcomes), 'outcomes');
      expectNoSecret(JSON.stringify(events), 'events');
      reports.forEach((report, index) => expectNoSecret(report, `report ${index}`));
    },
  );

  it(
    'the CLI prints no credential on stdout or stderr and writes none into a report file',
    { timeout: 90_000 },
    async () => {
      const repo = await createTempRepo({
        'apps/web.yaml': deploymentWithImage('ghcr.io/sluice-test/private:1', 'web'),
      });
      try {
        const out = join(sandbox.dir, 'out');
        const formats = ['json', 'sarif', 'junit', 'markdown'].flatMap((format) => [
          '--format',
          `${format}=${join(out, `report.${format}`)}`,
        ]);
        const run = await runCli(
          [
            'scan',
            repo.root,
            '--trivy-path',
            leaky,
            '--no-cache',
            '--server',
            'http://trivy.example.com:4954',
            '--custom-headers',
            `Authorization:${SECRETS.header}`,
            ...formats,
            '--format',
            'table',
          ],
          { ...sandbox.env(), ...credentials, TRIVY_TOKEN: SECRETS.token },
        );
        expect(run.code, run.stderr).toBe(1);
        expectNoSecret(run.stdout, 'stdout');
        expectNoSecret(run.stderr, 'stderr');
        for (const format of ['json', 'sarif', 'junit', 'markdown']) {
          const text = await readFile(join(out, `report.${format}`), 'utf8');
          expect(text).toContain('unauthorized');
          expectNoSecret(text, format);
        }
      } finally {
        await repo.cleanup();
      }
    },
  );
});
