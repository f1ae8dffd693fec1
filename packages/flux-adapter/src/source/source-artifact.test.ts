import { afterEach, describe, expect, it } from 'vitest';
import { deployment, tempFluxRepo, type TempFile } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import type { FluxRepository } from '../model.js';

// What a Kustomization reads is what source-controller put in the artifact (fluxcd/pkg
// artifact/storage/archive.go at e2cfd1a). Each test names the rule's line.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function load(files: Readonly<Record<string, TempFile>>): Promise<FluxRepository> {
  const repo = await tempFluxRepo(files);
  cleanups.push(repo.cleanup);
  return loadFluxRepository(repo.root);
}

function refs(repo: FluxRepository): string[] {
  return repo.images.map((image) => image.ref);
}

const EVIL = 'docker.io/library/evil:1';

describe('the source artifact as source-controller builds it', () => {
  it('archive.go:70 — a .sourceignore with any pattern drops the default exclusions: apps/cloudbuild.yaml is deployed', async () => {
    const repo = await load({
      'docs/.sourceignore': '*.md\n',
      'apps/cloudbuild.yaml': deployment(EVIL, 'evil'),
    });
    expect(refs(repo)).toContain(EVIL);
    const evil = repo.images.find((image) => image.ref === EVIL);
    expect(evil?.locations.map((location) => [location.file, location.line])).toEqual([
      ['apps/cloudbuild.yaml', 15],
    ]);
  });

  it('archive.go:70 — without any pattern the defaults apply: apps/cloudbuild.yaml is not in the artifact', async () => {
    const repo = await load({ 'apps/cloudbuild.yaml': deployment(EVIL, 'evil') });
    expect(refs(repo)).not.toContain(EVIL);
  });

  it('archive.go:117 — the walk does not skip an excluded folder: a negation re-includes a file inside it', async () => {
    const repo = await load({
      '.sourceignore': 'apps/private/\n!apps/private/evil.yaml\n',
      'apps/private/evil.yaml': deployment(EVIL, 'evil'),
      'apps/private/dropped.yaml': deployment('docker.io/library/dropped:1', 'dropped'),
    });
    expect(refs(repo)).toContain(EVIL);
    expect(refs(repo)).not.toContain('docker.io/library/dropped:1');
  });

  it('sourceignore.go:120 — a .sourceignore inside an excluded folder still counts', async () => {
    const repo = await load({
      '.sourceignore': 'apps/private/\n',
      'apps/private/.sourceignore': '!evil.yaml\n',
      'apps/private/evil.yaml': deployment(EVIL, 'evil'),
    });
    expect(refs(repo)).toContain(EVIL);
  });

  it('archive.go:111 — a symbolic link is not in the artifact: a linked kustomization.yaml retagging the image is not used', async () => {
    const repo = await load({
      'apps/kustomization.yaml': { symlink: '../retag/kustomization.yaml' },
      'retag/kustomization.yaml':
        'resources: [../apps/good.yaml]\nimages: [{name: ghcr.io/sluice-test/good, newTag: sneaky}]\n',
    });
    // Flux builds apps/ without a kustomization file: the good image keeps its tag.
    expect(refs(repo)).toContain('ghcr.io/sluice-test/good:1.0.0');
    expect(refs(repo)).not.toContain('ghcr.io/sluice-test/good:sneaky');
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'symlink-dropped', file: 'apps/kustomization.yaml', severity: 'info' }),
    );
  });

  it('archive.go:111 — a linked folder is not in the artifact, even inside the repository', async () => {
    const repo = await load({
      'apps/linked': { symlink: '../elsewhere' },
      'elsewhere/evil.yaml': deployment(EVIL, 'evil'),
    });
    expect(refs(repo)).not.toContain(EVIL);
  });
});
