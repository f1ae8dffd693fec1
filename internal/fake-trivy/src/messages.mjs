// Trivy's real error texts (see the Sluice research notes on Trivy, section 3; sources:
// pkg/commands/artifact/run.go, pkg/fanal/image/image.go, pkg/db/db.go, pkg/cache/fs.go,
// go-containerregistry's transport errors, cmd/trivy/main.go + pkg/log/handler.go for the
// `<time>\tFATAL\tFatal error\t<chain>` line).

const SCAN_PREFIX =
  'run error: image scan error: scan error: unable to initialize a scan service: unable to initialize artifact: unable to initialize container image';

function timestamp() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A fatal line as Trivy's logger prints it before exiting 1. */
export function fatalLine(message, kind = 'Fatal error') {
  return `${timestamp()}\tFATAL\t${kind}\t${message}\n`;
}

/** A log line of another level (`WARN`, `ERROR`, `INFO`). */
export function logLine(level, message) {
  return `${timestamp()}\t${level}\t${message}\n`;
}

/** The registry host and repository path of an image name, for error URLs. */
export function registryParts(image) {
  const name = image.split('@')[0];
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  let host = hasHost ? first : 'index.docker.io';
  if (host === 'docker.io') host = 'index.docker.io';
  let path = hasHost ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  const tag = image.includes('@') ? image.split('@')[1] : colon === -1 ? 'latest' : path.slice(colon + 1);
  if (colon !== -1) path = path.slice(0, colon);
  if (host === 'index.docker.io' && !path.includes('/')) path = `library/${path}`;
  return { host, path, tag };
}

function remoteError(image, detail, sources) {
  const list = sources.map((source) => `"${source}"`).join(' ');
  const lines = sources.map((source) => {
    switch (source) {
      case 'docker':
        return `\t* docker error: unable to inspect the image (${image}): Error response from daemon: No such image: ${image}`;
      case 'containerd':
        return '\t* containerd error: containerd socket not found: /run/containerd/containerd.sock';
      case 'podman':
        return '\t* podman error: unable to initialize Podman client: no podman socket found: stat podman/podman.sock: no such file or directory';
      default:
        return `\t* remote error: ${detail}`;
    }
  });
  const count = sources.length === 1 ? '1 error occurred' : `${sources.length} errors occurred`;
  return `${SCAN_PREFIX}: unable to find the specified image "${image}" in [${list}]: ${count}:\n${lines.join('\n')}\n`;
}

/**
 * The stderr text of a failed image scan, by kind: `not-found`, `unauthorized`, `denied`,
 * `rate-limited`, `server-error`, `connection-reset`.
 */
export function imageErrorText(kind, image, sources) {
  const { host, path, tag } = registryParts(image);
  const manifests = `https://${host}/v2/${path}/manifests/${tag}`;
  const details = {
    'not-found': `GET ${manifests}: MANIFEST_UNKNOWN: manifest unknown; unknown tag=${tag}`,
    unauthorized: `GET https://${host}/token?scope=repository%3A${encodeURIComponent(path)}%3Apull&service=${host}: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:${path} Type:repository]]`,
    denied: `GET ${manifests}: DENIED: denied`,
    'rate-limited': `GET ${manifests}: TOOMANYREQUESTS: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit`,
    'server-error': `GET ${manifests}: unexpected status code 503 Service Unavailable: <html><body><h1>503 Service Unavailable</h1></body></html>`,
    'connection-reset': `Get "https://${host}/v2/": read tcp 10.0.0.2:51234->140.82.121.34:443: read: connection reset by peer`,
  };
  const detail = details[kind] ?? details['not-found'];
  return fatalLine(remoteError(image, detail, sources).trimEnd());
}

/** stderr of a DB download failure (registry unreachable or rate limited). */
export function dbDownloadErrorText() {
  const repo = 'mirror.gcr.io/aquasec/trivy-db:2';
  return (
    logLine(
      'ERROR',
      `[vulndb] Failed to download artifact\trepo="${repo}" err="OCI repository error: 1 error occurred:\\n\\t* GET https://mirror.gcr.io/v2/aquasec/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 1.2s, allowed: 44000/minute\\n\\n"`,
    ) +
    fatalLine(
      `run error: init error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact from any source: 1 error occurred:\n\t* GET https://mirror.gcr.io/v2/aquasec/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 1.2s, allowed: 44000/minute`,
    )
  );
}

/** stderr when `--skip-db-update` is given but no DB was ever downloaded. */
export function skipDbFirstRunText() {
  return fatalLine(
    'run error: init error: DB error: database error: --skip-db-update cannot be specified on the first run',
  );
}

/** stderr when the fs cache stays locked by another process past the lock timeout. */
export function cacheLockText(version) {
  const minor = version.split('.').slice(0, 2).join('.');
  return (
    logLine(
      'ERROR',
      `Failed to acquire cache or database lock, see https://trivy.dev/docs/v${minor}/guide/references/troubleshooting#database-and-cache-lock-errors for troubleshooting`,
    ) +
    fatalLine(
      'run error: image scan error: scan error: unable to initialize a scan service: unable to initialize cache: unable to initialize fs cache: cache may be in use by another process: timeout',
    )
  );
}

/** stderr when the run exceeds `--timeout`. */
export function timeoutText(version) {
  const minor = version.split('.').slice(0, 2).join('.');
  return (
    logLine(
      'WARN',
      `Provide a higher timeout value, see https://trivy.dev/docs/v${minor}/guide/references/troubleshooting#timeout`,
    ) +
    fatalLine(
      'run error: image scan error: scan error: scan failed: failed analysis: analyze error: pipeline error: failed to analyze layer: analyzer timed out: context deadline exceeded',
    )
  );
}

/** stderr of a client whose token the server rejects. */
export function invalidTokenText() {
  return fatalLine(
    'run error: image scan error: scan error: scan failed: failed to detect vulnerabilities: twirp error unauthenticated: invalid token',
  );
}

/** stderr of a Go panic (a crashed scanner), which exits 2. */
export function panicText() {
  return (
    'panic: runtime error: invalid memory address or nil pointer dereference\n' +
    '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1c3e2a4]\n\n' +
    'goroutine 1 [running]:\n' +
    'github.com/aquasecurity/trivy/pkg/fanal/artifact/image.Artifact.Inspect(...)\n'
  );
}
