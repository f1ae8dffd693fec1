import { afterEach, describe, expect, it } from 'vitest';
import type { FluxRepository } from '../model.js';
import { buildGateReport } from '../gate/build-gate-report.js';
import { deployment, fluxKustomization, tempFluxRepo, type TempFile } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from './load-flux-repository.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function load(files: Readonly<Record<string, TempFile>>): Promise<FluxRepository> {
  const repo = await tempFluxRepo(files);
  cleanups.push(repo.cleanup);
  return loadFluxRepository(repo.root);
}

/** The gate of a load, every image scanned clean. */
function gate(repo: FluxRepository): Map<string, { status: string; reasons: string[] }> {
  const report = buildGateReport({
    images: repo.images,
    outcomes: repo.images.map((image) => ({ ref: image.ref, outcome: 'ok' as const, findings: [] })),
    workloads: repo.workloads,
    diagnostics: repo.diagnostics,
    tool: { version: '0' },
  });
  return new Map(report.objects.map((object) => [object.id, object]));
}

// Two more Kustomizations whose builds both read `shared/`.
const twoReaders = {
  'clusters/dev/shared.yaml': `${fluxKustomization('first', './shared')}---\n${fluxKustomization('second', './shared')}`,
};

describe('what cannot be read makes every object that reads it unknown', () => {
  it('a manifest padded past 10 MiB: both Kustomizations reading it are unknown, naming the file', async () => {
    const padded = `${deployment('docker.io/library/evil:1', 'evil')}# ${'x'.repeat(10 * 1024 * 1024)}\n`;
    const repo = await load({ ...twoReaders, 'shared/evil.yaml': padded });
    const tooLarge = repo.diagnostics.filter((diagnostic) => diagnostic.code === 'file-too-large');
    expect(tooLarge.map((diagnostic) => [diagnostic.file, diagnostic.object])).toEqual([
      ['shared/evil.yaml', 'Kustomization/flux-system/first'],
      ['shared/evil.yaml', 'Kustomization/flux-system/second'],
    ]);
    const objects = gate(repo);
    for (const id of ['Kustomization/flux-system/first', 'Kustomization/flux-system/second']) {
      expect(objects.get(id)?.status).toBe('unknown');
      expect(objects.get(id)?.reasons.join(' ')).toContain('shared/evil.yaml');
    }
    expect(objects.get('Kustomization/flux-system/apps')?.status).toBe('pass');
  });

  it('a UTF-16 manifest (which Flux reads) makes its reader unknown', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(deployment('docker.io/library/evil:1', 'evil'), 'utf16le'),
    ]);
    const repo = await load({ ...twoReaders, 'shared/evil.yaml': utf16 });
    const objects = gate(repo);
    expect(objects.get('Kustomization/flux-system/first')?.status).toBe('unknown');
    expect(objects.get('Kustomization/flux-system/first')?.reasons.join(' ')).toMatch(
      /shared\/evil\.yaml: shared\/evil\.yaml is UTF-16 encoded/,
    );
  });

  it('a U+2028 line separator (a line break for go-yaml) makes its reader unknown, at its line', async () => {
    const text = deployment('docker.io/library/fine:1', 'fine').replace(
      '    spec:\n',
      '    spec: # harmless\u2028      initContainers: [{name: evil, image: evil:1}]\n',
    );
    const repo = await load({ ...twoReaders, 'shared/app.yaml': text });
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'yaml-line-separator',
        file: 'shared/app.yaml',
        line: 12,
        object: 'Kustomization/flux-system/first',
      }),
    );
    expect(gate(repo).get('Kustomization/flux-system/second')?.status).toBe('unknown');
  });

  it('a file no build reads changes nothing', async () => {
    const repo = await load({ 'unused/evil.yaml': Buffer.from([0xff, 0xfe, 0x41, 0x00]) });
    const objects = gate(repo);
    expect([...objects.values()].every((object) => object.status === 'pass')).toBe(true);
  });
});
