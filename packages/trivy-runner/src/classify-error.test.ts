import { describe, expect, it } from 'vitest';
import { classifyTrivyFailure } from './classify-error.js';

// Real Trivy stderr texts (Sluice research notes on Trivy, section 3, with their sources).
const NOT_FOUND = `2026-07-23T12:47:23Z\tFATAL\tFatal error\trun error: image scan error: scan error: unable to initialize a scan service: unable to initialize artifact: unable to initialize container image: unable to find the specified image "alpine:9.99" in ["docker" "containerd" "podman" "remote"]: 4 errors occurred:
\t* docker error: unable to inspect the image (alpine:9.99): Error response from daemon: No such image: alpine:9.99
\t* containerd error: containerd socket not found: /run/containerd/containerd.sock
\t* podman error: unable to initialize Podman client: no podman socket found: stat podman/podman.sock: no such file or directory
\t* remote error: GET https://index.docker.io/v2/library/alpine/manifests/9.99: MANIFEST_UNKNOWN: manifest unknown; unknown tag=9.99
`;
const UNAUTHORIZED = NOT_FOUND.replace(
  /\* remote error: .*/,
  '* remote error: GET https://ghcr.io/token?scope=repository%3Axxx%2Fweb%3Apull&service=ghcr.io: UNAUTHORIZED: authentication required',
);
const RATE_LIMITED = `2026-07-23T12:47:23Z\tFATAL\tFatal error\trun error: image scan error: scan error: unable to initialize a scan service: unable to initialize artifact: unable to initialize container image: unable to find the specified image "nginx" in ["remote"]: 1 error occurred:
\t* remote error: GET https://index.docker.io/v2/library/nginx/manifests/latest: TOOMANYREQUESTS: You have reached your pull rate limit.
`;
const DB = `ERROR\t[vulndb] Failed to download artifact\trepo="ghcr.io/aquasecurity/trivy-db:2" err="OCI repository error: 1 error occurred:\\n\\t* GET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after"
FATAL\tFatal error\tinit error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact from any source: …
`;
const LOCK = `ERROR\tFailed to acquire cache or database lock, see https://trivy.dev/docs/v0.68/guide/references/troubleshooting#database-and-cache-lock-errors for troubleshooting
FATAL\tFatal error\trun error: image scan error: scan error: unable to initialize a scan service: unable to initialize cache: unable to initialize fs cache: cache may be in use by another process: timeout
`;
const TIMEOUT = `WARN\tProvide a higher timeout value, see https://trivy.dev/docs/v0.74/guide/references/troubleshooting#timeout
FATAL\tFatal error\trun error: image scan error: scan error: scan failed: failed analysis: analyze error: pipeline error: failed to analyze layer: analyzer timed out: context deadline exceeded
`;

describe('classifyTrivyFailure', () => {
  it.each([
    ['not found', NOT_FOUND, 'not-found', false],
    ['unauthorized', UNAUTHORIZED, 'unauthorized', false],
    [
      'denied',
      NOT_FOUND.replace('MANIFEST_UNKNOWN: manifest unknown; unknown tag=9.99', 'DENIED: denied'),
      'unauthorized',
      false,
    ],
    ['rate limited', RATE_LIMITED, 'rate-limited', true],
    [
      '5xx',
      RATE_LIMITED.replace(/TOOMANYREQUESTS.*/, 'unexpected status code 503 Service Unavailable'),
      'network',
      true,
    ],
    [
      'reset',
      RATE_LIMITED.replace(
        /GET https.*/,
        'Get "https://ghcr.io/v2/": read tcp 10.0.0.2:51234->140.82.121.34:443: read: connection reset by peer',
      ),
      'network',
      true,
    ],
    ['DB download', DB, 'db-unavailable', true],
    [
      'DB first run',
      'FATAL\tFatal error\t--skip-db-update cannot be specified on the first run',
      'db-unavailable',
      false,
    ],
    ['cache lock', LOCK, 'cache-locked', true],
    ['timeout', TIMEOUT, 'timeout', false],
    [
      'server token',
      'FATAL\tFatal error\trun error: image scan error: scan error: scan failed: failed to detect vulnerabilities: twirp error unauthenticated: invalid token',
      'unauthorized',
      false,
    ],
  ])('classifies %s', (_name, stderr, code, transient) => {
    const result = classifyTrivyFailure({ exitCode: 1, stderr });
    expect(result.code).toBe(code);
    expect(result.transient).toBe(transient);
    expect(result.message).not.toMatch(/^run error: image scan error/);
  });

  it('names the remote error in the message, not only the wrapping chain', () => {
    const result = classifyTrivyFailure({ exitCode: 1, stderr: NOT_FOUND });
    expect(result.message).toContain('MANIFEST_UNKNOWN');
    expect(result.message).toContain('unable to find the specified image "alpine:9.99"');
  });

  it('tells crashes, kills, a missing binary, timeouts and aborts apart', () => {
    expect(
      classifyTrivyFailure({
        exitCode: 2,
        stderr: 'panic: runtime error: invalid memory address or nil pointer dereference\n',
      }),
    ).toMatchObject({ code: 'crashed', transient: true });
    expect(classifyTrivyFailure({ signal: 'SIGKILL', stderr: '' })).toMatchObject({ code: 'crashed' });
    expect(classifyTrivyFailure({ notFound: true, stderr: '' }).code).toBe('scanner-missing');
    expect(classifyTrivyFailure({ notFound: true, stderr: '' }).message).toMatch(/--server|--trivy-reports/);
    expect(classifyTrivyFailure({ timedOut: true, stderr: '' }).code).toBe('timeout');
    expect(classifyTrivyFailure({ aborted: true, stderr: '' }).code).toBe('aborted');
    expect(
      classifyTrivyFailure({ exitCode: 1, stderr: 'FATAL\tFatal error\tunknown flag: --nope' }),
    ).toMatchObject({ code: 'unknown', transient: false, message: 'unknown flag: --nope' });
  });
});
