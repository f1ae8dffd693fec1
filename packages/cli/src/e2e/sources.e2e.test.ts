import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryFolder } from './run-cli.js';

const CORPORA = repoPath('fixtures/corpora');
const DEV_TEAM = 'GitRepository/apps/dev-team';

interface ImagesJson {
  workloads: { id: string; method: string; file: string; source?: string }[];
}

function tenantRows(stdout: string): string[][] {
  return (JSON.parse(stdout) as ImagesJson).workloads
    .filter((workload) => workload.id.includes('/apps/'))
    .map((workload) => [workload.id, workload.method, workload.file, workload.source ?? '']);
}

describe('sluice --source: a second checkout beside the repository', () => {
  it('maps the tenant repository relative to the working directory or absolute, as one system', async () => {
    const args = ['images', 'flux2-multi-tenancy', '--format', 'json', '--no-render'];
    const relative = await runCli([...args, '--source', `${DEV_TEAM}=flux2-multi-tenancy-dev-team`], {
      cwd: CORPORA,
    });
    expect(relative.stderr).toBe('');
    expect(relative.code).toBe(0);
    const release = '../flux2-multi-tenancy-dev-team/base/podinfo-release.yaml';
    expect(tenantRows(relative.stdout)).toEqual([
      ['clusters/production:HelmRelease/apps/podinfo', 'unresolved', release, 'HelmRepository/apps/podinfo'],
      [
        'clusters/production:Kustomization/apps/dev-team',
        'rendered',
        'tenants/base/dev-team/sync.yaml',
        DEV_TEAM,
      ],
      ['clusters/staging:HelmRelease/apps/podinfo', 'unresolved', release, 'HelmRepository/apps/podinfo'],
      [
        'clusters/staging:Kustomization/apps/dev-team',
        'rendered',
        'tenants/base/dev-team/sync.yaml',
        DEV_TEAM,
      ],
    ]);
    // From another working directory, with absolute paths: the same report.
    const fromRoot = await runCli([
      ...args.map((arg) => (arg === 'flux2-multi-tenancy' ? join(CORPORA, arg) : arg)),
      '--source',
      `${DEV_TEAM}=${join(CORPORA, 'flux2-multi-tenancy-dev-team')}`,
    ]);
    expect(fromRoot.stdout).toBe(relative.stdout);
  }, 60_000);

  it("keeps the repository's own configuration inside it: a config file cannot map a folder outside", async () => {
    const folder = await temporaryFolder();
    const config = join(folder, 'sluice.config.json');
    await writeFile(config, JSON.stringify({ sources: { [DEV_TEAM]: '../flux2-multi-tenancy-dev-team' } }));
    const run = await runCli(['images', 'flux2-multi-tenancy', '--config', config, '--no-render'], {
      cwd: CORPORA,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `Invalid source mapping ${DEV_TEAM}=../flux2-multi-tenancy-dev-team: the folder must be relative to the repository root and inside it`,
    );
  }, 60_000);
});
