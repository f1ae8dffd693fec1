import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree, type TreeEntry } from './index.js';

/** A loopback git server: `git http-backend` (smart HTTP) behind a small node HTTP server. */
export interface TestGitServer {
  /** `http://127.0.0.1:PORT` (repositories are `${url}/<name>.git`). */
  readonly url: string;
  /** The folder holding the bare repositories. */
  readonly root: string;
  /** Every request served so far (`GET /org/repo.git/info/refs?service=…`, …). */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

/** A clean environment for git in tests: no user or system config, fixed identity. */
export function testGitEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Sluice Test',
    GIT_AUTHOR_EMAIL: 'test@sluice.invalid',
    GIT_COMMITTER_NAME: 'Sluice Test',
    GIT_COMMITTER_EMAIL: 'test@sluice.invalid',
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  };
}

/** True when a `git` executable is on PATH. */
export function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One commit of {@link createBareRepository}: the files, then the tags and branches at it. */
export interface TestCommit {
  readonly files: Readonly<Record<string, TreeEntry>>;
  readonly tags?: readonly string[];
  readonly branches?: readonly string[];
}

/**
 * Creates `<root>/<name>.git`, a bare repository whose history is `commits` (each adds or
 * replaces its files), tagged and branched as asked. Returns the commit SHAs, oldest first.
 */
export async function createBareRepository(
  root: string,
  name: string,
  commits: readonly TestCommit[],
): Promise<string[]> {
  const work = await mkdtemp(join(tmpdir(), 'sluice-git-work-'));
  const env = testGitEnv(work);
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: join(work, 'tree'), env, encoding: 'utf8' }).trim();
  try {
    await mkdir(join(work, 'tree'));
    git('init', '-q', '-b', 'main');
    const shas: string[] = [];
    for (const [index, commit] of commits.entries()) {
      await writeTree(join(work, 'tree'), commit.files);
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', `commit ${index + 1}`);
      for (const tag of commit.tags ?? []) git('tag', '-a', '-m', tag, tag);
      for (const branch of commit.branches ?? []) git('branch', '-f', branch);
      shas.push(git('rev-parse', 'HEAD'));
    }
    const target = join(root, `${name}.git`);
    await mkdir(join(target, '..'), { recursive: true });
    execFileSync('git', ['clone', '-q', '--bare', join(work, 'tree'), target], { env });
    return shas;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Serves the bare repositories under `root` over smart HTTP on a free loopback port: each
 * request runs `git http-backend` as a CGI program, and is recorded in `requests`.
 */
export async function startGitServer(root: string): Promise<TestGitServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method ?? 'GET'} ${request.url ?? '/'}`);
    serveCgi(root, request, response);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    requests,
    stop: () =>
      new Promise((resolveStop) => {
        server.closeAllConnections();
        server.close(() => resolveStop());
      }),
  };
}

function serveCgi(root: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
      ...(request.headers['content-encoding']
        ? { HTTP_CONTENT_ENCODING: String(request.headers['content-encoding']) }
        : {}),
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  request.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else response.setHeader(name, value);
    }
    response.writeHead(status);
    response.write(head.subarray(end + 4));
  });
  child.on('close', () => {
    if (!headersDone) response.writeHead(500);
    response.end();
  });
  child.on('error', () => {
    if (!response.headersSent) response.writeHead(500);
    response.end();
  });
}
