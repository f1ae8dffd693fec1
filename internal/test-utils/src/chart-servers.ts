import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';

/** Debian's `docker-registry` (distribution 2.8), as `.ci/run` installs it. */
export const DOCKER_REGISTRY = '/usr/bin/docker-registry';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A running OCI registry on loopback. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  stop(): Promise<void>;
}

/**
 * Starts a real OCI registry (`docker-registry serve`) on a free loopback port with its storage
 * in a temporary folder, and waits until it answers `/v2/`.
 */
export async function startRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-registry-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child = spawn(DOCKER_REGISTRY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    const ok = await fetch(`http://${host}/v2/`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not start on ${host}: ${stderr}`);
    }
    await new Promise((wait) => setTimeout(wait, 50));
  }
  return {
    host,
    async stop() {
      child.kill();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A static file server on loopback (a Helm chart repository: `index.yaml` and `.tgz` files). */
export interface TestFileServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  stop(): Promise<void>;
}

/** Serves the files of `root` over HTTP on a free loopback port. */
export async function startFileServer(root: string): Promise<TestFileServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    requests.push(path);
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    stat(file).then(
      (info) => {
        if (!info.isFile()) {
          response.writeHead(404).end('not found');
          return;
        }
        response.writeHead(200, { 'content-length': info.size });
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
