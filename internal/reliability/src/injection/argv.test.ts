import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTrivyRunner } from '@sluice/trivy-runner';
import type { ScanEvent } from '@sluice/trivy-runner';
import { createTrivySandbox, FAKE_TRIVY } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';

/** Image strings a manifest could carry to steer Trivy, the shell, the environment or the file system. */
export const HOSTILE_REFS: readonly string[] = [
  '-rf',
  '--server=http://evil.example.com',
  '--output=/etc/passwd',
  '--config',
  '-',
  '--',
  '-qf table',
  '$(touch /tmp/pwned)',
  '`touch /tmp/pwned`',
  'nginx;touch /tmp/pwned',
  'nginx && touch /tmp/pwned',
  'nginx|tee /tmp/pwned',
  'nginx\n--debug',
  'nginx\t--debug',
  ' nginx',
  'nginx ',
  'TRIVY_SERVER=http://evil.example.com',
  'TRIVY_TOKEN=x nginx',
  'FAKE_TRIVY_FAULTS=crash',
  '../../../../etc/passwd',
  '/etc/passwd',
  'registry.example.com/../../etc/passwd:1',
  'file:///etc/passwd',
  'nginx:${TAG}',
  'nginx\u0000--debug',
  'ngіnx:1',
  'nginx:1\u202e',
  'a'.repeat(5000),
];

const VALID = [
  'alpine:3.9',
  'ghcr.io/sluice-test/app:1.0',
  'registry.example.com:5000/team/app@sha256:' + '1'.repeat(64),
];

let sandbox: TrivySandbox;
beforeEach(async () => {
  sandbox = await createTrivySandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

describe('no manifest content becomes a Trivy flag, a shell word, a variable or a path', () => {
  it(
    'passes only valid references to Trivy, after `--`, and rejects every hostile one before any process starts',
    { timeout: 60_000 },
    async () => {
      const events: ScanEvent[] = [];
      const runner = createTrivyRunner({
        trivyPath: FAKE_TRIVY,
        trivyCacheDir: sandbox.trivyCacheDir,
        cache: false,
        retryDelayMs: 1,
        concurrency: 4,
        env: sandbox.env(),
        onEvent: (event) => events.push(event),
      });
      const outcomes = await runner.scan([...HOSTILE_REFS, ...VALID]);
      await runner.close();

      // One outcome per input, each classified: the hostile ones as invalid references, never tried.
      expect(outcomes.map((outcome) => outcome.ref).sort()).toEqual([...HOSTILE_REFS, ...VALID].sort());
      for (const outcome of outcomes) {
        if (HOSTILE_REFS.includes(outcome.ref)) {
          expect(outcome.status === 'error' && outcome.error.code, outcome.ref).toBe('invalid-reference');
          expect(outcome.status === 'error' && outcome.attempts).toBe(0);
        } else {
          expect(outcome.status, outcome.ref).toBe('ok');
        }
      }
      const scans = await sandbox.scans();
      expect(scans.map((scan) => scan.image).sort()).toEqual([...VALID].sort());
      for (const scan of scans) {
        const separator = scan.argv.indexOf('--');
        // The image is the one and only word after `--`, and it cannot read as a flag.
        expect(separator).toBeGreaterThan(0);
        expect(scan.argv.slice(separator + 1)).toEqual([scan.image]);
        expect(scan.image!.startsWith('-')).toBe(false);
      }
      // No hostile text reached any argument of any invocation, nor any TRIVY_* variable name.
      for (const entry of await sandbox.log()) {
        // (`-` and `--` are too short to search for: `--` is the runner's own separator.)
        for (const ref of HOSTILE_REFS.filter((text) => text.trim().length > 2))
          expect(
            entry.argv.some((arg) => arg.includes(ref.trim())),
            ref,
          ).toBe(false);
        for (const name of entry.trivyEnv) expect(name).toMatch(/^TRIVY_[A-Z_]+$/);
        expect(entry.trivyEnv).not.toContain('TRIVY_SERVER');
      }
      // Events name the hostile refs only in `failed` events with no attempt.
      for (const event of events) {
        if (event.type === 'started') expect(VALID).toContain(event.ref);
      }
    },
  );

  it(
    'never puts a credential on a command line: the token and headers travel in the environment',
    { timeout: 60_000 },
    async () => {
      const token = 'server-token-0123456789';
      const header = 'Bearer header-value-9876543210';
      const runner = createTrivyRunner({
        trivyPath: FAKE_TRIVY,
        cache: false,
        server: 'http://trivy.example.com:4954',
        token,
        customHeaders: { Authorization: header },
        env: sandbox.env({ FAKE_TRIVY_SERVER_TOKEN: token }),
      });
      const outcomes = await runner.scan(VALID);
      await runner.close();
      expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
      const log = await sandbox.log();
      expect(log.length).toBeGreaterThan(0);
      for (const entry of log) {
        expect(entry.argv.join(' ')).not.toContain(token);
        expect(entry.argv.join(' ')).not.toContain(header);
        expect(entry.argv).not.toContain('--token');
      }
      for (const scan of await sandbox.scans())
        expect(scan.trivyEnv).toEqual(expect.arrayContaining(['TRIVY_CUSTOM_HEADERS', 'TRIVY_TOKEN']));
    },
  );
});
