import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FAKE_TRIVY } from '../support/fake-trivy.js';

/**
 * Writes a `trivy` that behaves like the stand-in, except that every image scan fails with an
 * UNAUTHORIZED error whose text echoes every credential it was given: TRIVY_PASSWORD,
 * TRIVY_TOKEN, TRIVY_CUSTOM_HEADERS, the token flag, a URL with user:password, and the password
 * URL-encoded, the way registry and HTTP client errors sometimes do. Returns its path.
 */
export async function writeLeakyTrivy(dir: string): Promise<string> {
  const path = join(dir, 'leaky-trivy.mjs');
  await writeFile(
    path,
    `#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
const argv = process.argv.slice(2);
if (!argv.includes('image') || argv.includes('--download-db-only')) {
  const result = spawnSync(${JSON.stringify(process.execPath)}, [${JSON.stringify(FAKE_TRIVY)}, ...argv], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
const env = process.env;
const token = argv[argv.indexOf('--token') + 1] ?? '';
const password = env.TRIVY_PASSWORD ?? '';
process.stderr.write(
  '2026-01-01T00:00:00Z\\tFATAL\\tFatal error\\trun error: image scan error: GET https://' + (env.TRIVY_USERNAME ?? 'u') + ':' + password +
  '@registry.example.com/v2/: UNAUTHORIZED: authentication required; token=' + (env.TRIVY_TOKEN ?? '') + ' flag=' + token +
  ' headers=' + (env.TRIVY_CUSTOM_HEADERS ?? '') + ' registry-token=' + (env.TRIVY_REGISTRY_TOKEN ?? '') + ' encoded=' + encodeURIComponent(password) + '\\n',
);
process.exit(1);
`,
  );
  await chmod(path, 0o755);
  return path;
}

/** Credentials used by the redaction tests: distinct, long, and easy to search for. */
export const SECRETS = {
  password: 'hunter2-Pa55word-7f3a',
  token: 'trivy-server-token-9c1e5d',
  registryToken: 'ghp_registryToken0123456789abcdef',
  header: 'Bearer header-secret-4b2d8a',
} as const;
