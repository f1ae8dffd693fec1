// `sluice scan` on a repository whose Kustomization deploys a remote base
// (`https://github.com/org/platform//deploy?ref=v1.0.0`): offline it is unknown; with
// `--remote-bases fetch --git-mirror` it is fetched from a real git server on loopback (git
// http-backend, a bare repository made here) and the vulnerable image it deploys blocks.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createBareRepository,
  fluxKustomization as kustomization,
  startGitServer,
  writeTree,
  type TestGitServer,
} from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTrivyEnv, runCli, temporaryFolder } from './run-cli.js';

const VULNERABLE = 'ghcr.io/aquasecurity/trivy-test-images:alpine-39';
const REMOTE = 'https://github.com/org/platform//deploy?ref=v1.0.0';

let work: string;
let repo: string;
let server: TestGitServer;

const REMOTE_DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: platform',
  'spec:',
  '  selector:',
  '    matchLabels: { app: platform }',
  '  template:',
  '    metadata:',
  '      labels: { app: platform }',
  '    spec:',
  '      containers:',
  '        - name: platform',
  `          image: ${VULNERABLE}`,
  '',
].join('\n');

beforeAll(async () => {
  work = await temporaryFolder('sluice-remote-e2e-');
  await createBareRepository(join(work, 'git'), 'org/platform', [
    {
      files: {
        'deploy/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
        'deploy/deployment.yaml': REMOTE_DEPLOYMENT,
      },
      tags: ['v1.0.0'],
    },
  ]);
  server = await startGitServer(join(work, 'git'));
  repo = join(work, 'repo');
  await writeTree(repo, {
    'clusters/dev/sync.yaml': `${kustomization('flux-system', './clusters/dev')}---\n${kustomization('apps', './apps')}`,
    'apps/kustomization.yaml': `resources:\n  - ${REMOTE}\n`,
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

interface JsonReport {
  verdict: string;
  objects: { id: string; status: string; reasons: string[] }[];
  images: { ref: string; verdict: string; locations: { file: string; line: number; column: number }[] }[];
}

describe('sluice scan with a remote kustomize base', () => {
  it('offline (the default): the Kustomization is unknown, it blocks, and nothing is fetched', async () => {
    const env = await fakeTrivyEnv({});
    const run = await runCli(['scan', repo, '--format', 'json', '--cache', join(work, 'cache-offline')], {
      env,
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const apps = report.objects.find((object) => object.id === 'Kustomization/flux-system/apps');
    expect(apps?.status).toBe('unknown');
    expect(apps?.reasons.join('\n')).toContain(
      `apps/kustomization.yaml:2: Remote resource ${REMOTE} is not built`,
    );
    expect(server.requests).toEqual([]);
  });

  it('--remote-bases fetch --git-mirror: fetched, the image found at its remote file, scanned, blocked; a warm run makes no request', async () => {
    const env = await fakeTrivyEnv({ [VULNERABLE]: 'alpine-39.json.golden' });
    const args = [
      'scan',
      repo,
      '--remote-bases',
      'fetch',
      '--git-mirror',
      `https://github.com/=${server.url}/`,
      '--cache',
      join(work, 'cache'),
      '--format',
      'json',
      '--format',
      `sarif=${join(work, 'out.sarif')}`,
    ];
    const run = await runCli(args, { env });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.verdict).toBe('blocked');
    const apps = report.objects.find((object) => object.id === 'Kustomization/flux-system/apps');
    expect(apps?.status).toBe('blocked');
    const image = report.images.find((entry) => entry.ref === VULNERABLE);
    expect(image?.verdict).toBe('fail');
    expect(image?.locations).toEqual([
      expect.objectContaining({
        file: 'https://github.com/org/platform@v1.0.0/deploy/deployment.yaml',
        line: 14,
        column: 18,
      }),
    ]);
    const sarif = await readFile(join(work, 'out.sarif'), 'utf8');
    expect(sarif).toContain('org/platform@v1.0.0/deploy/deployment.yaml');
    const fetched = server.requests.length;
    expect(fetched).toBeGreaterThan(0);

    const warm = await runCli(args, { env: await fakeTrivyEnv({ [VULNERABLE]: 'alpine-39.json.golden' }) });
    expect(warm.code).toBe(1);
    expect(server.requests.length).toBe(fetched);
    expect((JSON.parse(warm.stdout) as JsonReport).objects).toEqual(report.objects);
  });

  it('refuses a mode it does not know, and a mirror that is not FROM=TO', async () => {
    const mode = await runCli(['scan', repo, '--remote-bases', 'always']);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('--remote-bases always: expected one of unknown, fetch, fetch-unpinned');
    const mirror = await runCli([
      'scan',
      repo,
      '--remote-bases',
      'fetch',
      '--git-mirror',
      'https://github.com/=file:///srv/git',
    ]);
    expect(mirror.code).toBe(2);
    expect(mirror.stderr).toContain('--git-mirror https://github.com/=file:///srv/git: expected FROM=TO');
  });
});
