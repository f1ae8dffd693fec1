// Remote kustomize bases fetched from a real git server: `git http-backend` on loopback, bare
// repositories made by the test, `--git-mirror`-style rewrites from the URLs Flux would fetch.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic, ImageEntry } from '@sluice/core';
import { createBareRepository, startGitServer, type TestGitServer, type TreeEntry } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import type { FluxRepository } from '../model.js';
import { RemoteBases, type RemoteBaseOptions } from './remote-bases.js';
import { parseRemoteSpec } from './remote-spec.js';

const VULNERABLE = 'ghcr.io/evil/vulnerable:1.0';
const NEWER = 'ghcr.io/evil/vulnerable:2.0';
const APPS = 'Kustomization/flux-system/apps';

let work: string;
let server: TestGitServer;
let shas: string[];
let silent: Server;
let silentPort: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sluice-remote-bases-'));
  const repos = join(work, 'repos');
  const base = (image: string): Record<string, TreeEntry> => ({
    'deploy/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'deploy/deployment.yaml': deployment(image, 'remote-app'),
  });
  shas = await createBareRepository(repos, 'org/base', [
    {
      files: {
        ...base(VULNERABLE),
        'nested/kustomization.yaml': 'resources:\n  - https://github.com/org/inner//app?ref=v1\n',
        // A link inside the clone is followed, as kustomize follows it; one out of it is not.
        'linked/kustomization.yaml': 'resources:\n  - inside.yaml\n',
        'linked/inside.yaml': { symlink: '../deploy/deployment.yaml' },
        'escape/kustomization.yaml': 'resources:\n  - outside.yaml\n',
        'escape/outside.yaml': { symlink: '../../../../../../../../etc/hostname' },
        // A base that includes itself through its own URL: kustomize reports the cycle.
        'loop/kustomization.yaml': 'resources:\n  - https://github.com/org/base//loop?ref=v1.2.3\n',
        'component/kustomization.yaml': [
          'apiVersion: kustomize.config.k8s.io/v1alpha1',
          'kind: Component',
          'images:',
          '  - name: ghcr.io/sluice-test/good',
          '    newTag: from-remote-component',
          '',
        ].join('\n'),
      },
      tags: ['v1.2.3'],
    },
    { files: base(NEWER), branches: ['dev'] },
  ]);
  await createBareRepository(repos, 'org/inner', [
    {
      files: {
        'app/kustomization.yaml': 'resources: [app.yaml]\n',
        'app/app.yaml': deployment('ghcr.io/evil/inner:3.0', 'inner'),
      },
      tags: ['v1'],
    },
  ]);
  server = await startGitServer(repos);
  // A server that accepts connections and never answers: a fetch from it can only time out.
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
  const address = silent.address();
  silentPort = typeof address === 'object' && address ? address.port : 0;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  for (const socket of sockets) socket.destroy();
  await new Promise((closed) => silent?.close(closed));
  await rm(work, { recursive: true, force: true });
});

function options(cacheName: string, extra: RemoteBaseOptions = {}): RemoteBaseOptions {
  return {
    mode: 'fetch',
    cacheDir: join(work, 'cache', cacheName),
    mirrors: [{ from: 'https://github.com/', to: `${server.url}/` }],
    env: { PATH: process.env.PATH, HOME: work },
    ...extra,
  };
}

async function loadWith(
  resources: readonly string[],
  remoteBases: RemoteBaseOptions,
): Promise<FluxRepository> {
  const repo = await tempFluxRepo({
    'apps/kustomization.yaml': [
      'resources:',
      '  - good.yaml',
      ...resources.map((entry) => `  - ${entry}`),
      '',
    ].join('\n'),
  });
  try {
    return await loadFluxRepository(repo.root, { remoteBases });
  } finally {
    await repo.cleanup();
  }
}

function image(repo: FluxRepository, ref: string): ImageEntry | undefined {
  return repo.images.find((entry) => entry.ref === ref);
}

function remoteDiagnostics(repo: FluxRepository): Diagnostic[] {
  return repo.diagnostics.filter((diagnostic) => diagnostic.code === 'remote-resource');
}

describe('remote bases fetched as kustomize-controller fetches them', () => {
  it('fetches a base pinned to a tag and finds its image at the remote file, URL and ref shown', async () => {
    const before = server.requests.length;
    const repo = await loadWith(['https://github.com/org/base//deploy?ref=v1.2.3'], options('tag'));
    expect(server.requests.length).toBeGreaterThan(before);
    expect(remoteDiagnostics(repo)).toEqual([]);
    expect(image(repo, VULNERABLE)?.locations).toEqual([
      expect.objectContaining({
        file: 'https://github.com/org/base@v1.2.3/deploy/deployment.yaml',
        line: 15,
        column: 18,
        kind: 'Deployment',
        name: 'remote-app',
        fluxObjects: [APPS],
      }),
    ]);
    expect(
      repo.workloads.find((workload) => workload.id === APPS)?.images.map((entry) => entry.ref),
    ).toContain(VULNERABLE);
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'remote-base-fetched',
        severity: 'info',
        file: 'apps/kustomization.yaml',
        line: 3,
        object: APPS,
        message: expect.stringContaining(
          `fetched, commit ${shas[0]} (through the mirror ${server.url}/org/base)`,
        ),
      }),
    );
  });

  it('a warm run reads the cache: no request reaches the server', async () => {
    await loadWith(['https://github.com/org/base//deploy?ref=v1.2.3'], options('warm'));
    const before = server.requests.length;
    const repo = await loadWith(['https://github.com/org/base//deploy?ref=v1.2.3'], options('warm'));
    expect(server.requests.length).toBe(before);
    expect(image(repo, VULNERABLE)).toBeDefined();
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'remote-base-fetched',
        message: expect.stringContaining('read from the cache'),
      }),
    );
  });

  it('fetches a full commit id, in the github.com shorthand kustomize normalises to https', async () => {
    const repo = await loadWith([`github.com/org/base/deploy?ref=${shas[1]}`], options('sha'));
    expect(remoteDiagnostics(repo)).toEqual([]);
    expect(image(repo, NEWER)?.locations[0]?.file).toBe(
      `https://github.com/org/base@${shas[1]}/deploy/deployment.yaml`,
    );
    expect(image(repo, VULNERABLE)).toBeUndefined();
  });

  it('a base inside a fetched base is fetched the same way, within the depth limit', async () => {
    const repo = await loadWith(['https://github.com/org/base//nested?ref=v1.2.3'], options('nested'));
    expect(image(repo, 'ghcr.io/evil/inner:3.0')?.locations[0]?.file).toBe(
      'https://github.com/org/inner@v1/app/app.yaml',
    );
    const shallow = await loadWith(
      ['https://github.com/org/base//nested?ref=v1.2.3'],
      options('nested', { maxDepth: 1 }),
    );
    expect(image(shallow, 'ghcr.io/evil/inner:3.0')).toBeUndefined();
    expect(remoteDiagnostics(shallow)).toEqual([
      expect.objectContaining({
        file: 'https://github.com/org/base@v1.2.3/nested/kustomization.yaml',
        line: 2,
        object: APPS,
        message: expect.stringContaining('remote bases are nested more than 1 deep'),
      }),
    ]);
  });

  it('a remote component is fetched and applied', async () => {
    const repo = await tempFluxRepo({
      'apps/kustomization.yaml':
        'resources: [good.yaml]\ncomponents:\n  - https://github.com/org/base//component?ref=v1.2.3\n',
    });
    try {
      const loaded = await loadFluxRepository(repo.root, { remoteBases: options('component') });
      expect(remoteDiagnostics(loaded)).toEqual([]);
      expect(loaded.images.map((entry) => entry.ref)).toEqual([
        'ghcr.io/sluice-test/good:from-remote-component',
      ]);
      expect(loaded.images[0]?.locations[0]).toMatchObject({
        file: 'https://github.com/org/base@v1.2.3/component/kustomization.yaml',
        line: 5,
      });
    } finally {
      await repo.cleanup();
    }
  });
});

describe('the clone read as kustomize reads it', () => {
  it('follows a link inside the clone; a link out of it is not followed (unknown)', async () => {
    const inside = await loadWith(['https://github.com/org/base//linked?ref=v1.2.3'], options('links'));
    expect(image(inside, VULNERABLE)?.locations[0]?.file).toBe(
      'https://github.com/org/base@v1.2.3/linked/inside.yaml',
    );
    const outside = await loadWith(['https://github.com/org/base//escape?ref=v1.2.3'], options('links'));
    expect(outside.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'symlink-outside-root',
        file: 'https://github.com/org/base@v1.2.3/escape/outside.yaml',
      }),
    );
    expect(outside.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'resource-missing',
        file: 'https://github.com/org/base@v1.2.3/escape/kustomization.yaml',
        object: APPS,
      }),
    );
  });

  it('a base including itself by URL is a cycle, fetched once', async () => {
    const before = server.requests.length;
    const repo = await loadWith(['https://github.com/org/base//loop?ref=v1.2.3'], options('loop'));
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'kustomization-cycle', object: APPS }),
    );
    // One fetch (one connection's ref discovery), however often the base names itself.
    expect(server.requests.slice(before).filter((request) => request.includes('/info/refs'))).toHaveLength(1);
  });

  it('stops a fetch when the run is aborted', async () => {
    const controller = new AbortController();
    const repo = await tempFluxRepo({
      'apps/kustomization.yaml':
        'resources:\n  - https://github.com/org/base//deploy?ref=v1.2.3&timeout=60\n',
    });
    try {
      const started = Date.now();
      setTimeout(() => controller.abort(), 300);
      await expect(
        loadFluxRepository(repo.root, {
          remoteBases: options('abort', {
            mirrors: [{ from: 'https://github.com/', to: `http://127.0.0.1:${silentPort}/` }],
          }),
          signal: controller.signal,
        }),
      ).rejects.toThrow(/abort/i);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await repo.cleanup();
    }
  });
});

describe('what is not fetched stays unknown, with the reason', () => {
  it('by default nothing is fetched', async () => {
    const before = server.requests.length;
    const repo = await loadWith(['https://github.com/org/base//deploy?ref=v1.2.3'], {
      ...options('off'),
      mode: 'unknown',
    });
    expect(server.requests.length).toBe(before);
    expect(remoteDiagnostics(repo)).toEqual([
      expect.objectContaining({
        object: APPS,
        message: expect.stringContaining('--remote-bases fetch allows it'),
      }),
    ]);
  });

  it('no ref: the default branch moves, so it is not fetched (no request)', async () => {
    const before = server.requests.length;
    const repo = await loadWith(['https://github.com/org/base//deploy'], options('noref'));
    expect(server.requests.length).toBe(before);
    expect(remoteDiagnostics(repo)[0]?.message).toContain(
      'names no ?ref=, so kustomize fetches the default branch, which moves',
    );
  });

  it('a remote file (kustomize downloads it over HTTP) is never downloaded', async () => {
    const before = server.requests.length;
    const repo = await loadWith(
      ['https://raw.githubusercontent.com/org/base/v1.2.3/deploy/deployment.yaml'],
      options('file', { mode: 'fetch-unpinned' }),
    );
    expect(server.requests.length).toBe(before);
    expect(remoteDiagnostics(repo)[0]?.message).toContain(
      'it names a file, which kustomize downloads over HTTP',
    );
  });

  it('a branch is not a tag: unknown, unless fetch-unpinned is asked for', async () => {
    const repo = await loadWith(['https://github.com/org/base//deploy?ref=dev'], options('branch'));
    expect(image(repo, NEWER)).toBeUndefined();
    expect(remoteDiagnostics(repo)[0]?.message).toMatch(
      /\?ref=dev is not a tag of https:\/\/github\.com\/org\/base \(git fetch: fatal: couldn't find remote ref refs\/tags\/dev\); a branch moves/,
    );
    const unpinned = await loadWith(
      ['https://github.com/org/base//deploy?ref=dev'],
      options('branch', { mode: 'fetch-unpinned' }),
    );
    expect(remoteDiagnostics(unpinned)).toEqual([]);
    expect(image(unpinned, NEWER)?.locations[0]?.file).toBe(
      'https://github.com/org/base@dev/deploy/deployment.yaml',
    );
  });

  it("a missing ref or commit: unknown with git's message", async () => {
    const repo = await loadWith(
      ['https://github.com/org/base//deploy?ref=0123456789abcdef0123456789abcdef01234567'],
      options('missing'),
    );
    expect(remoteDiagnostics(repo)[0]?.message).toContain(
      `fetching ${server.url}/org/base failed: git fetch: fatal: remote error: upload-pack: not our ref 0123456789abcdef0123456789abcdef01234567`,
    );
    const tag = await loadWith(
      ['https://github.com/org/base//deploy?ref=v9.9.9'],
      options('missing', { mode: 'fetch-unpinned' }),
    );
    expect(remoteDiagnostics(tag)[0]?.message).toContain("git fetch: fatal: couldn't find remote ref v9.9.9");
  });

  it('a missing repository, git absent, a server that never answers: unknown, the rest goes on', async () => {
    const missing = await loadWith(['https://github.com/org/nothing//deploy?ref=v1'], options('absent'));
    expect(remoteDiagnostics(missing)[0]?.message).toMatch(
      /fetching .*\/org\/nothing failed: git fetch: fatal: repository .* not found/,
    );
    expect(image(missing, 'ghcr.io/sluice-test/good:1.0.0')).toBeDefined();
    const withPassword = await loadWith(
      [`${server.url.replace('http://', 'http://deploy:s3cret-pass@')}/org/nothing.git//deploy?ref=v1`],
      options('password'),
    );
    const messages = withPassword.diagnostics.map((diagnostic) => diagnostic.message).join('\n');
    expect(messages).toContain('fetching http://***@127.0.0.1');
    expect(messages).not.toContain('s3cret-pass');
    const noGit = await loadWith(
      ['https://github.com/org/base//deploy?ref=v1.2.3'],
      options('nogit', { git: join(work, 'no-such-git') }),
    );
    expect(remoteDiagnostics(noGit)[0]?.message).toContain('git was not found');
    const hung = await loadWith(
      ['https://github.com/org/base//deploy?ref=v1.2.3&timeout=1'],
      options('hung', { mirrors: [{ from: 'https://github.com/', to: `http://127.0.0.1:${silentPort}/` }] }),
    );
    expect(remoteDiagnostics(hung)[0]?.message).toContain('git fetch timed out after 1 s');
  }, 30_000);

  it('a checkout past the size limit is unknown, and nothing is cached', async () => {
    const repo = await loadWith(
      ['https://github.com/org/base//deploy?ref=v1.2.3'],
      options('small', { maxBytes: 1024 }),
    );
    expect(remoteDiagnostics(repo)[0]?.message).toContain('the checkout is larger than 0 MiB');
    expect(image(repo, VULNERABLE)).toBeUndefined();
  });

  it.each([
    ['an option for git', '--upload-pack=touch${IFS}/tmp/sluice-pwned', 'not-remote'],
    ['the ext:: transport', 'ext::sh -c touch% /tmp/sluice-pwned', 'not-remote'],
    ['a forced ext:: after git::', 'git::ext::sh -c touch% /tmp/sluice-pwned', 'not-remote'],
    ['a local repository', 'file:///etc//?ref=v1', 'file:// names a repository on the machine'],
    ['a path out of the clone', 'https://github.com/org/base//../../etc?ref=v1.2.3', 'leaves the repository'],
    [
      'an option as the ref',
      'https://github.com/org/base//deploy?ref=--upload-pack=touch',
      'not a ref name git accepts',
    ],
  ])('refuses %s (%s) without a request', async (_title, entry, reason) => {
    const before = server.requests.length;
    const repo = await loadWith([entry], options('hostile'));
    expect(server.requests.length).toBe(before);
    await expect(stat('/tmp/sluice-pwned')).rejects.toThrow();
    if (reason === 'not-remote') {
      // kustomize reads these as local paths, which do not exist: unknown all the same.
      expect(repo.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'resource-missing', object: APPS }),
      );
    } else {
      expect(remoteDiagnostics(repo)[0]?.message).toContain(reason);
    }
  });
});

describe('the fetched base, checked against kubectl kustomize', () => {
  const kubectl = ((): boolean => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!kubectl)(
    'kubectl kustomize on the cached checkout deploys the image Sluice found (skipped where kubectl is not installed)',
    async () => {
      const spec = parseRemoteSpec('https://github.com/org/base//deploy?ref=v1.2.3');
      if ('error' in spec) throw new Error(spec.error);
      const resolved = await new RemoteBases(options('oracle')).resolve(spec);
      if ('reason' in resolved) throw new Error(resolved.reason);
      const output = execFileSync(
        'kubectl',
        ['kustomize', join(resolved.tree.checkout.root, resolved.path)],
        { encoding: 'utf8' },
      );
      expect(output).toContain(`image: ${VULNERABLE}`);
      expect(resolved.commit).toBe(shas[0]);
    },
  );
});
