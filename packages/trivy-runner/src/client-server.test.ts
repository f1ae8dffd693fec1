import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, sandboxOptions, summarize } from './__fixtures__/fake-trivy.js';
import type { Sandbox } from './__fixtures__/fake-trivy.js';
import { scanImages } from './runner.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await createSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

describe('client/server mode', () => {
  it('scans through a server with token and custom headers, and downloads no DB', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'centos:7'],
      sandboxOptions(
        sandbox,
        {
          server: 'http://127.0.0.1:1',
          token: 'server-token-1',
          customHeaders: { 'X-Tenant': 'team-a' },
          cache: false,
        },
        { FAKE_TRIVY_SERVER_TOKEN: 'server-token-1' },
      ),
    );
    expect(summarize(outcomes)).toEqual([
      ['alpine:3.9', 'scan', 6],
      ['centos:7', 'scan', 3],
    ]);
    const invocations = await sandbox.invocations();
    expect(invocations.filter((entry) => entry.argv.includes('--download-db-only'))).toEqual([]);
    const scans = await sandbox.scans();
    for (const scan of scans) {
      expect(scan.server).toBe('http://127.0.0.1:1');
      expect(scan.cacheBackend).toBe('remote');
      expect(scan.customHeaders).toEqual(['X-Tenant:team-a']);
      expect(scan.argv.join(' ')).not.toContain('server-token-1');
      expect(scan.trivyEnv).toContain('TRIVY_TOKEN');
    }
  });

  it('reports a rejected token as unauthorized, with the token redacted', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9'],
      sandboxOptions(
        sandbox,
        { server: 'http://127.0.0.1:1', token: 'wrong-token-xyz', cache: false },
        { FAKE_TRIVY_SERVER_TOKEN: 'right-token' },
      ),
    );
    expect(summarize(outcomes)).toEqual([['alpine:3.9', 'unauthorized', 1]]);
    expect(JSON.stringify(outcomes)).not.toContain('wrong-token-xyz');
  });
});
