import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFluxRepository } from '@sluice/flux-adapter';
import { deploymentWithImage, makeTempDir } from '../support/temp-repo.js';
import type { TempRepo } from '../support/temp-repo.js';
import { createCaseRepo, GOOD_LOCATION, runIsolatedRepository } from './check-case.js';
import { FLUX_PATH_CASES } from './flux-paths.cases.js';

const EVIL = 'docker.io/library/outside:1';
let outside: string;
beforeAll(async () => {
  // A folder beside the repository, full of manifests no path may reach.
  outside = await makeTempDir('sluice-reliability-outside-');
  await mkdir(join(outside, 'apps'), { recursive: true });
  await writeFile(join(outside, 'apps', 'evil.yaml'), deploymentWithImage(EVIL));
  await writeFile(join(outside, 'evil.yaml'), deploymentWithImage(EVIL));
});
const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.cleanup()));
  await rm(outside, { recursive: true, force: true });
});

describe.each(FLUX_PATH_CASES)('Flux path escape $id: $input', (hostile) => {
  const test = hostile.bug === undefined ? it : it.fails;
  test(
    `reads nothing outside the root, names the file and line, still loads the rest${hostile.bug ? ` (known bug: ${hostile.bug})` : ''}`,
    { timeout: 60_000 },
    async () => {
      const repo = await createCaseRepo({
        id: hostile.id,
        category: 'Flux paths',
        input: hostile.input,
        diagnostic: 'none',
        files: hostile.files(outside),
      });
      repos.push(repo);
      // A known blow-up runs isolated: a run that never ends or exhausts memory must not take the
      // test worker with it.
      const result = hostile.bug
        ? await runIsolatedRepository(repo.root, 30_000)
        : await loadFluxRepository(repo.root);
      const locations = result.images.flatMap((image) =>
        image.locations.map((location) => ({ ref: image.ref, file: location.file, line: location.line })),
      );
      expect(locations).toContainEqual(GOOD_LOCATION);
      expect(result.images.map((image) => image.ref)).not.toContain(EVIL);
      for (const location of locations)
        expect(location.file.startsWith('..') || location.file.startsWith('/')).toBe(false);
      // Either a diagnostic names the file, or the Kustomization is listed as unresolved, with its file, line and why.
      const named = result.diagnostics.filter(
        (diagnostic) => diagnostic.file === hostile.file && diagnostic.line !== undefined,
      );
      const unresolved = result.workloads.filter(
        (workload) =>
          workload.file === hostile.file &&
          workload.method === 'unresolved' &&
          workload.unresolvedReason !== undefined,
      );
      expect([...named, ...unresolved], JSON.stringify(result.diagnostics, null, 1)).not.toEqual([]);
    },
  );
});
