import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_IMAGE, deployment, tempFluxRepo, type TempFile } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from './load-flux-repository.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Loads a temporary repository holding `files` beside the good Deployment. */
async function load(files: Readonly<Record<string, TempFile>>): ReturnType<typeof loadFluxRepository> {
  const repo = await tempFluxRepo(files);
  cleanups.push(repo.cleanup);
  return loadFluxRepository(repo.root);
}

function refs(result: Awaited<ReturnType<typeof loadFluxRepository>>): string[] {
  return result.images.map((image) => image.ref);
}

describe('loadFluxRepository on hostile files', () => {
  it('enters a folder symlink loop once (symlink-loop), never throws', { timeout: 20_000 }, async () => {
    const result = await load({
      'apps/bad/loop': { symlink: '..' },
      'apps/bad/deeper/up': { symlink: '../..' },
      'apps/bad/inner.yaml': deployment('docker.io/library/inner:1', 'inner'),
    });
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'symlink-loop', file: 'apps/bad/loop', severity: 'info' }),
    );
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'symlink-loop', file: 'apps/bad/deeper/up' }),
    );
    expect(refs(result)).toContain(GOOD_IMAGE);
    expect(refs(result)).toContain('docker.io/library/inner:1');
    const inner = result.images.find((image) => image.ref === 'docker.io/library/inner:1');
    expect(inner?.locations.map((location) => location.file)).toEqual(['apps/bad/inner.yaml']);
  });
});
